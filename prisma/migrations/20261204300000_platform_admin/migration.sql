-- Platform administration (seeds 001, 002 and 003): the people who run the
-- service, a directory of every workspace, the lifecycle through their hands,
-- a read-only cross-view into any workspace that its own log records, and
-- the plans each workspace is on.
--
-- * users.is_platform_admin (there since the first migration) is set only by
--   an operator command (`npm run users -- grant-platform-admin <email>`) on
--   the owner's connection: the app role may not even read the column.
-- * Every way in checks the flag in the database, from the session token
--   (app_private.platform_admin): app_enter_platform for the directory and
--   the workspace actions, app_enter_cross_view for reading one workspace.
--   Anyone else is refused with hint 'not_found', which the app answers 404.
-- * Platform mode reads no tenant row through row-level security: the
--   directory and every change are SECURITY DEFINER functions that check the
--   mode and the flag again, and whose writes are admitted by policies
--   scoped to tenantry_definer in platform mode.
-- * Cross-view signs a context with the visited tenant, no user and no role,
--   mode 'cross_view'. Policies added here admit reads of that tenant's rows
--   in that mode; no write policy admits anything without a user or a role,
--   so every write is refused by row-level security. The entry writes the
--   visit into the visited workspace's audit log before it signs the context.

-- ---------------------------------------------------------------------------
-- Plans (seed 003): reference data, read by everyone, written by platform
-- administrators through app_platform_save_plan. NULL limit: unlimited.
-- ---------------------------------------------------------------------------
CREATE TABLE "plans" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "seats" INTEGER,
    "api_keys" INTEGER,
    "child_workspaces" INTEGER,
    "audit_retention_days" INTEGER,
    "export_allowed" BOOLEAN NOT NULL DEFAULT true,
    "is_default" BOOLEAN NOT NULL DEFAULT false,
    "position" INTEGER NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "plans_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "plans_id_format" CHECK ("id" ~ '^[a-z][a-z0-9-]{1,31}$'),
    CONSTRAINT "plans_name_length" CHECK (char_length(btrim("name")) BETWEEN 1 AND 60),
    CONSTRAINT "plans_limits" CHECK (
      coalesce("seats", 1) >= 1 AND coalesce("api_keys", 0) >= 0 AND coalesce("child_workspaces", 0) >= 0
      AND coalesce("audit_retention_days", 1) >= 1)
);
-- One default plan at most: new workspaces start on it.
CREATE UNIQUE INDEX "plans_one_default" ON "plans" ("is_default") WHERE "is_default";

INSERT INTO "plans" ("id", "name", "seats", "api_keys", "child_workspaces", "audit_retention_days", "export_allowed", "is_default", "position") VALUES
  ('free', 'Free', 5, 2, 0, 30, true, true, 1),
  ('pro', 'Pro', 50, 20, 5, 365, true, false, 2),
  ('enterprise', 'Enterprise', NULL, NULL, NULL, NULL, true, false, 3);

-- Existing workspaces start on the default plan, as new ones do.
ALTER TABLE "tenants" ADD COLUMN "plan_id" TEXT;
UPDATE "tenants" SET "plan_id" = 'free';
ALTER TABLE "tenants" ALTER COLUMN "plan_id" SET NOT NULL;
ALTER TABLE "tenants" ADD CONSTRAINT "tenants_plan_id_fkey" FOREIGN KEY ("plan_id") REFERENCES "plans"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
CREATE INDEX "tenants_plan_id_created_at_id_idx" ON "tenants" ("plan_id", "created_at" DESC, "id" DESC);

-- A new workspace starts on the plan its creator names (platform
-- administrators only), else on the default plan (free unless a platform
-- administrator made another one the default), whoever creates it.
CREATE FUNCTION app_tenant_default_plan() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
  AS $$
  BEGIN
    -- A workspace's creator in the app does not choose its plan.
    IF current_user = 'tenantry_app' THEN
      NEW.plan_id := NULL;
    END IF;
    NEW.plan_id := coalesce(NEW.plan_id, (SELECT p.id FROM public.plans p WHERE p.is_default), 'free');
    RETURN NEW;
  END
  $$;
CREATE TRIGGER tenants_default_plan
  BEFORE INSERT ON "tenants"
  FOR EACH ROW EXECUTE FUNCTION app_tenant_default_plan();

GRANT SELECT ON "plans" TO tenantry_app, tenantry_definer;

-- ---------------------------------------------------------------------------
-- The directory's indexes: newest first (keyset pages), by status, by name
-- or slug fragment (trigram), and members by user for the email search.
-- ---------------------------------------------------------------------------
CREATE INDEX "tenants_created_at_id_idx" ON "tenants" ("created_at" DESC, "id" DESC);
CREATE INDEX "tenants_status_created_at_id_idx" ON "tenants" ("status", "created_at" DESC, "id" DESC);
CREATE INDEX "tenants_name_slug_trgm" ON "tenants" USING gin ("name" gin_trgm_ops, "slug" gin_trgm_ops);

-- ---------------------------------------------------------------------------
-- Who is a platform administrator: the session's user, if the flag is set.
-- Anyone else — signed out, deactivated, a plain user — is told "not found".
-- ---------------------------------------------------------------------------
CREATE FUNCTION app_private.platform_admin(p_session_token text, OUT user_id uuid, OUT email text, OUT name text)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_user record;
    v_admin boolean;
  BEGIN
    SELECT * INTO v_user FROM app_private.session_user(p_session_token);
    IF v_user.user_id IS NOT NULL AND v_user.active THEN
      SELECT u.is_platform_admin INTO v_admin FROM public.users u WHERE u.id = v_user.user_id;
    END IF;
    IF NOT coalesce(v_admin, false) THEN
      RAISE EXCEPTION 'not found' USING ERRCODE = '42501', HINT = 'not_found';
    END IF;
    user_id := v_user.user_id;
    email := v_user.email;
    name := v_user.name;
  END
  $$;

-- Inside a transaction entered by app_enter_platform: the administrator, whose
-- flag is checked again (revoked since the entry: refused at once).
CREATE FUNCTION app_private.platform_actor(OUT user_id uuid, OUT email text)
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_ctx public.app_context := public.app_context();
  BEGIN
    IF v_ctx.mode IS DISTINCT FROM 'platform'
       OR NOT EXISTS (SELECT 1 FROM public.users u WHERE u.id = v_ctx.user_id AND u.is_platform_admin AND u.active) THEN
      RAISE EXCEPTION 'not found' USING ERRCODE = '42501', HINT = 'not_found';
    END IF;
    user_id := v_ctx.user_id;
    email := v_ctx.email;
  END
  $$;

-- The entry for /admin: every page and action of the platform's own console.
-- The context is the administrator alone (no tenant): row-level security
-- gives them what any user has; the app_platform_* functions give the rest.
CREATE FUNCTION app_enter_platform(p_session_token text, OUT user_id uuid, OUT email text, OUT name text)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  BEGIN
    SELECT a.user_id, a.email, a.name INTO user_id, email, name FROM app_private.platform_admin(p_session_token) a;
    PERFORM app_private.set_context(NULL, user_id, email, NULL, 'platform', NULL);
  END
  $$;

-- Whether the session's user is a platform administrator, for the app to
-- show the way to /admin (refusing nothing; the pages check on entry).
CREATE FUNCTION app_is_platform_admin(p_session_token text) RETURNS boolean
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  BEGIN
    PERFORM app_private.platform_admin(p_session_token);
    RETURN true;
  EXCEPTION WHEN insufficient_privilege THEN
    RETURN false;
  END
  $$;

-- ---------------------------------------------------------------------------
-- The directory: every workspace, newest first, in keyset pages, filtered by
-- status, plan and a search — an email address finds the workspaces that
-- address is a member of (users' unique email, then tenant_members by user);
-- anything else is a fragment of the name or slug (trigram index). Member
-- count and last activity (the newest audit event, one probe of the
-- (tenant, time) index) are computed for the page's rows only.
-- ---------------------------------------------------------------------------
CREATE FUNCTION app_platform_tenants(p_search text, p_status public.tenant_status, p_plan text,
  p_before_created timestamptz, p_before_id uuid, p_limit integer)
  RETURNS TABLE (id uuid, name text, slug text, status public.tenant_status, plan_id text, created_at timestamptz,
                 member_count integer, last_activity_at timestamptz)
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_search text := NULLIF(lower(btrim(coalesce(p_search, ''))), '');
    v_where text[] := ARRAY['true'];
  BEGIN
    PERFORM app_private.platform_actor();
    IF p_status IS NOT NULL THEN v_where := array_append(v_where, 't.status = $2'); END IF;
    IF p_plan IS NOT NULL THEN v_where := array_append(v_where, 't.plan_id = $3'); END IF;
    IF p_before_created IS NOT NULL AND p_before_id IS NOT NULL THEN
      v_where := array_append(v_where, '(t.created_at, t.id) < ($4, $5)');
    END IF;
    IF v_search IS NOT NULL AND position('@' IN v_search) > 0 THEN
      v_where := array_append(v_where, 't.id IN (SELECT m.tenant_id FROM public.tenant_members m JOIN public.users u ON u.id = m.user_id WHERE u.email = $1)');
    ELSIF v_search IS NOT NULL THEN
      v_where := array_append(v_where, '(t.name ILIKE $7 OR t.slug ILIKE $7)');
    END IF;
    RETURN QUERY EXECUTE format(
      'SELECT t.id, t.name, t.slug, t.status, t.plan_id, t.created_at::timestamptz,
              (SELECT count(*)::int FROM public.tenant_members m WHERE m.tenant_id = t.id),
              (SELECT a.created_at::timestamptz FROM public.audit_log a WHERE a.tenant_id = t.id ORDER BY a.created_at DESC, a.id DESC LIMIT 1)
         FROM public.tenants t
        WHERE %s
        ORDER BY t.created_at DESC, t.id DESC
        LIMIT $6', array_to_string(v_where, ' AND '))
      USING v_search, p_status, p_plan, p_before_created, p_before_id, least(greatest(coalesce(p_limit, 50), 1), 200),
            '%' || replace(replace(replace(coalesce(v_search, ''), '\', '\\'), '%', '\%'), '_', '\_') || '%';
  END
  $$;

-- ---------------------------------------------------------------------------
-- The lifecycle's steps, shared by the operator's commands (on the owner's
-- connection) and the platform administrators' definer functions below
-- (which run them as tenantry_definer after checking the flag). Invoker's
-- rights: they are only ever reached through one of those two doors.
-- Refusals carry a hint the app turns into a message.
-- ---------------------------------------------------------------------------
CREATE FUNCTION app_private.tenant_set_blocked(p_tenant_id uuid, p_blocked boolean, p_reason text,
  p_actor uuid, p_actor_email text, p_by text) RETURNS text
  LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_tenant record;
  BEGIN
    SELECT t.id, t.name, t.status INTO v_tenant FROM public.tenants t WHERE t.id = p_tenant_id FOR UPDATE;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'no tenant %', p_tenant_id USING ERRCODE = 'P0002', HINT = 'not_found';
    END IF;
    IF v_tenant.status = 'deleted' THEN
      RAISE EXCEPTION '“%” is deleted (in its owners'' trash).', v_tenant.name USING ERRCODE = '55000', HINT = 'deleted';
    END IF;
    IF (v_tenant.status = 'blocked') = p_blocked THEN
      RAISE EXCEPTION '“%” is %.', v_tenant.name, CASE WHEN p_blocked THEN 'already suspended' ELSE 'not suspended' END
        USING ERRCODE = '55000', HINT = 'no_change';
    END IF;
    IF p_blocked THEN
      UPDATE public.tenants SET status = 'blocked', blocked_at = now() WHERE id = p_tenant_id;
    ELSE
      UPDATE public.tenants SET status = 'active', blocked_at = NULL WHERE id = p_tenant_id;
    END IF;
    INSERT INTO public.audit_log (tenant_id, actor_user_id, actor_email, action, target_type, target_id, metadata)
    VALUES (p_tenant_id, p_actor, p_actor_email, CASE WHEN p_blocked THEN 'tenant.block' ELSE 'tenant.unblock' END,
            'tenant', p_tenant_id::text,
            jsonb_strip_nulls(jsonb_build_object('name', v_tenant.name, 'by', p_by, 'reason', NULLIF(left(btrim(p_reason), 500), ''))));
    RETURN v_tenant.name;
  END
  $$;

-- The tables whose rows live and die with their workspace (a tenant_id, a
-- deleted_at and a deletion_batch_id), as lib/lifecycle.ts discovers them.
CREATE FUNCTION app_private.lifecycle_tables() RETURNS SETOF text
  LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
  AS $$
    SELECT c.relname::text FROM pg_catalog.pg_class c
     WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' AND c.relname <> 'tenants'
       AND EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)
       AND EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'deletion_batch_id' AND NOT a.attisdropped)
     ORDER BY 1
  $$;

CREATE FUNCTION app_private.tenant_delete(p_tenant_id uuid, p_actor uuid, p_actor_email text, p_by text, p_purge_after_days integer)
  RETURNS uuid
  LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_tenant record;
    v_batch uuid := gen_random_uuid();
    v_table text;
    v_rows jsonb := '{}';
    v_count bigint;
  BEGIN
    SELECT t.id, t.name, t.status INTO v_tenant FROM public.tenants t WHERE t.id = p_tenant_id FOR UPDATE;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'no tenant %', p_tenant_id USING ERRCODE = 'P0002', HINT = 'not_found';
    END IF;
    IF v_tenant.status <> 'active' THEN
      RAISE EXCEPTION '“%” is %: only an active workspace can be deleted.', v_tenant.name,
        CASE v_tenant.status WHEN 'blocked' THEN 'suspended' ELSE 'already deleted' END
        USING ERRCODE = '55000', HINT = 'no_change';
    END IF;
    FOR v_table IN SELECT * FROM app_private.lifecycle_tables() LOOP
      EXECUTE format('UPDATE public.%I SET deleted_at = now(), deletion_batch_id = $1 WHERE tenant_id = $2 AND deleted_at IS NULL', v_table)
        USING v_batch, p_tenant_id;
      GET DIAGNOSTICS v_count = ROW_COUNT;
      v_rows := v_rows || jsonb_build_object(v_table, v_count);
    END LOOP;
    INSERT INTO public.audit_log (tenant_id, actor_user_id, actor_email, action, target_type, target_id, metadata)
    VALUES (p_tenant_id, p_actor, p_actor_email, 'tenant.delete', 'tenant', p_tenant_id::text,
            jsonb_build_object('name', v_tenant.name, 'batch_id', v_batch, 'purge_after_days', p_purge_after_days, 'rows', v_rows, 'by', p_by));
    UPDATE public.tenants SET status = 'deleted', deleted_at = now(), deletion_batch_id = v_batch, deleted_by = p_actor
     WHERE id = p_tenant_id;
    RETURN v_batch;
  END
  $$;

CREATE FUNCTION app_private.tenant_restore(p_tenant_id uuid, p_actor uuid, p_actor_email text, p_by text) RETURNS text
  LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_tenant record;
    v_table text;
    v_rows jsonb := '{}';
    v_count bigint;
  BEGIN
    SELECT t.id, t.name, t.status, t.deletion_batch_id, t.purge_requested_at INTO v_tenant
      FROM public.tenants t WHERE t.id = p_tenant_id FOR UPDATE;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'no tenant %', p_tenant_id USING ERRCODE = 'P0002', HINT = 'not_found';
    END IF;
    IF v_tenant.status <> 'deleted' THEN
      RAISE EXCEPTION '“%” is not deleted.', v_tenant.name USING ERRCODE = '55000', HINT = 'no_change';
    END IF;
    IF v_tenant.purge_requested_at IS NOT NULL THEN
      RAISE EXCEPTION '“%” is being purged and cannot be restored.', v_tenant.name USING ERRCODE = '55000', HINT = 'purging';
    END IF;
    FOR v_table IN SELECT * FROM app_private.lifecycle_tables() LOOP
      EXECUTE format('UPDATE public.%I SET deleted_at = NULL, deletion_batch_id = NULL WHERE tenant_id = $1 AND deletion_batch_id = $2', v_table)
        USING p_tenant_id, v_tenant.deletion_batch_id;
      GET DIAGNOSTICS v_count = ROW_COUNT;
      v_rows := v_rows || jsonb_build_object(v_table, v_count);
    END LOOP;
    UPDATE public.tenants SET status = 'active', deleted_at = NULL, deletion_batch_id = NULL, deleted_by = NULL WHERE id = p_tenant_id;
    INSERT INTO public.audit_log (tenant_id, actor_user_id, actor_email, action, target_type, target_id, metadata)
    VALUES (p_tenant_id, p_actor, p_actor_email, 'tenant.restore', 'tenant', p_tenant_id::text,
            jsonb_build_object('name', v_tenant.name, 'batch_id', v_tenant.deletion_batch_id, 'rows', v_rows, 'by', p_by));
    RETURN v_tenant.name;
  END
  $$;

CREATE FUNCTION app_private.tenant_request_purge(p_tenant_id uuid, p_actor uuid, p_actor_email text, p_by text) RETURNS text
  LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_tenant record;
  BEGIN
    SELECT t.id, t.name, t.status, t.purge_requested_at INTO v_tenant FROM public.tenants t WHERE t.id = p_tenant_id FOR UPDATE;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'no tenant %', p_tenant_id USING ERRCODE = 'P0002', HINT = 'not_found';
    END IF;
    IF v_tenant.status <> 'deleted' THEN
      RAISE EXCEPTION '“%” must be deleted before it can be purged.', v_tenant.name USING ERRCODE = '55000', HINT = 'no_change';
    END IF;
    IF v_tenant.purge_requested_at IS NULL THEN
      UPDATE public.tenants SET purge_requested_at = now(), purge_requested_by = p_actor WHERE id = p_tenant_id;
      INSERT INTO public.audit_log (tenant_id, actor_user_id, actor_email, action, target_type, target_id, metadata)
      VALUES (p_tenant_id, p_actor, p_actor_email, 'tenant.purge.request', 'tenant', p_tenant_id::text,
              jsonb_build_object('name', v_tenant.name, 'by', p_by));
    END IF;
    PERFORM pg_notify('tenantry_jobs', 'purge');
    RETURN v_tenant.name;
  END
  $$;

-- ---------------------------------------------------------------------------
-- The platform administrators' changes: each checks the mode and the flag,
-- then runs the lifecycle step above as tenantry_definer.
-- ---------------------------------------------------------------------------
CREATE FUNCTION app_platform_set_blocked(p_tenant_id uuid, p_blocked boolean, p_reason text) RETURNS text
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_actor record;
  BEGIN
    SELECT * INTO v_actor FROM app_private.platform_actor();
    RETURN app_private.tenant_set_blocked(p_tenant_id, p_blocked, p_reason, v_actor.user_id, v_actor.email, 'platform');
  END
  $$;

CREATE FUNCTION app_platform_delete_tenant(p_tenant_id uuid, p_purge_after_days integer) RETURNS uuid
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_actor record;
  BEGIN
    SELECT * INTO v_actor FROM app_private.platform_actor();
    RETURN app_private.tenant_delete(p_tenant_id, v_actor.user_id, v_actor.email, 'platform', p_purge_after_days);
  END
  $$;

CREATE FUNCTION app_platform_restore_tenant(p_tenant_id uuid) RETURNS text
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_actor record;
  BEGIN
    SELECT * INTO v_actor FROM app_private.platform_actor();
    RETURN app_private.tenant_restore(p_tenant_id, v_actor.user_id, v_actor.email, 'platform');
  END
  $$;

CREATE FUNCTION app_platform_request_purge(p_tenant_id uuid) RETURNS text
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_actor record;
  BEGIN
    SELECT * INTO v_actor FROM app_private.platform_actor();
    RETURN app_private.tenant_request_purge(p_tenant_id, v_actor.user_id, v_actor.email, 'platform');
  END
  $$;

CREATE FUNCTION app_platform_rename_tenant(p_tenant_id uuid, p_name text) RETURNS text
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_actor record;
    v_old text;
  BEGIN
    SELECT * INTO v_actor FROM app_private.platform_actor();
    SELECT t.name INTO v_old FROM public.tenants t WHERE t.id = p_tenant_id FOR UPDATE;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'no tenant %', p_tenant_id USING ERRCODE = 'P0002', HINT = 'not_found';
    END IF;
    IF v_old IS DISTINCT FROM p_name THEN
      UPDATE public.tenants SET name = p_name WHERE id = p_tenant_id;
      INSERT INTO public.audit_log (tenant_id, actor_user_id, actor_email, action, target_type, target_id, metadata)
      VALUES (p_tenant_id, v_actor.user_id, v_actor.email, 'tenant.rename', 'tenant', p_tenant_id::text,
              jsonb_build_object('from', v_old, 'to', p_name, 'by', 'platform'));
    END IF;
    RETURN v_old;
  END
  $$;

-- A workspace for a named first owner: their account if they have one (an
-- active one), else a new account for that address, which signs in with a
-- link sent to it as anyone does. The workspace starts on p_plan, or the
-- default plan.
CREATE FUNCTION app_platform_create_tenant(p_name text, p_slug text, p_owner_email text, p_plan text) RETURNS uuid
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_actor record;
    v_email text := lower(btrim(p_owner_email));
    v_owner record;
    v_tenant uuid := gen_random_uuid();
  BEGIN
    SELECT * INTO v_actor FROM app_private.platform_actor();
    SELECT u.id, u.active INTO v_owner FROM public.users u WHERE u.email = v_email;
    IF FOUND AND NOT v_owner.active THEN
      RAISE EXCEPTION '% is deactivated.', v_email USING ERRCODE = '55000', HINT = 'owner_inactive';
    ELSIF NOT FOUND THEN
      INSERT INTO public.users (email) VALUES (v_email) RETURNING id INTO v_owner.id;
    END IF;
    INSERT INTO public.tenants (id, name, slug, plan_id) VALUES (v_tenant, p_name, p_slug, p_plan);
    INSERT INTO public.tenant_members (tenant_id, user_id, role) VALUES (v_tenant, v_owner.id, 'owner');
    INSERT INTO public.audit_log (tenant_id, actor_user_id, actor_email, action, target_type, target_id, metadata)
    VALUES (v_tenant, v_actor.user_id, v_actor.email, 'tenant.create', 'tenant', v_tenant::text,
            jsonb_build_object('name', p_name, 'slug', p_slug, 'owner_email', v_email, 'by', 'platform',
                               'plan', (SELECT t.plan_id FROM public.tenants t WHERE t.id = v_tenant)));
    RETURN v_tenant;
  END
  $$;


-- A workspace's name, for a confirmation the administrator types; NULL when
-- there is none.
CREATE FUNCTION app_platform_tenant_name(p_tenant_id uuid) RETURNS text
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  BEGIN
    PERFORM app_private.platform_actor();
    RETURN (SELECT t.name FROM public.tenants t WHERE t.id = p_tenant_id);
  END
  $$;

-- Moves a workspace to another plan (seed 003), audited in its log. A plan
-- below its current usage is allowed: growth is refused from then on.
-- Billing would call the same step (lib/billing).
CREATE FUNCTION app_platform_set_plan(p_tenant_id uuid, p_plan text) RETURNS text
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_actor record;
    v_old text;
  BEGIN
    SELECT * INTO v_actor FROM app_private.platform_actor();
    SELECT t.plan_id INTO v_old FROM public.tenants t WHERE t.id = p_tenant_id FOR UPDATE;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'no tenant %', p_tenant_id USING ERRCODE = 'P0002', HINT = 'not_found';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM public.plans p WHERE p.id = p_plan) THEN
      RAISE EXCEPTION 'There is no plan “%”.', p_plan USING ERRCODE = '55000', HINT = 'unknown_plan';
    END IF;
    IF v_old IS DISTINCT FROM p_plan THEN
      UPDATE public.tenants SET plan_id = p_plan WHERE id = p_tenant_id;
      INSERT INTO public.audit_log (tenant_id, actor_user_id, actor_email, action, target_type, target_id, metadata)
      VALUES (p_tenant_id, v_actor.user_id, v_actor.email, 'plan.change', 'plan', p_plan,
              jsonb_build_object('from', v_old, 'to', p_plan, 'by', 'platform'));
    END IF;
    RETURN v_old;
  END
  $$;

-- Creates or changes a plan's limits (NULL: unlimited); p_default makes it
-- the plan new workspaces start on.
CREATE FUNCTION app_platform_save_plan(p_id text, p_name text, p_seats integer, p_api_keys integer, p_child_workspaces integer,
  p_audit_retention_days integer, p_export_allowed boolean, p_default boolean) RETURNS void
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  BEGIN
    PERFORM app_private.platform_actor();
    IF p_default THEN
      UPDATE public.plans SET is_default = false WHERE is_default AND id <> p_id;
    END IF;
    INSERT INTO public.plans AS p (id, name, seats, api_keys, child_workspaces, audit_retention_days, export_allowed, is_default, position)
    VALUES (p_id, p_name, p_seats, p_api_keys, p_child_workspaces, p_audit_retention_days, p_export_allowed, coalesce(p_default, false),
            (SELECT coalesce(max(q.position), 0) + 1 FROM public.plans q))
    ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, seats = EXCLUDED.seats, api_keys = EXCLUDED.api_keys,
      child_workspaces = EXCLUDED.child_workspaces, audit_retention_days = EXCLUDED.audit_retention_days,
      export_allowed = EXCLUDED.export_allowed,
      is_default = CASE WHEN p_default THEN true ELSE p.is_default END, updated_at = now();
  END
  $$;
GRANT INSERT, UPDATE ON "plans" TO tenantry_definer;

-- ---------------------------------------------------------------------------
-- Cross-view (seed 002's tenant.cross_view): a platform administrator reads
-- one workspace, and nothing in it can be written. The visit is recorded in
-- that workspace's own log first ("Platform admin X viewed members"), so its
-- auditors see every one. The context names the tenant and no user or role:
-- the read policies below admit it; every write policy asks for a role, the
-- caller's membership or the caller's id, and refuses.
-- ---------------------------------------------------------------------------
CREATE FUNCTION app_enter_cross_view(p_session_token text, p_tenant_id uuid, p_area text, p_ip text, p_user_agent text,
  OUT user_id uuid, OUT email text, OUT name text, OUT tenant_name text, OUT tenant_slug text, OUT tenant_status public.tenant_status)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  BEGIN
    SELECT a.user_id, a.email, a.name INTO user_id, email, name FROM app_private.platform_admin(p_session_token) a;
    IF p_area IS NULL OR p_area !~ '^[a-z][a-z_]{0,31}$' THEN
      RAISE EXCEPTION 'not an area of a workspace' USING ERRCODE = '22023';
    END IF;
    SELECT t.name, t.slug, t.status INTO tenant_name, tenant_slug, tenant_status FROM public.tenants t WHERE t.id = p_tenant_id;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'not found' USING ERRCODE = '42501', HINT = 'not_found';
    END IF;
    INSERT INTO public.audit_log (tenant_id, actor_user_id, actor_email, action, target_type, target_id, metadata, ip, user_agent)
    VALUES (p_tenant_id, user_id, email, 'platform.cross_view', 'tenant', p_tenant_id::text,
            jsonb_build_object('area', p_area, 'admin', coalesce(name, email)),
            left(p_ip, 45), left(p_user_agent, 512));
    PERFORM app_private.set_context(p_tenant_id, NULL, NULL, NULL, 'cross_view', NULL);
  END
  $$;

CREATE FUNCTION app_in_cross_view() RETURNS boolean
  LANGUAGE sql STABLE AS $$ SELECT (public.app_context()).mode = 'cross_view' $$;
GRANT EXECUTE ON FUNCTION app_in_cross_view() TO tenantry_app;

-- Reads in cross-view: every row of the visited tenant, in every table with a
-- tenant_id that exists now (a table added later adds its own policy; the
-- platform test lists the tables that lack one), and the users who are its
-- members. SELECT only: nothing here admits a write.
DO $$
DECLARE
  v_table text;
BEGIN
  FOR v_table IN
    SELECT c.relname FROM pg_class c
     WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'
       AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)
  LOOP
    EXECUTE format(
      'CREATE POLICY %I ON public.%I FOR SELECT TO tenantry_app USING ("tenant_id" = (SELECT app_current_tenant_id()) AND (SELECT app_in_cross_view()))',
      v_table || '_cross_view_select', v_table);
  END LOOP;
END
$$;
CREATE POLICY users_cross_view_select ON "users" FOR SELECT TO tenantry_app USING (
  (SELECT app_in_cross_view())
  AND "id" IN (SELECT m.user_id FROM tenant_members m WHERE m.tenant_id = (SELECT app_current_tenant_id()))
);

-- ---------------------------------------------------------------------------
-- What the definer's functions may write, and only in platform mode (or, for
-- the audit log, rows that name a platform administrator as their actor:
-- the cross-view entry writes the visit before it signs its context).
-- ---------------------------------------------------------------------------
CREATE POLICY tenants_platform_insert ON "tenants" FOR INSERT TO tenantry_definer
  WITH CHECK ((SELECT app_current_mode()) = 'platform');
CREATE POLICY tenants_platform_update ON "tenants" FOR UPDATE TO tenantry_definer
  USING ((SELECT app_current_mode()) = 'platform') WITH CHECK ((SELECT app_current_mode()) = 'platform');
CREATE POLICY tenant_members_platform_insert ON "tenant_members" FOR INSERT TO tenantry_definer
  WITH CHECK ((SELECT app_current_mode()) = 'platform' AND "role" = 'owner');
CREATE POLICY users_platform_insert ON "users" FOR INSERT TO tenantry_definer
  WITH CHECK ((SELECT app_current_mode()) = 'platform');
CREATE POLICY tenant_invitations_platform_update ON "tenant_invitations" FOR UPDATE TO tenantry_definer
  USING ((SELECT app_current_mode()) = 'platform') WITH CHECK ((SELECT app_current_mode()) = 'platform');
CREATE POLICY audit_log_platform_select ON "audit_log" FOR SELECT TO tenantry_definer
  USING ((SELECT app_current_mode()) = 'platform');
CREATE POLICY audit_log_platform_insert ON "audit_log" FOR INSERT TO tenantry_definer
  WITH CHECK ("actor_user_id" IN (SELECT u.id FROM users u WHERE u.is_platform_admin));

GRANT INSERT ON "tenants", "tenant_members" TO tenantry_definer;
-- The accent colour's CHECK runs as whoever writes the row.
GRANT EXECUTE ON FUNCTION app_contrast_with_white(text) TO tenantry_definer;
GRANT UPDATE ("name", "status", "blocked_at", "deleted_at", "deletion_batch_id", "deleted_by", "purge_requested_at", "purge_requested_by", "plan_id")
  ON "tenants" TO tenantry_definer;
GRANT INSERT ("email") ON "users" TO tenantry_definer;
GRANT UPDATE ("deleted_at", "deletion_batch_id") ON "tenant_invitations" TO tenantry_definer;
GRANT SELECT, INSERT ON "audit_log" TO tenantry_definer;
GRANT USAGE ON SEQUENCE "audit_log_id_seq" TO tenantry_definer;

-- ---------------------------------------------------------------------------
-- Ownership and grants.
-- ---------------------------------------------------------------------------
ALTER FUNCTION app_private.platform_admin(text) OWNER TO tenantry_definer;
ALTER FUNCTION app_private.platform_actor() OWNER TO tenantry_definer;
ALTER FUNCTION app_enter_platform(text) OWNER TO tenantry_definer;
ALTER FUNCTION app_is_platform_admin(text) OWNER TO tenantry_definer;
ALTER FUNCTION app_platform_tenants(text, tenant_status, text, timestamptz, uuid, integer) OWNER TO tenantry_definer;
ALTER FUNCTION app_platform_set_blocked(uuid, boolean, text) OWNER TO tenantry_definer;
ALTER FUNCTION app_platform_delete_tenant(uuid, integer) OWNER TO tenantry_definer;
ALTER FUNCTION app_platform_restore_tenant(uuid) OWNER TO tenantry_definer;
ALTER FUNCTION app_platform_request_purge(uuid) OWNER TO tenantry_definer;
ALTER FUNCTION app_platform_rename_tenant(uuid, text) OWNER TO tenantry_definer;
ALTER FUNCTION app_platform_create_tenant(text, text, text, text) OWNER TO tenantry_definer;
ALTER FUNCTION app_enter_cross_view(text, uuid, text, text, text) OWNER TO tenantry_definer;
ALTER FUNCTION app_platform_tenant_name(uuid) OWNER TO tenantry_definer;
ALTER FUNCTION app_platform_set_plan(uuid, text) OWNER TO tenantry_definer;
ALTER FUNCTION app_platform_save_plan(text, text, integer, integer, integer, integer, boolean, boolean) OWNER TO tenantry_definer;

REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA app_private FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_private.tenant_set_blocked(uuid, boolean, text, uuid, text, text),
  app_private.lifecycle_tables(), app_private.tenant_delete(uuid, uuid, text, text, integer),
  app_private.tenant_restore(uuid, uuid, text, text), app_private.tenant_request_purge(uuid, uuid, text, text)
  TO tenantry_definer;
REVOKE EXECUTE ON FUNCTION app_enter_platform(text), app_is_platform_admin(text),
  app_platform_tenants(text, tenant_status, text, timestamptz, uuid, integer),
  app_platform_set_blocked(uuid, boolean, text), app_platform_delete_tenant(uuid, integer), app_platform_restore_tenant(uuid),
  app_platform_request_purge(uuid), app_platform_rename_tenant(uuid, text), app_platform_create_tenant(text, text, text, text),
  app_enter_cross_view(text, uuid, text, text, text), app_platform_tenant_name(uuid),
  app_platform_set_plan(uuid, text), app_platform_save_plan(text, text, integer, integer, integer, integer, boolean, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_enter_platform(text), app_is_platform_admin(text),
  app_platform_tenants(text, tenant_status, text, timestamptz, uuid, integer),
  app_platform_set_blocked(uuid, boolean, text), app_platform_delete_tenant(uuid, integer), app_platform_restore_tenant(uuid),
  app_platform_request_purge(uuid), app_platform_rename_tenant(uuid, text), app_platform_create_tenant(text, text, text, text),
  app_enter_cross_view(text, uuid, text, text, text), app_platform_tenant_name(uuid),
  app_platform_set_plan(uuid, text), app_platform_save_plan(text, text, integer, integer, integer, integer, boolean, boolean) TO tenantry_app;
