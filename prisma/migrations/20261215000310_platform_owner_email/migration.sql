-- A workspace a platform administrator creates for a first owner is emailed
-- to that owner (the app sends it in the creating transaction, after
-- app_platform_create_tenant), and the workspace's log records whether the
-- email went out, as it does for invitations: "tenant.owner_email" with the
-- address and email_dispatched. Only in the transaction that created the
-- workspace (its row's xmin is this transaction), so nothing else can write
-- such a row; the address is the owner's, read here.
CREATE FUNCTION app_platform_record_owner_email(p_tenant_id uuid, p_email_dispatched boolean) RETURNS text
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_actor record;
    v_tenant record;
    v_email text;
  BEGIN
    SELECT * INTO v_actor FROM app_private.platform_actor();
    SELECT t.id, t.name, t.slug INTO v_tenant FROM public.tenants t
     WHERE t.id = p_tenant_id AND t.xmin = pg_catalog.pg_current_xact_id()::xid;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'no workspace % created in this transaction', p_tenant_id USING ERRCODE = 'P0002', HINT = 'not_found';
    END IF;
    SELECT u.email INTO v_email FROM public.tenant_members m JOIN public.users u ON u.id = m.user_id
     WHERE m.tenant_id = p_tenant_id AND m.role = 'owner'
     ORDER BY m.created_at LIMIT 1;
    INSERT INTO public.audit_log (tenant_id, actor_user_id, actor_email, action, target_type, target_id, metadata)
    VALUES (p_tenant_id, v_actor.user_id, v_actor.email, 'tenant.owner_email', 'tenant', p_tenant_id::text,
            jsonb_build_object('email', v_email, 'name', v_tenant.name, 'email_dispatched', coalesce(p_email_dispatched, false), 'by', 'platform'));
    RETURN v_email;
  END
  $$;

ALTER FUNCTION app_platform_record_owner_email(uuid, boolean) OWNER TO tenantry_definer;
REVOKE EXECUTE ON FUNCTION app_platform_record_owner_email(uuid, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_platform_record_owner_email(uuid, boolean) TO tenantry_app;
