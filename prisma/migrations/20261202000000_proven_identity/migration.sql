-- Identity is proven to the database, not asserted by the app.
--
-- Until now the app role set app.tenant_id and app.user_id itself, and the
-- policies believed them: whoever held the app role's credentials could be
-- any user in any tenant, read every session token (stored in plain text)
-- and mint sessions. From here on:
--
-- * The request context lives in one setting, app.context, that only
--   app_private.set_context() can produce: it is signed with a key the app
--   role cannot read, and bound to the backend and the transaction. The
--   policies read it through app_context(), which ignores anything unsigned.
-- * Only entry functions sign a context, and each one is handed a proof: the
--   browser's session token (app_enter), an invitation token
--   (app_enter_invitation). Sessions are stored as SHA-256 only.
-- * The app role has no privilege on sessions, accounts or
--   verification_tokens; Auth.js uses its own role, tenantry_auth. users is
--   under row-level security: the app reads itself and the members of the
--   tenant it entered.
-- * SECURITY DEFINER functions belong to tenantry_definer (no login, no
--   superuser, only the grants they use), pin search_path to
--   pg_catalog, pg_temp and name every object with its schema. Nobody but
--   the owner may create objects in public, and PUBLIC may not create
--   temporary tables: a TEMP table shadowing a real one cannot hijack them.

-- ---------------------------------------------------------------------------
-- Roles. Operators may create them beforehand; LOGIN and passwords are set
-- outside migrations, as for tenantry_app.
-- ---------------------------------------------------------------------------
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tenantry_definer') THEN
    CREATE ROLE tenantry_definer NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOINHERIT;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tenantry_auth') THEN
    CREATE ROLE tenantry_auth NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
  END IF;
  -- The migrating role hands functions to tenantry_definer, which a role that
  -- is not a superuser may do only as a member of it.
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    EXECUTE format('GRANT tenantry_definer TO %I', current_user);
  END IF;
END
$$;

-- Nobody but the owner creates objects here; nobody creates temporary tables.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
DO $$
BEGIN
  EXECUTE format('REVOKE CREATE, TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
  EXECUTE format('REVOKE CREATE, TEMPORARY ON DATABASE %I FROM tenantry_app, tenantry_auth, tenantry_definer', current_database());
END
$$;
REVOKE CREATE ON SCHEMA public FROM tenantry_app, tenantry_auth, tenantry_definer;
GRANT USAGE ON SCHEMA public TO tenantry_auth, tenantry_definer;
-- Functions created from now on are not executable by everyone by default.
ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;

-- ---------------------------------------------------------------------------
-- The signing key, readable only by tenantry_definer.
-- ---------------------------------------------------------------------------
CREATE SCHEMA app_private;
REVOKE ALL ON SCHEMA app_private FROM PUBLIC;
GRANT USAGE ON SCHEMA app_private TO tenantry_definer;

CREATE TABLE app_private.context_key (
  "only" BOOLEAN PRIMARY KEY DEFAULT true CHECK ("only"),
  "key"  BYTEA NOT NULL CHECK (length("key") = 32)
);
-- gen_random_uuid() draws from the server's strong random source: two of them
-- carry 244 random bits.
INSERT INTO app_private.context_key ("key")
VALUES (sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text, 'UTF8')));
GRANT SELECT ON app_private.context_key TO tenantry_definer;

-- What a verified context says. NULL everywhere when there is none.
CREATE TYPE app_context AS (
  tenant_id uuid,
  user_id uuid,
  email text,
  role member_role,
  mode text,
  invite_hash text
);

-- Keyed SHA-256, inner and outer (no length extension).
CREATE FUNCTION app_private.context_signature(p_payload text) RETURNS text
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
    SELECT encode(sha256(k."key" || sha256(k."key" || convert_to(p_payload, 'UTF8'))), 'hex')
      FROM app_private.context_key k
  $$;

-- The payload binds the context to this backend and this transaction (its
-- start time), so a signature seen once is worth nothing anywhere else.
CREATE FUNCTION app_private.context_binding() RETURNS text
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$ SELECT pg_backend_pid()::text || '|' || (extract(epoch FROM now()) * 1000000)::bigint::text $$;

-- Signs and sets the transaction's context. Called only by entry functions.
CREATE FUNCTION app_private.set_context(
  p_tenant_id uuid, p_user_id uuid, p_email text, p_role public.member_role, p_mode text, p_invite_hash text
) RETURNS void
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_payload text;
  BEGIN
    IF p_email LIKE '%|%' THEN
      RAISE EXCEPTION 'an email address cannot contain |' USING ERRCODE = '22023';
    END IF;
    v_payload := concat_ws('|',
      coalesce(p_tenant_id::text, ''), coalesce(p_user_id::text, ''), coalesce(p_email, ''),
      coalesce(p_role::text, ''), p_mode, coalesce(p_invite_hash, ''), app_private.context_binding());
    PERFORM set_config('app.context', v_payload || '|' || app_private.context_signature(v_payload), true);
  END
  $$;

-- The verified context, or all NULL. A context that is present but not
-- signed for this transaction is an attempt to forge one: refused loudly.
CREATE FUNCTION app_context() RETURNS app_context
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_raw text := current_setting('app.context', true);
    v_parts text[];
    v_result public.app_context;
  BEGIN
    IF v_raw IS NULL OR v_raw = '' THEN
      RETURN v_result;
    END IF;
    v_parts := string_to_array(v_raw, '|');
    IF array_length(v_parts, 1) <> 9
       OR v_parts[7] || '|' || v_parts[8] <> app_private.context_binding()
       OR v_parts[9] <> app_private.context_signature(array_to_string(v_parts[1:8], '|'))
    THEN
      RAISE EXCEPTION 'the request context is not valid for this transaction'
        USING ERRCODE = '42501', HINT = 'forged_context';
    END IF;
    v_result.tenant_id := NULLIF(v_parts[1], '')::uuid;
    v_result.user_id := NULLIF(v_parts[2], '')::uuid;
    v_result.email := NULLIF(v_parts[3], '');
    v_result.role := NULLIF(v_parts[4], '')::public.member_role;
    v_result.mode := v_parts[5];
    v_result.invite_hash := NULLIF(v_parts[6], '');
    RETURN v_result;
  END
  $$;

-- The accessors the policies use. Plain SQL over app_context(); every call
-- verifies the signature (policies wrap them in (SELECT …), once per statement).
CREATE OR REPLACE FUNCTION app_current_tenant_id() RETURNS uuid
  LANGUAGE sql STABLE AS $$ SELECT (public.app_context()).tenant_id $$;
CREATE OR REPLACE FUNCTION app_current_user_id() RETURNS uuid
  LANGUAGE sql STABLE AS $$ SELECT (public.app_context()).user_id $$;
CREATE OR REPLACE FUNCTION app_current_user_email() RETURNS text
  LANGUAGE sql STABLE AS $$ SELECT (public.app_context()).email $$;
CREATE OR REPLACE FUNCTION app_invite_token_hash() RETURNS text
  LANGUAGE sql STABLE AS $$ SELECT (public.app_context()).invite_hash $$;
-- The role the entry established (a membership); NULL outside a tenant.
CREATE FUNCTION app_current_role() RETURNS member_role
  LANGUAGE sql STABLE AS $$ SELECT (public.app_context()).role $$;
CREATE FUNCTION app_current_mode() RETURNS text
  LANGUAGE sql STABLE AS $$ SELECT (public.app_context()).mode $$;

-- The live role of the context's user in a tenant (a role changed since the
-- entry counts at once). Names its tables: it also runs inside SECURITY
-- DEFINER functions, whose search_path holds only pg_catalog and pg_temp.
CREATE OR REPLACE FUNCTION app_role_in(p_tenant_id uuid) RETURNS member_role
  LANGUAGE plpgsql STABLE
  AS $$
  BEGIN
    RETURN (SELECT m.role FROM public.tenant_members m JOIN public.users u ON u.id = m.user_id
             WHERE m.tenant_id = p_tenant_id AND m.user_id = public.app_current_user_id() AND u.active);
  END
  $$;

-- Whether a tenant has any member: as the definer, so it sees them all
-- whatever the caller's context (a creator's first insert sees none).
CREATE OR REPLACE FUNCTION app_tenant_has_members(p_tenant_id uuid) RETURNS boolean
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  BEGIN
    RETURN EXISTS (SELECT 1 FROM public.tenant_members m WHERE m.tenant_id = p_tenant_id);
  END
  $$;

-- The old entry trusted the user id it was given.
DROP FUNCTION app_enter_tenant(uuid, uuid);

-- Who sent an invitation, as they were named then (like the audit log's
-- actor email): the invitee reads it before they may see anyone's user row.
ALTER TABLE "tenant_invitations" ADD COLUMN "inviter_name" TEXT;
UPDATE "tenant_invitations" i SET "inviter_name" = coalesce(u.name, u.email) FROM "users" u WHERE u.id = i.invited_by;

-- ---------------------------------------------------------------------------
-- Sessions: SHA-256 only. Existing sessions keep working (their tokens are
-- hashed in place). Verification tokens are already SHA-256 (Auth.js hashes
-- them with its secret before storing); the database now insists on it.
-- ---------------------------------------------------------------------------
UPDATE "sessions" SET "session_token" = encode(sha256(convert_to("session_token", 'UTF8')), 'hex')
 WHERE "session_token" !~ '^[0-9a-f]{64}$';
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_token_is_sha256" CHECK ("session_token" ~ '^[0-9a-f]{64}$');
DELETE FROM "verification_tokens" WHERE "token" !~ '^[0-9a-f]{64}$';
ALTER TABLE "verification_tokens" ADD CONSTRAINT "verification_tokens_token_is_sha256" CHECK ("token" ~ '^[0-9a-f]{64}$');

-- A signed-in session, verified: its user, if the token is live and the user
-- active. Keeps the session alive as Auth.js would (30 days, refreshed at
-- most once a day).
CREATE FUNCTION app_private.session_user(p_session_token text,
  OUT user_id uuid, OUT email text, OUT name text, OUT active boolean, OUT last_tenant_id uuid)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_hash text;
    v_expires timestamptz;
  BEGIN
    IF p_session_token IS NULL OR length(p_session_token) NOT BETWEEN 20 AND 512 THEN
      RETURN;
    END IF;
    v_hash := encode(sha256(convert_to(p_session_token, 'UTF8')), 'hex');
    SELECT s.user_id, u.email, u.name, u.active, u.last_tenant_id, s.expires
      INTO user_id, email, name, active, last_tenant_id, v_expires
      FROM public.sessions s JOIN public.users u ON u.id = s.user_id
     WHERE s.session_token = v_hash AND s.expires > now();
    -- Not in a read-only transaction, nor in one reading an older snapshot
    -- (an export's), where a concurrent refresh would be a serialization failure.
    IF FOUND AND active AND v_expires < now() + interval '29 days'
       AND current_setting('transaction_read_only') = 'off'
       AND current_setting('transaction_isolation') = 'read committed' THEN
      UPDATE public.sessions SET expires = now() + interval '30 days' WHERE session_token = v_hash;
    END IF;
  END
  $$;

-- ---------------------------------------------------------------------------
-- Entry functions: the only ways into a context.
-- ---------------------------------------------------------------------------

-- The request: who the session belongs to, every active workspace they
-- belong to (the switcher), and the one they act in — the asked-for tenant
-- if they are an active member of it, else (unless p_strict) the remembered
-- one, else the first by name. Enters it in the same statement. kind says
-- what happened: 'tenant', 'no-tenant' (signed in, no workspace: the user
-- alone is entered), 'signed-out', 'inactive'. With p_strict it enters
-- exactly p_tenant_id or raises 42501 (an action, a download, a write).
CREATE FUNCTION app_enter(p_session_token text, p_tenant_id uuid, p_strict boolean DEFAULT false,
  OUT kind text, OUT user_id uuid, OUT email text, OUT name text,
  OUT tenant_id uuid, OUT role member_role, OUT source text, OUT memberships jsonb)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_user record;
  BEGIN
    SELECT * INTO v_user FROM app_private.session_user(p_session_token);
    IF v_user.user_id IS NULL OR NOT v_user.active THEN
      IF p_strict THEN
        RAISE EXCEPTION 'no live session' USING ERRCODE = '42501', HINT = 'signed_out';
      END IF;
      kind := CASE WHEN v_user.user_id IS NULL THEN 'signed-out' ELSE 'inactive' END;
      RETURN;
    END IF;
    user_id := v_user.user_id;
    email := v_user.email;
    name := v_user.name;

    IF p_strict THEN
      SELECT m.role INTO role
        FROM public.tenant_members m JOIN public.tenants t ON t.id = m.tenant_id
       WHERE m.user_id = v_user.user_id AND m.tenant_id = p_tenant_id AND t.status = 'active';
      IF role IS NULL THEN
        RAISE EXCEPTION 'user % is not an active member of tenant %', v_user.user_id, p_tenant_id
          USING ERRCODE = '42501', HINT = 'not_member';
      END IF;
      kind := 'tenant';
      tenant_id := p_tenant_id;
      source := 'cookie';
    ELSE
      SELECT coalesce(jsonb_agg(jsonb_build_object('tenantId', t.id, 'tenantName', t.name, 'tenantSlug', t.slug, 'role', m.role)
                                ORDER BY lower(t.name), t.id), '[]'::jsonb)
        INTO memberships
        FROM public.tenant_members m JOIN public.tenants t ON t.id = m.tenant_id AND t.status = 'active'
       WHERE m.user_id = v_user.user_id;
      SELECT c.id, c.role, s.source INTO tenant_id, role, source
        FROM (SELECT (e ->> 'tenantId')::uuid AS id, (e ->> 'role')::public.member_role AS role, o AS ord,
                     CASE WHEN (e ->> 'tenantId')::uuid = p_tenant_id THEN 1
                          WHEN (e ->> 'tenantId')::uuid = v_user.last_tenant_id THEN 2
                          ELSE 3 END AS rank
                FROM jsonb_array_elements(memberships) WITH ORDINALITY AS x(e, o)) c
             CROSS JOIN LATERAL (SELECT (ARRAY['cookie', 'remembered', 'first'])[c.rank] AS source) s
       ORDER BY c.rank, c.ord
       LIMIT 1;
      kind := CASE WHEN tenant_id IS NULL THEN 'no-tenant' ELSE 'tenant' END;
    END IF;
    PERFORM app_private.set_context(tenant_id, v_user.user_id, v_user.email, role,
                                    CASE WHEN tenant_id IS NULL THEN 'user' ELSE 'member' END, NULL);
  END
  $$;

-- A signed-in user outside any tenant: their own memberships, and the
-- invitations addressed to their email (onboarding, switching, joining).
CREATE FUNCTION app_enter_user(p_session_token text, OUT user_id uuid, OUT email text, OUT name text)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_user record;
  BEGIN
    SELECT * INTO v_user FROM app_private.session_user(p_session_token);
    IF v_user.user_id IS NULL OR NOT v_user.active THEN
      RAISE EXCEPTION 'no live session' USING ERRCODE = '42501', HINT = 'signed_out';
    END IF;
    user_id := v_user.user_id;
    email := v_user.email;
    name := v_user.name;
    PERFORM app_private.set_context(NULL, v_user.user_id, v_user.email, NULL, 'user', NULL);
  END
  $$;

-- A new workspace's creator: the id must be unused; its context admits
-- exactly the insert of that tenant and of its creator as owner.
CREATE FUNCTION app_enter_new_tenant(p_session_token text, p_tenant_id uuid) RETURNS uuid
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_user record;
  BEGIN
    SELECT * INTO v_user FROM app_private.session_user(p_session_token);
    IF v_user.user_id IS NULL OR NOT v_user.active THEN
      RAISE EXCEPTION 'no live session' USING ERRCODE = '42501', HINT = 'signed_out';
    END IF;
    IF EXISTS (SELECT 1 FROM public.tenants t WHERE t.id = p_tenant_id) THEN
      RAISE EXCEPTION 'tenant % already exists', p_tenant_id USING ERRCODE = '42501', HINT = 'tenant_exists';
    END IF;
    PERFORM app_private.set_context(p_tenant_id, v_user.user_id, v_user.email, NULL, 'create', NULL);
    RETURN v_user.user_id;
  END
  $$;

-- Holding an invitation token: the one invitation it names becomes readable
-- (its SHA-256 is computed here, so a copy of the stored hashes is no key),
-- and with a live session, the user is known too.
CREATE FUNCTION app_enter_invitation(p_invite_token text, p_session_token text,
  OUT user_id uuid, OUT email text, OUT name text, OUT active boolean)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_user record;
  BEGIN
    IF p_invite_token IS NULL OR length(p_invite_token) > 128 THEN
      RAISE EXCEPTION 'not an invitation token' USING ERRCODE = '22023';
    END IF;
    IF p_session_token IS NOT NULL THEN
      SELECT * INTO v_user FROM app_private.session_user(p_session_token);
      IF v_user.user_id IS NOT NULL AND v_user.active THEN
        user_id := v_user.user_id;
        email := v_user.email;
        name := v_user.name;
      END IF;
      active := v_user.active;
    END IF;
    PERFORM app_private.set_context(NULL, user_id, email, NULL, 'invite',
                                    encode(sha256(convert_to(p_invite_token, 'UTF8')), 'hex'));
  END
  $$;

-- From a verified user (or invitation) context into the tenant of an
-- invitation the user may accept: one addressed to their email, or the one
-- whose token they hold. No role: they are not a member yet, and the policies
-- admit only what joining needs (their own membership, with the invited role).
CREATE FUNCTION app_enter_to_join(p_tenant_id uuid) RETURNS void
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_ctx public.app_context := public.app_context();
  BEGIN
    IF v_ctx.user_id IS NULL OR v_ctx.mode NOT IN ('user', 'invite') THEN
      RAISE EXCEPTION 'joining needs a signed-in user' USING ERRCODE = '42501', HINT = 'signed_out';
    END IF;
    IF NOT EXISTS (
      SELECT 1 FROM public.tenant_invitations i
       WHERE i.tenant_id = p_tenant_id
         AND (i.email = v_ctx.email OR i.token_hash = v_ctx.invite_hash))
    THEN
      RAISE EXCEPTION 'no invitation to tenant % for this user', p_tenant_id USING ERRCODE = '42501', HINT = 'not_invited';
    END IF;
    PERFORM app_private.set_context(p_tenant_id, v_ctx.user_id, v_ctx.email, NULL, 'join', v_ctx.invite_hash);
  END
  $$;

-- ---------------------------------------------------------------------------
-- Row-level security, restated on the verified context.
-- ---------------------------------------------------------------------------

-- tenant_members: one's own rows always; a tenant's rows once entered as its
-- member (a joiner or a creator sees only their own).
DROP POLICY tenant_members_select ON "tenant_members";
CREATE POLICY tenant_members_select ON "tenant_members" FOR SELECT USING (
  "user_id" = (SELECT app_current_user_id())
  OR ("tenant_id" = (SELECT app_current_tenant_id()) AND (SELECT app_current_role()) IS NOT NULL)
);
DROP POLICY tenant_members_insert ON "tenant_members";
CREATE POLICY tenant_members_insert ON "tenant_members" FOR INSERT WITH CHECK (
  "tenant_id" = (SELECT app_current_tenant_id())
  AND "user_id" = (SELECT app_current_user_id())
  AND (
    ((SELECT app_current_mode()) = 'create' AND "role" = 'owner' AND NOT app_tenant_has_members("tenant_id"))
    OR ((SELECT app_current_mode()) = 'join' AND EXISTS (
      SELECT 1 FROM tenant_invitations i
       WHERE i.tenant_id = tenant_members.tenant_id
         AND i.status = 'pending' AND i.expires_at > now()
         AND i.email = (SELECT app_current_user_email())
         AND i.role = tenant_members.role))
  )
);

-- tenants: a creator inserts only the tenant their entry named.
DROP POLICY tenants_insert ON "tenants";
CREATE POLICY tenants_insert ON "tenants" FOR INSERT WITH CHECK (
  (SELECT app_current_mode()) = 'create' AND "id" = (SELECT app_current_tenant_id())
);

-- The definer's functions see every tenant and membership (to verify them);
-- they still cannot write any.
CREATE POLICY tenants_definer_select ON "tenants" FOR SELECT TO tenantry_definer USING (true);
CREATE POLICY tenant_members_definer_select ON "tenant_members" FOR SELECT TO tenantry_definer USING (true);
CREATE POLICY tenant_invitations_definer_select ON "tenant_invitations" FOR SELECT TO tenantry_definer USING (true);

-- users: the app reads the signed-in user and the members of the tenant it
-- entered; it changes only its own name and remembered workspace. Auth.js's
-- role manages accounts; the definer's functions read them.
ALTER TABLE "users" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "users" FORCE ROW LEVEL SECURITY;
CREATE POLICY users_select ON "users" FOR SELECT TO tenantry_app USING (
  "id" = (SELECT app_current_user_id())
  OR ((SELECT app_current_role()) IS NOT NULL
      AND "id" IN (SELECT m.user_id FROM tenant_members m WHERE m.tenant_id = (SELECT app_current_tenant_id())))
);
CREATE POLICY users_update_self ON "users" FOR UPDATE TO tenantry_app
  USING ("id" = (SELECT app_current_user_id()))
  WITH CHECK ("id" = (SELECT app_current_user_id()));
CREATE POLICY users_auth ON "users" TO tenantry_auth USING (true) WITH CHECK (true);
CREATE POLICY users_definer_select ON "users" FOR SELECT TO tenantry_definer USING (true);

-- ---------------------------------------------------------------------------
-- The audit words trigger, re-homed: owned by tenantry_definer, search_path
-- pinned, every object named with its schema. The word functions it calls
-- name theirs too (SQL functions resolve names when they run).
-- ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_audit_event_terms(p_tenant_id uuid, p_target_id text, p_metadata jsonb) RETURNS text[]
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
    SELECT public.app_audit_terms(concat_ws(' ',
             NULLIF(p_target_id, p_tenant_id::text),
             (SELECT string_agg(v #>> '{}', ' ')
                FROM jsonb_path_query(p_metadata, 'strict $.**') AS v
               WHERE jsonb_typeof(v) IN ('string', 'number'))))
  $$;

-- Words are written by that trigger alone, as tenantry_definer, from the
-- event rows themselves (so always in the event's tenant) — for whichever
-- role inserted the event, operator commands included. The app role has no
-- INSERT privilege on the words.
DROP POLICY audit_log_terms_insert ON "audit_log_terms";
CREATE POLICY audit_log_terms_insert_by_trigger ON "audit_log_terms" FOR INSERT TO tenantry_definer WITH CHECK (true);

CREATE OR REPLACE FUNCTION app_audit_log_index_terms() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  BEGIN
    INSERT INTO public.audit_log_terms (audit_id, term, tenant_id, created_at)
    SELECT n.id, w.term, n.tenant_id, n.created_at
      FROM new_rows n
     CROSS JOIN LATERAL unnest(public.app_audit_event_terms(n.tenant_id, n.target_id, n.metadata)) AS w(term);
    RETURN NULL;
  END
  $$;

-- A remembered workspace is one the user belongs to: it is forgotten when
-- they leave or are removed, whoever deletes the membership. (The app role
-- may not read last_tenant_id: it would see co-members' choices.)
CREATE FUNCTION app_forget_left_tenant() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  BEGIN
    UPDATE public.users SET last_tenant_id = NULL WHERE id = OLD.user_id AND last_tenant_id = OLD.tenant_id;
    RETURN NULL;
  END
  $$;
CREATE TRIGGER tenant_members_forget_left_tenant
  AFTER DELETE ON "tenant_members"
  FOR EACH ROW EXECUTE FUNCTION app_forget_left_tenant();
CREATE POLICY users_definer_forget ON "users" FOR UPDATE TO tenantry_definer USING (true) WITH CHECK (true);

-- ---------------------------------------------------------------------------
-- Ownership and grants.
-- ---------------------------------------------------------------------------
ALTER FUNCTION app_private.context_signature(text) OWNER TO tenantry_definer;
ALTER FUNCTION app_private.context_binding() OWNER TO tenantry_definer;
ALTER FUNCTION app_private.set_context(uuid, uuid, text, member_role, text, text) OWNER TO tenantry_definer;
ALTER FUNCTION app_private.session_user(text) OWNER TO tenantry_definer;
ALTER FUNCTION app_context() OWNER TO tenantry_definer;
ALTER FUNCTION app_tenant_has_members(uuid) OWNER TO tenantry_definer;
ALTER FUNCTION app_enter(text, uuid, boolean) OWNER TO tenantry_definer;
ALTER FUNCTION app_enter_user(text) OWNER TO tenantry_definer;
ALTER FUNCTION app_enter_new_tenant(text, uuid) OWNER TO tenantry_definer;
ALTER FUNCTION app_enter_invitation(text, text) OWNER TO tenantry_definer;
ALTER FUNCTION app_enter_to_join(uuid) OWNER TO tenantry_definer;
ALTER FUNCTION app_audit_log_index_terms() OWNER TO tenantry_definer;
ALTER FUNCTION app_forget_left_tenant() OWNER TO tenantry_definer;

-- Functions are executable by PUBLIC unless revoked: the private ones only by
-- their owner, the entries and accessors by the app.
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA app_private FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION app_enter(text, uuid, boolean), app_enter_user(text), app_enter_new_tenant(text, uuid),
  app_enter_invitation(text, text), app_enter_to_join(uuid), app_context(), app_tenant_has_members(uuid),
  app_current_role(), app_current_mode() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_enter(text, uuid, boolean), app_enter_user(text), app_enter_new_tenant(text, uuid),
  app_enter_invitation(text, text), app_enter_to_join(uuid), app_context(), app_tenant_has_members(uuid),
  app_current_role(), app_current_mode() TO tenantry_app;
GRANT EXECUTE ON FUNCTION app_context(), app_tenant_has_members(uuid), app_current_role(), app_current_mode() TO tenantry_definer;

-- What the definer's functions read, and the one thing they write.
GRANT SELECT ON "users", "tenants", "tenant_members", "tenant_invitations" TO tenantry_definer;
GRANT SELECT, UPDATE ("expires") ON "sessions" TO tenantry_definer;
GRANT UPDATE ("last_tenant_id") ON "users" TO tenantry_definer;
GRANT INSERT ON "audit_log_terms" TO tenantry_definer;

-- The app: nothing of Auth.js's tables but what it shows of people.
REVOKE ALL ON "users", "accounts", "sessions", "verification_tokens" FROM tenantry_app;
GRANT SELECT ("id", "name", "email", "image", "active", "created_at") ON "users" TO tenantry_app;
GRANT UPDATE ("name", "last_tenant_id") ON "users" TO tenantry_app;
-- The app no longer sets a tenant's status or deletion time by itself.
REVOKE UPDATE ON "tenants" FROM tenantry_app;
GRANT UPDATE ("name", "slug") ON "tenants" TO tenantry_app;

-- Auth.js: its four tables and nothing else.
GRANT SELECT, INSERT, UPDATE, DELETE ON "users", "accounts", "sessions", "verification_tokens" TO tenantry_auth;
