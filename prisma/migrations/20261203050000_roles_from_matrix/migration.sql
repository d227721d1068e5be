-- The roles matrix in the database: policies ask app_can('<permission>')
-- instead of naming roles, so the roles each policy admits are the ones
-- lib/tenancy/permissions.ts grants. role_permissions holds the matrix;
-- test/roles-matrix.test.ts fails when it differs from permissions.ts, when
-- a policy compares the caller's role with a literal role, or when a policy
-- names a permission the matrix does not have. A change to the matrix is a
-- migration that changes these rows.

CREATE TABLE "role_permissions" (
    "permission" TEXT NOT NULL,
    "role" "member_role" NOT NULL,

    CONSTRAINT "role_permissions_pkey" PRIMARY KEY ("permission", "role")
);

INSERT INTO "role_permissions" ("permission", "role") VALUES
  ('dashboard.read', 'owner'), ('dashboard.read', 'admin'), ('dashboard.read', 'auditor'), ('dashboard.read', 'member'),
  ('members.read', 'owner'), ('members.read', 'admin'), ('members.read', 'auditor'), ('members.read', 'member'),
  ('audit.read', 'owner'), ('audit.read', 'admin'), ('audit.read', 'auditor'),
  ('audit.export', 'owner'), ('audit.export', 'admin'), ('audit.export', 'auditor'),
  ('apikeys.manage', 'owner'), ('apikeys.manage', 'admin'),
  ('members.manage', 'owner'), ('members.manage', 'admin'),
  ('tenant.rename', 'owner'),
  ('tenant.settings', 'owner'),
  ('tenant.notes.read', 'owner'), ('tenant.notes.read', 'admin'),
  ('tenant.delete', 'owner'),
  ('ownership.transfer', 'owner');

-- Reference data, the same for every tenant: readable, never written by the app.
GRANT SELECT ON "role_permissions" TO tenantry_app, tenantry_definer;

-- May the context's user, with their live role in the context's tenant, do
-- p_permission? Invoker's rights: it reads the caller's own membership
-- (app_role_in) and the matrix. Policies call it as (SELECT app_can('…')),
-- once per statement.
CREATE FUNCTION app_can(p_permission text) RETURNS boolean
  LANGUAGE sql STABLE
  AS $$
    SELECT EXISTS (
      SELECT 1 FROM public.role_permissions rp
       WHERE rp.permission = p_permission
         AND rp.role = public.app_role_in(public.app_current_tenant_id()))
  $$;
GRANT EXECUTE ON FUNCTION app_can(text) TO tenantry_app, tenantry_definer;

-- ---------------------------------------------------------------------------
-- The policies, by permission. Unchanged otherwise.
-- ---------------------------------------------------------------------------
-- The tenant's row: its name and slug (tenant.rename), branding
-- (tenant.settings), its deletion and restoration (tenant.delete; the status
-- trigger below also asks for it).
ALTER POLICY tenants_update ON "tenants"
  USING ("id" = (SELECT app_current_tenant_id())
         AND ((SELECT app_can('tenant.rename')) OR (SELECT app_can('tenant.settings')) OR (SELECT app_can('tenant.delete'))))
  WITH CHECK ("id" = (SELECT app_current_tenant_id())
         AND ((SELECT app_can('tenant.rename')) OR (SELECT app_can('tenant.settings')) OR (SELECT app_can('tenant.delete'))));

-- Members: managers change and remove them; an owner's membership only an
-- owner (ownership.transfer) may change or end. Anyone may leave.
ALTER POLICY tenant_members_update ON "tenant_members"
  USING (
    "tenant_id" = (SELECT app_current_tenant_id())
    AND (SELECT app_can('members.manage'))
    AND ("role" <> 'owner' OR (SELECT app_can('ownership.transfer')))
  )
  WITH CHECK (
    "tenant_id" = (SELECT app_current_tenant_id())
    AND (SELECT app_can('members.manage'))
    AND ("role" <> 'owner' OR (SELECT app_can('ownership.transfer')))
  );
ALTER POLICY tenant_members_delete ON "tenant_members" USING (
  "tenant_id" = (SELECT app_current_tenant_id())
  AND (
    "user_id" = (SELECT app_current_user_id())
    OR ((SELECT app_can('members.manage'))
        AND ("role" <> 'owner' OR (SELECT app_can('ownership.transfer'))))
  )
);

ALTER POLICY tenant_invitations_insert ON "tenant_invitations" WITH CHECK (
  "tenant_id" = (SELECT app_current_tenant_id())
  AND (SELECT app_can('members.manage'))
  AND "invited_by" = (SELECT app_current_user_id())
);
ALTER POLICY tenant_invitations_update_manage ON "tenant_invitations"
  USING ("tenant_id" = (SELECT app_current_tenant_id()) AND (SELECT app_can('members.manage')))
  WITH CHECK ("tenant_id" = (SELECT app_current_tenant_id()) AND (SELECT app_can('members.manage')));

ALTER POLICY audit_log_select ON "audit_log" USING (
  "tenant_id" = (SELECT app_current_tenant_id()) AND (SELECT app_can('audit.read'))
);
ALTER POLICY audit_log_terms_select ON "audit_log_terms" USING (
  "tenant_id" = (SELECT app_current_tenant_id()) AND (SELECT app_can('audit.read'))
);

ALTER POLICY tenant_logos_insert ON "tenant_logos" WITH CHECK (
  "tenant_id" = (SELECT app_current_tenant_id())
  AND (SELECT app_can('tenant.settings'))
  AND "updated_by" = (SELECT app_current_user_id())
);
ALTER POLICY tenant_logos_update ON "tenant_logos"
  USING ("tenant_id" = (SELECT app_current_tenant_id()) AND (SELECT app_can('tenant.settings')))
  WITH CHECK (
    "tenant_id" = (SELECT app_current_tenant_id())
    AND (SELECT app_can('tenant.settings'))
    AND "updated_by" = (SELECT app_current_user_id())
  );
ALTER POLICY tenant_logos_delete ON "tenant_logos" USING (
  "tenant_id" = (SELECT app_current_tenant_id()) AND (SELECT app_can('tenant.settings'))
);

ALTER POLICY tenant_notes_select ON "tenant_notes" USING (
  "tenant_id" = (SELECT app_current_tenant_id()) AND (SELECT app_can('tenant.notes.read'))
);
ALTER POLICY tenant_notes_insert ON "tenant_notes" WITH CHECK (
  "tenant_id" = (SELECT app_current_tenant_id())
  AND (SELECT app_can('tenant.settings'))
  AND "updated_by" = (SELECT app_current_user_id())
);
ALTER POLICY tenant_notes_update ON "tenant_notes"
  USING ("tenant_id" = (SELECT app_current_tenant_id()) AND (SELECT app_can('tenant.settings')))
  WITH CHECK (
    "tenant_id" = (SELECT app_current_tenant_id())
    AND (SELECT app_can('tenant.settings'))
    AND "updated_by" = (SELECT app_current_user_id())
  );

-- ---------------------------------------------------------------------------
-- The app moves a workspace between active and deleted only as one who may
-- delete it (the policy admits anyone who may change the row at all).
-- ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app_tenant_status_change() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    IF NEW.status IS NOT DISTINCT FROM OLD.status THEN
      RETURN NEW;
    END IF;
    IF current_user = 'tenantry_app' AND NOT (
         ((OLD.status = 'active' AND NEW.status = 'deleted') OR (OLD.status = 'deleted' AND NEW.status = 'active'))
         AND public.app_can('tenant.delete'))
    THEN
      RAISE EXCEPTION 'a workspace may not go from % to % here', OLD.status, NEW.status
        USING ERRCODE = '42501', HINT = 'status_transition';
    END IF;
    RETURN NEW;
  END
  $$;

-- The one entry into a deleted workspace: for those who may delete (and so
-- restore) it.
CREATE OR REPLACE FUNCTION app_enter_deleted_tenant(p_session_token text, p_tenant_id uuid) RETURNS member_role
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
     WHERE m.user_id = v_user.user_id AND m.tenant_id = p_tenant_id AND t.status = 'deleted'
       AND m.role IN (SELECT rp.role FROM public.role_permissions rp WHERE rp.permission = 'tenant.delete');
    IF v_role IS NULL THEN
      RAISE EXCEPTION 'user % owns no deleted tenant %', v_user.user_id, p_tenant_id USING ERRCODE = '42501', HINT = 'not_member';
    END IF;
    PERFORM app_private.set_context(p_tenant_id, v_user.user_id, v_user.email, v_role, 'trash', NULL);
    RETURN v_role;
  END
  $$;
