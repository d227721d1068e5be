// The shape of prisma/rls.test.ts's row factories. The foundation's tables
// have theirs in that file; a resource brings its own as
// lib/<resource>/row-factory.ts (npm run new:resource writes it), which the
// suite finds by that name — a new table needs no edit to the suite.
import { PERMISSION_DEFINITIONS, type Permission } from "@/lib/registry";
import type { TestTenant, TestUser } from "./fixtures";

export type Role = "owner" | "admin" | "auditor" | "member";
const ROLES: readonly Role[] = ["owner", "admin", "auditor", "member"];

export interface RowFactory {
  /** The table it fills (for the factories found in lib/<resource>/row-factory.ts). */
  table?: string;
  /** Puts one row for `tenant` in the table, as the owner. */
  seed(tenant: TestTenant): Promise<void>;
  /** An INSERT of a row for `tenant`, attempted as the app role. */
  insert(tenant: TestTenant, actor: TestUser): { text: string; values: unknown[] };
  /**
   * Which of its own tenant's rows a role may change or delete, as a SQL
   * condition on the row (`$1` is the actor's id), or null for none. Roles
   * not listed may change any of them (the positive controls).
   */
  mayTouch: Partial<Record<Role, string | null>>;
}

/** mayTouch from the matrix: a role that holds none of `permissions` may touch no row. */
export function mayTouchFromMatrix(permissions: readonly Permission[]): RowFactory["mayTouch"] {
  const mayTouch: RowFactory["mayTouch"] = {};
  for (const role of ROLES) {
    if (!permissions.some((p) => (PERMISSION_DEFINITIONS[p].roles as readonly string[]).includes(role))) mayTouch[role] = null;
  }
  return mayTouch;
}
