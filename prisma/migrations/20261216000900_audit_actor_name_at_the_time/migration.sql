-- An audit row records its actor's display name as it was when the row was
-- written, as it records the actor's email. The page, the export and the API
-- read this column; before, they joined users and showed today's name, so a
-- member who renamed themselves (to "Olivia Owner", say) rewrote the actor
-- of every row they had ever written — and a change of name writes no audit
-- row, so the log could not tell.
ALTER TABLE "audit_log" ADD COLUMN "actor_name" TEXT;

-- Filled by the database on every insert, whichever path writes the row (the
-- app's recordAudit, the export's rows, the definers' and the worker's
-- inserts, the delegated mirror): for a row with an actor, that user's name
-- at this moment (null when they have none). A name the insert gives is
-- ignored then, so no role — the app role included — records a name other
-- than the actor's own. A row without an actor keeps what its writer gave
-- (only the definers and the owner write such rows; none gives a name).
-- SECURITY DEFINER so that it reads users under FORCE ROW LEVEL SECURITY
-- (users_definer_select) whoever inserts, a plain member included.
CREATE FUNCTION app_audit_actor_name() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  BEGIN
    IF NEW.actor_user_id IS NOT NULL THEN
      NEW.actor_name := (SELECT u.name FROM public.users u WHERE u.id = NEW.actor_user_id);
    END IF;
    RETURN NEW;
  END
  $$;
ALTER FUNCTION app_audit_actor_name() OWNER TO tenantry_definer;
REVOKE EXECUTE ON FUNCTION app_audit_actor_name() FROM PUBLIC;
CREATE TRIGGER audit_log_actor_name
  BEFORE INSERT ON "audit_log"
  FOR EACH ROW EXECUTE FUNCTION app_audit_actor_name();

-- Rows written before this migration never recorded a name: they get the
-- actor's name as it is now, the best record there is. The log is
-- append-only (audit_log_append_only refuses every UPDATE), so that trigger
-- is off for this one statement; the migration's transaction holds the
-- table's lock from here to its commit, so no other write sees it off.
ALTER TABLE "audit_log" DISABLE TRIGGER audit_log_append_only;
UPDATE "audit_log" l SET "actor_name" = u.name
  FROM "users" u
 WHERE u.id = l.actor_user_id AND u.name IS NOT NULL;
ALTER TABLE "audit_log" ENABLE TRIGGER audit_log_append_only;
