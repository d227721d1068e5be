// Every module's registrations, in one list. A new resource adds one line here
// (the generator does it: npm run new:resource). The roles matrix, the audit
// log's actions and their sentences, the dashboard and the sidebar read it.
import { apiKeysModule } from "@/lib/api-keys/definition";
import { auditModule, membersModule, workspaceModule } from "./core";
import { platformModule } from "@/lib/platform/definition";
import { transferModule } from "@/lib/transfer/definition";
import { hierarchyModule } from "@/lib/hierarchy/definition";
import type { AuditEventDefinition, ModuleDefinition, NavEntry, PermissionDefinition } from "./define";
import { projectsModule } from "@/lib/projects/definition";

export const MODULES = [
  workspaceModule,
  membersModule,
  auditModule,
  platformModule,
  apiKeysModule,
  projectsModule,
  transferModule,
  hierarchyModule,
  // new:resource registers here
] as const;

type AnyModule = (typeof MODULES)[number];
type PermissionOf<M> = M extends ModuleDefinition<infer P, string> ? P : never;
type AuditActionOf<M> = M extends ModuleDefinition<string, infer A> ? A : never;

export type Permission = PermissionOf<AnyModule>;
export type AuditAction = AuditActionOf<AnyModule>;

function collect<T>(pick: (m: ModuleDefinition) => Readonly<Record<string, T>>): Record<string, T> {
  const all: Record<string, T> = {};
  for (const m of MODULES as readonly ModuleDefinition[]) {
    for (const [key, value] of Object.entries(pick(m))) {
      if (key in all) throw new Error(`"${key}" is registered twice (module ${m.name}).`);
      all[key] = value;
    }
  }
  return all;
}

export const PERMISSION_DEFINITIONS = collect((m) => m.permissions) as Record<Permission, PermissionDefinition>;
export const AUDIT_EVENTS = collect((m) => m.auditEvents) as Record<AuditAction, AuditEventDefinition>;
export const PERMISSIONS = Object.keys(PERMISSION_DEFINITIONS) as Permission[];
export const AUDIT_ACTIONS = Object.keys(AUDIT_EVENTS) as AuditAction[];
export const AUDIT_TARGET_TYPES = [...new Set((MODULES as readonly ModuleDefinition[]).flatMap((m) => m.targetTypes ?? []))];
export const NAV_ENTRIES = (MODULES as readonly ModuleDefinition[]).flatMap((m) => m.nav ?? []) as NavEntry<Permission>[];

export function isAuditAction(action: string): action is AuditAction {
  return Object.hasOwn(AUDIT_EVENTS, action);
}
