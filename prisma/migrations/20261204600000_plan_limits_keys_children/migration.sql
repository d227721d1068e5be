-- Plans' limits on API keys and child workspaces, attached now that both
-- tables exist (20261204000000_api_keys, 20261204400000_tenant_hierarchy).
-- Enforced in the database, in the creating transaction, under the
-- workspace's lock, like seats.

-- A live key counts: not revoked, not in the trash, not expired.
CREATE OR REPLACE FUNCTION app_plan_usage(p_tenant_id uuid, p_limit text) RETURNS bigint
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_count bigint := 0;
  BEGIN
    IF p_limit = 'seats' THEN
      SELECT (SELECT count(*) FROM public.tenant_members m WHERE m.tenant_id = p_tenant_id)
           + (SELECT count(*) FROM public.tenant_invitations i
               WHERE i.tenant_id = p_tenant_id AND i.status = 'pending' AND i.expires_at > now() AND i.deleted_at IS NULL)
        INTO v_count;
    ELSIF p_limit = 'child_workspaces' THEN
      SELECT count(*) INTO v_count FROM public.tenants t WHERE t.parent_id = p_tenant_id AND t.status <> 'deleted';
    ELSIF p_limit = 'api_keys' THEN
      SELECT count(*) INTO v_count FROM public.api_keys k
       WHERE k.tenant_id = p_tenant_id AND k.revoked_at IS NULL AND k.deleted_at IS NULL AND k.expires_at > now();
    END IF;
    RETURN v_count;
  END
  $$;
ALTER FUNCTION app_plan_usage(uuid, text) OWNER TO tenantry_definer;

-- API keys: created in the key's workspace, so the caller's context is that
-- workspace and the generic check applies.
CREATE TRIGGER api_keys_plan_limit
  BEFORE INSERT ON "api_keys"
  FOR EACH ROW EXECUTE FUNCTION app_plan_limit_trigger('api_keys', 'tenant_id');

-- Child workspaces count against the parent's plan. A child is created from
-- the child's own entry (app_enter_new_tenant), not the parent's, so the
-- generic check (which asks that the caller's context be the workspace
-- counted) does not fit: this one takes the parent's lock and compares.
-- tenants_insert admits a parent_id only for a manager of that parent; as a
-- BEFORE trigger this runs first, so someone who is not could learn whether
-- a parent they name is at its limit (one bit, no count). Re-parenting under
-- a new parent counts too. The owner's connection (operators) is not limited.
CREATE FUNCTION app_plan_enforce_children(p_parent_id uuid) RETURNS void
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_allowed integer;
  BEGIN
    PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('tenant:' || p_parent_id::text, 0));
    v_allowed := public.app_plan_limit(p_parent_id, 'child_workspaces');
    IF v_allowed IS NOT NULL AND public.app_plan_usage(p_parent_id, 'child_workspaces') + 1 > v_allowed THEN
      RAISE EXCEPTION '%', public.app_plan_limit_message('child_workspaces', v_allowed)
        USING ERRCODE = '53400', HINT = 'plan_limit', DETAIL = 'child_workspaces';
    END IF;
  END
  $$;
ALTER FUNCTION app_plan_enforce_children(uuid) OWNER TO tenantry_definer;
REVOKE EXECUTE ON FUNCTION app_plan_enforce_children(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_plan_enforce_children(uuid) TO tenantry_app, tenantry_definer;

CREATE FUNCTION app_plan_limit_children() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
  AS $$
  BEGIN
    IF NEW.parent_id IS NOT NULL AND current_user IN ('tenantry_app', 'tenantry_definer') THEN
      PERFORM public.app_plan_enforce_children(NEW.parent_id);
    END IF;
    RETURN NEW;
  END
  $$;

CREATE TRIGGER tenants_children_plan_limit
  BEFORE INSERT ON "tenants"
  FOR EACH ROW EXECUTE FUNCTION app_plan_limit_children();
CREATE TRIGGER tenants_children_plan_limit_reparent
  BEFORE UPDATE OF "parent_id" ON "tenants"
  FOR EACH ROW WHEN (NEW.parent_id IS DISTINCT FROM OLD.parent_id)
  EXECUTE FUNCTION app_plan_limit_children();
