import "server-only";
import { sql, type Tx } from "@/lib/db";
import { DomainError } from "@/lib/errors";
import { withUser, type Actor, type Credential } from "@/lib/tenancy";
export { describeDevice } from "@/lib/device";
import { twoFactorState, type TwoFactorState } from "@/lib/two-factor";
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

async function sessionsOf(tx: Tx, credential: Credential): Promise<SessionInfo[]> {
  const rows = await tx.query<{
    id: string;
    device: string | null;
    created_at: Date;
    last_seen_at: Date;
    is_current: boolean;
    awaiting_second_factor: boolean;
  }>(sql`SELECT * FROM app_my_sessions(${credential.token})`);
  return rows.map((r) => ({
    id: r.id,
    device: r.device,
    createdAt: r.created_at,
    lastSeenAt: r.last_seen_at,
    current: r.is_current,
    awaitingSecondFactor: r.awaiting_second_factor,
  }));
}

/** Everything the profile page shows, in one transaction as the user. */
export async function getProfile(actor: Pick<Actor, "credential">): Promise<Profile> {
  return withUser(actor.credential, async (tx, user) => {
    const row = await tx.one<{ admin: boolean }>(sql`SELECT app_current_user_is_platform_admin() AS admin`);
    return {
      id: user.id,
      email: user.email,
      name: user.name,
      platformAdmin: row?.admin === true,
      sessions: await sessionsOf(tx, actor.credential),
      twoFactor: await twoFactorState(tx, user),
    };
  });
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
