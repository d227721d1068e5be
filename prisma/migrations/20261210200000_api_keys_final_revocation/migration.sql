-- API keys: a revocation is final, and an Idempotency-Key record names a key
-- of its own user.
--
-- * api_keys_update (with the app's UPDATE grant on revoked_at and
--   revoked_by) let whoever may revoke a key — its user, apikeys.manage,
--   tenant.delete — also write revoked_at = NULL: a revoked key, or the key of
--   a member removed (the removal's trigger revokes it) and invited back,
--   worked again. A trigger now refuses, for the app and the definer, any
--   change of a revoked key's revoked_at or revoked_by; a revocation by the
--   app is in the acting user's name (revoked_by = the context's user) at the
--   transaction's time; the database's own revocations (a membership ended,
--   an account deactivated: definer triggers) name nobody, as before. What a
--   key is (its user, workspace, name, scope, prefix, hash, creation and
--   expiry) never changes for them either (the app has no grant on those
--   columns; this holds for the definer's functions too). The trash columns
--   (deleted_at, deletion_batch_id) move, as the app, only for whoever may
--   delete the workspace (deleteTenant and restoreTenant mark and unmark the
--   whole family): a key's own user could otherwise hide a key in the trash
--   from the admins who would revoke it (and from the plan's count of live
--   keys), then bring it back. The owner's connection (operators, the
--   worker, migrations) is not bound.
-- * api_idempotency_keys_own checked the record's tenant and user but not
--   that api_key_id is a key of that user (a foreign key ignores RLS): a
--   co-member who knew a key's id (admins list every key; ids are in the
--   audit log) could claim an Idempotency-Key in its name, which its owner's
--   requests could neither see nor clean up — "still being processed" (409)
--   for good. The foreign key now names (api_key_id, user_id), so a record
--   names a key of its own user whatever RLS sees. The workspace is not in
--   it: a parent's key acting in a child (X-Act-As-Tenant) keeps its records
--   in the child, the workspace it entered.

-- ---------------------------------------------------------------------------
-- A revocation is final.
-- ---------------------------------------------------------------------------
CREATE FUNCTION app_api_key_guard() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
  AS $$
  BEGIN
    IF current_user NOT IN ('tenantry_app', 'tenantry_definer') THEN
      RETURN NEW;
    END IF;
    IF NEW.id IS DISTINCT FROM OLD.id OR NEW.tenant_id IS DISTINCT FROM OLD.tenant_id OR NEW.user_id IS DISTINCT FROM OLD.user_id
       OR NEW.name IS DISTINCT FROM OLD.name OR NEW.scope IS DISTINCT FROM OLD.scope OR NEW.prefix IS DISTINCT FROM OLD.prefix
       OR NEW.key_hash IS DISTINCT FROM OLD.key_hash OR NEW.created_at IS DISTINCT FROM OLD.created_at
       OR NEW.expires_at IS DISTINCT FROM OLD.expires_at THEN
      RAISE EXCEPTION 'what API key % is does not change', OLD.id USING ERRCODE = '42501', HINT = 'api_key_immutable';
    END IF;
    IF OLD.revoked_at IS NOT NULL THEN
      IF NEW.revoked_at IS DISTINCT FROM OLD.revoked_at OR NEW.revoked_by IS DISTINCT FROM OLD.revoked_by THEN
        RAISE EXCEPTION 'API key % is revoked; a revocation is final', OLD.id USING ERRCODE = '42501', HINT = 'api_key_revoked';
      END IF;
    ELSIF NEW.revoked_at IS NOT NULL THEN
      IF current_user = 'tenantry_app' THEN
        -- The app revokes in the acting user's name, now.
        IF NEW.revoked_by IS NULL OR NEW.revoked_by IS DISTINCT FROM public.app_current_user_id() THEN
          RAISE EXCEPTION 'API key % is revoked in the acting user''s name', OLD.id USING ERRCODE = '42501', HINT = 'api_key_revoked_by';
        END IF;
        NEW.revoked_at := now();
      ELSIF NEW.revoked_by IS NOT NULL THEN
        -- The definer's revocations (a membership ended, an account deactivated) are the database's own.
        RAISE EXCEPTION 'API key % is revoked by the database in nobody''s name', OLD.id USING ERRCODE = '42501', HINT = 'api_key_revoked_by';
      END IF;
    END IF;
    IF current_user = 'tenantry_app'
       AND (NEW.deleted_at IS DISTINCT FROM OLD.deleted_at OR NEW.deletion_batch_id IS DISTINCT FROM OLD.deletion_batch_id)
       AND NOT public.app_can('tenant.delete') THEN
      RAISE EXCEPTION 'API key % goes to the trash only with its workspace', OLD.id USING ERRCODE = '42501', HINT = 'api_key_trash';
    END IF;
    RETURN NEW;
  END
  $$;
CREATE TRIGGER api_keys_guard
  BEFORE UPDATE ON "api_keys"
  FOR EACH ROW EXECUTE FUNCTION app_api_key_guard();

-- ---------------------------------------------------------------------------
-- An Idempotency-Key record names a key of its own user.
-- ---------------------------------------------------------------------------
-- Records that name another user's key can only be forged ones: they go.
DELETE FROM "api_idempotency_keys" i
 WHERE NOT EXISTS (SELECT 1 FROM "api_keys" k WHERE k.id = i.api_key_id AND k.user_id = i.user_id);
CREATE UNIQUE INDEX "api_keys_id_user_id_key" ON "api_keys"("id", "user_id");
ALTER TABLE "api_idempotency_keys" DROP CONSTRAINT "api_idempotency_keys_api_key_id_fkey";
ALTER TABLE "api_idempotency_keys" ADD CONSTRAINT "api_idempotency_keys_api_key_id_user_id_fkey"
  FOREIGN KEY ("api_key_id", "user_id") REFERENCES "api_keys"("id", "user_id") ON DELETE CASCADE ON UPDATE CASCADE;
