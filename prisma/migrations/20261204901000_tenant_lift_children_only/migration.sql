-- The definer's one re-parent path, and nothing more. tenants_definer_reparent
-- (20261204400000_tenant_hierarchy) let tenantry_definer update any column
-- it holds a grant on (name, status, plan…) of any workspace, in any mode:
-- a permissive policy ORs with tenants_platform_update, so the platform-mode
-- condition on those columns meant nothing. What the definer needs outside
-- platform mode is app_tenant_hierarchy_lift_children: before a workspace is
-- removed (a purge), its children move up to its parent.
--
-- * The lift names what it does in a transaction-local setting,
--   app.lift_children = '<removed workspace>/<its parent, or empty>', and
--   clears it when done. The policy admits updating only the removed
--   workspace's children (USING), and only to that parent (WITH CHECK).
-- * A trigger keeps the definer, outside platform mode, to parent_id: any
--   other column it changes is refused (42501), whatever admitted the row.
-- * The lift is exempt from the plan's child limit (a purge must not fail).

CREATE OR REPLACE FUNCTION app_tenant_hierarchy_lift_children() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  BEGIN
    PERFORM pg_catalog.set_config('app.lift_children', OLD.id::text || '/' || coalesce(OLD.parent_id::text, ''), true);
    UPDATE public.tenants SET parent_id = OLD.parent_id WHERE parent_id = OLD.id;
    PERFORM pg_catalog.set_config('app.lift_children', '', true);
    RETURN OLD;
  END
  $$;

DROP POLICY tenants_definer_reparent ON "tenants";
CREATE POLICY tenants_definer_lift_children ON "tenants" FOR UPDATE TO tenantry_definer
  USING (
    coalesce(current_setting('app.lift_children', true), '') <> ''
    AND "parent_id"::text = split_part(current_setting('app.lift_children', true), '/', 1))
  WITH CHECK (
    coalesce(current_setting('app.lift_children', true), '') <> ''
    AND coalesce("parent_id"::text, '') = split_part(current_setting('app.lift_children', true), '/', 2));

CREATE FUNCTION app_tenant_definer_changes_parent_only() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
  AS $$
  BEGIN
    IF current_user = 'tenantry_definer' THEN
      IF public.app_current_mode() IS DISTINCT FROM 'platform'
         AND (pg_catalog.to_jsonb(NEW) - 'parent_id') IS DISTINCT FROM (pg_catalog.to_jsonb(OLD) - 'parent_id')
      THEN
        RAISE EXCEPTION 'outside platform mode, the definer may change only a workspace''s parent'
          USING ERRCODE = '42501';
      END IF;
    END IF;
    RETURN NEW;
  END
  $$;
-- Named to fire after every other BEFORE UPDATE trigger on tenants: it sees the row as it will be written.
CREATE TRIGGER tenants_zz_definer_changes_parent_only
  BEFORE UPDATE ON "tenants"
  FOR EACH ROW EXECUTE FUNCTION app_tenant_definer_changes_parent_only();

-- A lift is no growth: the removed workspace's children move to its parent,
-- which the plan's child limit must not refuse — a purge refused there would
-- be retried for ever. Only the move the lift names is exempt (only the
-- definer, in app_tenant_hierarchy_lift_children, may re-parent at all).
CREATE OR REPLACE FUNCTION app_plan_limit_children() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
  AS $$
  BEGIN
    IF TG_OP = 'UPDATE' THEN
      IF current_user = 'tenantry_definer'
         AND current_setting('app.lift_children', true) = OLD.parent_id::text || '/' || coalesce(NEW.parent_id::text, '') THEN
        RETURN NEW;
      END IF;
    END IF;
    IF NEW.parent_id IS NOT NULL AND current_user IN ('tenantry_app', 'tenantry_definer') THEN
      PERFORM public.app_plan_enforce_children(NEW.parent_id);
    END IF;
    RETURN NEW;
  END
  $$;
