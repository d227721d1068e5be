-- Parent → child workspaces (seed 001's B2B2B hierarchy) and acting as a
-- delegate in a descendant (seed 001's X-Act-As-Tenant).
--
-- * tenant_closure(ancestor_id, descendant_id, depth) holds every ancestor →
--   descendant pair, itself included at depth 0. Triggers on tenants keep it
--   in step on insert, re-parent and delete; a cycle is refused here, under
--   one advisory lock for every change of structure. IsDescendant is one
--   primary-key lookup (app_is_descendant); nothing walks the tree at request
--   time.
-- * A workspace's owners say what role the admins of its ancestors get when
--   they enter it as delegates (tenants.delegate_role: admin by default,
--   never owner; NULL is "no delegated access").
-- * The entry decides: app_enter, when the user is no member of the asked-for
--   workspace, looks for the nearest active ancestor in which they hold
--   tenant.children.manage (app_private.delegation) — in the same statement
--   that checks a membership. The context's mode then reads
--   'delegate:<ancestor id>', and the live role (app_role_in) is the child's
--   delegated role for as long as that membership, the closure row and the
--   policy still hold.
-- * Every audit row a delegate writes in the child names the ancestor and the
--   delegated role, and a trigger copies it into the ancestor's log
--   (tenant.delegate.act): no code path can act as a delegate unrecorded
--   upstairs.

-- ---------------------------------------------------------------------------
-- The closure table.
-- ---------------------------------------------------------------------------
CREATE TABLE "tenant_closure" (
    "ancestor_id" UUID NOT NULL,
    "descendant_id" UUID NOT NULL,
    "depth" INTEGER NOT NULL,

    CONSTRAINT "tenant_closure_pkey" PRIMARY KEY ("ancestor_id", "descendant_id"),
    CONSTRAINT "tenant_closure_depth" CHECK ("depth" >= 0 AND ("depth" = 0) = ("ancestor_id" = "descendant_id"))
);
-- A workspace's ancestors, nearest first (the entry); its descendants,
-- nearest first (the switcher). Each holds the third column too, so both
-- walks are index-only scans in index order: with (ancestor_id, depth) alone
-- the planner, which expects a handful of rows per workspace, reads all
-- 10,000 descendants of a root and sorts them to keep 100 (2.7 ms → 0.1 ms).
CREATE INDEX "tenant_closure_descendant_id_depth_ancestor_id_idx" ON "tenant_closure"("descendant_id", "depth", "ancestor_id");
CREATE INDEX "tenant_closure_ancestor_id_depth_descendant_id_idx" ON "tenant_closure"("ancestor_id", "depth", "descendant_id");
ALTER TABLE "tenant_closure" ADD CONSTRAINT "tenant_closure_ancestor_id_fkey" FOREIGN KEY ("ancestor_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "tenant_closure" ADD CONSTRAINT "tenant_closure_descendant_id_fkey" FOREIGN KEY ("descendant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The rows for the workspaces that exist.
INSERT INTO "tenant_closure" ("ancestor_id", "descendant_id", "depth")
WITH RECURSIVE up AS (
  SELECT t.id AS descendant_id, t.id AS ancestor_id, t.parent_id, 0 AS depth FROM tenants t
  UNION ALL
  SELECT up.descendant_id, p.id, p.parent_id, up.depth + 1 FROM up JOIN tenants p ON p.id = up.parent_id
)
SELECT ancestor_id, descendant_id, depth FROM up;

-- Who reads it: the managers of a workspace, its subtree (ancestor_id is the
-- workspace they entered). The app never writes it: the triggers below do,
-- as tenantry_definer.
ALTER TABLE "tenant_closure" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "tenant_closure" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_closure_select ON "tenant_closure" FOR SELECT TO tenantry_app USING (
  "ancestor_id" = (SELECT app_current_tenant_id()) AND (SELECT app_can('tenant.children.manage'))
);
CREATE POLICY tenant_closure_definer ON "tenant_closure" TO tenantry_definer USING (true) WITH CHECK (true);
GRANT SELECT ON "tenant_closure" TO tenantry_app;
GRANT SELECT, INSERT, DELETE ON "tenant_closure" TO tenantry_definer;

-- ---------------------------------------------------------------------------
-- Maintenance.
-- ---------------------------------------------------------------------------
-- Before a workspace gets or changes its parent: no cycle. All structural
-- changes take one transaction-level lock, so two concurrent re-parents
-- (A under B, B under A) cannot each see no cycle.
CREATE FUNCTION app_tenant_hierarchy_check() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  BEGIN
    IF (TG_OP = 'UPDATE' AND NEW.parent_id IS NOT DISTINCT FROM OLD.parent_id)
       OR (TG_OP = 'INSERT' AND NEW.parent_id IS NULL) THEN
      RETURN NEW;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtextextended('tenant_hierarchy', 0));
    IF NEW.parent_id IS NOT NULL AND (
         NEW.parent_id = NEW.id
         OR EXISTS (SELECT 1 FROM public.tenant_closure c WHERE c.ancestor_id = NEW.id AND c.descendant_id = NEW.parent_id))
    THEN
      RAISE EXCEPTION 'workspace % cannot be placed under its own descendant %', NEW.id, NEW.parent_id
        USING ERRCODE = '23514', HINT = 'hierarchy_cycle';
    END IF;
    RETURN NEW;
  END
  $$;
CREATE TRIGGER tenants_hierarchy_check
  BEFORE INSERT OR UPDATE OF "parent_id" ON "tenants"
  FOR EACH ROW EXECUTE FUNCTION app_tenant_hierarchy_check();

-- After an insert: itself, and below each of its parent's ancestors.
-- After a re-parent: the subtree leaves its old ancestors and joins the new ones.
CREATE FUNCTION app_tenant_closure_maintain() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  BEGIN
    IF TG_OP = 'INSERT' THEN
      INSERT INTO public.tenant_closure (ancestor_id, descendant_id, depth) VALUES (NEW.id, NEW.id, 0);
      INSERT INTO public.tenant_closure (ancestor_id, descendant_id, depth)
      SELECT c.ancestor_id, NEW.id, c.depth + 1 FROM public.tenant_closure c WHERE c.descendant_id = NEW.parent_id;
      RETURN NULL;
    END IF;
    IF NEW.parent_id IS NOT DISTINCT FROM OLD.parent_id THEN
      RETURN NULL;
    END IF;
    DELETE FROM public.tenant_closure c
     USING public.tenant_closure sub, public.tenant_closure anc
     WHERE sub.ancestor_id = NEW.id AND c.descendant_id = sub.descendant_id
       AND anc.descendant_id = NEW.id AND anc.depth > 0 AND c.ancestor_id = anc.ancestor_id;
    INSERT INTO public.tenant_closure (ancestor_id, descendant_id, depth)
    SELECT a.ancestor_id, s.descendant_id, a.depth + s.depth + 1
      FROM public.tenant_closure a CROSS JOIN public.tenant_closure s
     WHERE a.descendant_id = NEW.parent_id AND s.ancestor_id = NEW.id;
    RETURN NULL;
  END
  $$;
CREATE TRIGGER tenants_closure_insert
  AFTER INSERT ON "tenants"
  FOR EACH ROW EXECUTE FUNCTION app_tenant_closure_maintain();
CREATE TRIGGER tenants_closure_reparent
  AFTER UPDATE OF "parent_id" ON "tenants"
  FOR EACH ROW EXECUTE FUNCTION app_tenant_closure_maintain();

-- Before a workspace is removed (a purge): its children move up to its
-- parent (or become roots), which gives nobody access they did not have —
-- the admins of that parent were already their ancestors' admins. Its own
-- closure rows go with it (ON DELETE CASCADE).
CREATE FUNCTION app_tenant_hierarchy_lift_children() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  BEGIN
    UPDATE public.tenants SET parent_id = OLD.parent_id WHERE parent_id = OLD.id;
    RETURN OLD;
  END
  $$;
CREATE TRIGGER tenants_hierarchy_lift_children
  BEFORE DELETE ON "tenants"
  FOR EACH ROW EXECUTE FUNCTION app_tenant_hierarchy_lift_children();
CREATE POLICY tenants_definer_reparent ON "tenants" FOR UPDATE TO tenantry_definer USING (true) WITH CHECK (true);
GRANT UPDATE ("parent_id") ON "tenants" TO tenantry_definer;

-- IsDescendant: one primary-key lookup, under the closure's policy (the app
-- asks it about the subtree of the workspace it entered).
CREATE FUNCTION app_is_descendant(p_ancestor_id uuid, p_descendant_id uuid) RETURNS boolean
  LANGUAGE sql STABLE
  AS $$
    SELECT EXISTS (SELECT 1 FROM public.tenant_closure c
                    WHERE c.ancestor_id = p_ancestor_id AND c.descendant_id = p_descendant_id AND c.depth > 0)
  $$;
GRANT EXECUTE ON FUNCTION app_is_descendant(uuid, uuid) TO tenantry_app, tenantry_definer;

-- ---------------------------------------------------------------------------
-- The delegation policy of a workspace, and the permissions.
-- ---------------------------------------------------------------------------
ALTER TABLE "tenants" ADD COLUMN "delegate_role" "member_role" DEFAULT 'admin';
ALTER TABLE "tenants" ADD CONSTRAINT "tenants_delegate_role_not_owner" CHECK ("delegate_role" IS DISTINCT FROM 'owner');
GRANT UPDATE ("delegate_role") ON "tenants" TO tenantry_app;

INSERT INTO "role_permissions" ("permission", "role") VALUES
  ('tenant.children.manage', 'owner'), ('tenant.children.manage', 'admin'),
  ('tenant.delegation.manage', 'owner');

ALTER POLICY tenants_update ON "tenants"
  USING ("id" = (SELECT app_current_tenant_id())
         AND ((SELECT app_can('tenant.rename')) OR (SELECT app_can('tenant.settings')) OR (SELECT app_can('tenant.delete'))
              OR (SELECT app_can('tenant.delegation.manage'))))
  WITH CHECK ("id" = (SELECT app_current_tenant_id())
         AND ((SELECT app_can('tenant.rename')) OR (SELECT app_can('tenant.settings')) OR (SELECT app_can('tenant.delete'))
              OR (SELECT app_can('tenant.delegation.manage'))));

-- Column by column, the app changes the delegation policy only as one who
-- may (the row policy admits anyone who may change the row at all).
CREATE FUNCTION app_tenant_delegate_role_change() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    IF NEW.delegate_role IS DISTINCT FROM OLD.delegate_role AND current_user = 'tenantry_app'
       AND NOT public.app_can('tenant.delegation.manage') THEN
      RAISE EXCEPTION 'only those who may manage delegation change it' USING ERRCODE = '42501', HINT = 'delegation_policy';
    END IF;
    RETURN NEW;
  END
  $$;
CREATE TRIGGER tenants_delegate_role_change
  BEFORE UPDATE OF "delegate_role" ON "tenants"
  FOR EACH ROW EXECUTE FUNCTION app_tenant_delegate_role_change();

-- A workspace may be created under a parent by one who may manage that
-- parent's children (a live membership there, in an active parent).
CREATE FUNCTION app_can_in(p_tenant_id uuid, p_permission text) RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
    SELECT EXISTS (
      SELECT 1 FROM public.tenant_members m
        JOIN public.users u ON u.id = m.user_id AND u.active
        JOIN public.tenants t ON t.id = m.tenant_id AND t.status = 'active'
        JOIN public.role_permissions rp ON rp.role = m.role AND rp.permission = p_permission
       WHERE m.tenant_id = p_tenant_id AND m.user_id = (public.app_context()).user_id)
  $$;
ALTER POLICY tenants_insert ON "tenants" WITH CHECK (
  (SELECT app_current_mode()) = 'create' AND "id" = (SELECT app_current_tenant_id())
  AND ("parent_id" IS NULL OR app_can_in("parent_id", 'tenant.children.manage'))
);

-- ---------------------------------------------------------------------------
-- Delegation: may the user enter p_tenant_id as a delegate (through p_via
-- when given: the API's X-Act-As-Tenant names the key's workspace)? The
-- nearest active ancestor in which they hold tenant.children.manage; the
-- refusal says why not: not_member (no such ancestor — the workspace's
-- existence and state are not revealed), tenant_deleted, tenant_suspended,
-- delegation_refused (its owners allow no delegated access).
-- ---------------------------------------------------------------------------
CREATE FUNCTION app_private.delegation(p_user_id uuid, p_tenant_id uuid, p_via uuid,
  OUT via uuid, OUT via_name text, OUT role public.member_role, OUT status public.tenant_status, OUT refusal text)
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  BEGIN
    SELECT c.ancestor_id, a.name INTO via, via_name
      FROM public.tenant_closure c
      JOIN public.tenants a ON a.id = c.ancestor_id AND a.status = 'active'
      JOIN public.tenant_members m ON m.tenant_id = c.ancestor_id AND m.user_id = p_user_id
      JOIN public.users u ON u.id = m.user_id AND u.active
     WHERE c.descendant_id = p_tenant_id AND c.depth > 0
       AND (p_via IS NULL OR c.ancestor_id = p_via)
       AND m.role IN (SELECT rp.role FROM public.role_permissions rp WHERE rp.permission = 'tenant.children.manage')
     ORDER BY c.depth
     LIMIT 1;
    IF via IS NULL THEN
      refusal := 'not_member';
      via_name := NULL;
      RETURN;
    END IF;
    SELECT t.status, t.delegate_role INTO status, role FROM public.tenants t WHERE t.id = p_tenant_id;
    IF status = 'deleted' THEN
      refusal := 'tenant_deleted';
    ELSIF status = 'blocked' THEN
      refusal := 'tenant_suspended';
    ELSIF role IS NULL THEN
      refusal := 'delegation_refused';
    END IF;
    IF refusal IS NOT NULL THEN
      role := NULL;
    END IF;
  END
  $$;

-- The ancestor a delegate context acts through, from the signed context.
CREATE FUNCTION app_acting_via() RETURNS uuid
  LANGUAGE sql STABLE
  AS $$ SELECT CASE WHEN m LIKE 'delegate:%' THEN substr(m, 10)::uuid END FROM (SELECT public.app_current_mode() AS m) x $$;

-- The delegated role of the context's user in the context's tenant, live.
CREATE FUNCTION app_delegated_role() RETURNS member_role
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
    SELECT d.role FROM app_private.delegation((public.app_context()).user_id, (public.app_context()).tenant_id, public.app_acting_via()) d
     WHERE public.app_acting_via() IS NOT NULL AND d.refusal IS NULL
  $$;

-- The live role: a membership, or in a delegate context the delegated role
-- in the entered tenant (and nowhere else).
CREATE OR REPLACE FUNCTION app_role_in(p_tenant_id uuid) RETURNS member_role
  LANGUAGE plpgsql STABLE
  AS $$
  DECLARE
    v_role public.member_role;
  BEGIN
    SELECT m.role INTO v_role FROM public.tenant_members m JOIN public.users u ON u.id = m.user_id
     WHERE m.tenant_id = p_tenant_id AND m.user_id = public.app_current_user_id() AND u.active;
    IF v_role IS NULL AND p_tenant_id = public.app_current_tenant_id() AND public.app_acting_via() IS NOT NULL THEN
      v_role := public.app_delegated_role();
    END IF;
    RETURN v_role;
  END
  $$;

-- The switcher's delegate entries: for each workspace the user manages, its
-- nearest 100 descendants (they may enter any descendant; the switcher lists
-- these), minus those they belong to and those whose owners allow none.
CREATE FUNCTION app_private.delegable_descendants(p_user_id uuid) RETURNS jsonb
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
    SELECT coalesce(jsonb_agg(jsonb_build_object('tenantId', t.id, 'tenantName', t.name, 'tenantSlug', t.slug,
                                                 'role', t.delegate_role, 'status', t.status,
                                                 'accent', t.accent_color, 'logoVersion', left(l.sha256, 16),
                                                 'parentId', t.parent_id, 'delegatedVia', d.via, 'delegatedViaName', d.via_name)
                              ORDER BY d.depth, lower(t.name), t.id), '[]'::jsonb)
      FROM (SELECT DISTINCT ON (x.descendant_id) x.descendant_id, x.via, x.via_name, x.depth
              FROM public.tenant_members m
              JOIN public.tenants a ON a.id = m.tenant_id AND a.status = 'active'
             CROSS JOIN LATERAL (SELECT c.descendant_id, c.ancestor_id AS via, a.name AS via_name, c.depth
                                   FROM public.tenant_closure c
                                  WHERE c.ancestor_id = m.tenant_id AND c.depth > 0
                                  ORDER BY c.depth LIMIT 100) x
             WHERE m.user_id = p_user_id
               AND m.role IN (SELECT rp.role FROM public.role_permissions rp WHERE rp.permission = 'tenant.children.manage')
             ORDER BY x.descendant_id, x.depth) d
      JOIN public.tenants t ON t.id = d.descendant_id AND t.status <> 'deleted' AND t.delegate_role IS NOT NULL
      LEFT JOIN public.tenant_logos l ON l.tenant_id = t.id
     WHERE NOT EXISTS (SELECT 1 FROM public.tenant_members o WHERE o.tenant_id = t.id AND o.user_id = p_user_id)
  $$;

-- One delegate entry for the switcher's list, when the asked-for workspace is
-- beyond the listed ones.
CREATE FUNCTION app_private.delegate_entry(p_tenant_id uuid, p_via uuid, p_via_name text) RETURNS jsonb
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
    SELECT jsonb_build_object('tenantId', t.id, 'tenantName', t.name, 'tenantSlug', t.slug,
                              'role', t.delegate_role, 'status', t.status,
                              'accent', t.accent_color, 'logoVersion', left(l.sha256, 16),
                              'parentId', t.parent_id, 'delegatedVia', p_via, 'delegatedViaName', p_via_name)
      FROM public.tenants t LEFT JOIN public.tenant_logos l ON l.tenant_id = t.id WHERE t.id = p_tenant_id
  $$;

-- ---------------------------------------------------------------------------
-- The entry. Unchanged but for the blocks marked "hierarchy": a user who is
-- no member of the asked-for workspace may enter it as a delegate.
-- ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_enter(p_session_token text, p_tenant_id uuid, p_strict boolean DEFAULT false,
  OUT kind text, OUT user_id uuid, OUT email text, OUT name text,
  OUT tenant_id uuid, OUT role member_role, OUT source text, OUT memberships jsonb)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_user record;
    v_status public.tenant_status;
    -- hierarchy
    v_del record;
    v_via uuid;
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
      -- hierarchy: no membership → a delegate of an ancestor?
      IF role IS NULL THEN
        SELECT * INTO v_del FROM app_private.delegation(v_user.user_id, p_tenant_id, NULL);
        IF v_del.refusal IS NULL THEN
          role := v_del.role;
          v_status := 'active';
          v_via := v_del.via;
        ELSIF v_del.refusal = 'tenant_suspended' THEN
          v_status := 'blocked';
        ELSIF v_del.refusal IN ('tenant_deleted', 'delegation_refused') THEN
          RAISE EXCEPTION 'user % may not enter tenant % as a delegate (%)', v_user.user_id, p_tenant_id, v_del.refusal
            USING ERRCODE = '42501', HINT = v_del.refusal;
        END IF;
      END IF;
      -- end hierarchy
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
                                                   'role', m.role, 'status', t.status,
                                                   'accent', t.accent_color, 'logoVersion', left(l.sha256, 16))
                                -- hierarchy: a child names its parent (the switcher nests it)
                                || CASE WHEN t.parent_id IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('parentId', t.parent_id) END
                                ORDER BY lower(t.name), t.id), '[]'::jsonb)
        INTO memberships
        FROM public.tenant_members m JOIN public.tenants t ON t.id = m.tenant_id AND t.status <> 'deleted'
        LEFT JOIN public.tenant_logos l ON l.tenant_id = t.id
       WHERE m.user_id = v_user.user_id;
      -- hierarchy: the descendants they may enter as a delegate, and the
      -- asked-for one when it is such a descendant beyond the listed ones.
      memberships := memberships || app_private.delegable_descendants(v_user.user_id);
      IF p_tenant_id IS NOT NULL AND NOT memberships @> jsonb_build_array(jsonb_build_object('tenantId', p_tenant_id)) THEN
        SELECT * INTO v_del FROM app_private.delegation(v_user.user_id, p_tenant_id, NULL);
        IF v_del.refusal IS NULL OR v_del.refusal = 'tenant_suspended' THEN
          memberships := memberships || jsonb_build_array(app_private.delegate_entry(p_tenant_id, v_del.via, v_del.via_name));
        END IF;
      END IF;
      -- end hierarchy
      -- The asked-for tenant when it is a membership (active or suspended);
      -- otherwise the remembered, then the first, among the active ones.
      SELECT c.id, c.role, s.source, c.status, c.via INTO tenant_id, role, source, v_status, v_via
        FROM (SELECT (e ->> 'tenantId')::uuid AS id, (e ->> 'role')::public.member_role AS role,
                     (e ->> 'status')::public.tenant_status AS status, o AS ord,
                     (e ->> 'delegatedVia')::uuid AS via,
                     CASE WHEN (e ->> 'tenantId')::uuid = p_tenant_id THEN 1
                          WHEN (e ->> 'tenantId')::uuid = v_user.last_tenant_id THEN 2
                          ELSE 3 END AS rank
                FROM jsonb_array_elements(memberships) WITH ORDINALITY AS x(e, o)) c
             CROSS JOIN LATERAL (SELECT (ARRAY['cookie', 'remembered', 'first'])[c.rank] AS source) s
       WHERE (c.status = 'active' OR c.rank = 1) AND (c.via IS NULL OR c.rank = 1)
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
                                    CASE WHEN kind <> 'tenant' THEN 'user'
                                         WHEN v_via IS NOT NULL THEN 'delegate:' || v_via::text -- hierarchy
                                         ELSE 'member' END, NULL);
  END
  $$;

-- The API's act-as entry (X-Act-As-Tenant): exactly p_tenant_id as a
-- delegate through p_via, or a refusal — not_member (403: not a descendant,
-- or no manager of p_via), tenant_suspended (402), tenant_deleted (404),
-- delegation_refused (403). An entry of the API's own credential would call
-- app_private.delegation the same way.
CREATE FUNCTION app_enter_act_as(p_session_token text, p_via uuid, p_tenant_id uuid, OUT role member_role, OUT via_name text)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_user record;
    v_del record;
  BEGIN
    SELECT * INTO v_user FROM app_private.session_user(p_session_token);
    IF v_user.user_id IS NULL OR NOT v_user.active THEN
      RAISE EXCEPTION 'no live session' USING ERRCODE = '42501', HINT = 'signed_out';
    END IF;
    SELECT * INTO v_del FROM app_private.delegation(v_user.user_id, p_tenant_id, p_via);
    IF v_del.refusal IS NOT NULL THEN
      RAISE EXCEPTION 'user % may not act as a delegate in tenant % (%)', v_user.user_id, p_tenant_id, v_del.refusal
        USING ERRCODE = '42501', HINT = v_del.refusal;
    END IF;
    role := v_del.role;
    via_name := v_del.via_name;
    PERFORM app_private.set_context(p_tenant_id, v_user.user_id, v_user.email, role, 'delegate:' || p_via::text, NULL);
  END
  $$;

-- ---------------------------------------------------------------------------
-- Delegated actions are audited in both logs.
-- ---------------------------------------------------------------------------
-- In the entered workspace, the row names the ancestor and the role.
CREATE FUNCTION app_audit_delegated_mark() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_via uuid := public.app_acting_via();
  BEGIN
    IF v_via IS NOT NULL AND NEW.tenant_id = (public.app_context()).tenant_id THEN
      NEW.metadata := NEW.metadata || jsonb_build_object(
        'delegated_from', jsonb_build_object('tenant_id', v_via, 'tenant_name', (SELECT t.name FROM public.tenants t WHERE t.id = v_via)),
        'delegated_role', (public.app_context()).role);
    END IF;
    RETURN NEW;
  END
  $$;
CREATE TRIGGER audit_log_delegated_mark
  BEFORE INSERT ON "audit_log"
  FOR EACH ROW EXECUTE FUNCTION app_audit_delegated_mark();

-- And the ancestor's log gets tenant.delegate.act: who, in which workspace,
-- did what (the child's row, its metadata up to 6 KB). Likewise a child's
-- creation (its tenant.create, in the creator's context) is written into the
-- parent's log as tenant.child.create, in the same transaction — the
-- creator's context admits only the new workspace's rows.
CREATE FUNCTION app_audit_delegated_mirror() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
  DECLARE
    v_via uuid := public.app_acting_via();
    v_ctx public.app_context := public.app_context();
    v_parent uuid;
  BEGIN
    IF NEW.tenant_id IS DISTINCT FROM v_ctx.tenant_id THEN
      RETURN NULL;
    END IF;
    IF v_via IS NOT NULL THEN
      INSERT INTO public.audit_log (tenant_id, actor_user_id, actor_email, action, target_type, target_id, metadata, ip, user_agent, created_at)
      VALUES (v_via, NEW.actor_user_id, NEW.actor_email, 'tenant.delegate.act', 'tenant', NEW.tenant_id::text,
              jsonb_build_object(
                'tenant_name', (SELECT t.name FROM public.tenants t WHERE t.id = NEW.tenant_id),
                'action', NEW.action, 'target_type', NEW.target_type, 'target_id', NEW.target_id,
                'role', v_ctx.role, 'audit_id', NEW.id,
                'details', CASE WHEN octet_length(NEW.metadata::text) <= 6000 THEN NEW.metadata - 'delegated_from' - 'delegated_role'
                                ELSE jsonb_build_object('truncated', true) END),
              NEW.ip, NEW.user_agent, NEW.created_at);
    ELSIF v_ctx.mode = 'create' AND NEW.action = 'tenant.create' THEN
      SELECT t.parent_id INTO v_parent FROM public.tenants t WHERE t.id = NEW.tenant_id;
      IF v_parent IS NOT NULL THEN
        INSERT INTO public.audit_log (tenant_id, actor_user_id, actor_email, action, target_type, target_id, metadata, ip, user_agent, created_at)
        VALUES (v_parent, NEW.actor_user_id, NEW.actor_email, 'tenant.child.create', 'tenant', NEW.tenant_id::text,
                jsonb_build_object('name', NEW.metadata -> 'name', 'slug', NEW.metadata -> 'slug'),
                NEW.ip, NEW.user_agent, NEW.created_at);
      END IF;
    END IF;
    RETURN NULL;
  END
  $$;
CREATE TRIGGER audit_log_delegated_mirror
  AFTER INSERT ON "audit_log"
  FOR EACH ROW EXECUTE FUNCTION app_audit_delegated_mirror();
CREATE POLICY audit_log_definer_delegated ON "audit_log" FOR INSERT TO tenantry_definer
  WITH CHECK ("action" IN ('tenant.delegate.act', 'tenant.child.create'));
GRANT INSERT ON "audit_log" TO tenantry_definer;
GRANT USAGE ON SEQUENCE "audit_log_id_seq" TO tenantry_definer;

-- ---------------------------------------------------------------------------
-- Ownership and grants.
-- ---------------------------------------------------------------------------
ALTER FUNCTION app_tenant_hierarchy_check() OWNER TO tenantry_definer;
ALTER FUNCTION app_tenant_closure_maintain() OWNER TO tenantry_definer;
ALTER FUNCTION app_tenant_hierarchy_lift_children() OWNER TO tenantry_definer;
ALTER FUNCTION app_can_in(uuid, text) OWNER TO tenantry_definer;
ALTER FUNCTION app_private.delegation(uuid, uuid, uuid) OWNER TO tenantry_definer;
ALTER FUNCTION app_delegated_role() OWNER TO tenantry_definer;
ALTER FUNCTION app_private.delegable_descendants(uuid) OWNER TO tenantry_definer;
ALTER FUNCTION app_private.delegate_entry(uuid, uuid, text) OWNER TO tenantry_definer;
ALTER FUNCTION app_enter_act_as(text, uuid, uuid) OWNER TO tenantry_definer;
ALTER FUNCTION app_audit_delegated_mark() OWNER TO tenantry_definer;
ALTER FUNCTION app_audit_delegated_mirror() OWNER TO tenantry_definer;

REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA app_private FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION app_can_in(uuid, text), app_delegated_role(), app_acting_via(), app_enter_act_as(text, uuid, uuid),
  app_tenant_hierarchy_check(), app_tenant_closure_maintain(), app_tenant_hierarchy_lift_children(),
  app_audit_delegated_mark(), app_audit_delegated_mirror(), app_tenant_delegate_role_change() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_can_in(uuid, text), app_delegated_role(), app_acting_via(), app_enter_act_as(text, uuid, uuid) TO tenantry_app;
GRANT EXECUTE ON FUNCTION app_delegated_role(), app_acting_via(), app_can_in(uuid, text) TO tenantry_definer;
-- Re-parenting a child (when its parent is purged) re-checks the row's constraints.
GRANT EXECUTE ON FUNCTION app_contrast_with_white(text) TO tenantry_definer;
