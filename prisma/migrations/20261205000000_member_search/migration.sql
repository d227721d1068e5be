-- The members page's search by name or email. Under the users policy a
-- search cannot use an index (ILIKE is not leakproof, so the policy's checks
-- run first, on every row), and at 10,000 members it checked every one's name
-- and email: ~24 ms of the page's statement. app_search_members(query) finds
-- the matching members of the context's workspace through a trigram index
-- and returns their user ids; the page then reads those members under the
-- usual policies, which decide what it sees as before.
CREATE INDEX "users_email_name_trgm" ON "users" USING gin ("email" gin_trgm_ops, "name" gin_trgm_ops);

-- The user ids of the members of the context's workspace whose email or name
-- contains the query (case-insensitively; % and _ taken literally). Only for
-- a context that may read the workspace's members: a role in it (a member or
-- a delegate) or a platform administrator's cross-view.
-- ROWS: a search matches a few members, so the page looks each one up
-- rather than reading the whole workspace's memberships to join them.
CREATE FUNCTION app_search_members(p_query text)
  RETURNS SETOF uuid
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  ROWS 50
  AS $$
  DECLARE
    v_tenant uuid := public.app_current_tenant_id();
    v_pattern text;
  BEGIN
    IF v_tenant IS NULL OR (public.app_current_role() IS NULL AND public.app_current_mode() IS DISTINCT FROM 'cross_view') THEN
      RAISE EXCEPTION 'not in a workspace' USING ERRCODE = '42501';
    END IF;
    IF p_query IS NULL OR char_length(p_query) NOT BETWEEN 1 AND 200 THEN
      RAISE EXCEPTION 'a search is 1 to 200 characters' USING ERRCODE = '22023';
    END IF;
    v_pattern := '%' || pg_catalog.regexp_replace(p_query, '([\\%_])', '\\\1', 'g') || '%';
    RETURN QUERY
      SELECT m.user_id
        FROM public.tenant_members m JOIN public.users u ON u.id = m.user_id
       WHERE m.tenant_id = v_tenant AND (u.email ILIKE v_pattern OR u.name ILIKE v_pattern);
  END
  $$;
ALTER FUNCTION app_search_members(text) OWNER TO tenantry_definer;
REVOKE EXECUTE ON FUNCTION app_search_members(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_search_members(text) TO tenantry_app;
