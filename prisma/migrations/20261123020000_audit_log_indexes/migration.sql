-- Indexes for the audit page. Every filter the page offers is answered by an
-- index that leads with tenant_id and hands rows back already ordered by
-- (created_at DESC, id DESC), so a keyset page costs the same at page 5,000
-- as at page 1.

CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS btree_gin;

-- One or more actions: one ordered scan per action, merged (lib/audit/query.ts).
CREATE INDEX "audit_log_tenant_id_action_created_at_id_idx"
  ON "audit_log"("tenant_id", "action", "created_at" DESC, "id" DESC);

-- An actor, with or without actions.
CREATE INDEX "audit_log_tenant_id_actor_email_action_created_at_id_idx"
  ON "audit_log"("tenant_id", "actor_email", "action", "created_at" DESC, "id" DESC);

-- A target by id (a user or an invitation).
CREATE INDEX "audit_log_tenant_id_target_id_created_at_id_idx"
  ON "audit_log"("tenant_id", "target_id", "created_at" DESC, "id" DESC);

-- A target by email: the address an invitation, removal or role change concerned.
CREATE INDEX "audit_log_target_email"
  ON "audit_log"("tenant_id", lower("metadata" ->> 'email'), "created_at" DESC, "id" DESC);

-- Free text over target, actor and details.
CREATE FUNCTION app_audit_search_text(p_target_id text, p_actor_email text, p_metadata jsonb) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT lower(coalesce(p_target_id, '') || ' ' || coalesce(p_actor_email, '') || ' ' || p_metadata::text) $$;

CREATE INDEX "audit_log_search_text"
  ON "audit_log" USING gin ("tenant_id", app_audit_search_text("target_id", "actor_email", "metadata") gin_trgm_ops);
