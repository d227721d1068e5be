-- What the entered workspace uses of its plan's limits on child workspaces
-- and API keys, for the pages that offer to create them. app_plan_usage
-- counts whatever the caller may see and is not the app's to call: a member
-- sees only their own keys, and the closure lists children in the trash,
-- which the limit does not count. So the API keys page offered a member a
-- form the database would refuse (a colleague's keys filled the plan), and
-- the hierarchy page offered its form with every child the plan allows in
-- use; both said so only on submit.
--
-- Answers only for the workspace the context entered (never one the caller
-- names), counted exactly as the limit counts (app_plan_usage):
-- * 'api_keys': to a role in it (a member or a delegate) or a platform
--   administrator's cross-view. Every member may create keys, and the plan's
--   limit on them is the workspace's.
-- * 'child_workspaces': to those who may see its children
--   (tenant.children.manage, as the tenant_closure policy asks).
-- Anything else gets NULL rather than an error: the pages' statement travels
-- with the entry and runs whatever the entry decided.
CREATE FUNCTION app_entered_plan_usage(p_limit text) RETURNS bigint
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_ctx public.app_context := public.app_context();
  BEGIN
    IF p_limit IS NULL OR p_limit NOT IN ('api_keys', 'child_workspaces') THEN
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
