-- The address an event concerns, for the audit page's target filter and its
-- Target column: an invitation's, a removed member's (metadata.email) and now
-- also the person an ownership transfer hands the workspace to
-- (metadata.to_email, which the transfer's events carry instead). Filtering
-- the log by the new owner's address found none of the transfer's events.
--
-- Postgres 15 cannot change a generated column's expression in place: the
-- column is added again under the new expression (this rewrites audit_log
-- once) and its index rebuilt. The append-only trigger fires on UPDATE and
-- DELETE only, so it is not involved.
DROP INDEX "audit_log_tenant_id_target_email_created_at_id_idx";
ALTER TABLE "audit_log" DROP COLUMN "target_email";
ALTER TABLE "audit_log"
  ADD COLUMN "target_email" TEXT GENERATED ALWAYS AS (lower(coalesce("metadata" ->> 'email', "metadata" ->> 'to_email'))) STORED;
CREATE INDEX "audit_log_tenant_id_target_email_created_at_id_idx"
  ON "audit_log"("tenant_id", "target_email", "created_at" DESC, "id" DESC);
