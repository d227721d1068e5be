-- The platform console's page of a workspace that is gone (an old link to
-- /admin/workspaces/<id>): app_enter_cross_view refused a platform
-- administrator with "not found", as it refuses anyone else, so the page
-- could only be the app's generic not-found page. Now, to a platform
-- administrator only (the flag is checked first, as before), an id with no
-- workspace is refused with hint 'workspace_gone' and a DETAIL that says
-- what is true: the workspace that had it was purged (its tombstone: name
-- and when), or no workspace ever had it. Anyone else is still refused with
-- hint 'not_found', and nothing is written either way. Same signature:
-- the owner (tenantry_definer) and grants are kept.
CREATE OR REPLACE FUNCTION app_enter_cross_view(p_session_token text, p_tenant_id uuid, p_area text, p_ip text, p_user_agent text,
  OUT user_id uuid, OUT email text, OUT name text, OUT tenant_name text, OUT tenant_slug text, OUT tenant_status public.tenant_status)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_purged record;
  BEGIN
    SELECT a.user_id, a.email, a.name INTO user_id, email, name FROM app_private.platform_admin(p_session_token) a;
    IF p_area IS NULL OR p_area !~ '^[a-z][a-z_]{0,31}$' THEN
      RAISE EXCEPTION 'not an area of a workspace' USING ERRCODE = '22023';
    END IF;
    SELECT t.name, t.slug, t.status INTO tenant_name, tenant_slug, tenant_status FROM public.tenants t WHERE t.id = p_tenant_id;
    IF NOT FOUND THEN
      SELECT s.name, s.purged_at INTO v_purged FROM public.tenant_tombstones s WHERE s.id = p_tenant_id;
      RAISE EXCEPTION 'no workspace %', p_tenant_id USING ERRCODE = 'P0002', HINT = 'workspace_gone',
        DETAIL = jsonb_build_object('admin_email', email, 'purged', FOUND,
                                    'name', v_purged.name, 'purged_at', v_purged.purged_at)::text;
    END IF;
    INSERT INTO public.audit_log (tenant_id, actor_user_id, actor_email, action, target_type, target_id, metadata, ip, user_agent)
    VALUES (p_tenant_id, user_id, email, 'platform.cross_view', 'tenant', p_tenant_id::text,
            jsonb_build_object('area', p_area, 'admin', coalesce(name, email)),
            left(p_ip, 45), left(p_user_agent, 512));
    PERFORM app_private.set_context(p_tenant_id, NULL, NULL, NULL, 'cross_view', NULL);
  END
  $$;
ALTER FUNCTION app_enter_cross_view(text, uuid, text, text, text) OWNER TO tenantry_definer;

-- What the entry reads of a tombstone: which workspace it was and when it
-- was purged (not who purged it).
GRANT SELECT ("id", "name", "purged_at") ON "tenant_tombstones" TO tenantry_definer;
