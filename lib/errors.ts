// Errors a user can act on. Actions turn them into a message on the form;
// anything else is a bug, logged and shown as a generic failure.
import { planLimitSentence } from "@/lib/billing/advice";

/** What a page adds to a refusal that a reload of the page would resolve: the page shows an older state. */
export const RELOAD_THE_PAGE = "Reload the page.";

/**
 * A refusal on the request's merits, said in a sentence (`message`) that
 * every caller may show — a page, the REST API, an operator's command.
 * `pageAdvice` is what only a person on a page can do about it ("Reload the
 * page."): forms show it after the message (`forPage`); the API does not.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly pageAdvice?: string,
  ) {
    super(message);
    this.name = "DomainError";
  }

  /** The sentence a page shows: the message, then what to do on the page. */
  get forPage(): string {
    return this.pageAdvice ? `${this.message} ${this.pageAdvice}` : this.message;
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
  detail?: string;
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
 * API keys, child workspaces, export) as the DomainError its message words,
 * advised for the role its detail names (planLimitSentence) — an owner's
 * "Your plan allows 2 API keys; revoke one, or ask the platform's operators
 * to upgrade the plan.", an admin's "…, or ask one of the workspace's
 * owners, who can ask the platform's operators to upgrade the plan." — or
 * null. The API answers it 402 plan-limit.
 */
export function planLimitFrom(error: unknown): DomainError | null {
  const pg = findPgError(error);
  if (pg?.code === "53400" && pg.hint === "plan_limit") return new DomainError("plan_limit", planLimitSentence(String(pg.message), pg.detail));
  return null;
}
