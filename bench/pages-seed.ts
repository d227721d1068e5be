// The page benchmark's data, written with set-based SQL as the table owner (a
// superuser, so row-level security does not apply), deterministic (setseed):
// - the main workspace the load is measured on: 50 members, 14 pending
//   invitations, 3,000 audit events; its owner also belongs to three others;
// - at scale (unless --no-scale): a workspace of 10,000 members with its own
//   audit log, and a user who belongs to 500 workspaces;
// - the viewers of the pages no workspace member sees (the page counts,
//   seedViewers): a platform administrator, a user of no workspace and a
//   member of a suspended workspace.
// Users are written here in bulk; sessions only through createBenchSession
// (bench/lib.ts).
import pg from "pg";

export const TENANT_NAME = "Acme Pages Bench";
const TENANT_SLUG = "acme-pages-bench";
export const BENCH_EMAIL = "bench.owner@acme-pages-bench.example";
export const SIZE = { members: 50, pendingInvitations: 12, expiredInvitations: 2, closedInvitations: 8, auditEvents: 3000, otherWorkspaces: 3, otherEvents: 1000 };

export interface Seeded {
  tenantId: string;
  userId: string;
  memberCount: number;
  pendingInvitations: number;
  auditEvents: number;
  auditRowsAllWorkspaces: number;
}

const FIRST = ["ada", "alan", "grace", "linus", "margaret", "dennis", "barbara", "ken", "frances", "edsger", "radia", "donald", "sophie", "tim", "hedy", "john", "katherine", "niklaus", "annie", "guido"];
const LAST = ["lovelace", "turing", "hopper", "torvalds", "hamilton", "ritchie", "liskov", "thompson", "allen", "dijkstra", "perlman", "knuth", "wilson", "berners", "lamarr", "backus", "johnson", "wirth", "easley", "rossum"];
const DOMAINS = ["gmail.com", "outlook.com", "proton.me", "fastmail.com", "partner-agency.example", "contractors.example"];
const AGENTS = [
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
];
/**
 * A deterministic UUID from `text` (SQL) that is a valid version-4 one, as
 * gen_random_uuid() makes: an md5 with its version and variant digits set.
 * The app checks ids it is given in a URL as RFC 9562 UUIDs (the /admin
 * workspace pages answer 404 to anything else), which a bare md5 is not.
 */
const uuidOf = (text: string) => `overlay(overlay(md5(${text}) placing '4' from 13 for 1) placing '8' from 17 for 1)::uuid`;
const arr = (values: string[]) => `ARRAY[${values.map((v) => `'${v.replaceAll("'", "''")}'`).join(",")}]`;

/** The scale scenarios' sizes: the members of one workspace, the workspaces of one user, the audit log of the big workspace. */
export interface ScaleSize {
  members: number;
  memberships: number;
  auditEvents: number;
}

export const SCALE_TENANT_NAME = "Scale Members Bench";
const SCALE_TENANT_SLUG = "scale-members-bench";
export const SCALE_OWNER_EMAIL = "scale.owner@scale-members-bench.example";
export const SWITCHER_EMAIL = "switcher.user@switcher-bench.example";
const SCALE_PENDING_INVITATIONS = 12;

export interface ScaleSeeded {
  size: ScaleSize;
  /** The big workspace and its owner, who signs in to it. */
  tenantId: string;
  ownerId: string;
  memberCount: number;
  pendingInvitations: number;
  auditEvents: number;
  /** The user of many workspaces, signed in to the first. */
  switcherId: string;
  switcherTenantId: string;
  switcherTenantName: string;
  /** Every workspace the switcher user belongs to (each must be in the page). */
  switcherTenantIds: string[];
}

export interface SeedResult {
  main: Seeded;
  viewers: ViewersSeeded;
  scale: ScaleSeeded | null;
  /** audit_log rows in the whole database. */
  auditRows: number;
}

/**
 * Everything, as the owner connection, which must be a superuser: the tables
 * FORCE row-level security, and a superuser is the one role it does not bind.
 */
export async function seed(ownerUrl: string, scale: ScaleSize | null): Promise<SeedResult> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const su = await client.query<{ rolsuper: boolean }>("SELECT rolsuper FROM pg_roles WHERE rolname = current_user");
    if (!su.rows[0]?.rolsuper) {
      throw new Error("Seeding needs a superuser DATABASE_URL (row-level security is forced on the tables); unset DATABASE_URL to use an embedded Postgres.");
    }
    const main = await seedMain(client);
    const viewers = await seedViewers(client);
    const scaled = scale ? await seedScale(client, scale) : null;
    await onTeamPlan(client, [main.tenantId, ...(scaled ? [scaled.tenantId] : [])]);
    await client.query("VACUUM ANALYZE");
    const rows = await client.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_log");
    return { main, viewers, scale: scaled, auditRows: rows.rows[0]!.n };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
}

/**
 * The measured workspaces are on a plan whose seats their members and
 * invitations fit in, as a workspace of that size would be: on the default
 * plan (5 seats) the members page would say every seat is taken and offer no
 * invite form. Its other limits are the default plan's.
 */
async function onTeamPlan(client: pg.Client, tenantIds: string[]): Promise<void> {
  await client.query(
    `INSERT INTO plans (id, name, seats, api_keys, child_workspaces, audit_retention_days, export_allowed, position)
     SELECT 'bench-team', 'Team', 20000, api_keys, child_workspaces, audit_retention_days, export_allowed, position + 1 FROM plans WHERE is_default`,
  );
  await client.query("UPDATE tenants SET plan_id = 'bench-team' WHERE id = ANY($1::uuid[])", [tenantIds]);
}

export const ADMIN_EMAIL = "platform.admin@pages-bench.example";
export const NEWCOMER_EMAIL = "newcomer@pages-bench.example";
export const SUSPENDED_EMAIL = "suspended.member@pages-bench.example";
export const SUSPENDED_TENANT_NAME = "Suspended Pages Bench";
const SUSPENDED_TENANT_SLUG = "suspended-pages-bench";
/** The workspace (of the main owner's other three) that invites the newcomer. */
export const NEWCOMER_INVITED_TO = "Globex Research";

/** Who views the pages that are not a workspace member's (bench/pages.ts's page counts). */
export interface ViewersSeeded {
  /** A platform administrator (users.is_platform_admin), member of no workspace: the /admin pages. */
  adminId: string;
  /** A user of no workspace, with one pending invitation (to NEWCOMER_INVITED_TO): /app/onboarding. */
  newcomerId: string;
  /** The owner of a suspended workspace and nothing else, whose cookie names it: /app/suspended. */
  suspendedUserId: string;
  suspendedTenantId: string;
}

/**
 * The viewers of the pages no member of a workspace sees, touching none of
 * the rows the measured pages read: three users of their own, a workspace of
 * its own that the platform has suspended (its owner is the third user), and
 * one invitation for the newcomer into one of the main owner's other
 * workspaces (not the main one, whose pending invitations the members page
 * shows). The main owner is no administrator: that would change their profile.
 */
async function seedViewers(client: pg.Client): Promise<ViewersSeeded> {
  const admin = `md5('pages-admin-user')::uuid`;
  const newcomer = `md5('pages-newcomer-user')::uuid`;
  const suspended = `md5('pages-suspended-user')::uuid`;
  const suspendedTenant = uuidOf(`'pages-suspended-tenant'`);
  await client.query(
    `INSERT INTO users (id, name, email, email_verified, is_platform_admin, created_at)
     VALUES (${admin}, 'Platform Admin', $1, now(), true, now() - interval '500 days'),
            (${newcomer}, 'New Comer', $2, now(), false, now() - interval '1 day'),
            (${suspended}, 'Suspended Owner', $3, now(), false, now() - interval '300 days')`,
    [ADMIN_EMAIL, NEWCOMER_EMAIL, SUSPENDED_EMAIL],
  );
  await client.query(
    `INSERT INTO tenants (id, name, slug, status, blocked_at, created_at)
     VALUES (${suspendedTenant}, $1, $2, 'blocked', now() - interval '2 days', now() - interval '300 days')`,
    [SUSPENDED_TENANT_NAME, SUSPENDED_TENANT_SLUG],
  );
  await client.query(`INSERT INTO tenant_members (tenant_id, user_id, role, created_at) VALUES (${suspendedTenant}, ${suspended}, 'owner', now() - interval '300 days')`);
  await client.query(`UPDATE users SET last_tenant_id = ${suspendedTenant} WHERE id = ${suspended}`);
  // Invited by that workspace's owner (seedMain: user members + 1 owns the first of the others).
  await client.query(
    `INSERT INTO tenant_invitations (tenant_id, email, role, token_hash, status, expires_at, invited_by, inviter_name, created_at)
     SELECT t.id, $1, 'member', encode(sha256(convert_to('pages-newcomer-invitation', 'UTF8')), 'hex'), 'pending',
            now() + interval '6 days', m.user_id, u.name, now() - interval '1 day'
       FROM tenants t JOIN tenant_members m ON m.tenant_id = t.id AND m.role = 'owner' JOIN users u ON u.id = m.user_id
      WHERE t.name = $2
      LIMIT 1`,
    [NEWCOMER_EMAIL, NEWCOMER_INVITED_TO],
  );
  const [row] = (
    await client.query<{ admin_id: string; newcomer_id: string; suspended_user_id: string; suspended_tenant_id: string; invitations: number }>(
      `SELECT ${admin} AS admin_id, ${newcomer} AS newcomer_id, ${suspended} AS suspended_user_id, ${suspendedTenant} AS suspended_tenant_id,
              (SELECT count(*)::int FROM tenant_invitations WHERE email = $1 AND status = 'pending') AS invitations`,
      [NEWCOMER_EMAIL],
    )
  ).rows;
  if (!row || row.invitations !== 1) throw new Error(`Seeding left the newcomer ${row?.invitations ?? 0} invitations, not 1.`);
  return { adminId: row.admin_id, newcomerId: row.newcomer_id, suspendedUserId: row.suspended_user_id, suspendedTenantId: row.suspended_tenant_id };
}

/**
 * The scale scenarios, beside the main workspace and touching none of its
 * rows. The big workspace: users md5('pages-scale-user-' || k), k = 1 …
 * members, joined over three years, user 1 its owner (2 owners, 8 admins,
 * 3 auditors, the rest members as in the main workspace), 12 pending
 * invitations and `auditEvents` events over two years by its members. The
 * switcher user: a member of `memberships` workspaces of their own (an owner
 * of 20, admin of 80, auditor of 20, member of the rest), signed in to the
 * first; nobody else belongs to them.
 */
async function seedScale(client: pg.Client, size: ScaleSize): Promise<ScaleSeeded> {
  const tenant = `md5('pages-scale-tenant')::uuid`;
  const userId = (k: number | string) => `md5('pages-scale-user-' || (${k}))::uuid`;
  const switcher = `md5('pages-switcher-user')::uuid`;
  const switcherTenant = (i: number | string) => `md5('pages-switcher-tenant-' || (${i}))::uuid`;
  await client.query("SELECT setseed(0.20261202)");
  await client.query(
    `INSERT INTO users (id, name, email, email_verified, created_at)
     SELECT ${userId("k")},
            CASE WHEN k = 1 THEN 'Scale Owner' ELSE initcap(f) || ' ' || initcap(l) END,
            CASE WHEN k = 1 THEN $1::text ELSE f || '.' || l || k || '@' || $3::text END,
            now(), now() - interval '1100 days'
       FROM generate_series(1, $2::int) k,
            LATERAL (SELECT (${arr(FIRST)})[1 + (k * 7) % 20] AS f, (${arr(LAST)})[1 + (k * 13) % 20] AS l) n
     UNION ALL
     SELECT ${switcher}, 'Switcher Bench', $4::text, now(), now() - interval '900 days'`,
    [SCALE_OWNER_EMAIL, size.members, `${SCALE_TENANT_SLUG}.example`, SWITCHER_EMAIL],
  );
  await client.query(
    `INSERT INTO tenants (id, name, slug, created_at)
     SELECT ${tenant}, $1::text, $2::text, now() - interval '1100 days'
     UNION ALL
     SELECT ${switcherTenant("i")},
            initcap((${arr(LAST)})[1 + (i * 7) % 20]) || ' ' || (ARRAY['Labs', 'Studio', 'Partners', 'Research', 'Cloud', 'Systems', 'Analytics', 'Design', 'Ventures', 'Works'])[1 + (i * 3) % 10] || ' ' || i,
            'switcher-' || lpad(i::text, 4, '0'), now() - interval '900 days' + i * interval '1 day'
       FROM generate_series(1, $3::int) i`,
    [SCALE_TENANT_NAME, SCALE_TENANT_SLUG, size.memberships],
  );
  await client.query(
    `INSERT INTO tenant_members (tenant_id, user_id, role, created_at)
     SELECT ${tenant}, ${userId("k")},
            (CASE WHEN k <= 2 THEN 'owner' WHEN k <= 10 THEN 'admin' WHEN k <= 13 THEN 'auditor' ELSE 'member' END)::member_role,
            now() - interval '1100 days' + k * (interval '1095 days' / $1::int)
       FROM generate_series(1, $1::int) k
     UNION ALL
     SELECT ${switcherTenant("i")}, ${switcher},
            (CASE WHEN i <= 20 THEN 'owner' WHEN i <= 100 THEN 'admin' WHEN i <= 120 THEN 'auditor' ELSE 'member' END)::member_role,
            now() - interval '900 days' + i * interval '1 day'
       FROM generate_series(1, $2::int) i`,
    [size.members, size.memberships],
  );
  await client.query(`UPDATE users SET last_tenant_id = ${tenant} WHERE id = ${userId(1)}`);
  await client.query(`UPDATE users SET last_tenant_id = ${switcherTenant(1)} WHERE id = ${switcher}`);
  await client.query(
    `INSERT INTO tenant_invitations (tenant_id, email, role, token_hash, status, expires_at, invited_by, created_at)
     SELECT ${tenant},
            (${arr(FIRST)})[1 + (n * 11) % 20] || '.' || (${arr(LAST)})[1 + (n * 17) % 20] || '.' || n || '@' || (${arr(DOMAINS)})[1 + n % ${DOMAINS.length}],
            (ARRAY['member', 'member', 'member', 'admin', 'auditor'])[1 + n % 5]::member_role,
            encode(sha256(convert_to('pages-scale-invitation-' || n, 'UTF8')), 'hex'),
            'pending', now() + (7 - n % 6) * interval '1 day', ${userId("1 + n % 10")}, now() - n * interval '5 hours'
       FROM generate_series(1, $1::int) n`,
    [SCALE_PENDING_INVITATIONS],
  );
  const minutesApart = Math.max(1, Math.floor((730 * 24 * 60) / Math.max(1, size.auditEvents)));
  await insertAuditEvents(client, { tenant, signedIn: userId(1), actorPrefix: "pages-scale-user-", firstActor: 1, actors: size.members, count: size.auditEvents, minutesApart });

  const [row] = (
    await client.query<{ tenant_id: string; owner_id: string; members: number; pending: number; events: number; switcher_id: string; switcher_tenant_id: string; switcher_tenant_name: string }>(
      `SELECT t.id AS tenant_id, ${userId(1)} AS owner_id,
              (SELECT count(*)::int FROM tenant_members WHERE tenant_id = t.id) AS members,
              (SELECT count(*)::int FROM tenant_invitations WHERE tenant_id = t.id AND status = 'pending') AS pending,
              (SELECT count(*)::int FROM audit_log WHERE tenant_id = t.id) AS events,
              ${switcher} AS switcher_id, s.id AS switcher_tenant_id, s.name AS switcher_tenant_name
         FROM tenants t, tenants s WHERE t.id = ${tenant} AND s.id = ${switcherTenant(1)}`,
    )
  ).rows;
  if (!row) throw new Error("Seeding left no scale workspace.");
  const ids = await client.query<{ tenant_id: string }>(`SELECT tenant_id FROM tenant_members WHERE user_id = ${switcher}`);
  return {
    size,
    tenantId: row.tenant_id,
    ownerId: row.owner_id,
    memberCount: row.members,
    pendingInvitations: row.pending,
    auditEvents: row.events,
    switcherId: row.switcher_id,
    switcherTenantId: row.switcher_tenant_id,
    switcherTenantName: row.switcher_tenant_name,
    switcherTenantIds: ids.rows.map((r) => r.tenant_id),
  };
}

/**
 * The main workspace. Users 1–50 are its members (user 1, the one the bench
 * signs in as, is its owner); users 51–60 populate three other workspaces
 * the bench user also belongs to (the workspace switcher lists them).
 */
async function seedMain(client: pg.Client): Promise<Seeded> {
  // Valid UUIDs: the /admin pages name the main workspace by its id.
  const tenantId = (i: number | string) => uuidOf(`'pages-tenant-' || (${i})`);
  const userId = (k: number | string) => `md5('pages-user-' || (${k}))::uuid`;
  await client.query("SELECT setseed(0.20261125)");
  await client.query(
    `INSERT INTO users (id, name, email, email_verified, created_at)
     SELECT ${userId("k")},
            CASE WHEN k = 1 THEN 'Bench Owner' ELSE initcap(f) || ' ' || initcap(l) END,
            CASE WHEN k = 1 THEN $1::text ELSE f || '.' || l || k || '@' || CASE WHEN k <= $2::int THEN $3::text ELSE 'elsewhere.example' END END,
            now(), now() - interval '400 days'
       FROM generate_series(1, $2::int + 10) k,
            LATERAL (SELECT (${arr(FIRST)})[1 + (k * 7) % 20] AS f, (${arr(LAST)})[1 + (k * 13) % 20] AS l) n`,
    [BENCH_EMAIL, SIZE.members, `${TENANT_SLUG}.example`],
  );
  await client.query(
    `INSERT INTO tenants (id, name, slug, created_at)
     SELECT ${tenantId("i")}, (ARRAY[$1::text, 'Globex Research', 'Initech Platform', 'Umbrella Labs'])[i + 1],
            (ARRAY[$2::text, 'globex-research', 'initech-platform', 'umbrella-labs'])[i + 1], now() - interval '400 days'
       FROM generate_series(0, $3::int) i`,
    [TENANT_NAME, TENANT_SLUG, SIZE.otherWorkspaces],
  );
  await client.query(
    `INSERT INTO tenant_members (tenant_id, user_id, role, created_at)
     SELECT ${tenantId(0)}, ${userId("k")},
            (CASE WHEN k <= 2 THEN 'owner' WHEN k <= 10 THEN 'admin' WHEN k <= 13 THEN 'auditor' ELSE 'member' END)::member_role,
            now() - interval '400 days' + k * interval '7 days'
       FROM generate_series(1, $1::int) k`,
    [SIZE.members],
  );
  await client.query(
    `INSERT INTO tenant_members (tenant_id, user_id, role)
     SELECT ${tenantId("t")}, ${userId("k")}, (CASE WHEN k = $1::int + t THEN 'owner' ELSE 'member' END)::member_role
       FROM generate_series(1, $2::int) t, generate_series($1::int + 1, $1::int + 10) k
     UNION ALL
     SELECT ${tenantId("t")}, ${userId(1)}, (ARRAY['admin', 'member', 'auditor'])[1 + (t - 1) % 3]::member_role
       FROM generate_series(1, $2::int) t`,
    [SIZE.members, SIZE.otherWorkspaces],
  );
  await client.query(`UPDATE users SET last_tenant_id = ${tenantId(0)} WHERE id = ${userId(1)}`);
  // Pending (shown), pending but expired (shown, marked), accepted and revoked (not shown).
  const { pendingInvitations: p, expiredInvitations: x, closedInvitations: c } = SIZE;
  await client.query(
    `INSERT INTO tenant_invitations (tenant_id, email, role, token_hash, status, expires_at, invited_by, accepted_at, revoked_at, created_at)
     SELECT ${tenantId(0)},
            (${arr(FIRST)})[1 + (n * 11) % 20] || '.' || (${arr(LAST)})[1 + (n * 17) % 20] || '.' || n || '@' || (${arr(DOMAINS)})[1 + n % ${DOMAINS.length}],
            (ARRAY['member', 'member', 'member', 'admin', 'auditor'])[1 + n % 5]::member_role,
            encode(sha256(convert_to('pages-invitation-' || n, 'UTF8')), 'hex'),
            (CASE WHEN n <= $1::int + $2::int THEN 'pending' WHEN n % 2 = 0 THEN 'accepted' ELSE 'revoked' END)::invitation_status,
            CASE WHEN n <= $1::int THEN now() + (7 - n % 6) * interval '1 day' ELSE now() - interval '1 day' END,
            ${userId("1 + n % 10")},
            CASE WHEN n > $1::int + $2::int AND n % 2 = 0 THEN now() - n * interval '1 day' END,
            CASE WHEN n > $1::int + $2::int AND n % 2 = 1 THEN now() - n * interval '1 day' END,
            CASE WHEN n <= $1::int THEN now() - n * interval '5 hours' ELSE now() - (8 + n) * interval '1 day' END
       FROM generate_series(1, $1::int + $2::int + $3::int) n`,
    [p, x, c],
  );
  const events = (tenant: number, count: number, firstActor: number, actors: number) =>
    insertAuditEvents(client, { tenant: tenantId(tenant), signedIn: userId(1), actorPrefix: "pages-user-", firstActor, actors, count, minutesApart: 43 });
  await events(0, SIZE.auditEvents, 1, SIZE.members);
  for (let t = 1; t <= SIZE.otherWorkspaces; t++) await events(t, Math.round(SIZE.otherEvents / SIZE.otherWorkspaces), SIZE.members + 1, 10);

  const [row] = (
    await client.query<{ tenant_id: string; user_id: string; members: number; pending: number; events: number; all_events: number }>(
      `SELECT t.id AS tenant_id, u.id AS user_id,
              (SELECT count(*)::int FROM tenant_members WHERE tenant_id = t.id) AS members,
              (SELECT count(*)::int FROM tenant_invitations WHERE tenant_id = t.id AND status = 'pending') AS pending,
              (SELECT count(*)::int FROM audit_log WHERE tenant_id = t.id) AS events,
              (SELECT count(*)::int FROM audit_log) AS all_events
         FROM tenants t, users u WHERE t.slug = $1 AND u.email = $2`,
      [TENANT_SLUG, BENCH_EMAIL],
    )
  ).rows;
  if (!row) throw new Error("Seeding left no bench workspace or user.");
  return {
    tenantId: row.tenant_id,
    userId: row.user_id,
    memberCount: row.members,
    pendingInvitations: row.pending,
    auditEvents: row.events,
    auditRowsAllWorkspaces: row.all_events,
  };
}

/**
 * `count` audit events in one workspace (`tenant`, SQL for its id), one every
 * `minutesApart` minutes up to now, by actors drawn with a skew from the users
 * whose ids are md5(actorPrefix || k), k = firstActor … firstActor + actors - 1
 * (a few are very active, as in life). Inserted with app.tenant_id and
 * app.user_id (`signedIn`) set, as the app would, for the triggers that read them.
 */
async function insertAuditEvents(
  client: pg.Client,
  o: { tenant: string; signedIn: string; actorPrefix: string; firstActor: number; actors: number; count: number; minutesApart: number },
): Promise<void> {
  const email = `(${arr(FIRST)})[1 + (g * 11) % 20] || '.' || (${arr(LAST)})[1 + (g * 17) % 20] || '.' || g || '@' || (${arr(DOMAINS)})[1 + g % ${DOMAINS.length}]`;
  await client.query("BEGIN");
  await client.query(`SELECT set_config('app.tenant_id', (${o.tenant})::text, true), set_config('app.user_id', (${o.signedIn})::text, true)`);
  await client.query(
    `INSERT INTO audit_log (tenant_id, actor_user_id, actor_email, action, target_type, target_id, metadata, ip, user_agent, created_at)
     SELECT ${o.tenant}, u.id, u.email, s.action,
            CASE WHEN s.action = 'tenant.switch' THEN 'tenant' WHEN s.action = 'audit.export' THEN 'audit_log'
                 WHEN s.action LIKE 'member.invite%' THEN 'invitation' ELSE 'user' END,
            CASE WHEN s.action IN ('tenant.switch', 'audit.export') THEN (${o.tenant})::text
                 ELSE md5('pages-target-' || s.g)::uuid::text END,
            CASE s.action
              WHEN 'tenant.switch' THEN jsonb_build_object('remembered', s.r3 < 0.1)
              WHEN 'member.invite' THEN jsonb_build_object('email', s.email, 'role', s.role, 'email_dispatched', s.r3 > 0.03)
              WHEN 'member.invite.resend' THEN jsonb_build_object('email', s.email, 'role', s.role, 'email_dispatched', true, 'previous_invitation_id', md5('pages-prev-' || s.g)::uuid::text)
              WHEN 'member.invite.revoke' THEN jsonb_build_object('email', s.email, 'role', s.role, 'was_expired', s.r3 < 0.3)
              WHEN 'member.invite.accept' THEN jsonb_build_object('email', s.email, 'role', s.role, 'invited_role', s.role, 'already_member', false)
              WHEN 'member.remove' THEN jsonb_build_object('email', s.email, 'role', s.role)
              WHEN 'member.role.change' THEN jsonb_build_object('email', s.email, 'from', 'member', 'to', s.role)
              WHEN 'member.leave' THEN jsonb_build_object('role', 'member')
              ELSE jsonb_build_object('format', 'csv', 'filters', '{}'::jsonb, 'rows', (s.r3 * 3000)::int, 'complete', true)
            END,
            '10.' || (s.g % 250) || '.' || (s.g * 7 % 250) || '.' || (1 + s.g % 250),
            (${arr(AGENTS)})[1 + s.g % ${AGENTS.length}],
            now() - ($1::int - s.g) * ($5::int * interval '1 minute')
       FROM (SELECT g, r2, r3,
                    CASE WHEN r1 < 0.55 THEN 'tenant.switch' WHEN r1 < 0.72 THEN 'member.invite' WHEN r1 < 0.84 THEN 'member.invite.accept'
                         WHEN r1 < 0.88 THEN 'member.invite.resend' WHEN r1 < 0.92 THEN 'member.invite.revoke' WHEN r1 < 0.95 THEN 'member.remove'
                         WHEN r1 < 0.97 THEN 'member.role.change' WHEN r1 < 0.99 THEN 'member.leave' ELSE 'audit.export' END AS action,
                    ${email} AS email,
                    (ARRAY['member', 'member', 'admin', 'auditor'])[1 + g % 4] AS role
               FROM (SELECT g, random() AS r1, random() AS r2, random() AS r3 FROM generate_series(1, $1::int) g OFFSET 0) r) s
       JOIN users u ON u.id = md5($4::text || ($2::int + floor(s.r2 * s.r2 * $3::int)::int))::uuid
      ORDER BY s.g`,
    [o.count, o.firstActor, o.actors, o.actorPrefix, o.minutesApart],
  );
  await client.query("COMMIT");
}
