-- A purge claims its workspace before it deletes anything, and a restore
-- cannot overtake it; a restore is growth for a parent's plan.
--
-- * tenants.purge_started_at is set by the purge (lib/jobs/purge.ts) in a
--   committed statement of its own, under the row's lock, before its first
--   delete: only a workspace still deleted and due is claimed. A restore
--   reads the tenant under the same lock, so whichever comes second finds
--   the other's work: a claimed workspace is not restored, a restored one is
--   not claimed. Before this, the 30-day sweep's purge set nothing, and a
--   restore in the middle of it brought back a workspace whose audit log had
--   already been deleted (and the purge then failed for good).
-- * A workspace whose purge was asked for or has started is never brought
--   back out of the trash, by any role: what the purge deleted is gone.
-- * The append-only audit log gives way to a purge only once the purge has
--   claimed the workspace.
-- * A deleted child does not count against its parent's child-workspace
--   limit, so restoring one is growth: it is checked as creating one is
--   (app_plan_limit_children; the owner's connection, the operator, is not
--   limited). Before this, trash-and-restore went past the limit.

ALTER TABLE "tenants"
  ADD COLUMN "purge_started_at" TIMESTAMPTZ(3),
  ADD CONSTRAINT "tenants_purge_started_deleted" CHECK ("purge_started_at" IS NULL OR "status" = 'deleted');

CREATE FUNCTION app_tenant_restore_not_purging() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
  AS $$
  BEGIN
    IF OLD.purge_started_at IS NOT NULL OR OLD.purge_requested_at IS NOT NULL THEN
      -- As app_private.tenant_restore words it (the platform's restore shows the sentence).
      RAISE EXCEPTION '“%” is being purged and cannot be restored.', OLD.name
        USING ERRCODE = '55000', HINT = 'purging';
    END IF;
    RETURN NEW;
  END
  $$;
CREATE TRIGGER tenants_restore_not_purging
  BEFORE UPDATE OF "status" ON "tenants"
  FOR EACH ROW WHEN (OLD.status = 'deleted' AND NEW.status <> 'deleted')
  EXECUTE FUNCTION app_tenant_restore_not_purging();

CREATE TRIGGER tenants_children_plan_limit_restore
  BEFORE UPDATE OF "status" ON "tenants"
  FOR EACH ROW WHEN (OLD.status = 'deleted' AND NEW.status <> 'deleted' AND NEW.parent_id IS NOT NULL)
  EXECUTE FUNCTION app_plan_limit_children();

CREATE OR REPLACE FUNCTION app_audit_log_is_append_only() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    IF TG_OP = 'DELETE'
       AND OLD.tenant_id::text = current_setting('app.purge_tenant', true)
       AND EXISTS (SELECT 1 FROM public.tenants t WHERE t.id = OLD.tenant_id AND t.status = 'deleted' AND t.purge_started_at IS NOT NULL)
    THEN
      RETURN OLD;
    END IF;
    IF TG_OP = 'DELETE' AND public.app_audit_retention_admits(OLD.tenant_id, OLD.created_at) THEN
      RETURN OLD;
    END IF;
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = '42501';
  END
  $$;
