-- The live role checks the policies make in nearly every statement, cheaper
-- in Postgres and unchanged in what they answer.
--
-- app_role_in() ran as the caller: its lookup of the caller's membership and
-- user row went through those tables' own policies, each of whose
-- (SELECT app_current_…()) sub-selects verified the signed context again
-- (app_context(): the context key read and two SHA-256 — about 11 µs a
-- call here). One call read the context 7 times; app_can(), which compared
-- each matching role_permissions row with a fresh app_role_in(), read it 14
-- times. Every statement of a page that reads invitations, the audit log,
-- projects or API keys makes such a check: on the members page's one
-- statement, 24 context reads in all.
--
-- Now app_role_in() reads the context once and looks the membership up as
-- tenantry_definer (whose policies on tenant_members and users admit every
-- row: it reads only the context's own user's row, which the caller could
-- read too), and app_can() asks for the role once. Two context reads each.
-- prisma/role-checks.test.ts counts them, and holds both to the live role:
-- a role changed or a membership removed since the entry counts at the
-- next statement of the same transaction.
--
-- Bodies otherwise as before: a delegate's role in the entered tenant comes
-- from app_delegated_role(); a user who is not active has no role.

CREATE OR REPLACE FUNCTION app_role_in(p_tenant_id uuid) RETURNS member_role
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_ctx public.app_context := public.app_context();
    v_role public.member_role;
  BEGIN
    SELECT m.role INTO v_role FROM public.tenant_members m JOIN public.users u ON u.id = m.user_id
     WHERE m.tenant_id = p_tenant_id AND m.user_id = v_ctx.user_id AND u.active;
    IF v_role IS NULL AND p_tenant_id = v_ctx.tenant_id AND public.app_acting_via() IS NOT NULL THEN
      v_role := public.app_delegated_role();
    END IF;
    RETURN v_role;
  END
  $$;

ALTER FUNCTION app_role_in(uuid) OWNER TO tenantry_definer;

-- Not SECURITY DEFINER (it reads only role_permissions, which has no
-- policies); the role is asked for once, not once per row of the matrix.
CREATE OR REPLACE FUNCTION app_can(p_permission text)
  RETURNS boolean
  LANGUAGE plpgsql STABLE
  AS $$
  DECLARE
    v_role public.member_role := public.app_role_in(public.app_current_tenant_id());
  BEGIN
    RETURN v_role IS NOT NULL
       AND EXISTS (SELECT 1 FROM public.role_permissions rp WHERE rp.permission = p_permission AND rp.role = v_role);
  END
  $$;
