-- The Workspaces page counts the entered workspace's children and all its
-- descendants, for those who may see them. It counted tenant_closure rows,
-- which include workspaces in the trash: with one of three children deleted,
-- it still said "3 workspaces in all below this one". The app role cannot
-- read those workspaces' status (tenants_select shows callers their own
-- workspaces), so the count is the definer's: for the entered workspace only
-- (never one the caller names) and under the tenant_closure policy's own
-- condition (tenant.children.manage); anyone else gets zeros, as that policy
-- gave them.
CREATE FUNCTION app_entered_descendants(OUT children int, OUT descendants int)
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_tenant uuid := public.app_current_tenant_id();
  BEGIN
    children := 0;
    descendants := 0;
    IF v_tenant IS NULL OR NOT public.app_can('tenant.children.manage') THEN
      RETURN;
    END IF;
    SELECT count(*) FILTER (WHERE c.depth = 1)::int, count(*)::int INTO children, descendants
      FROM public.tenant_closure c
      JOIN public.tenants t ON t.id = c.descendant_id
     WHERE c.ancestor_id = v_tenant AND c.depth > 0 AND t.status <> 'deleted';
  END
  $$;
ALTER FUNCTION app_entered_descendants() OWNER TO tenantry_definer;
REVOKE EXECUTE ON FUNCTION app_entered_descendants() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_entered_descendants() TO tenantry_app;
