-- Target email and free-text search the app role can actually use an index
-- for. Under row-level security Postgres evaluates the policy before any
-- condition of the query that is not leakproof, and only leakproof conditions
-- may become index conditions. `=`, `<` and `>` on text are leakproof;
-- lower(), ->> and LIKE are not. So the expression index on the target email
-- and the trigram index for free text, which the previous migration made,
-- served the table owner but never the app: for the app role both filters
-- walked the whole workspace. Both are replaced by plain columns compared
-- with `=`.

DROP INDEX "audit_log_target_email";
DROP INDEX "audit_log_search_text";
DROP FUNCTION app_audit_search_text(text, text, jsonb);

-- The address an event concerns (an invitation's, a removed member's), in
-- lower case, derived from the metadata by the database itself.
ALTER TABLE "audit_log"
  ADD COLUMN "target_email" TEXT GENERATED ALWAYS AS (lower("metadata" ->> 'email')) STORED;
CREATE INDEX "audit_log_tenant_id_target_email_created_at_id_idx"
  ON "audit_log"("tenant_id", "target_email", "created_at" DESC, "id" DESC);

-- Free text is a search for words. A word is a run of two or more letters or
-- digits, lower-cased; a UUID is one word. Separators are ASCII punctuation
-- and space, Latin-1 symbols, and Unicode's general and CJK punctuation; any
-- other character counts as a letter, whatever the database's locale. The same function
-- splits the events' text and the search, so the two always agree.
CREATE FUNCTION app_audit_terms(p_text text) RETURNS text[]
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
    SELECT coalesce(array_agg(DISTINCT m[1] ORDER BY m[1]), '{}')
      FROM regexp_matches(
             lower(coalesce(p_text, '')),
             '([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[^\x01-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f\u00a0-\u00bf\u2000-\u206f\u3000-\u303f[:space:]]{2,})',
             'g') AS m
     WHERE length(m[1]) <= 100
  $$;

-- An event's words: its target id (unless the target is the workspace itself,
-- which every tenant.switch names) and every string or number in its metadata.
CREATE FUNCTION app_audit_event_terms(p_tenant_id uuid, p_target_id text, p_metadata jsonb) RETURNS text[]
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
    SELECT app_audit_terms(concat_ws(' ',
             NULLIF(p_target_id, p_tenant_id::text),
             (SELECT string_agg(v #>> '{}', ' ')
                FROM jsonb_path_query(p_metadata, 'strict $.**') AS v
               WHERE jsonb_typeof(v) IN ('string', 'number'))))
  $$;

-- One row per (event, word), ordered for a newest-first walk per word.
CREATE TABLE "audit_log_terms" (
    "audit_id" BIGINT NOT NULL,
    "term" TEXT NOT NULL,
    "tenant_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "audit_log_terms_pkey" PRIMARY KEY ("audit_id", "term")
);
CREATE INDEX "audit_log_terms_tenant_id_term_created_at_audit_id_idx"
  ON "audit_log_terms"("tenant_id", "term", "created_at" DESC, "audit_id" DESC);
ALTER TABLE "audit_log_terms" ADD CONSTRAINT "audit_log_terms_audit_id_fkey"
  FOREIGN KEY ("audit_id") REFERENCES "audit_log"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- The words of the events already logged. On a large log this is the slow
-- part of the migration: about 90 s per million events on a 2-core machine,
-- and with its indexes the table takes about 40 % of audit_log's space.
INSERT INTO "audit_log_terms" ("audit_id", "term", "tenant_id", "created_at")
SELECT l.id, w.term, l.tenant_id, l.created_at
  FROM "audit_log" l
 CROSS JOIN LATERAL unnest(app_audit_event_terms(l.tenant_id, l.target_id, l.metadata)) AS w(term);

-- Every audit row indexes its own words, whichever path inserted it, in the
-- same statement. The trigger runs as the table owner, so the app role needs
-- no write access to the words: it cannot add a word to an event, or remove
-- one. Row-level security still binds the owner here (FORCE): words go only
-- into the tenant the transaction has entered.
CREATE FUNCTION app_audit_log_index_terms() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT
  AS $$
  BEGIN
    INSERT INTO audit_log_terms (audit_id, term, tenant_id, created_at)
    SELECT n.id, w.term, n.tenant_id, n.created_at
      FROM new_rows n
     CROSS JOIN LATERAL unnest(app_audit_event_terms(n.tenant_id, n.target_id, n.metadata)) AS w(term);
    RETURN NULL;
  END
  $$;
CREATE TRIGGER audit_log_index_terms
  AFTER INSERT ON "audit_log"
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION app_audit_log_index_terms();

-- Append-only like the log it indexes.
CREATE FUNCTION app_audit_log_terms_are_append_only() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    RAISE EXCEPTION 'audit_log_terms is append-only' USING ERRCODE = '42501';
  END
  $$;
CREATE TRIGGER audit_log_terms_append_only
  BEFORE UPDATE OR DELETE ON "audit_log_terms"
  FOR EACH ROW EXECUTE FUNCTION app_audit_log_terms_are_append_only();

ALTER TABLE "audit_log_terms" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "audit_log_terms" FORCE ROW LEVEL SECURITY;
-- The same readers as audit_log; words are written only by the trigger above.
CREATE POLICY audit_log_terms_select ON "audit_log_terms" FOR SELECT USING (
  "tenant_id" = (SELECT app_current_tenant_id())
  AND (SELECT app_role_in(app_current_tenant_id())) IN ('owner', 'admin', 'auditor')
);
CREATE POLICY audit_log_terms_insert ON "audit_log_terms" FOR INSERT WITH CHECK (
  "tenant_id" = (SELECT app_current_tenant_id())
  AND (SELECT app_role_in(app_current_tenant_id())) IS NOT NULL
);

GRANT SELECT ON "audit_log_terms" TO tenantry_app;
