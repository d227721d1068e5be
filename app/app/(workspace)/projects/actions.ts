"use server";

import { revalidatePath } from "next/cache";
import {
  archiveProjectSchema,
  createProject,
  createProjectSchema,
  deleteProject,
  deleteProjectSchema,
  setProjectArchived,
  updateProject,
  updateProjectSchema,
} from "@/lib/projects";
import { tenantAction } from "@/lib/tenancy";

// The projects page's actions: each checks the form, the workspace it was
// rendered for and the matrix (tenantAction), then calls lib/projects.

const PAGE = "/app/projects";

export const createProjectAction = tenantAction({ schema: createProjectSchema, permission: "projects.manage" }, async (input, ctx) => {
  const created = await createProject(ctx, input);
  revalidatePath(PAGE);
  return { ok: true, data: { id: created.id }, message: `Created “${created.name}”.` };
});

export const updateProjectAction = tenantAction({ schema: updateProjectSchema, permission: "projects.manage" }, async (input, ctx) => {
  const updated = await updateProject(ctx, input);
  revalidatePath(PAGE);
  return { ok: true, data: { version: updated.updatedAt.getTime() }, message: `Saved “${updated.name}”.` };
});

export const archiveProjectAction = tenantAction({ schema: archiveProjectSchema, permission: "projects.manage" }, async (input, ctx) => {
  const project = await setProjectArchived(ctx, input);
  revalidatePath(PAGE);
  return {
    ok: true,
    data: { version: project.updatedAt.getTime() },
    message: input.archived ? `Archived “${project.name}”.` : `“${project.name}” is active again.`,
  };
});

export const deleteProjectAction = tenantAction({ schema: deleteProjectSchema, permission: "projects.manage" }, async (input, ctx) => {
  const { name } = await deleteProject(ctx, input);
  revalidatePath(PAGE);
  return { ok: true, data: undefined, message: `Deleted “${name}”.` };
});
