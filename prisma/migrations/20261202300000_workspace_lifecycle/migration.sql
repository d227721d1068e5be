-- A workspace's life: active, suspended by the platform (blocked), deleted
-- into the trash, restored, purged (seeds 001 and 002).
--
-- * Deleting marks the workspace and every tenant-scoped row that has a life
--   of its own (a deleted_at and a deletion_batch_id column: invitations
--   today, API keys and future resources tomorrow) with one batch id;
--   restoring brings back exactly that batch, never what was deleted before.
-- * The status is checked where a tenant is entered (app_enter): a blocked
--   workspace admits no page, action, export or API call — its members are
--   told it is suspended; a deleted one is as if it did not exist.
-- * The app may move a workspace between active and deleted (its owners, by
--   the policies); suspending and lifting a suspension belong to the
--   platform (operator commands now, platform administrators later).
-- * A purge (a background job, on the owner's connection, never a request)
--   removes the workspace and its rows and leaves a tombstone behind.

ALTER TABLE "tenants"
  ADD COLUMN "deletion_batch_id" UUID,
  ADD COLUMN "deleted_by" UUID,
  ADD COLUMN "purge_requested_at" TIMESTAMPTZ(3),
  ADD COLUMN "purge_requested_by" UUID,
  ADD COLUMN "blocked_at" TIMESTAMPTZ(3),
  ADD CONSTRAINT "tenants_deleted_fields" CHECK (
    ("status" = 'deleted') = ("deleted_at" IS NOT NULL AND "deletion_batch_id" IS NOT NULL)
    AND ("purge_requested_at" IS NULL OR "status" = 'deleted')
  ),
  ADD CONSTRAINT "tenants_blocked_fields" CHECK (("status" = 'blocked') = ("blocked_at" IS NOT NULL));

ALTER TABLE "tenant_invitations"
  ADD COLUMN "deleted_at" TIMESTAMPTZ(3),
  ADD COLUMN "deletion_batch_id" UUID,
  ADD CONSTRAINT "tenant_invitations_deleted_fields" CHECK (("deleted_at" IS NULL) = ("deletion_batch_id" IS NULL));

-- What a purge leaves: who the workspace was, and who purged it when.
-- Platform-level: no tenant_id, no row-level security, no grant to the app.
CREATE TABLE "tenant_tombstones" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "deleted_at" TIMESTAMPTZ(3),
    "deleted_by" UUID,
    "purged_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "purged_by" UUID,
    "purged_by_email" TEXT,
    "reason" TEXT NOT NULL,

    CONSTRAINT "tenant_tombstones_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "tenant_tombstones_reason" CHECK ("reason" IN ('retention', 'owner', 'operator'))
);

-- Who may move a workspace between which states. The app (its owners, as the
-- tenants_update policy admits) deletes and restores; only the platform
-- suspends or lifts a suspension, and nobody "deletes" a suspended workspace
-- to escape it or "restores" a deleted one into another state.
CREATE FUNCTION app_tenant_status_change() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    IF NEW.status IS NOT DISTINCT FROM OLD.status THEN
      RETURN NEW;
    END IF;
    IF current_user = 'tenantry_app' AND NOT (
         (OLD.status = 'active' AND NEW.status = 'deleted') OR (OLD.status = 'deleted' AND NEW.status = 'active'))
    THEN
      RAISE EXCEPTION 'a workspace may not go from % to % here', OLD.status, NEW.status
        USING ERRCODE = '42501', HINT = 'status_transition';
    END IF;
    RETURN NEW;
  END
  $$;
CREATE TRIGGER tenants_status_change
  BEFORE UPDATE OF "status" ON "tenants"
  FOR EACH ROW EXECUTE FUNCTION app_tenant_status_change();

-- The app marks and unmarks a deletion; the rest of a tenant's row stays as it was granted.
GRANT UPDATE ("status", "deleted_at", "deletion_batch_id", "deleted_by", "purge_requested_at", "purge_requested_by") ON "tenants" TO tenantry_app;
GRANT UPDATE ("deleted_at", "deletion_batch_id") ON "tenant_invitations" TO tenantry_app;

-- ---------------------------------------------------------------------------
-- Entry, with the status gate (seed 001's GetTenantStatus before anything
-- else): the switcher lists active and suspended workspaces, never deleted
-- ones; the asked-for tenant is entered only when active. kind 'suspended'
-- says the asked-for tenant is one the user belongs to and the platform has
-- suspended: nothing of it is entered (the user alone is). p_strict refuses
-- with hint 'tenant_suspended' (a member of a suspended tenant) or
-- 'not_member' (anyone else, whether the tenant is deleted, unknown or not
-- theirs: nothing says which).
-- ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_enter(p_session_token text, p_tenant_id uuid, p_strict boolean DEFAULT false,
  OUT kind text, OUT user_id uuid, OUT email text, OUT name text,
  OUT tenant_id uuid, OUT role member_role, OUT source text, OUT memberships jsonb)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_user record;
    v_status public.tenant_status;
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
      SELECT m.role, t.status INTO role, v_status
        FROM public.tenant_members m JOIN public.tenants t ON t.id = m.tenant_id
       WHERE m.user_id = v_user.user_id AND m.tenant_id = p_tenant_id;
      IF v_status = 'blocked' THEN
        RAISE EXCEPTION 'tenant % is suspended', p_tenant_id USING ERRCODE = '42501', HINT = 'tenant_suspended';
      ELSIF v_status IS DISTINCT FROM 'active' THEN
        RAISE EXCEPTION 'user % is not an active member of tenant %', v_user.user_id, p_tenant_id
          USING ERRCODE = '42501', HINT = 'not_member';
      END IF;
      kind := 'tenant';
      tenant_id := p_tenant_id;
      source := 'cookie';
    ELSE
      SELECT coalesce(jsonb_agg(jsonb_build_object('tenantId', t.id, 'tenantName', t.name, 'tenantSlug', t.slug,
                                                   'role', m.role, 'status', t.status)
                                ORDER BY lower(t.name), t.id), '[]'::jsonb)
        INTO memberships
        FROM public.tenant_members m JOIN public.tenants t ON t.id = m.tenant_id AND t.status <> 'deleted'
       WHERE m.user_id = v_user.user_id;
      -- The asked-for tenant when it is a membership (active or suspended);
      -- otherwise the remembered, then the first, among the active ones.
      SELECT c.id, c.role, s.source, c.status INTO tenant_id, role, source, v_status
        FROM (SELECT (e ->> 'tenantId')::uuid AS id, (e ->> 'role')::public.member_role AS role,
                     (e ->> 'status')::public.tenant_status AS status, o AS ord,
                     CASE WHEN (e ->> 'tenantId')::uuid = p_tenant_id THEN 1
                          WHEN (e ->> 'tenantId')::uuid = v_user.last_tenant_id THEN 2
                          ELSE 3 END AS rank
                FROM jsonb_array_elements(memberships) WITH ORDINALITY AS x(e, o)) c
             CROSS JOIN LATERAL (SELECT (ARRAY['cookie', 'remembered', 'first'])[c.rank] AS source) s
       WHERE c.status = 'active' OR c.rank = 1
       ORDER BY c.rank, c.ord
       LIMIT 1;
      IF v_status = 'blocked' THEN
        kind := 'suspended';
        role := NULL;
      ELSE
        kind := CASE WHEN tenant_id IS NULL THEN 'no-tenant' ELSE 'tenant' END;
      END IF;
    END IF;
    PERFORM app_private.set_context(CASE WHEN kind = 'tenant' THEN tenant_id END, v_user.user_id, v_user.email,
                                    CASE WHEN kind = 'tenant' THEN role END,
                                    CASE WHEN kind = 'tenant' THEN 'member' ELSE 'user' END, NULL);
  END
  $$;

-- An owner of a deleted workspace, to restore it or purge it now: the one
-- entry into a deleted tenant, for its owners only.
CREATE FUNCTION app_enter_deleted_tenant(p_session_token text, p_tenant_id uuid) RETURNS member_role
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_user record;
    v_role public.member_role;
  BEGIN
    SELECT * INTO v_user FROM app_private.session_user(p_session_token);
    IF v_user.user_id IS NULL OR NOT v_user.active THEN
      RAISE EXCEPTION 'no live session' USING ERRCODE = '42501', HINT = 'signed_out';
    END IF;
    SELECT m.role INTO v_role
      FROM public.tenant_members m JOIN public.tenants t ON t.id = m.tenant_id
     WHERE m.user_id = v_user.user_id AND m.tenant_id = p_tenant_id AND t.status = 'deleted' AND m.role = 'owner';
    IF v_role IS NULL THEN
      RAISE EXCEPTION 'user % owns no deleted tenant %', v_user.user_id, p_tenant_id USING ERRCODE = '42501', HINT = 'not_member';
    END IF;
    PERFORM app_private.set_context(p_tenant_id, v_user.user_id, v_user.email, v_role, 'trash', NULL);
    RETURN v_role;
  END
  $$;
ALTER FUNCTION app_enter_deleted_tenant(text, uuid) OWNER TO tenantry_definer;
REVOKE EXECUTE ON FUNCTION app_enter_deleted_tenant(text, uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_enter_deleted_tenant(text, uuid) TO tenantry_app;

-- ---------------------------------------------------------------------------
-- A purge may delete a deleted workspace's audit log, and nothing else may:
-- the append-only rule gives way only in a transaction that names the
-- workspace being purged (app.purge_tenant), which must be deleted. The app
-- role has no DELETE privilege on either table in any case.
-- ---------------------------------------------------------------------------
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
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = '42501';
  END
  $$;
CREATE OR REPLACE FUNCTION app_audit_log_terms_are_append_only() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    IF TG_OP = 'DELETE'
       AND OLD.tenant_id::text = current_setting('app.purge_tenant', true)
       AND EXISTS (SELECT 1 FROM public.tenants t WHERE t.id = OLD.tenant_id AND t.status = 'deleted')
    THEN
      RETURN OLD;
    END IF;
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = '42501';
  END
  $$;
