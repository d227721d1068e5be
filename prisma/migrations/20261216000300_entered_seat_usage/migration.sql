-- The entered workspace's seats in use, for the members page: it says how
-- many of the plan's seats are taken by its invite form, and with every seat
-- taken offers no form that could only be refused. Counted exactly as the
-- seats triggers count (app_plan_usage: members plus pending, unexpired
-- invitations not in the trash), answered like the API keys: to a role in the
-- entered workspace or a platform administrator's cross-view, for that
-- workspace only (General already shows every member its seats).
CREATE OR REPLACE FUNCTION app_entered_plan_usage(p_limit text) RETURNS bigint
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_ctx public.app_context := public.app_context();
  BEGIN
    IF p_limit IS NULL OR p_limit NOT IN ('seats', 'api_keys', 'child_workspaces') THEN
      RAISE EXCEPTION 'no usage of % for the entered workspace', p_limit USING ERRCODE = '22023';
    END IF;
    IF v_ctx.tenant_id IS NULL OR (v_ctx.role IS NULL AND v_ctx.mode IS DISTINCT FROM 'cross_view') THEN
      RETURN NULL;
    END IF;
    IF p_limit = 'child_workspaces' AND NOT public.app_can('tenant.children.manage') THEN
      RETURN NULL;
    END IF;
    RETURN public.app_plan_usage(v_ctx.tenant_id, p_limit);
  END
  $$;
ALTER FUNCTION app_entered_plan_usage(text) OWNER TO tenantry_definer;
REVOKE EXECUTE ON FUNCTION app_entered_plan_usage(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_entered_plan_usage(text) TO tenantry_app;
