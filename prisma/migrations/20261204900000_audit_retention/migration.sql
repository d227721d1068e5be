-- Audit retention (seed 003: a plan's "audit retention days"). A workspace's
-- events older than its plan's retention are deleted by a daily job
-- (lib/jobs/retention.ts); a NULL retention keeps them forever.
--
-- * The log stays append-only for everyone else: the app role has no UPDATE
--   or DELETE privilege, and the triggers refuse every UPDATE and every
--   DELETE but a purge's (app.purge_tenant) and, now, this function's.
-- * app_audit_apply_retention(tenant, now, batch) is the one way. It reads
--   the cutoff from the workspace's plan itself, never later than the
--   database's own clock (a caller that claims a later "now" deletes nothing
--   more), deletes at most `batch` of the oldest events before the cutoff
--   with their search words, and commits with its caller's statement: one
--   short transaction per batch, however long the log. Batches of one
--   workspace take its retention lock, so two workers running at once wait
--   for each other a batch at a time and never delete a row twice.
-- * The definer's DELETE (and the SELECT its WHERE needs) on the log and its
--   words is admitted only for the workspace and cutoff the function names
--   in transaction-local settings while it runs, and clears before it
--   returns. Only the owner's role (the worker) may call the function.

-- Whether the retention function currently running admits deleting this event.
CREATE FUNCTION app_audit_retention_admits(p_tenant_id uuid, p_created_at timestamptz) RETURNS boolean
  LANGUAGE sql STABLE
  AS $$
    SELECT current_user = 'tenantry_definer'
       AND p_tenant_id::text = current_setting('app.retention_tenant', true)
       AND p_created_at < nullif(current_setting('app.retention_cutoff', true), '')::timestamptz
  $$;

CREATE OR REPLACE FUNCTION app_audit_log_is_append_only() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    IF TG_OP = 'DELETE'
       AND OLD.tenant_id::text = current_setting('app.purge_tenant', true)
       AND EXISTS (SELECT 1 FROM public.tenants t WHERE t.id = OLD.tenant_id AND t.status = 'deleted')
    THEN
      RETURN OLD;
    END IF;
    IF TG_OP = 'DELETE' AND public.app_audit_retention_admits(OLD.tenant_id, OLD.created_at) THEN
      RETURN OLD;
    END IF;
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = '42501';
  END
  $$;
-- The log's search words follow the same rule with the same function (both
-- rows carry tenant_id and created_at): one definition instead of two twins.
DROP TRIGGER audit_log_terms_append_only ON "audit_log_terms";
CREATE TRIGGER audit_log_terms_append_only
  BEFORE UPDATE OR DELETE ON "audit_log_terms"
  FOR EACH ROW EXECUTE FUNCTION app_audit_log_is_append_only();
DROP FUNCTION app_audit_log_terms_are_append_only();

CREATE POLICY audit_log_definer_retention_select ON "audit_log" FOR SELECT TO tenantry_definer
  USING (app_audit_retention_admits("tenant_id", "created_at"));
CREATE POLICY audit_log_definer_retention_delete ON "audit_log" FOR DELETE TO tenantry_definer
  USING (app_audit_retention_admits("tenant_id", "created_at"));
CREATE POLICY audit_log_terms_definer_retention_select ON "audit_log_terms" FOR SELECT TO tenantry_definer
  USING (app_audit_retention_admits("tenant_id", "created_at"));
CREATE POLICY audit_log_terms_definer_retention_delete ON "audit_log_terms" FOR DELETE TO tenantry_definer
  USING (app_audit_retention_admits("tenant_id", "created_at"));
GRANT SELECT, DELETE ON "audit_log", "audit_log_terms" TO tenantry_definer;
GRANT EXECUTE ON FUNCTION app_audit_retention_admits(uuid, timestamptz) TO tenantry_definer;

-- One batch of a workspace's retention: how many events it deleted, the
-- cutoff it used and the plan's retention (NULL: kept forever, nothing done).
CREATE FUNCTION app_audit_apply_retention(p_tenant_id uuid, p_now timestamptz, p_batch integer,
    OUT deleted integer, OUT cutoff timestamptz, OUT retention_days integer)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_ids bigint[];
  BEGIN
    deleted := 0;
    IF p_batch IS NULL OR p_batch < 1 OR p_batch > 50000 THEN
      RAISE EXCEPTION 'a retention batch is 1 to 50000 events, not %', p_batch USING ERRCODE = '22023';
    END IF;
    SELECT p.audit_retention_days INTO retention_days
      FROM public.tenants t JOIN public.plans p ON p.id = t.plan_id
     WHERE t.id = p_tenant_id;
    IF retention_days IS NULL THEN
      RETURN;
    END IF;
    cutoff := least(coalesce(p_now, statement_timestamp()), statement_timestamp()) - make_interval(days => retention_days);
    PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('audit_retention:' || p_tenant_id::text, 0));
    PERFORM pg_catalog.set_config('app.retention_tenant', p_tenant_id::text, true);
    PERFORM pg_catalog.set_config('app.retention_cutoff', cutoff::text, true);
    -- The oldest first: a backward walk of (tenant_id, created_at DESC, id DESC).
    SELECT array_agg(b.id) INTO v_ids
      FROM (SELECT l.id FROM public.audit_log l
             WHERE l.tenant_id = p_tenant_id AND l.created_at < cutoff
             ORDER BY l.created_at, l.id
             LIMIT p_batch) b;
    IF v_ids IS NOT NULL THEN
      DELETE FROM public.audit_log_terms w WHERE w.audit_id = ANY (v_ids);
      DELETE FROM public.audit_log l WHERE l.id = ANY (v_ids);
      GET DIAGNOSTICS deleted = ROW_COUNT;
    END IF;
    PERFORM pg_catalog.set_config('app.retention_tenant', '', true);
    PERFORM pg_catalog.set_config('app.retention_cutoff', '', true);
  END
  $$;
ALTER FUNCTION app_audit_apply_retention(uuid, timestamptz, integer) OWNER TO tenantry_definer;
REVOKE EXECUTE ON FUNCTION app_audit_apply_retention(uuid, timestamptz, integer) FROM PUBLIC;
-- The worker connects as the role that owns the tables (the one running this migration).
GRANT EXECUTE ON FUNCTION app_audit_apply_retention(uuid, timestamptz, integer) TO CURRENT_USER;
