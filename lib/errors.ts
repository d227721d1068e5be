// Errors a user can act on. Actions turn them into a message on the form;
// anything else is a bug, logged and shown as a generic failure.
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = "DomainError";
  }
}

export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const e = findPgError(error);
  return e?.code === "23505" && (!constraint || e.constraint === constraint || String(e.message).includes(constraint));
}

interface PgErrorLike {
  code?: string;
  constraint?: string;
  message?: string;
  hint?: string;
}

/**
 * Finds the Postgres error behind Prisma's wrappers: the pg driver adapter
 * keeps it under meta.driverAdapterError.cause; a raw pg error carries
 * `severity` beside its SQLSTATE.
 */
export function findPgError(error: unknown): PgErrorLike | undefined {
  let current: unknown = error;
  for (let depth = 0; current && typeof current === "object" && depth < 6; depth++) {
    const c = current as Record<string, unknown>;
    const meta = c.meta as Record<string, unknown> | undefined;
    const driverError = meta?.driverAdapterError as Record<string, unknown> | undefined;
    const cause = driverError?.cause as Record<string, unknown> | undefined;
    if (cause && typeof cause.originalCode === "string") {
      const constraint = cause.constraint as { index?: string } | undefined;
      return { code: cause.originalCode, message: String(cause.originalMessage ?? ""), constraint: constraint?.index };
    }
    if (typeof c.code === "string" && typeof c.severity === "string") return c as PgErrorLike;
    current = c.cause;
  }
  return undefined;
}

/**
 * A plan limit the database refused (SQLSTATE 53400, hint plan_limit: seats,
 * API keys, child workspaces, export) as the DomainError its message words —
 * "Your plan allows 5 seats; remove a member or upgrade." — or null. The
 * API answers it 402 plan-limit.
 */
export function planLimitFrom(error: unknown): DomainError | null {
  const pg = findPgError(error);
  if (pg?.code === "53400" && pg.hint === "plan_limit") return new DomainError("plan_limit", String(pg.message));
  return null;
}
