-- A tenant is entered only by its members. withTenant() opens every
-- tenant-scoped transaction with this function instead of setting
-- app.tenant_id itself: it sets the context and, in the same statement,
-- refuses a user who is not an active member of the tenant. A forged or
-- stale tenant id therefore cannot even be entered, which covers the two
-- SELECT policies that trust app.tenant_id alone (tenant_members and
-- tenants: a membership check inside tenant_members' own policy would
-- recurse), and a member removed after their request began is refused at the
-- start of the transaction.
CREATE FUNCTION app_enter_tenant(p_tenant_id uuid, p_user_id uuid) RETURNS member_role
  LANGUAGE plpgsql VOLATILE
  AS $$
  DECLARE
    v_role member_role;
  BEGIN
    PERFORM set_config('app.user_id', p_user_id::text, true);
    PERFORM set_config('app.tenant_id', p_tenant_id::text, true);
    PERFORM set_config('app.invite_token_hash', '', true);
    v_role := app_role_in(p_tenant_id);
    IF v_role IS NULL THEN
      RAISE EXCEPTION 'user % is not a member of tenant %', p_user_id, p_tenant_id
        USING ERRCODE = '42501', HINT = 'not_member';
    END IF;
    RETURN v_role;
  END
  $$;
