-- Profile and two-factor authentication (TOTP).
--
-- * sessions gain the device they were started from (a short description of
--   the user agent), when they were created and last seen (refreshed at most
--   once a minute by the verification itself), and whether the second factor
--   is still awaited.
-- * A session started by a user with two-factor enabled is awaiting the
--   second factor, whichever path inserts it (a trigger decides, not
--   Auth.js). Until a code is accepted, app_private.session_user does not
--   know it: every entry function refuses it, so it grants nothing.
-- * user_two_factor holds the TOTP secret sealed (AES-256-GCM under a key
--   derived from AUTH_SECRET: the database never sees it in clear) and the
--   last time step accepted (no code is accepted twice). user_recovery_codes
--   holds the SHA-256 of each one-time recovery code.
-- * Awaiting sessions reach their factor only through the functions below,
--   which take the session token as their proof, as the entries do.

-- ---------------------------------------------------------------------------
-- Sessions: device, created, last seen, awaiting the second factor.
-- ---------------------------------------------------------------------------
ALTER TABLE "sessions"
  ADD COLUMN "device" TEXT,
  ADD COLUMN "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  ADD COLUMN "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  ADD COLUMN "second_factor_pending" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_device_length" CHECK (length("device") <= 100);

-- ---------------------------------------------------------------------------
-- The second factor.
-- ---------------------------------------------------------------------------
CREATE TABLE "user_two_factor" (
    "user_id" UUID NOT NULL,
    -- v1.<iv>.<tag>.<ciphertext>, base64url: never a base32 secret in clear.
    "secret_sealed" TEXT NOT NULL,
    -- NULL while enrolment waits for its first code.
    "enabled_at" TIMESTAMPTZ(3),
    -- The TOTP time step (unix time / 30) of the last code accepted.
    "last_used_step" BIGINT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "user_two_factor_pkey" PRIMARY KEY ("user_id"),
    CONSTRAINT "user_two_factor_secret_is_sealed" CHECK ("secret_sealed" ~ '^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{16,}$')
);
ALTER TABLE "user_two_factor" ADD CONSTRAINT "user_two_factor_user_id_fkey"
  FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "user_recovery_codes" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID NOT NULL,
    "code_hash" TEXT NOT NULL,
    "used_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "user_recovery_codes_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "user_recovery_codes_hash_is_sha256" CHECK ("code_hash" ~ '^[0-9a-f]{64}$')
);
CREATE UNIQUE INDEX "user_recovery_codes_user_id_code_hash_key" ON "user_recovery_codes"("user_id", "code_hash");
ALTER TABLE "user_recovery_codes" ADD CONSTRAINT "user_recovery_codes_user_id_fkey"
  FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Each user reaches only their own rows, from a verified context (a complete
-- session: session_user refuses an awaiting one).
ALTER TABLE "user_two_factor" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "user_two_factor" FORCE ROW LEVEL SECURITY;
ALTER TABLE "user_recovery_codes" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "user_recovery_codes" FORCE ROW LEVEL SECURITY;
CREATE POLICY user_two_factor_self ON "user_two_factor" TO tenantry_app
  USING ("user_id" = (SELECT app_current_user_id()))
  WITH CHECK ("user_id" = (SELECT app_current_user_id()));
CREATE POLICY user_recovery_codes_self ON "user_recovery_codes" TO tenantry_app
  USING ("user_id" = (SELECT app_current_user_id()))
  WITH CHECK ("user_id" = (SELECT app_current_user_id()));
CREATE POLICY user_two_factor_definer ON "user_two_factor" TO tenantry_definer USING (true) WITH CHECK (true);
CREATE POLICY user_recovery_codes_definer ON "user_recovery_codes" TO tenantry_definer USING (true) WITH CHECK (true);

GRANT SELECT, INSERT, DELETE ON "user_two_factor" TO tenantry_app;
GRANT UPDATE ("secret_sealed", "enabled_at", "last_used_step") ON "user_two_factor" TO tenantry_app;
GRANT SELECT, INSERT, DELETE ON "user_recovery_codes" TO tenantry_app;
GRANT UPDATE ("used_at") ON "user_recovery_codes" TO tenantry_app;
GRANT SELECT, UPDATE ("last_used_step") ON "user_two_factor" TO tenantry_definer;
GRANT SELECT, UPDATE ("used_at") ON "user_recovery_codes" TO tenantry_definer;

-- ---------------------------------------------------------------------------
-- A new session awaits the second factor when its user has one: decided
-- here, whoever inserts it; its times are the database's.
-- ---------------------------------------------------------------------------
CREATE FUNCTION app_session_second_factor() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  BEGIN
    NEW.second_factor_pending := EXISTS (
      SELECT 1 FROM public.user_two_factor f WHERE f.user_id = NEW.user_id AND f.enabled_at IS NOT NULL);
    NEW.created_at := now();
    NEW.last_seen_at := now();
    RETURN NEW;
  END
  $$;
CREATE TRIGGER sessions_second_factor
  BEFORE INSERT ON "sessions"
  FOR EACH ROW EXECUTE FUNCTION app_session_second_factor();

-- Auth.js's role refreshes a session's token and expiry and nothing else: it
-- cannot mark a session as having passed the second factor.
REVOKE UPDATE ON "sessions" FROM tenantry_auth;
GRANT UPDATE ("session_token", "expires") ON "sessions" TO tenantry_auth;
GRANT UPDATE ("last_seen_at", "second_factor_pending"), DELETE ON "sessions" TO tenantry_definer;

-- ---------------------------------------------------------------------------
-- The verified session, as in 20261202000000_proven_identity, except that a
-- session awaiting its second factor is no session, and last_seen_at is kept
-- to the minute.
-- ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_private.session_user(p_session_token text,
  OUT user_id uuid, OUT email text, OUT name text, OUT active boolean, OUT last_tenant_id uuid)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_hash text;
    v_expires timestamptz;
    v_last_seen timestamptz;
  BEGIN
    IF p_session_token IS NULL OR length(p_session_token) NOT BETWEEN 20 AND 512 THEN
      RETURN;
    END IF;
    v_hash := encode(sha256(convert_to(p_session_token, 'UTF8')), 'hex');
    SELECT s.user_id, u.email, u.name, u.active, u.last_tenant_id, s.expires, s.last_seen_at
      INTO user_id, email, name, active, last_tenant_id, v_expires, v_last_seen
      FROM public.sessions s JOIN public.users u ON u.id = s.user_id
     WHERE s.session_token = v_hash AND s.expires > now() AND NOT s.second_factor_pending;
    -- Not in a read-only transaction, nor in one reading an older snapshot
    -- (an export's), where a concurrent refresh would be a serialization failure.
    IF FOUND AND active
       AND (v_expires < now() + interval '29 days' OR v_last_seen < now() - interval '1 minute')
       AND current_setting('transaction_read_only') = 'off'
       AND current_setting('transaction_isolation') = 'read committed' THEN
      UPDATE public.sessions
         SET expires = CASE WHEN v_expires < now() + interval '29 days' THEN now() + interval '30 days' ELSE expires END,
             last_seen_at = now()
       WHERE session_token = v_hash;
    END IF;
  END
  $$;
GRANT UPDATE ("expires") ON "sessions" TO tenantry_definer;

-- The live session awaiting its second factor that a token proves, if it was
-- started less than 15 minutes ago by an active user: its user.
CREATE FUNCTION app_private.awaiting_session(p_session_token text, OUT user_id uuid, OUT email text, OUT session_hash text)
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  BEGIN
    IF p_session_token IS NULL OR length(p_session_token) NOT BETWEEN 20 AND 512 THEN
      RETURN;
    END IF;
    session_hash := encode(sha256(convert_to(p_session_token, 'UTF8')), 'hex');
    SELECT s.user_id, u.email INTO user_id, email
      FROM public.sessions s JOIN public.users u ON u.id = s.user_id
     WHERE s.session_token = session_hash AND s.second_factor_pending AND u.active
       AND s.expires > now() AND s.created_at > now() - interval '15 minutes';
  END
  $$;

-- Whether the token's session is one awaiting its second factor (the page
-- that asks for the code; the guards, to send such a session there).
CREATE FUNCTION app_second_factor_pending(p_session_token text) RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$ SELECT (app_private.awaiting_session(p_session_token)).user_id IS NOT NULL $$;

-- What verifying the awaited code needs: the sealed secret (only the app can
-- open it) and the last step accepted.
CREATE FUNCTION app_second_factor_challenge(p_session_token text,
  OUT user_id uuid, OUT email text, OUT secret_sealed text, OUT last_used_step bigint)
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_session record;
  BEGIN
    SELECT * INTO v_session FROM app_private.awaiting_session(p_session_token);
    IF v_session.user_id IS NULL THEN
      RETURN;
    END IF;
    SELECT f.user_id, v_session.email, f.secret_sealed, f.last_used_step
      INTO user_id, email, secret_sealed, last_used_step
      FROM public.user_two_factor f
     WHERE f.user_id = v_session.user_id AND f.enabled_at IS NOT NULL;
  END
  $$;

-- The awaited code was right for time step p_step: accepted once only (a
-- step at or before the last one accepted is a replay), and the session is
-- then complete.
CREATE FUNCTION app_second_factor_accept(p_session_token text, p_step bigint) RETURNS boolean
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_session record;
  BEGIN
    SELECT * INTO v_session FROM app_private.awaiting_session(p_session_token);
    IF v_session.user_id IS NULL THEN
      RETURN false;
    END IF;
    UPDATE public.user_two_factor SET last_used_step = p_step
     WHERE user_two_factor.user_id = v_session.user_id AND enabled_at IS NOT NULL
       AND (last_used_step IS NULL OR last_used_step < p_step);
    IF NOT FOUND THEN
      RETURN false;
    END IF;
    UPDATE public.sessions SET second_factor_pending = false, last_seen_at = now() WHERE session_token = v_session.session_hash;
    RETURN true;
  END
  $$;

-- A recovery code instead: hashed here (a copy of the stored hashes opens
-- nothing), used once, and the session is then complete.
CREATE FUNCTION app_second_factor_recover(p_session_token text, p_code text) RETURNS boolean
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_session record;
  BEGIN
    SELECT * INTO v_session FROM app_private.awaiting_session(p_session_token);
    IF v_session.user_id IS NULL OR p_code IS NULL OR length(p_code) > 64 THEN
      RETURN false;
    END IF;
    UPDATE public.user_recovery_codes SET used_at = now()
     WHERE id = (SELECT c.id FROM public.user_recovery_codes c
                  WHERE c.user_id = v_session.user_id AND c.used_at IS NULL
                    AND c.code_hash = encode(sha256(convert_to(p_code, 'UTF8')), 'hex')
                  FOR UPDATE)
       AND used_at IS NULL;
    IF NOT FOUND THEN
      RETURN false;
    END IF;
    UPDATE public.sessions SET second_factor_pending = false, last_seen_at = now() WHERE session_token = v_session.session_hash;
    RETURN true;
  END
  $$;

-- ---------------------------------------------------------------------------
-- The profile: one's own sessions, and signing them out.
-- ---------------------------------------------------------------------------
CREATE FUNCTION app_my_sessions(p_session_token text)
  RETURNS TABLE (id uuid, device text, created_at timestamptz, last_seen_at timestamptz, is_current boolean, awaiting_second_factor boolean)
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_user record;
    v_hash text := encode(sha256(convert_to(coalesce(p_session_token, ''), 'UTF8')), 'hex');
  BEGIN
    SELECT * INTO v_user FROM app_private.session_user(p_session_token);
    IF v_user.user_id IS NULL OR NOT v_user.active THEN
      RAISE EXCEPTION 'no live session' USING ERRCODE = '42501', HINT = 'signed_out';
    END IF;
    RETURN QUERY
      SELECT s.id, s.device, s.created_at, s.last_seen_at, s.session_token = v_hash, s.second_factor_pending
        FROM public.sessions s
       WHERE s.user_id = v_user.user_id AND s.expires > now()
         -- A sign-in that awaited its code past the 15 minutes is dead: not listed.
         AND (NOT s.second_factor_pending OR s.created_at > now() - interval '15 minutes')
       ORDER BY s.session_token = v_hash DESC, s.last_seen_at DESC, s.id;
  END
  $$;

-- Signs out one of one's other sessions (NULL: all of them); the current one
-- is signed out by signing out. Returns how many ended.
CREATE FUNCTION app_sign_out_sessions(p_session_token text, p_session_id uuid) RETURNS integer
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_user record;
    v_count integer;
  BEGIN
    SELECT * INTO v_user FROM app_private.session_user(p_session_token);
    IF v_user.user_id IS NULL OR NOT v_user.active THEN
      RAISE EXCEPTION 'no live session' USING ERRCODE = '42501', HINT = 'signed_out';
    END IF;
    DELETE FROM public.sessions s
     WHERE s.user_id = v_user.user_id
       AND s.session_token <> encode(sha256(convert_to(p_session_token, 'UTF8')), 'hex')
       AND (p_session_id IS NULL OR s.id = p_session_id);
    GET DIAGNOSTICS v_count = ROW_COUNT;
    RETURN v_count;
  END
  $$;

-- Whether the context's user is a platform administrator (the app role may
-- not read the column: it would see its co-members').
CREATE FUNCTION app_current_user_is_platform_admin() RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$ SELECT coalesce((SELECT u.is_platform_admin FROM public.users u WHERE u.id = public.app_current_user_id() AND u.active), false) $$;
GRANT SELECT ("is_platform_admin") ON "users" TO tenantry_definer;
GRANT SELECT ON "sessions" TO tenantry_definer;

-- ---------------------------------------------------------------------------
-- Ownership and grants.
-- ---------------------------------------------------------------------------
ALTER FUNCTION app_session_second_factor() OWNER TO tenantry_definer;
ALTER FUNCTION app_private.session_user(text) OWNER TO tenantry_definer;
ALTER FUNCTION app_private.awaiting_session(text) OWNER TO tenantry_definer;
ALTER FUNCTION app_second_factor_pending(text) OWNER TO tenantry_definer;
ALTER FUNCTION app_second_factor_challenge(text) OWNER TO tenantry_definer;
ALTER FUNCTION app_second_factor_accept(text, bigint) OWNER TO tenantry_definer;
ALTER FUNCTION app_second_factor_recover(text, text) OWNER TO tenantry_definer;
ALTER FUNCTION app_my_sessions(text) OWNER TO tenantry_definer;
ALTER FUNCTION app_sign_out_sessions(text, uuid) OWNER TO tenantry_definer;
ALTER FUNCTION app_current_user_is_platform_admin() OWNER TO tenantry_definer;

REVOKE EXECUTE ON FUNCTION app_private.awaiting_session(text), app_session_second_factor(), app_second_factor_pending(text),
  app_second_factor_challenge(text), app_second_factor_accept(text, bigint), app_second_factor_recover(text, text),
  app_my_sessions(text), app_sign_out_sessions(text, uuid), app_current_user_is_platform_admin() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_second_factor_pending(text), app_second_factor_challenge(text), app_second_factor_accept(text, bigint),
  app_second_factor_recover(text, text), app_my_sessions(text), app_sign_out_sessions(text, uuid),
  app_current_user_is_platform_admin() TO tenantry_app;
