-- A plan-limit refusal says who changes plans: the platform's operators (as
-- Settings → General says: "The platform changes plans"). Its sentences
-- ended with "upgrade", which nothing in the product lets a workspace do
-- itself. The limits and the rest of each sentence are as before; the
-- functions keep their owners and grants (CREATE OR REPLACE).
CREATE OR REPLACE FUNCTION app_plan_limit_message(p_limit text, p_allowed integer) RETURNS text
  LANGUAGE sql STABLE
  AS $$
    SELECT CASE
      WHEN p_allowed = 0 AND p_limit = 'seats' THEN 'Your plan includes no seats; to add members, ask the platform''s operators to upgrade the plan.'
      WHEN p_allowed = 0 AND p_limit = 'api_keys' THEN 'Your plan does not include API keys; to create one, ask the platform''s operators to upgrade the plan.'
      WHEN p_allowed = 0 AND p_limit = 'child_workspaces' THEN 'Your plan does not include child workspaces; to create one, ask the platform''s operators to upgrade the plan.'
      WHEN p_limit = 'seats' THEN format('Your plan allows %s seat%s, and members and pending invitations both count; revoke a pending invitation or remove a member to free a seat, or ask the platform''s operators to upgrade the plan.', p_allowed, CASE WHEN p_allowed = 1 THEN '' ELSE 's' END)
      WHEN p_limit = 'api_keys' THEN format('Your plan allows %s API key%s; revoke one, or ask the platform''s operators to upgrade the plan.', p_allowed, CASE WHEN p_allowed = 1 THEN '' ELSE 's' END)
      WHEN p_limit = 'child_workspaces' THEN format('Your plan allows %s child workspace%s; delete one, or ask the platform''s operators to upgrade the plan.', p_allowed, CASE WHEN p_allowed = 1 THEN '' ELSE 's' END)
      ELSE format('Your plan allows %s of these; for more, ask the platform''s operators to upgrade the plan.', p_allowed)
    END
  $$;

-- The export's refusal, likewise (lib/billing/limits.ts's EXPORT_NOT_IN_PLAN
-- is the same sentence).
CREATE OR REPLACE FUNCTION app_export_allowed_by_plan() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
  AS $$
  BEGIN
    IF current_user IN ('tenantry_app', 'tenantry_definer') AND NOT public.app_plan_allows_export(NEW.tenant_id) THEN
      RAISE EXCEPTION 'Your plan does not include exporting the audit log; to export it, ask the platform''s operators to upgrade the plan.'
        USING ERRCODE = '53400', HINT = 'plan_limit', DETAIL = 'export';
    END IF;
    RETURN NEW;
  END
  $$;
