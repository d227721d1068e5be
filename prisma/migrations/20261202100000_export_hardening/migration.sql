-- An export is recorded twice: audit.export when it starts (before its first
-- byte) and audit.export.finish when its download ends, whose target is the
-- start row's id. The log is append-only, so the end cannot be an update of
-- the start; instead, an export ends once: a second end for the same start
-- is refused, whichever path writes it.
CREATE UNIQUE INDEX "audit_log_export_finish_once"
  ON public."audit_log" ("target_id") WHERE "action" = 'audit.export.finish';
