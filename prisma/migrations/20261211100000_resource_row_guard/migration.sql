-- A resource's rows (projects, and every table npm run new:resource writes)
-- go into the trash and out of it only with their workspace, and only whoever
-- manages the resource edits them.
--
-- The UPDATE policy admits two kinds of caller: <resource>.manage, to edit,
-- and tenant.delete, so that deleteTenant and restoreTenant can mark and
-- unmark the workspace's whole family (deleted_at, deletion_batch_id). It
-- could not tell the two apart, so as the app role a manager who may not
-- delete the workspace (an admin, a member) could set deleted_at on a row
-- one by one — the row vanished from the page and the API, could no longer
-- be deleted through the lib, and no audit row said so — and an owner kept
-- out of <resource>.manage by a resource's matrix could still edit it. A new
-- row could be inserted already in the trash, hidden from everyone.
--
-- app_resource_row_guard(<manage permission>) tells them apart, for the app
-- role only (the owner's connection and the definer's lifecycle functions
-- are not bound): a row is inserted live; its trash columns change only for
-- tenant.delete; any other column only for the permission it is given.

CREATE FUNCTION app_resource_row_guard() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_manage text := TG_ARGV[0];
  BEGIN
    IF current_user <> 'tenantry_app' THEN
      RETURN NEW;
    END IF;
    IF TG_OP = 'INSERT' THEN
      IF NEW.deleted_at IS NOT NULL OR NEW.deletion_batch_id IS NOT NULL THEN
        RAISE EXCEPTION 'a new row of % is not in the trash', TG_TABLE_NAME USING ERRCODE = '42501', HINT = 'resource_trash';
      END IF;
      RETURN NEW;
    END IF;
    IF (NEW.deleted_at IS DISTINCT FROM OLD.deleted_at OR NEW.deletion_batch_id IS DISTINCT FROM OLD.deletion_batch_id)
       AND NOT public.app_can('tenant.delete') THEN
      RAISE EXCEPTION 'a row of % goes to the trash only with its workspace', TG_TABLE_NAME USING ERRCODE = '42501', HINT = 'resource_trash';
    END IF;
    IF (to_jsonb(NEW) - 'deleted_at' - 'deletion_batch_id') IS DISTINCT FROM (to_jsonb(OLD) - 'deleted_at' - 'deletion_batch_id')
       AND NOT public.app_can(v_manage) THEN
      RAISE EXCEPTION 'changing a row of % takes %', TG_TABLE_NAME, v_manage USING ERRCODE = '42501', HINT = 'resource_manage';
    END IF;
    RETURN NEW;
  END
  $$;

CREATE TRIGGER projects_guard
  BEFORE INSERT OR UPDATE ON "projects"
  FOR EACH ROW EXECUTE FUNCTION app_resource_row_guard('projects.manage');
