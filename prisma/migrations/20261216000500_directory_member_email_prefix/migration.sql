-- The directory's search finds a workspace by the start of a member's email
-- address, in any case: "carol", "CAROL", "carol@walk2" and
-- "carol@walk2.test" all find the workspaces carol@walk2.test belongs to.
-- Before, only the whole address matched, and text without "@" was looked
-- for in names and slugs alone. Text without "@" is still looked for inside
-- names and slugs; text with "@" is an address's start only (no name or slug
-- holds one). The members are found through users_email_name_trgm (the
-- trigram index the members page's search uses, which serves a prefix
-- pattern too), so a search reads the few users whose address starts so,
-- not every membership. Emails are stored in lower case (users_email_lower_case).
-- The rest is as before; CREATE OR REPLACE keeps the owner (tenantry_definer)
-- and the grants.
CREATE OR REPLACE FUNCTION app_platform_tenants(p_search text, p_status public.tenant_status, p_plan text,
  p_before_created timestamptz, p_before_id uuid, p_limit integer)
  RETURNS TABLE (id uuid, name text, slug text, status public.tenant_status, plan_id text, created_at timestamptz,
                 member_count integer, last_activity_at timestamptz)
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_search text := NULLIF(lower(btrim(coalesce(p_search, ''))), '');
    v_literal text := replace(replace(replace(coalesce(v_search, ''), '\', '\\'), '%', '\%'), '_', '\_');
    v_member text := 't.id IN (SELECT m.tenant_id FROM public.tenant_members m JOIN public.users u ON u.id = m.user_id WHERE u.email LIKE $8)';
    v_where text[] := ARRAY['true'];
  BEGIN
    PERFORM app_private.platform_actor();
    IF p_status IS NOT NULL THEN v_where := array_append(v_where, 't.status = $2'); END IF;
    IF p_plan IS NOT NULL THEN v_where := array_append(v_where, 't.plan_id = $3'); END IF;
    IF p_before_created IS NOT NULL AND p_before_id IS NOT NULL THEN
      v_where := array_append(v_where, '(t.created_at, t.id) < ($4, $5)');
    END IF;
    IF v_search IS NOT NULL AND position('@' IN v_search) > 0 THEN
      v_where := array_append(v_where, v_member);
    ELSIF v_search IS NOT NULL THEN
      v_where := array_append(v_where, '(t.name ILIKE $7 OR t.slug ILIKE $7 OR ' || v_member || ')');
    END IF;
    RETURN QUERY EXECUTE format(
      'SELECT t.id, t.name, t.slug, t.status, t.plan_id, t.created_at::timestamptz,
              (SELECT count(*)::int FROM public.tenant_members m WHERE m.tenant_id = t.id),
              (SELECT a.created_at::timestamptz FROM public.audit_log a
                WHERE a.tenant_id = t.id AND a.action <> ''platform.cross_view''
                ORDER BY a.created_at DESC, a.id DESC LIMIT 1)
         FROM public.tenants t
        WHERE %s
        ORDER BY t.created_at DESC, t.id DESC
        LIMIT $6', array_to_string(v_where, ' AND '))
      USING v_search, p_status, p_plan, p_before_created, p_before_id, least(greatest(coalesce(p_limit, 50), 1), 200),
            '%' || v_literal || '%', v_literal || '%';
  END
  $$;
