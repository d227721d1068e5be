-- The plan a new workspace starts on, in one place: the default plan
-- (plans.is_default, one at most), else free. The insert trigger on tenants
-- applies it, and the Workspaces page reads it to say which plan a new child
-- workspace starts on. The rule is as before (20261204300000_platform_admin):
-- a creator in the app does not choose the plan; only the platform does.
CREATE FUNCTION app_default_plan_id() RETURNS text
  LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
  AS $$
    SELECT coalesce((SELECT p.id FROM public.plans p WHERE p.is_default), 'free')
  $$;
GRANT EXECUTE ON FUNCTION app_default_plan_id() TO tenantry_app, tenantry_definer;

CREATE OR REPLACE FUNCTION app_tenant_default_plan() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
  AS $$
  BEGIN
    -- A workspace's creator in the app does not choose its plan.
    IF current_user = 'tenantry_app' THEN
      NEW.plan_id := NULL;
    END IF;
    NEW.plan_id := coalesce(NEW.plan_id, public.app_default_plan_id());
    RETURN NEW;
  END
  $$;
