-- Projects: a tenant-scoped resource (written by npm run new:resource; the
-- description and archived_at were added by hand before it was first released).
--
-- * Every row belongs to one workspace (tenant_id, removed with it). Row-level
--   security is enabled and forced; the policies read the signed context's
--   tenant and ask the roles matrix, never a role by name:
--   projects.read to read, projects.manage to create, edit and delete. The
--   roles are lib/projects/definition.ts's; role_permissions below holds the
--   same rows (prisma/roles-matrix.test.ts compares them).
-- * deleted_at and deletion_batch_id put the rows in their workspace's
--   family: deleting the workspace marks them with its batch, restoring it
--   brings exactly that batch back (lib/lifecycle.ts finds tables by these
--   two columns). A project deleted on its own is deleted outright.

CREATE TABLE "projects" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    -- Archived projects stay readable and restorable; the list shows the active ones first.
    "archived_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_by" UUID,
    "deleted_at" TIMESTAMPTZ(3),
    "deletion_batch_id" UUID,

    CONSTRAINT "projects_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "projects_name_length" CHECK (char_length("name") BETWEEN 1 AND 200),
    CONSTRAINT "projects_description_length" CHECK (char_length("description") BETWEEN 1 AND 2000),
    CONSTRAINT "projects_deleted_fields" CHECK (("deleted_at" IS NULL) = ("deletion_batch_id" IS NULL))
);
-- No Prisma relation stands for this key (the Tenant model stays as it is):
-- schema.prisma states it in the model's "/// @fk" line, which the drift test reads.
ALTER TABLE "projects" ADD CONSTRAINT "projects_tenant_id_fkey"
  FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
-- The list: a workspace's rows, newest first.
CREATE INDEX "projects_tenant_id_created_at_idx" ON "projects" ("tenant_id", "created_at" DESC);

ALTER TABLE "projects" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "projects" FORCE ROW LEVEL SECURITY;

CREATE POLICY projects_select ON "projects" FOR SELECT USING (
  "tenant_id" = (SELECT app_current_tenant_id()) AND (SELECT app_can('projects.read'))
);
CREATE POLICY projects_insert ON "projects" FOR INSERT WITH CHECK (
  "tenant_id" = (SELECT app_current_tenant_id())
  AND (SELECT app_can('projects.manage'))
  AND "created_by" = (SELECT app_current_user_id())
);
-- Editing is projects.manage's; marking the rows with their workspace's
-- deletion batch, and clearing it on restore, is tenant.delete's.
CREATE POLICY projects_update ON "projects" FOR UPDATE
  USING ("tenant_id" = (SELECT app_current_tenant_id())
         AND ((SELECT app_can('projects.manage')) OR (SELECT app_can('tenant.delete'))))
  WITH CHECK ("tenant_id" = (SELECT app_current_tenant_id())
         AND ((SELECT app_can('projects.manage')) OR (SELECT app_can('tenant.delete'))));
CREATE POLICY projects_delete ON "projects" FOR DELETE USING (
  "tenant_id" = (SELECT app_current_tenant_id()) AND (SELECT app_can('projects.manage'))
);

-- The matrix's rows for the new permissions (lib/projects/definition.ts).
INSERT INTO "role_permissions" ("permission", "role") VALUES
  ('projects.read', 'owner'),
  ('projects.read', 'admin'),
  ('projects.read', 'auditor'),
  ('projects.read', 'member'),
  ('projects.manage', 'owner'),
  ('projects.manage', 'admin'),
  ('projects.manage', 'member');

GRANT SELECT, INSERT, DELETE ON "projects" TO tenantry_app;
GRANT UPDATE ("name", "description", "archived_at", "updated_at", "deleted_at", "deletion_batch_id") ON "projects" TO tenantry_app;
