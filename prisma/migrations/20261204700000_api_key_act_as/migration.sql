-- X-Act-As-Tenant for API keys (seed 001's delegation middleware): a key of
-- workspace A, sent with the header naming a descendant B, enters B as a
-- delegate *through A* — the same decision a session's act-as entry makes
-- (app_private.delegation: A must be an active ancestor of B in which the
-- key's user manages children; B's owners' delegated role, never owner; B
-- suspended → tenant_suspended, deleted → tenant_deleted, no delegated
-- access → delegation_refused, not a descendant → not_member), made in the
-- same entry that checks the key. Without the flag (no header) a key reaches
-- only its own workspace, as before: this is an overload with a fourth
-- argument, and the three-argument entry is unchanged.
CREATE FUNCTION app_enter_api_key(p_key text, p_tenant_id uuid, p_ip text, p_act_as boolean,
  OUT key_id uuid, OUT user_id uuid, OUT email text, OUT name text,
  OUT tenant_id uuid, OUT role member_role, OUT scope text, OUT expires_at timestamptz)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_key record;
    v_del record;
  BEGIN
    IF NOT coalesce(p_act_as, false) OR p_tenant_id IS NULL THEN
      SELECT * INTO key_id, user_id, email, name, tenant_id, role, scope, expires_at
        FROM public.app_enter_api_key(p_key, p_tenant_id, p_ip);
      RETURN;
    END IF;
    -- The key itself, as its own entry checks it (revoked, expired, user,
    -- membership and status of the key's workspace; a read key's
    -- transaction becomes read-only), leaving a user-only context.
    SELECT * INTO v_key FROM public.app_enter_api_key(p_key, NULL, p_ip);
    SELECT * INTO v_del FROM app_private.delegation(v_key.user_id, p_tenant_id, v_key.tenant_id);
    IF v_del.refusal IS NOT NULL THEN
      RAISE EXCEPTION 'this key''s user may not act in tenant % through %', p_tenant_id, v_key.tenant_id
        USING ERRCODE = '42501', HINT = v_del.refusal;
    END IF;
    key_id := v_key.key_id;
    user_id := v_key.user_id;
    email := v_key.email;
    name := v_key.name;
    tenant_id := p_tenant_id;
    role := v_del.role;
    scope := v_key.scope;
    expires_at := v_key.expires_at;
    PERFORM app_private.set_context(p_tenant_id, v_key.user_id, v_key.email, v_del.role, 'delegate:' || v_key.tenant_id::text, NULL);
  END
  $$;
ALTER FUNCTION app_enter_api_key(text, uuid, text, boolean) OWNER TO tenantry_definer;
REVOKE EXECUTE ON FUNCTION app_enter_api_key(text, uuid, text, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_enter_api_key(text, uuid, text, boolean) TO tenantry_app;
