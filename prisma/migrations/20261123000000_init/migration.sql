-- Tenantry schema: Auth.js tables, tenants, memberships, invitations and the
-- audit log, with row-level security. Runs as the role that owns the tables.
-- The app connects as "tenantry_app" (NOBYPASSRLS, owns nothing); every
-- table with a tenant_id is ENABLE + FORCE ROW LEVEL SECURITY.

-- The application role. Operators may create it beforehand (e.g. when the
-- migrating role lacks CREATEROLE); its LOGIN and password are set outside
-- migrations.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tenantry_app') THEN
    CREATE ROLE tenantry_app NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
  END IF;
END
$$;

-- CreateEnum
CREATE TYPE "tenant_status" AS ENUM ('active', 'blocked', 'deleted');
CREATE TYPE "member_role" AS ENUM ('owner', 'admin', 'auditor', 'member');
CREATE TYPE "invitation_status" AS ENUM ('pending', 'accepted', 'revoked', 'expired');

-- CreateTable
CREATE TABLE "users" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT,
    "email" TEXT NOT NULL,
    "email_verified" TIMESTAMPTZ(3),
    "image" TEXT,
    "last_tenant_id" UUID,
    "is_platform_admin" BOOLEAN NOT NULL DEFAULT false,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "users_email_lower_case" CHECK ("email" = lower("email"))
);

CREATE TABLE "accounts" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "provider_account_id" TEXT NOT NULL,
    "refresh_token" TEXT,
    "access_token" TEXT,
    "expires_at" INTEGER,
    "token_type" TEXT,
    "scope" TEXT,
    "id_token" TEXT,
    "session_state" TEXT,

    CONSTRAINT "accounts_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "sessions" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "session_token" TEXT NOT NULL,
    "user_id" UUID NOT NULL,
    "expires" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "sessions_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "verification_tokens" (
    "identifier" TEXT NOT NULL,
    "token" TEXT NOT NULL,
    "expires" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "verification_tokens_pkey" PRIMARY KEY ("identifier", "token")
);

CREATE TABLE "tenants" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "status" "tenant_status" NOT NULL DEFAULT 'active',
    "deleted_at" TIMESTAMPTZ(3),
    "parent_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tenants_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "tenants_name_length" CHECK (char_length(btrim("name")) BETWEEN 1 AND 80 AND "name" = btrim("name")),
    CONSTRAINT "tenants_slug_format" CHECK (char_length("slug") BETWEEN 3 AND 48 AND "slug" ~ '^[a-z0-9]+(-[a-z0-9]+)*$')
);

CREATE TABLE "tenant_members" (
    "tenant_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "role" "member_role" NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tenant_members_pkey" PRIMARY KEY ("tenant_id", "user_id")
);

CREATE TABLE "tenant_invitations" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "role" "member_role" NOT NULL,
    "token_hash" TEXT NOT NULL,
    "status" "invitation_status" NOT NULL DEFAULT 'pending',
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "invited_by" UUID,
    "accepted_by" UUID,
    "accepted_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tenant_invitations_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "tenant_invitations_email_lower_case" CHECK ("email" = lower("email")),
    CONSTRAINT "tenant_invitations_role_not_owner" CHECK ("role" <> 'owner'),
    CONSTRAINT "tenant_invitations_token_hash_format" CHECK ("token_hash" ~ '^[0-9a-f]{64}$')
);

CREATE TABLE "audit_log" (
    "id" BIGSERIAL NOT NULL,
    "tenant_id" UUID NOT NULL,
    "actor_user_id" UUID,
    "actor_email" TEXT,
    "action" TEXT NOT NULL,
    "target_type" TEXT,
    "target_id" TEXT,
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "ip" TEXT,
    "user_agent" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");
CREATE INDEX "accounts_user_id_idx" ON "accounts"("user_id");
CREATE UNIQUE INDEX "accounts_provider_provider_account_id_key" ON "accounts"("provider", "provider_account_id");
CREATE UNIQUE INDEX "sessions_session_token_key" ON "sessions"("session_token");
CREATE INDEX "sessions_user_id_idx" ON "sessions"("user_id");
CREATE UNIQUE INDEX "tenants_slug_key" ON "tenants"("slug");
CREATE INDEX "tenants_parent_id_idx" ON "tenants"("parent_id");
CREATE INDEX "tenant_members_user_id_idx" ON "tenant_members"("user_id");
CREATE UNIQUE INDEX "tenant_invitations_token_hash_key" ON "tenant_invitations"("token_hash");
CREATE INDEX "tenant_invitations_tenant_id_status_created_at_idx" ON "tenant_invitations"("tenant_id", "status", "created_at");
CREATE INDEX "tenant_invitations_email_status_idx" ON "tenant_invitations"("email", "status");
CREATE INDEX "audit_log_tenant_id_created_at_id_idx" ON "audit_log"("tenant_id", "created_at" DESC, "id" DESC);
-- Never more than one live invitation per (tenant, email).
CREATE UNIQUE INDEX "tenant_invitations_one_pending_per_email" ON "tenant_invitations"("tenant_id", "email") WHERE "status" = 'pending';

-- AddForeignKey
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "tenants" ADD CONSTRAINT "tenants_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "tenant_members" ADD CONSTRAINT "tenant_members_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "tenant_members" ADD CONSTRAINT "tenant_members_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "tenant_invitations" ADD CONSTRAINT "tenant_invitations_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- ---------------------------------------------------------------------------
-- Request context. withTenant() sets these with set_config(..., true), so they
-- last for one transaction; on a pooled connection they then read '' again.
-- ---------------------------------------------------------------------------
CREATE FUNCTION app_current_tenant_id() RETURNS uuid
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid $$;

CREATE FUNCTION app_current_user_id() RETURNS uuid
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT NULLIF(current_setting('app.user_id', true), '')::uuid $$;

-- SHA-256 of the invitation token the caller holds: knowing the token is the
-- capability to read that one invitation, before sign-in or membership.
CREATE FUNCTION app_invite_token_hash() RETURNS text
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT NULLIF(current_setting('app.invite_token_hash', true), '') $$;

CREATE FUNCTION app_current_user_email() RETURNS text
  LANGUAGE sql STABLE
  AS $$ SELECT email FROM users WHERE id = app_current_user_id() AND active $$;

-- The current user's role in a tenant. SECURITY INVOKER on purpose: it reads
-- only the caller's own membership row, which the tenant_members SELECT
-- policy admits, so it needs no privilege the app role lacks and no policy
-- below has to trust a function that bypasses row-level security.
-- PL/pgSQL, never inlined: a policy on tenant_members may then consult
-- tenant_members through it without Postgres seeing a recursive policy.
CREATE FUNCTION app_role_in(p_tenant_id uuid) RETURNS member_role
  LANGUAGE plpgsql STABLE
  AS $$
  BEGIN
    RETURN (SELECT m.role FROM tenant_members m JOIN users u ON u.id = m.user_id
             WHERE m.tenant_id = p_tenant_id AND m.user_id = app_current_user_id() AND u.active);
  END
  $$;

-- Whether a tenant has any member yet (only its creator's first insert sees none).
CREATE FUNCTION app_tenant_has_members(p_tenant_id uuid) RETURNS boolean
  LANGUAGE plpgsql STABLE
  AS $$
  BEGIN
    RETURN EXISTS (SELECT 1 FROM tenant_members m WHERE m.tenant_id = p_tenant_id);
  END
  $$;

-- ---------------------------------------------------------------------------
-- Row-level security. Function calls are wrapped in (SELECT ...) so Postgres
-- evaluates them once per statement, not once per row.
-- ---------------------------------------------------------------------------
ALTER TABLE "tenants" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "tenants" FORCE ROW LEVEL SECURITY;
ALTER TABLE "tenant_members" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "tenant_members" FORCE ROW LEVEL SECURITY;
ALTER TABLE "tenant_invitations" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "tenant_invitations" FORCE ROW LEVEL SECURITY;
ALTER TABLE "audit_log" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "audit_log" FORCE ROW LEVEL SECURITY;

-- tenants: visible to its members, to people holding a pending invitation to
-- it (by email or by token), and, while it is being created, to its creator.
CREATE POLICY tenants_select ON "tenants" FOR SELECT USING (
  "id" = (SELECT app_current_tenant_id())
  OR "id" IN (SELECT m.tenant_id FROM tenant_members m WHERE m.user_id = (SELECT app_current_user_id()))
  OR "id" IN (SELECT i.tenant_id FROM tenant_invitations i
               WHERE (i.status = 'pending' AND i.email = (SELECT app_current_user_email()))
                  OR i.token_hash = (SELECT app_invite_token_hash()))
);
-- A signed-in user may create a tenant; the id must be the one set as the
-- transaction's tenant, so a creation cannot touch any other tenant.
CREATE POLICY tenants_insert ON "tenants" FOR INSERT WITH CHECK (
  (SELECT app_current_user_id()) IS NOT NULL AND "id" = (SELECT app_current_tenant_id())
);
CREATE POLICY tenants_update ON "tenants" FOR UPDATE
  USING ("id" = (SELECT app_current_tenant_id()) AND (SELECT app_role_in(app_current_tenant_id())) = 'owner')
  WITH CHECK ("id" = (SELECT app_current_tenant_id()) AND (SELECT app_role_in(app_current_tenant_id())) = 'owner');

-- tenant_members: a user always sees their own memberships (the workspace
-- switcher, /api/me); the rest of a tenant's members only with that tenant set.
CREATE POLICY tenant_members_select ON "tenant_members" FOR SELECT USING (
  "user_id" = (SELECT app_current_user_id()) OR "tenant_id" = (SELECT app_current_tenant_id())
);
-- Two ways in, both only into the transaction's tenant and only for oneself:
-- the creator of a workspace that has no members yet becomes its owner; an
-- invitee joins with exactly the role of a pending, unexpired invitation
-- addressed to their email.
CREATE POLICY tenant_members_insert ON "tenant_members" FOR INSERT WITH CHECK (
  "tenant_id" = (SELECT app_current_tenant_id())
  AND "user_id" = (SELECT app_current_user_id())
  AND (
    ("role" = 'owner' AND NOT (SELECT app_tenant_has_members(app_current_tenant_id())))
    OR EXISTS (
      SELECT 1 FROM tenant_invitations i
       WHERE i.tenant_id = tenant_members.tenant_id
         AND i.status = 'pending' AND i.expires_at > now()
         AND i.email = (SELECT app_current_user_email())
         AND i.role = tenant_members.role)
  )
);
-- Owners and admins change roles; only an owner touches an owner's row or
-- makes someone an owner.
CREATE POLICY tenant_members_update ON "tenant_members" FOR UPDATE
  USING (
    "tenant_id" = (SELECT app_current_tenant_id())
    AND (SELECT app_role_in(app_current_tenant_id())) IN ('owner', 'admin')
    AND ("role" <> 'owner' OR (SELECT app_role_in(app_current_tenant_id())) = 'owner')
  )
  WITH CHECK (
    "tenant_id" = (SELECT app_current_tenant_id())
    AND (SELECT app_role_in(app_current_tenant_id())) IN ('owner', 'admin')
    AND ("role" <> 'owner' OR (SELECT app_role_in(app_current_tenant_id())) = 'owner')
  );
-- Owners and admins remove members (only owners remove owners); anyone may
-- remove themselves (leave).
CREATE POLICY tenant_members_delete ON "tenant_members" FOR DELETE USING (
  "tenant_id" = (SELECT app_current_tenant_id())
  AND (
    "user_id" = (SELECT app_current_user_id())
    OR ((SELECT app_role_in(app_current_tenant_id())) IN ('owner', 'admin')
        AND ("role" <> 'owner' OR (SELECT app_role_in(app_current_tenant_id())) = 'owner'))
  )
);

-- tenant_invitations: members of the tenant read them; an invitee reads the
-- pending ones addressed to them, or the one whose token they hold.
CREATE POLICY tenant_invitations_select ON "tenant_invitations" FOR SELECT USING (
  ("tenant_id" = (SELECT app_current_tenant_id()) AND (SELECT app_role_in(app_current_tenant_id())) IS NOT NULL)
  OR ("status" = 'pending' AND "email" = (SELECT app_current_user_email()))
  OR "token_hash" = (SELECT app_invite_token_hash())
);
CREATE POLICY tenant_invitations_insert ON "tenant_invitations" FOR INSERT WITH CHECK (
  "tenant_id" = (SELECT app_current_tenant_id())
  AND (SELECT app_role_in(app_current_tenant_id())) IN ('owner', 'admin')
  AND "invited_by" = (SELECT app_current_user_id())
);
CREATE POLICY tenant_invitations_update_manage ON "tenant_invitations" FOR UPDATE
  USING ("tenant_id" = (SELECT app_current_tenant_id()) AND (SELECT app_role_in(app_current_tenant_id())) IN ('owner', 'admin'))
  WITH CHECK ("tenant_id" = (SELECT app_current_tenant_id()) AND (SELECT app_role_in(app_current_tenant_id())) IN ('owner', 'admin'));
-- The invitee marks their own pending invitation accepted, nothing else.
CREATE POLICY tenant_invitations_update_accept ON "tenant_invitations" FOR UPDATE
  USING (
    "tenant_id" = (SELECT app_current_tenant_id())
    AND "status" = 'pending' AND "expires_at" > now()
    AND "email" = (SELECT app_current_user_email())
  )
  WITH CHECK (
    "tenant_id" = (SELECT app_current_tenant_id())
    AND "status" = 'accepted' AND "accepted_by" = (SELECT app_current_user_id())
    AND "email" = (SELECT app_current_user_email())
  );

-- audit_log: owners, admins and auditors read; any member appends rows in
-- their own name. There is no UPDATE or DELETE policy, grant or path.
CREATE POLICY audit_log_select ON "audit_log" FOR SELECT USING (
  "tenant_id" = (SELECT app_current_tenant_id())
  AND (SELECT app_role_in(app_current_tenant_id())) IN ('owner', 'admin', 'auditor')
);
CREATE POLICY audit_log_insert ON "audit_log" FOR INSERT WITH CHECK (
  "tenant_id" = (SELECT app_current_tenant_id())
  AND (SELECT app_role_in(app_current_tenant_id())) IS NOT NULL
  AND "actor_user_id" = (SELECT app_current_user_id())
);

-- ---------------------------------------------------------------------------
-- Invariants that hold whichever path writes.
-- ---------------------------------------------------------------------------

-- A workspace is never left without an active owner. Deferred to commit and
-- serialised per tenant by an advisory lock, so two owners demoting or
-- removing each other at the same moment cannot both succeed.
CREATE FUNCTION app_assert_tenant_has_owner() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('tenant:' || OLD.tenant_id::text, 0));
    IF EXISTS (SELECT 1 FROM tenants t WHERE t.id = OLD.tenant_id AND t.status <> 'deleted')
       AND NOT EXISTS (
         SELECT 1 FROM tenant_members m JOIN users u ON u.id = m.user_id
          WHERE m.tenant_id = OLD.tenant_id AND m.role = 'owner' AND u.active)
    THEN
      RAISE EXCEPTION 'tenant % would be left without an owner', OLD.tenant_id
        USING ERRCODE = 'P0001', HINT = 'last_owner';
    END IF;
    RETURN NULL;
  END
  $$;
CREATE CONSTRAINT TRIGGER tenant_members_keep_an_owner
  AFTER UPDATE OR DELETE ON "tenant_members"
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW WHEN (OLD.role = 'owner')
  EXECUTE FUNCTION app_assert_tenant_has_owner();

-- The audit log is append-only for every role, table owner included.
CREATE FUNCTION app_audit_log_is_append_only() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = '42501';
  END
  $$;
CREATE TRIGGER audit_log_append_only
  BEFORE UPDATE OR DELETE ON "audit_log"
  FOR EACH ROW EXECUTE FUNCTION app_audit_log_is_append_only();

-- A deactivated user is signed out everywhere at once.
CREATE FUNCTION app_end_sessions_of_deactivated_user() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    DELETE FROM sessions WHERE user_id = NEW.id;
    RETURN NEW;
  END
  $$;
CREATE TRIGGER users_deactivation_ends_sessions
  AFTER UPDATE OF "active" ON "users"
  FOR EACH ROW WHEN (OLD.active AND NOT NEW.active)
  EXECUTE FUNCTION app_end_sessions_of_deactivated_user();

-- ---------------------------------------------------------------------------
-- Grants: the app role owns nothing and gets only what the app does.
-- ---------------------------------------------------------------------------
GRANT USAGE ON SCHEMA public TO tenantry_app;
GRANT SELECT, INSERT, DELETE ON "users", "accounts", "sessions", "verification_tokens" TO tenantry_app;
GRANT UPDATE ("name", "email", "email_verified", "image", "last_tenant_id", "active") ON "users" TO tenantry_app;
GRANT UPDATE ON "accounts", "sessions", "verification_tokens" TO tenantry_app;
GRANT SELECT, INSERT ON "tenants" TO tenantry_app;
GRANT UPDATE ("name", "slug", "status", "deleted_at") ON "tenants" TO tenantry_app;
GRANT SELECT, INSERT, DELETE ON "tenant_members" TO tenantry_app;
GRANT UPDATE ("role") ON "tenant_members" TO tenantry_app;
GRANT SELECT, INSERT ON "tenant_invitations" TO tenantry_app;
GRANT UPDATE ("status", "accepted_by", "accepted_at", "revoked_at") ON "tenant_invitations" TO tenantry_app;
GRANT SELECT, INSERT ON "audit_log" TO tenantry_app;
GRANT USAGE ON SEQUENCE "audit_log_id_seq" TO tenantry_app;
