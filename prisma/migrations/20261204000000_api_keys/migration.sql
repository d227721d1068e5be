-- API keys and the public API (issue 12; seeds 001 and 002).
--
-- * A key belongs to one user and one workspace. Only its SHA-256 is stored
--   (computed by the entry function from the key it is handed, as sessions
--   are), with a short visible prefix to tell keys apart.
-- * app_enter_api_key() is the key's entry, beside app_enter(): it checks the
--   key (live, not revoked, not expired), its user (active, still a member:
--   the current role), its workspace (active; suspended and deleted refused)
--   and signs the transaction's context as app_enter does. A read key's
--   transaction is then made READ ONLY: whatever the role, Postgres itself
--   refuses every write in it (and it cannot be made writable again).
-- * Keys join the workspace lifecycle's family (deleted_at and
--   deletion_batch_id): deleted and restored with their workspace.
-- * api_idempotency_keys: a POST's Idempotency-Key and its first answer.

CREATE TABLE "api_keys" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "key_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "revoked_at" TIMESTAMPTZ(3),
    "revoked_by" UUID,
    "last_used_at" TIMESTAMPTZ(3),
    "last_used_ip" TEXT,
    "deleted_at" TIMESTAMPTZ(3),
    "deletion_batch_id" UUID,

    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "api_keys_scope" CHECK ("scope" IN ('read', 'read_write')),
    CONSTRAINT "api_keys_name" CHECK (length("name") BETWEEN 1 AND 100),
    CONSTRAINT "api_keys_prefix" CHECK ("prefix" ~ '^tnty_[0-9A-Za-z]{4,16}$'),
    CONSTRAINT "api_keys_hash_is_sha256" CHECK ("key_hash" ~ '^[0-9a-f]{64}$'),
    CONSTRAINT "api_keys_expiry" CHECK ("expires_at" > "created_at" AND "expires_at" <= "created_at" + interval '366 days'),
    CONSTRAINT "api_keys_revoked_fields" CHECK ("revoked_by" IS NULL OR "revoked_at" IS NOT NULL),
    CONSTRAINT "api_keys_deleted_fields" CHECK (("deleted_at" IS NULL) = ("deletion_batch_id" IS NULL)),
    CONSTRAINT "api_keys_last_used_ip" CHECK (length("last_used_ip") <= 64)
);
CREATE UNIQUE INDEX "api_keys_key_hash_key" ON "api_keys"("key_hash");
CREATE INDEX "api_keys_tenant_id_user_id_idx" ON "api_keys"("tenant_id", "user_id");
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "api_idempotency_keys" (
    "api_key_id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "tenant_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "status_code" INTEGER,
    "response_body" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "api_idempotency_keys_pkey" PRIMARY KEY ("api_key_id", "key"),
    CONSTRAINT "api_idempotency_keys_key" CHECK (length("key") BETWEEN 1 AND 255),
    CONSTRAINT "api_idempotency_keys_fingerprint" CHECK ("fingerprint" ~ '^[0-9a-f]{64}$'),
    CONSTRAINT "api_idempotency_keys_response" CHECK (("status_code" IS NULL) = ("response_body" IS NULL))
);
CREATE INDEX "api_idempotency_keys_created_at_idx" ON "api_idempotency_keys"("created_at");
ALTER TABLE "api_idempotency_keys" ADD CONSTRAINT "api_idempotency_keys_api_key_id_fkey" FOREIGN KEY ("api_key_id") REFERENCES "api_keys"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "api_idempotency_keys" ADD CONSTRAINT "api_idempotency_keys_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "api_idempotency_keys" ADD CONSTRAINT "api_idempotency_keys_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The module's permissions (lib/api-keys/definition.ts).
INSERT INTO "role_permissions" ("permission", "role") VALUES
  ('apikeys.create', 'owner'), ('apikeys.create', 'admin'), ('apikeys.create', 'auditor'), ('apikeys.create', 'member');

-- ---------------------------------------------------------------------------
-- Row-level security.
-- ---------------------------------------------------------------------------
ALTER TABLE "api_keys" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "api_keys" FORCE ROW LEVEL SECURITY;
-- Members see and revoke their own keys; apikeys.manage sees and revokes
-- every key of the workspace; whoever deletes the workspace (tenant.delete)
-- marks its keys with the batch, and restores them.
CREATE POLICY api_keys_select ON "api_keys" FOR SELECT TO tenantry_app USING (
  "tenant_id" = (SELECT app_current_tenant_id())
  AND ("user_id" = (SELECT app_current_user_id()) OR (SELECT app_can('apikeys.manage')) OR (SELECT app_can('tenant.delete')))
);
CREATE POLICY api_keys_insert ON "api_keys" FOR INSERT TO tenantry_app WITH CHECK (
  "tenant_id" = (SELECT app_current_tenant_id())
  AND "user_id" = (SELECT app_current_user_id())
  AND (SELECT app_can('apikeys.create'))
);
CREATE POLICY api_keys_update ON "api_keys" FOR UPDATE TO tenantry_app
  USING (
    "tenant_id" = (SELECT app_current_tenant_id())
    AND (("user_id" = (SELECT app_current_user_id()) AND (SELECT app_can('apikeys.create')))
         OR (SELECT app_can('apikeys.manage')) OR (SELECT app_can('tenant.delete')))
  )
  WITH CHECK (
    "tenant_id" = (SELECT app_current_tenant_id())
    AND (("user_id" = (SELECT app_current_user_id()) AND (SELECT app_can('apikeys.create')))
         OR (SELECT app_can('apikeys.manage')) OR (SELECT app_can('tenant.delete')))
  );
-- The entry function reads every key (to verify one) and writes only when it was last used.
CREATE POLICY api_keys_definer_select ON "api_keys" FOR SELECT TO tenantry_definer USING (true);
-- The entry writes when a key was last used; the triggers below revoke keys.
CREATE POLICY api_keys_definer_update ON "api_keys" FOR UPDATE TO tenantry_definer USING (true) WITH CHECK (true);

ALTER TABLE "api_idempotency_keys" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "api_idempotency_keys" FORCE ROW LEVEL SECURITY;
-- One's own records in the workspace entered; nobody else's.
CREATE POLICY api_idempotency_keys_own ON "api_idempotency_keys" TO tenantry_app
  USING ("tenant_id" = (SELECT app_current_tenant_id()) AND "user_id" = (SELECT app_current_user_id()))
  WITH CHECK ("tenant_id" = (SELECT app_current_tenant_id()) AND "user_id" = (SELECT app_current_user_id()));

GRANT SELECT ("id", "tenant_id", "user_id", "name", "scope", "prefix", "created_at", "expires_at", "revoked_at", "revoked_by",
              "last_used_at", "last_used_ip", "deleted_at", "deletion_batch_id") ON "api_keys" TO tenantry_app;
GRANT INSERT ("tenant_id", "user_id", "name", "scope", "prefix", "key_hash", "expires_at") ON "api_keys" TO tenantry_app;
GRANT UPDATE ("revoked_at", "revoked_by", "deleted_at", "deletion_batch_id") ON "api_keys" TO tenantry_app;
GRANT SELECT, INSERT, DELETE ON "api_idempotency_keys" TO tenantry_app;
GRANT UPDATE ("status_code", "response_body") ON "api_idempotency_keys" TO tenantry_app;

GRANT SELECT ON "api_keys" TO tenantry_definer;
GRANT UPDATE ("last_used_at", "last_used_ip", "revoked_at") ON "api_keys" TO tenantry_definer;
-- A key's first use is audited by the entry itself (before a read key's
-- transaction becomes read-only); the audit_log_insert policy still applies.
GRANT INSERT ON "audit_log" TO tenantry_definer;
GRANT USAGE ON SEQUENCE "audit_log_id_seq" TO tenantry_definer;

-- ---------------------------------------------------------------------------
-- The key's entry. p_tenant_id: the workspace the request names (its path),
-- which must be the key's; NULL enters the user alone (GET /me; tenant_id
-- still says which workspace the key is for). Refusals are
-- 42501 with a hint: signed_out (no such key, or revoked), token_expired,
-- inactive (user deactivated), not_found (another workspace, or the key's
-- workspace deleted), not_member (no longer a member), tenant_suspended.
-- p_ip is recorded as where the key was last used (at most once a minute).
-- ---------------------------------------------------------------------------
CREATE FUNCTION app_enter_api_key(p_key text, p_tenant_id uuid, p_ip text DEFAULT NULL,
  OUT key_id uuid, OUT user_id uuid, OUT email text, OUT name text,
  OUT tenant_id uuid, OUT role member_role, OUT scope text, OUT expires_at timestamptz)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_key record;
    v_first boolean := false;
    -- Not in a read-only transaction, nor in one reading an older snapshot
    -- (an export's), where a concurrent update would be a serialization failure.
    v_writable boolean := current_setting('transaction_read_only') = 'off'
                          AND current_setting('transaction_isolation') = 'read committed';
    v_ip text := CASE WHEN length(p_ip) <= 64 THEN p_ip END;
  BEGIN
    IF p_key IS NULL OR length(p_key) NOT BETWEEN 20 AND 128 THEN
      RAISE EXCEPTION 'not an API key' USING ERRCODE = '42501', HINT = 'signed_out';
    END IF;
    SELECT k.id, k.tenant_id, k.user_id, k.scope, k.expires_at, k.revoked_at, k.deleted_at, k.last_used_at,
           u.email, u.name, u.active, t.status
      INTO v_key
      FROM public.api_keys k JOIN public.users u ON u.id = k.user_id JOIN public.tenants t ON t.id = k.tenant_id
     WHERE k.key_hash = encode(sha256(convert_to(p_key, 'UTF8')), 'hex');
    IF NOT FOUND OR v_key.revoked_at IS NOT NULL THEN
      RAISE EXCEPTION 'no live API key' USING ERRCODE = '42501', HINT = 'signed_out';
    END IF;
    IF v_key.expires_at <= now() THEN
      RAISE EXCEPTION 'the API key expired' USING ERRCODE = '42501', HINT = 'token_expired';
    END IF;
    IF NOT v_key.active THEN
      RAISE EXCEPTION 'the key''s user is deactivated' USING ERRCODE = '42501', HINT = 'inactive';
    END IF;
    IF (p_tenant_id IS NOT NULL AND p_tenant_id <> v_key.tenant_id) OR v_key.status = 'deleted' OR v_key.deleted_at IS NOT NULL THEN
      RAISE EXCEPTION 'no such workspace for this key' USING ERRCODE = '42501', HINT = 'not_found';
    END IF;
    SELECT m.role INTO role FROM public.tenant_members m WHERE m.tenant_id = v_key.tenant_id AND m.user_id = v_key.user_id;
    IF role IS NULL THEN
      RAISE EXCEPTION 'the key''s user is no longer a member' USING ERRCODE = '42501', HINT = 'not_member';
    END IF;
    IF v_key.status <> 'active' THEN
      RAISE EXCEPTION 'the workspace is suspended' USING ERRCODE = '42501', HINT = 'tenant_suspended';
    END IF;

    key_id := v_key.id;
    user_id := v_key.user_id;
    email := v_key.email;
    name := v_key.name;
    scope := v_key.scope;
    expires_at := v_key.expires_at;

    -- The member's context in the key's workspace (as app_enter signs it).
    PERFORM app_private.set_context(v_key.tenant_id, v_key.user_id, v_key.email, role, 'member', NULL);
    IF v_writable THEN
      IF v_key.last_used_at IS NULL THEN
        UPDATE public.api_keys k SET last_used_at = now(), last_used_ip = v_ip WHERE k.id = v_key.id AND k.last_used_at IS NULL;
        v_first := FOUND;
      ELSIF v_key.last_used_at < now() - interval '1 minute' THEN
        UPDATE public.api_keys k SET last_used_at = now(), last_used_ip = v_ip
         WHERE k.id = v_key.id AND k.last_used_at < now() - interval '1 minute';
      END IF;
      IF v_first THEN
        INSERT INTO public.audit_log (tenant_id, actor_user_id, actor_email, action, target_type, target_id, metadata, ip)
        VALUES (v_key.tenant_id, v_key.user_id, v_key.email, 'apikey.first_use', 'api_key', v_key.id::text,
                jsonb_build_object('scope', v_key.scope), v_ip);
      END IF;
    END IF;

    tenant_id := v_key.tenant_id;
    IF p_tenant_id IS NULL THEN
      PERFORM app_private.set_context(NULL, v_key.user_id, v_key.email, NULL, 'user', NULL);
    END IF;
    -- A read key reads: from here on this transaction cannot write anything.
    IF v_key.scope = 'read' THEN
      PERFORM set_config('transaction_read_only', 'on', true);
    END IF;
  END
  $$;
ALTER FUNCTION app_enter_api_key(text, uuid, text) OWNER TO tenantry_definer;
REVOKE EXECUTE ON FUNCTION app_enter_api_key(text, uuid, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_enter_api_key(text, uuid, text) TO tenantry_app;

-- Holding an invitation token, with an API key for the user (POST
-- /api/v1/invitations/accept): the key is checked as app_enter_api_key
-- checks it (a read key's transaction is read-only, so it cannot accept),
-- then the one invitation the token names becomes readable, as
-- app_enter_invitation does for a session.
CREATE FUNCTION app_enter_invitation_with_key(p_invite_token text, p_key text, p_ip text DEFAULT NULL,
  OUT user_id uuid, OUT email text, OUT name text)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_user record;
  BEGIN
    IF p_invite_token IS NULL OR length(p_invite_token) > 128 THEN
      RAISE EXCEPTION 'not an invitation token' USING ERRCODE = '22023';
    END IF;
    SELECT k.user_id, k.email, k.name INTO v_user FROM public.app_enter_api_key(p_key, NULL, p_ip) k;
    user_id := v_user.user_id;
    email := v_user.email;
    name := v_user.name;
    PERFORM app_private.set_context(NULL, user_id, email, NULL, 'invite',
                                    encode(sha256(convert_to(p_invite_token, 'UTF8')), 'hex'));
  END
  $$;
ALTER FUNCTION app_enter_invitation_with_key(text, text, text) OWNER TO tenantry_definer;
REVOKE EXECUTE ON FUNCTION app_enter_invitation_with_key(text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_enter_invitation_with_key(text, text, text) TO tenantry_app;

-- A key dies with its user's membership or account, whoever ends it: a
-- member removed (or leaving) and later invited back, or a user deactivated
-- and later reactivated, does not find their old keys working again (as a
-- deactivation ends their sessions). Revoked by the database, so every path
-- that removes or deactivates revokes them.
CREATE FUNCTION app_revoke_keys_of_departed_member() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  BEGIN
    UPDATE public.api_keys SET revoked_at = now()
     WHERE tenant_id = OLD.tenant_id AND user_id = OLD.user_id AND revoked_at IS NULL;
    RETURN NULL;
  END
  $$;
CREATE TRIGGER tenant_members_revoke_api_keys
  AFTER DELETE ON "tenant_members"
  FOR EACH ROW EXECUTE FUNCTION app_revoke_keys_of_departed_member();

CREATE FUNCTION app_revoke_keys_of_deactivated_user() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  BEGIN
    UPDATE public.api_keys SET revoked_at = now() WHERE user_id = NEW.id AND revoked_at IS NULL;
    RETURN NULL;
  END
  $$;
CREATE TRIGGER users_deactivation_revokes_api_keys
  AFTER UPDATE OF "active" ON "users"
  FOR EACH ROW WHEN (OLD.active AND NOT NEW.active)
  EXECUTE FUNCTION app_revoke_keys_of_deactivated_user();

ALTER FUNCTION app_revoke_keys_of_departed_member() OWNER TO tenantry_definer;
ALTER FUNCTION app_revoke_keys_of_deactivated_user() OWNER TO tenantry_definer;
