-- The members page, sorted by join date or role with no search, and its
-- counts, read under the definer's rights. Under row-level security the
-- planner estimates the workspace's memberships blind (the policies' checks
-- are not leakproof), so at 10,000 members the app role's statement sorted
-- every membership to keep 20 (a bitmap over the policy's arms, then a
-- top-N sort), hashed all 10,000 for the users policy to check 20 users,
-- and read them all again for each count: ~6.2 ms a page, warm and
-- prepared. The definer plans with the tables' own statistics and walks an
-- index in the page's order.
--
-- Both functions answer only for the context's workspace, and only for a
-- context that may read its members (a role in it, a member or a delegate,
-- or a platform administrator's cross-view), exactly what the users and
-- tenant_members policies let the app role read. Anything else reads
-- nothing rather than failing: the page's statement travels with the entry
-- (enterThenRead) and runs whatever the entry decided.
CREATE INDEX "tenant_members_tenant_id_created_at_user_id_idx" ON "tenant_members" ("tenant_id", "created_at", "user_id");
CREATE INDEX "tenant_members_tenant_id_role_user_id_idx" ON "tenant_members" ("tenant_id", "role", "user_id");

-- Whether the context may read p_tenant_id's members (called by the two
-- functions below, under their rights).
CREATE FUNCTION app_private.may_read_members(p_tenant_id uuid) RETURNS boolean
  LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp
  AS $$
  BEGIN
    RETURN p_tenant_id IS NOT NULL AND p_tenant_id = public.app_current_tenant_id()
       AND (public.app_current_role() IS NOT NULL OR public.app_current_mode() IS NOT DISTINCT FROM 'cross_view');
  END
  $$;
ALTER FUNCTION app_private.may_read_members(uuid) OWNER TO tenantry_definer;
REVOKE EXECUTE ON FUNCTION app_private.may_read_members(uuid) FROM PUBLIC;

-- A page of p_tenant_id's members by join date ('joined') or role ('role'),
-- ties by user id, ascending or descending (p_desc): the user's id, name and
-- email, the membership's role and join time.
CREATE FUNCTION app_member_page(p_tenant_id uuid, p_order text, p_desc boolean, p_limit integer, p_offset integer)
  RETURNS TABLE (user_id uuid, name text, email text, role public.member_role, created_at timestamptz)
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  ROWS 20
  AS $$
  BEGIN
    IF NOT app_private.may_read_members(p_tenant_id) THEN
      RETURN;
    END IF;
    IF p_order = 'joined' AND NOT p_desc THEN
      RETURN QUERY SELECT m.user_id, u.name, u.email, m.role, m.created_at::timestamptz
        FROM (SELECT m.user_id, m.role, m.created_at FROM public.tenant_members m WHERE m.tenant_id = p_tenant_id
               ORDER BY m.created_at ASC, m.user_id ASC LIMIT p_limit OFFSET p_offset) m
        JOIN public.users u ON u.id = m.user_id
       ORDER BY m.created_at ASC, m.user_id ASC;
    ELSIF p_order = 'joined' THEN
      RETURN QUERY SELECT m.user_id, u.name, u.email, m.role, m.created_at::timestamptz
        FROM (SELECT m.user_id, m.role, m.created_at FROM public.tenant_members m WHERE m.tenant_id = p_tenant_id
               ORDER BY m.created_at DESC, m.user_id ASC LIMIT p_limit OFFSET p_offset) m
        JOIN public.users u ON u.id = m.user_id
       ORDER BY m.created_at DESC, m.user_id ASC;
    ELSIF p_order = 'role' AND NOT p_desc THEN
      RETURN QUERY SELECT m.user_id, u.name, u.email, m.role, m.created_at::timestamptz
        FROM (SELECT m.user_id, m.role, m.created_at FROM public.tenant_members m WHERE m.tenant_id = p_tenant_id
               ORDER BY m.role ASC, m.user_id ASC LIMIT p_limit OFFSET p_offset) m
        JOIN public.users u ON u.id = m.user_id
       ORDER BY m.role ASC, m.user_id ASC;
    ELSIF p_order = 'role' THEN
      RETURN QUERY SELECT m.user_id, u.name, u.email, m.role, m.created_at::timestamptz
        FROM (SELECT m.user_id, m.role, m.created_at FROM public.tenant_members m WHERE m.tenant_id = p_tenant_id
               ORDER BY m.role DESC, m.user_id ASC LIMIT p_limit OFFSET p_offset) m
        JOIN public.users u ON u.id = m.user_id
       ORDER BY m.role DESC, m.user_id ASC;
    ELSE
      RAISE EXCEPTION 'members are paged by join date or role here, not by %', p_order USING ERRCODE = '22023';
    END IF;
  END
  $$;
ALTER FUNCTION app_member_page(uuid, text, boolean, integer, integer) OWNER TO tenantry_definer;
REVOKE EXECUTE ON FUNCTION app_member_page(uuid, text, boolean, integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_member_page(uuid, text, boolean, integer, integer) TO tenantry_app;

-- How many members p_tenant_id has, and how many of them are owners (one
-- walk of the (tenant, role, user) index); zero for a context that may not
-- read them.
CREATE FUNCTION app_member_counts(p_tenant_id uuid, OUT total integer, OUT owners integer)
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  BEGIN
    total := 0;
    owners := 0;
    IF NOT app_private.may_read_members(p_tenant_id) THEN
      RETURN;
    END IF;
    SELECT count(*)::integer, (count(*) FILTER (WHERE m.role = 'owner'))::integer INTO total, owners
      FROM public.tenant_members m WHERE m.tenant_id = p_tenant_id;
  END
  $$;
ALTER FUNCTION app_member_counts(uuid) OWNER TO tenantry_definer;
REVOKE EXECUTE ON FUNCTION app_member_counts(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_member_counts(uuid) TO tenantry_app;
