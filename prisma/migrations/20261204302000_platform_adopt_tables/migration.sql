-- Every tenant table takes part in platform administration without a
-- change to it by hand: app_private.platform_adopt_tables() gives each
--
-- * a cross-view read policy (<table>_cross_view_select: the visited
--   tenant's rows, read-only — 20261204300000_platform_admin), and
-- * when it is in the workspace lifecycle's family (a deleted_at and a
--   deletion_batch_id), what the administrators' delete and restore need:
--   tenantry_definer may read the family's columns and set them, in platform
--   mode only (<table>_platform_lifecycle_select / _update).
--
-- It adds only what is missing. A migration that creates a tenant table ends
-- with `SELECT app_private.platform_adopt_tables();` (the resource
-- generator's template does); lib/platform/admin.test.ts fails for a table
-- that has not been adopted.
CREATE FUNCTION app_private.platform_adopt_tables() RETURNS void
  LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_table text;
  BEGIN
    FOR v_table IN
      SELECT c.relname FROM pg_catalog.pg_class c
       WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'
         AND EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)
         AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_policy p WHERE p.polrelid = c.oid AND p.polname = c.relname || '_cross_view_select')
    LOOP
      EXECUTE format(
        'CREATE POLICY %I ON public.%I FOR SELECT TO tenantry_app USING ("tenant_id" = (SELECT public.app_current_tenant_id()) AND (SELECT public.app_in_cross_view()))',
        v_table || '_cross_view_select', v_table);
    END LOOP;
    FOR v_table IN SELECT * FROM app_private.lifecycle_tables() LOOP
      EXECUTE format('GRANT SELECT ("tenant_id", "deleted_at", "deletion_batch_id"), UPDATE ("deleted_at", "deletion_batch_id") ON public.%I TO tenantry_definer', v_table);
      IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_policy p WHERE p.polrelid = ('public.' || quote_ident(v_table))::regclass AND p.polname = v_table || '_platform_lifecycle_select') THEN
        EXECUTE format(
          'CREATE POLICY %I ON public.%I FOR SELECT TO tenantry_definer USING ((SELECT public.app_current_mode()) = ''platform'')',
          v_table || '_platform_lifecycle_select', v_table);
        EXECUTE format(
          'CREATE POLICY %I ON public.%I FOR UPDATE TO tenantry_definer USING ((SELECT public.app_current_mode()) = ''platform'') WITH CHECK ((SELECT public.app_current_mode()) = ''platform'')',
          v_table || '_platform_lifecycle_update', v_table);
      END IF;
    END LOOP;
  END
  $$;
REVOKE EXECUTE ON FUNCTION app_private.platform_adopt_tables() FROM PUBLIC;

SELECT app_private.platform_adopt_tables();
