-- The members page's search, as rows and without failing. app_search_members
-- returned the matching members' ids, which the page joined back to
-- tenant_members and users under the policies (at 10,000 members: a hash of
-- every membership and the users policy's list of every member, ~8 ms of a
-- ~9 ms statement), and it refused a context outside a workspace with an
-- error. The page's statement now travels with the entry (enterThenRead) and
-- runs whatever the entry decided, so for a request that enters no workspace
-- (onboarding, a suspended workspace) that error failed the page instead of
-- the redirect. app_member_search(tenant, query) returns the matching
-- members' rows itself, and nothing for a context that may not read the
-- workspace's members (app_private.may_read_members), as the policies would.
DROP FUNCTION app_search_members(text);

-- The members of p_tenant_id whose email or name contains the query
-- (case-insensitively; % and _ taken literally), through the trigram index
-- on users: the user's id, name and email, the membership's role and join
-- time. A query of 1 to 200 characters (the page sends no other).
CREATE FUNCTION app_member_search(p_tenant_id uuid, p_query text)
  RETURNS TABLE (user_id uuid, name text, email text, role public.member_role, created_at timestamptz)
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  ROWS 50
  AS $$
  DECLARE
    v_pattern text;
  BEGIN
    IF p_query IS NULL OR char_length(p_query) NOT BETWEEN 1 AND 200 THEN
      RAISE EXCEPTION 'a search is 1 to 200 characters' USING ERRCODE = '22023';
    END IF;
    IF NOT app_private.may_read_members(p_tenant_id) THEN
      RETURN;
    END IF;
    v_pattern := '%' || pg_catalog.regexp_replace(p_query, '([\\%_])', '\\\1', 'g') || '%';
    RETURN QUERY
      SELECT m.user_id, u.name, u.email, m.role, m.created_at::timestamptz
        FROM public.tenant_members m JOIN public.users u ON u.id = m.user_id
       WHERE m.tenant_id = p_tenant_id AND (u.email ILIKE v_pattern OR u.name ILIKE v_pattern);
  END
  $$;
ALTER FUNCTION app_member_search(uuid, text) OWNER TO tenantry_definer;
REVOKE EXECUTE ON FUNCTION app_member_search(uuid, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_member_search(uuid, text) TO tenantry_app;
