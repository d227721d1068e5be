import "server-only";
import { runRead, sql, type Read } from "@/lib/db";
import { DomainError } from "@/lib/errors";
import { withUser, type Actor, type Credential } from "@/lib/tenancy";
export { describeDevice } from "@/lib/device";
import { twoFactorStateFrom, twoFactorStateStatement, type TwoFactorState, type TwoFactorStateRow } from "@/lib/two-factor";
import { displayNameSchema } from "@/lib/validation";

// The signed-in user's own account (seed 002's "my account"): display name,
// email (read-only: it is the sign-in identity), whether they are a platform
// administrator, their sessions and their second factor.
//
// These are changes to a person, not to a workspace, so they write no
// workspace's audit log: the log belongs to a workspace and is read by its
// auditors, and a name change or a session ended elsewhere is no event of
// any one workspace. (Workspace logs keep each actor's email at the time.)

export interface SessionInfo {
  id: string;
  device: string | null;
  createdAt: Date;
  lastSeenAt: Date;
  current: boolean;
  awaitingSecondFactor: boolean;
}

export interface Profile {
  id: string;
  email: string;
  name: string | null;
  platformAdmin: boolean;
  sessions: SessionInfo[];
  twoFactor: TwoFactorState;
}

interface ProfileRow {
  id: string;
  email: string;
  name: string | null;
  admin: boolean;
  sessions: Array<{ id: string; device: string | null; created_at: string; last_seen_at: string; is_current: boolean; awaiting_second_factor: boolean }>;
  two_factor: TwoFactorStateRow | null;
}

/**
 * Everything the profile page shows, in one statement: the user the
 * transaction's entry signed in (`app_current_user_id()`), whether they are a
 * platform administrator, their live sessions (this one first) and their
 * second factor. Sent with the page's entry (requireUserWith); with nobody
 * signed in it reads no row, and its functions, which refuse a dead session,
 * are not reached.
 */
export function profileRead(credential: Credential): Read<Promise<Profile>, ProfileRow> {
  const statement = sql`
    SELECT u.id, u.email, u.name,
           app_current_user_is_platform_admin() AS admin,
           (SELECT coalesce(json_agg(s ORDER BY s.n), '[]')
              FROM app_my_sessions(${credential.token}) WITH ORDINALITY
                   AS s(id, device, created_at, last_seen_at, is_current, awaiting_second_factor, n)) AS sessions,
           (SELECT row_to_json(f) FROM (${twoFactorStateStatement(sql`u.id`)}) f) AS two_factor
      FROM users u
     WHERE u.id = (SELECT app_current_user_id())`;
  return { statement, result: ([row]) => profileFrom(row) };
}

async function profileFrom(row: ProfileRow | undefined): Promise<Profile> {
  if (!row) throw new DomainError("signed_out", "You are signed out.");
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    platformAdmin: row.admin === true,
    sessions: row.sessions.map((r) => ({
      id: r.id,
      device: r.device,
      createdAt: new Date(r.created_at),
      lastSeenAt: new Date(r.last_seen_at),
      current: r.is_current,
      awaitingSecondFactor: r.awaiting_second_factor,
    })),
    twoFactor: await twoFactorStateFrom(row.two_factor, row.email),
  };
}

/** Everything the profile page shows, in one transaction as the user. */
export async function getProfile(actor: Pick<Actor, "credential">): Promise<Profile> {
  return withUser(actor.credential, (tx) => runRead(tx, profileRead(actor.credential)));
}

/** Sets (or, empty, clears) the display name members see in every workspace. */
export async function updateDisplayName(actor: Pick<Actor, "credential">, input: string): Promise<string | null> {
  const parsed = displayNameSchema.safeParse(input);
  if (!parsed.success) throw new DomainError("invalid_name", parsed.error.issues[0]?.message ?? "Check the name.", "name");
  const name = parsed.data;
  await withUser(actor.credential, async (tx, user) => {
    await tx.exec(sql`UPDATE users SET name = ${name} WHERE id = ${user.id}::uuid`);
  });
  return name;
}

/** Signs out one of the user's other sessions. */
export async function signOutSession(actor: Pick<Actor, "credential">, sessionId: string): Promise<void> {
  const ended = await withUser(actor.credential, async (tx) =>
    (await tx.one<{ n: number }>(sql`SELECT app_sign_out_sessions(${actor.credential.token}, ${sessionId}::uuid) AS n`))?.n ?? 0,
  );
  if (ended === 0) throw new DomainError("no_session", "That session has already ended (or is this one: use Sign out).");
}

/** Signs out every session of the user but this one; returns how many ended. */
export async function signOutOtherSessions(actor: Pick<Actor, "credential">): Promise<number> {
  return withUser(actor.credential, async (tx) =>
    (await tx.one<{ n: number }>(sql`SELECT app_sign_out_sessions(${actor.credential.token}, NULL) AS n`))?.n ?? 0,
  );
}
