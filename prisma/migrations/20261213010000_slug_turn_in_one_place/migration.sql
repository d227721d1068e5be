-- Slug changes take turns under one transaction lock (migration
-- 20261212000000_slug_changes_in_turn). Its key was written twice: in the
-- trigger and in renameWorkspace, which takes the lock before it locks the
-- workspace's row. A key changed in one place only would let the two paths
-- stop taking turns, silently. Both now call this function.
CREATE FUNCTION app_slug_change_turn() RETURNS void
  LANGUAGE sql SET search_path = pg_catalog, pg_temp
  AS $$ SELECT pg_advisory_xact_lock(hashtextextended('tenant_slug', 0)) $$;
REVOKE EXECUTE ON FUNCTION app_slug_change_turn() FROM PUBLIC;
-- Whoever may write a tenant's row: the app (renameWorkspace) and the
-- definer role, whose functions update tenants; the owner's connection owns
-- it. The trigger runs as whoever updates the row.
GRANT EXECUTE ON FUNCTION app_slug_change_turn() TO tenantry_app, tenantry_definer;

CREATE OR REPLACE FUNCTION app_tenant_slug_change_lock() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
  AS $$
  BEGIN
    PERFORM public.app_slug_change_turn();
    RETURN NEW;
  END
  $$;
