-- Slug changes take turns. Two owners swapping their workspaces' slugs at
-- the same instant (A: a→b while B: b→a, each its own transaction) could
-- each update its row and then wait in tenants_slug_key for the other's
-- transaction — A's new b behind B's old row, B's new a behind A's — a
-- deadlock, which the app could only report as an unexpected error.
--
-- Every change of a slug now first takes one transaction-level lock (as
-- every change of the hierarchy takes tenant_hierarchy's), whatever path
-- writes it: the settings page and the REST API's PATCH (both through
-- renameWorkspace in lib/workspace-settings.ts) or SQL. The row trigger runs
-- before the UPDATE touches the index, so a second change waits there until
-- the first commits or rolls back, and then meets the outcome as a plain
-- unique violation (tenants_slug_key, "already taken") or succeeds. Nothing
-- else waits: a name, colour or status change of the row takes no lock, and
-- slug changes are rare and their transactions short.
--
-- The outcome is what the same changes give one after the other:
-- - both asking for the same free slug: the first gets it, the second is
--   told it is taken;
-- - asking for the slug another change is leaving: the first commits and
--   frees it, then the second gets it (or it stays taken if the first rolls
--   back);
-- - a swap (a→b and b→a): both are refused as taken, whichever goes first,
--   as each other's slug is still held when each asks for it. A swap takes
--   a third, free slug: one moves there first.
CREATE FUNCTION app_tenant_slug_change_lock() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
  AS $$
  BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('tenant_slug', 0));
    RETURN NEW;
  END
  $$;
CREATE TRIGGER tenants_slug_change_lock
  BEFORE UPDATE OF "slug" ON "tenants"
  FOR EACH ROW WHEN (NEW."slug" IS DISTINCT FROM OLD."slug")
  EXECUTE FUNCTION app_tenant_slug_change_lock();
