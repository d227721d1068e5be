// The audit benchmark's data: one big workspace among a hundred, written with
// set-based SQL as the table owner (a superuser, so row-level security does
// not apply). Deterministic (setseed), time-ordered in the heap as a real
// append-only log is, with the secondary indexes and the foreign key dropped
// during the bulk insert and rebuilt afterwards.
import pg from "pg";

/** Bump when the generated data changes: a database seeded by another version is reseeded. */
export const SEED_VERSION = 2;

export const BIG_TENANT_SLUG = "acme-bench";
export const AUDITOR_EMAIL = "bench.auditor@acme-bench.example";

export interface SeedSize {
  bigEvents: number;
  otherEvents: number;
  otherTenants: number;
  bigActors: number;
}

export const FULL_SIZE: SeedSize = { bigEvents: 1_000_000, otherEvents: 4_000_000, otherTenants: 99, bigActors: 300 };

export interface SeedInfo {
  bigTenantId: string;
  auditorId: string;
  seededRows: number;
  bigRows: number;
}

const tenantName = (version: number) => `Acme Bench (seed v${version})`;

/**
 * What the database holds when it was seeded by this version at this size:
 * the seeded rows are ids 1..total (the benchmark's own exports append more).
 */
export async function seededInfo(ownerUrl: string, size: SeedSize): Promise<SeedInfo | null> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const tenant = await client.query<{ id: string; auditor_id: string | null }>(
      `SELECT t.id, (SELECT id FROM users WHERE email = $3) AS auditor_id FROM tenants t WHERE t.slug = $1 AND t.name = $2`,
      [BIG_TENANT_SLUG, tenantName(SEED_VERSION), AUDITOR_EMAIL],
    );
    const row = tenant.rows[0];
    if (!row || !row.auditor_id) return null;
    const total = size.bigEvents + size.otherEvents;
    const counts = await client.query<{ seeded: string; big: string }>(
      `SELECT count(*) AS seeded, count(*) FILTER (WHERE tenant_id = $1) AS big FROM audit_log WHERE id <= $2`,
      [row.id, total],
    );
    const seeded = Number(counts.rows[0]!.seeded);
    const big = Number(counts.rows[0]!.big);
    if (seeded !== total || big !== size.bigEvents) return null;
    return { bigTenantId: row.id, auditorId: row.auditor_id, seededRows: seeded, bigRows: big };
  } finally {
    await client.end();
  }
}

const FIRST = ["ada", "alan", "grace", "linus", "margaret", "dennis", "barbara", "ken", "frances", "edsger", "radia", "donald", "sophie", "tim", "hedy", "john", "katherine", "niklaus", "annie", "guido"];
const LAST = ["lovelace", "turing", "hopper", "torvalds", "hamilton", "ritchie", "liskov", "thompson", "allen", "dijkstra", "perlman", "knuth", "wilson", "berners", "lamarr", "backus", "johnson", "wirth", "easley", "rossum"];
const DOMAINS = ["gmail.com", "outlook.com", "proton.me", "fastmail.com", "icloud.com", "yahoo.com", "hey.com", "partner-agency.example", "contractors.example", "bigcorp.example"];
const AGENTS = [
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
];

const arr = (values: string[]) => `ARRAY[${values.map((v) => `'${v.replaceAll("'", "''")}'`).join(",")}]`;

// Cumulative shares of the actions after each workspace's first event (its
// tenant.create): switching dominates, invitations follow, role changes are
// rare and exports rarer.
const ACTION_SHARES: Array<[string, number]> = [
  ["tenant.switch", 0.743],
  ["member.invite", 0.1],
  ["member.invite.accept", 0.07],
  ["member.invite.resend", 0.03],
  ["member.invite.revoke", 0.025],
  ["member.remove", 0.018],
  ["member.leave", 0.008],
  ["member.role.change", 0.005],
  ["audit.export", 0.001],
];
const INVITEE_SHARE = 0.1 + 0.07 + 0.03 + 0.025 + 0.018 + 0.005;

function actionCase(u: string): string {
  let cumulative = 0;
  const arms = ACTION_SHARES.slice(0, -1).map(([action, share]) => {
    cumulative += share;
    return `WHEN ${u} < ${cumulative.toFixed(6)} THEN '${action}'`;
  });
  return `CASE ${arms.join(" ")} ELSE '${ACTION_SHARES[ACTION_SHARES.length - 1]![0]}' END`;
}

// Roles by actor rank: 1–2 owners, 3–10 admins, 11–13 auditors, the rest members.
const ROLE_OF_RANK = `CASE WHEN k <= 2 THEN 'owner' WHEN k <= 10 THEN 'admin' WHEN k <= 13 THEN 'auditor' ELSE 'member' END::member_role`;

export async function seed(ownerUrl: string, size: SeedSize, log: (message: string) => void): Promise<SeedInfo> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  const step = async (label: string, sql: string, params: unknown[] = []) => {
    const started = performance.now();
    const result = await client.query(sql, params);
    log(`  ${label} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    return result;
  };
  try {
    const su = await client.query<{ rolsuper: boolean }>("SELECT rolsuper FROM pg_roles WHERE rolname = current_user");
    if (!su.rows[0]?.rolsuper) throw new Error("Seeding needs a superuser owner connection (row-level security is forced on the tables).");
    await client.query("SET synchronous_commit = off");
    await client.query("SET work_mem = '256MB'");
    await client.query("SET maintenance_work_mem = '1GB'");
    await client.query("SELECT setseed(0.20261123)");

    await step(
      "workspaces",
      `CREATE TEMP TABLE bench_tenant AS
       WITH w AS (SELECT i, power(i, -0.9) AS weight FROM generate_series(1, $1::int) i),
            raw AS (SELECT i, floor($2::bigint * weight / sum(weight) OVER ())::int AS events FROM w),
            sized AS (SELECT i, events + CASE WHEN i = 1 THEN $2::int - (sum(events) OVER ())::int ELSE 0 END AS events FROM raw)
       SELECT 0 AS idx, $3::int AS events, $4::int AS actors, $5::text AS slug, $6::text AS name
       UNION ALL
       SELECT i, events, greatest(8, least($4::int, round(events / 3300.0)::int)), 'bench-' || lpad(i::text, 3, '0'), 'Bench workspace ' || i
         FROM sized`,
      [size.otherTenants, size.otherEvents, size.bigEvents, size.bigActors, BIG_TENANT_SLUG, tenantName(SEED_VERSION)],
    );
    await client.query(`ALTER TABLE bench_tenant ADD COLUMN id uuid, ADD COLUMN invitees int`);
    await client.query(
      `UPDATE bench_tenant SET id = md5('bench-tenant-' || idx)::uuid, invitees = greatest(1, ceil(events * ${INVITEE_SHARE} / 4.0)::int)`,
    );
    await client.query(
      `INSERT INTO tenants (id, name, slug, created_at) SELECT id, name, slug, date_trunc('day', now()) - interval '731 days' FROM bench_tenant`,
    );
    await step(
      "users and memberships",
      `CREATE TEMP TABLE bench_actor AS
       SELECT t.idx AS tenant_idx, k,
              md5('bench-user-' || t.idx || '-' || k)::uuid AS user_id,
              (${arr(FIRST)})[1 + (k * 7 + t.idx) % 20] || '.' || (${arr(LAST)})[1 + (k * 13 + t.idx * 3) % 20] || k || '@' || t.slug || '.example' AS email,
              initcap((${arr(FIRST)})[1 + (k * 7 + t.idx) % 20]) || ' ' || initcap((${arr(LAST)})[1 + (k * 13 + t.idx * 3) % 20]) AS name,
              ${ROLE_OF_RANK} AS role
         FROM bench_tenant t, generate_series(1, t.actors) k`,
    );
    await client.query(`ALTER TABLE bench_actor ADD PRIMARY KEY (tenant_idx, k)`);
    await client.query(
      `INSERT INTO users (id, name, email, email_verified, created_at)
       SELECT user_id, name, email, now(), date_trunc('day', now()) - interval '731 days' FROM bench_actor`,
    );
    await client.query(
      `INSERT INTO tenant_members (tenant_id, user_id, role) SELECT t.id, a.user_id, a.role FROM bench_actor a JOIN bench_tenant t ON t.idx = a.tenant_idx`,
    );
    const auditor = await client.query<{ id: string }>(
      `INSERT INTO users (name, email, email_verified) VALUES ('Bench Auditor', $1, now()) RETURNING id`,
      [AUDITOR_EMAIL],
    );
    const auditorId = auditor.rows[0]!.id;
    const bigTenantId = (await client.query<{ id: string }>(`SELECT id FROM bench_tenant WHERE idx = 0`)).rows[0]!.id;
    await client.query(`INSERT INTO tenant_members (tenant_id, user_id, role) VALUES ($1, $2, 'auditor')`, [bigTenantId, auditorId]);

    // Bulk load without the secondary indexes, the search words' keys and the
    // foreign keys; all come back below. The words are written in one pass
    // after the events instead of by the per-statement trigger.
    const indexes = await client.query<{ indexname: string; indexdef: string }>(
      `SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.schemaname = 'public' AND i.tablename IN ('audit_log', 'audit_log_terms')
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
    );
    const constraints = await client.query<{ table: string; conname: string; def: string }>(
      `SELECT conrelid::regclass::text AS table, conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
        WHERE (conrelid = 'audit_log'::regclass AND contype = 'f') OR (conrelid = 'audit_log_terms'::regclass AND contype IN ('p', 'f'))
        ORDER BY contype DESC`,
    );
    for (const { table, conname } of [...constraints.rows].reverse()) {
      await client.query(`ALTER TABLE ${table} DROP CONSTRAINT ${client.escapeIdentifier(conname)}`);
    }
    for (const { indexname } of indexes.rows) await client.query(`DROP INDEX ${client.escapeIdentifier(indexname)}`);
    await client.query("ALTER TABLE audit_log DISABLE TRIGGER audit_log_index_terms");
    log(`  dropped ${indexes.rows.length} indexes and ${constraints.rows.length} keys`);

    const invitee = (n: string, tidx: string) => ({
      email: `((${arr(FIRST)})[1 + (${n} * 11 + ${tidx}) % 20] || '.' || (${arr(LAST)})[1 + (${n} * 17 + ${tidx}) % 20] || '.' || ${n} || '@' || (${arr(DOMAINS)})[1 + (${n} * 3 + ${tidx}) % 10])`,
      role: `(ARRAY['member','member','member','member','member','member','member','member','admin','auditor'])[1 + (${n} * 7 + ${tidx}) % 10]`,
      invitation: `md5('bench-invitation-' || ${tidx} || '-' || ${n})::uuid::text`,
      user: `md5('bench-invitee-' || ${tidx} || '-' || ${n})::uuid::text`,
    });
    const inv = invitee("r.n", "r.tidx");
    await step(
      `audit_log: ${(size.bigEvents + size.otherEvents).toLocaleString("en")} rows`,
      `INSERT INTO audit_log (tenant_id, actor_user_id, actor_email, action, target_type, target_id, metadata, ip, user_agent, created_at)
       SELECT t.id, a.user_id, a.email, r.action,
              CASE WHEN r.action IN ('tenant.create', 'tenant.switch') THEN 'tenant'
                   WHEN r.action = 'audit.export' THEN 'audit_log'
                   WHEN r.action LIKE 'member.invite%' THEN 'invitation'
                   ELSE 'user' END,
              CASE WHEN r.action IN ('tenant.create', 'tenant.switch', 'audit.export') THEN t.id::text
                   WHEN r.action LIKE 'member.invite%' THEN ${inv.invitation}
                   WHEN r.action = 'member.leave' THEN a.user_id::text
                   ELSE ${inv.user} END,
              CASE r.action
                WHEN 'tenant.create' THEN jsonb_build_object('name', t.name, 'slug', t.slug)
                WHEN 'tenant.switch' THEN jsonb_build_object('remembered', r.u_misc < 0.08)
                WHEN 'member.invite' THEN jsonb_build_object('email', ${inv.email}, 'role', ${inv.role}, 'email_dispatched', r.u_misc > 0.02,
                                                             'replaced_invitation_id', CASE WHEN r.u_misc > 0.93 THEN md5('bench-replaced-' || r.tidx || '-' || r.n)::uuid::text END)
                WHEN 'member.invite.resend' THEN jsonb_build_object('email', ${inv.email}, 'role', ${inv.role}, 'email_dispatched', r.u_misc > 0.02,
                                                                    'previous_invitation_id', md5('bench-previous-' || r.tidx || '-' || r.n)::uuid::text)
                WHEN 'member.invite.revoke' THEN jsonb_build_object('email', ${inv.email}, 'role', ${inv.role}, 'was_expired', r.u_misc < 0.3)
                WHEN 'member.invite.accept' THEN jsonb_build_object('email', ${inv.email}, 'role', ${inv.role}, 'invited_role', ${inv.role}, 'already_member', r.u_misc < 0.03)
                WHEN 'member.remove' THEN jsonb_build_object('email', ${inv.email}, 'role', ${inv.role})
                WHEN 'member.role.change' THEN jsonb_build_object('email', ${inv.email}, 'from', ${inv.role}, 'to', CASE WHEN r.u_misc < 0.5 THEN 'admin' ELSE 'auditor' END)
                WHEN 'member.leave' THEN jsonb_build_object('role', a.role)
                ELSE jsonb_build_object('format', CASE WHEN r.u_misc < 0.7 THEN 'csv' ELSE 'jsonl' END,
                                        'filters', CASE WHEN r.u_misc < 0.5 THEN '{}'::jsonb ELSE jsonb_build_object('from', to_char(r.created_at - interval '30 days', 'YYYY-MM-DD'), 'to', to_char(r.created_at, 'YYYY-MM-DD'), 'tz', 'UTC') END,
                                        'rows', (r.u_misc * 50000)::int, 'complete', true)
              END,
              (20 + (r.k * 37 + r.tidx) % 200) || '.' || ((r.k * 91) % 256) || '.' || ((r.tidx * 17 + r.k) % 256) || '.' || (1 + floor(r.u_misc * 4)::int),
              (${arr(AGENTS)})[1 + (r.k + r.tidx) % ${AGENTS.length}],
              r.created_at
         FROM (
           SELECT r.*,
                  -- The actor: admin work by owners and admins (mostly the first),
                  -- exports by owners, admins and auditors, everything else by
                  -- anyone with a Zipf-like skew (s = 1.2) over the members.
                  CASE WHEN r.g = 1 THEN 1
                       WHEN r.action IN ('member.invite', 'member.invite.resend', 'member.invite.revoke', 'member.remove', 'member.role.change')
                         THEN 1 + floor(least(r.actors, 10) * r.u_actor * r.u_actor)::int
                       WHEN r.action = 'audit.export' THEN 1 + floor(least(r.actors, 13) * r.u_actor)::int
                       ELSE least(r.actors, floor(power(1 - r.u_actor * (1 - power(r.actors + 1, -0.2)), -5))::int)
                  END AS k,
                  1 + floor(r.u_inv * r.invitees)::int AS n,
                  -- Two years, busier lately (density grows linearly), weekends
                  -- mostly moved to a weekday of the week before, office hours dominant.
                  CASE WHEN r.g = 1 THEN date_trunc('day', now()) - interval '731 days'
                       ELSE date_trunc('day', now())
                            - make_interval(days => r.day + CASE WHEN r.u_wk < 0.7 AND extract(isodow FROM date_trunc('day', now()) - make_interval(days => r.day)) >= 6
                                                                THEN extract(isodow FROM date_trunc('day', now()) - make_interval(days => r.day))::int - 5 + floor(r.u_wk / 0.7 * 5)::int ELSE 0 END)
                            + make_interval(secs => CASE WHEN r.u_hour < 0.8 THEN 28800 + 36000 * r.u_sec ELSE 86400 * r.u_sec END)
                  END AS created_at
             FROM (
               SELECT r.*,
                      CASE WHEN r.g = 1 THEN 'tenant.create' ELSE ${actionCase("r.u_action")} END AS action,
                      1 + floor(730 * (1 - sqrt(r.u_day)))::int AS day
                 FROM (
                   -- Every random draw once per row, behind a fence so that no
                   -- reference below evaluates random() again.
                   SELECT t.idx AS tidx, g, t.actors, t.invitees,
                          random() AS u_action, random() AS u_actor, random() AS u_inv, random() AS u_day,
                          random() AS u_wk, random() AS u_hour, random() AS u_sec, random() AS u_misc
                     FROM bench_tenant t
                     CROSS JOIN LATERAL generate_series(1, t.events) g
                   OFFSET 0
                 ) r
               OFFSET 0
             ) r
           OFFSET 0
         ) r
         JOIN bench_tenant t ON t.idx = r.tidx
         JOIN bench_actor a ON a.tenant_idx = r.tidx AND a.k = r.k
        ORDER BY r.created_at`,
    );

    await client.query("ALTER TABLE audit_log ENABLE TRIGGER audit_log_index_terms");
    await step(
      "audit_log_terms: every event's search words",
      `INSERT INTO audit_log_terms (audit_id, term, tenant_id, created_at)
       SELECT l.id, w.term, l.tenant_id, l.created_at
         FROM audit_log l CROSS JOIN LATERAL unnest(app_audit_event_terms(l.tenant_id, l.target_id, l.metadata)) AS w(term)`,
    );

    // Rebuild: the search words' keys on a second connection while audit_log's
    // indexes build here (each build is single-threaded).
    const started = performance.now();
    const side = new pg.Client({ connectionString: ownerUrl });
    await side.connect();
    const timed = async (on: pg.Client, label: string, sql: string) => {
      const t = performance.now();
      await on.query(sql);
      log(`  ${label} (${((performance.now() - t) / 1000).toFixed(1)} s)`);
    };
    const restore = (c: { table: string; conname: string; def: string }) =>
      `ALTER TABLE ${c.table} ADD CONSTRAINT ${client.escapeIdentifier(c.conname)} ${c.def}`;
    try {
      await side.query("SET maintenance_work_mem = '1GB'");
      const terms = (async () => {
        for (const c of constraints.rows.filter((c) => c.table === "audit_log_terms" && c.def.startsWith("PRIMARY KEY"))) await timed(side, `key ${c.conname}`, restore(c));
        for (const i of indexes.rows.filter((i) => i.indexdef.includes("audit_log_terms"))) await timed(side, `index ${i.indexname}`, i.indexdef);
      })();
      for (const i of indexes.rows.filter((i) => !i.indexdef.includes("audit_log_terms"))) await timed(client, `index ${i.indexname}`, i.indexdef);
      await terms;
    } finally {
      await side.end();
    }
    log(`  indexes rebuilt (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    for (const c of constraints.rows.filter((c) => c.def.startsWith("FOREIGN KEY"))) await step(`constraint ${c.conname}`, restore(c));
    await step("vacuum (freeze, analyze)", "VACUUM (FREEZE, ANALYZE) audit_log, audit_log_terms, users, tenants, tenant_members");

    const info = await seededInfo(ownerUrl, size);
    if (!info) throw new Error("The seeded database does not have the expected row counts.");
    return info;
  } finally {
    await client.end();
  }
}
