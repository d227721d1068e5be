// schema.prisma and the migrated database must describe the same tables:
// columns (type, nullability, default), primary keys, unique and plain
// indexes, foreign keys and enums. The migrations are hand-written SQL, so
// this is what keeps them and the Prisma schema from drifting apart. Objects
// Prisma's schema language cannot express (CHECK constraints, partial
// indexes, policies, functions, triggers) are migration-only by design; the
// partial indexes are named below so that nothing else slips through.
import { readFileSync } from "node:fs";
import path from "node:path";
import { get_dmmf } from "@prisma/prisma-schema-wasm";
import { describe, expect, it } from "vitest";
import { owner } from "@/test/fixtures";

const SCHEMA_PATH = path.join(import.meta.dirname, "schema.prisma");
const MIGRATION_ONLY_INDEXES = new Set([
  "tenant_invitations_one_pending_per_email",
  "audit_log_export_finish_once",
  // One live ownership transfer per workspace (partial).
  "ownership_transfers_one_live",
  // Platform directory: a trigram index (operator classes) and one default plan (partial).
  "tenants_name_slug_trgm",
  "plans_one_default",
  // Members search (app_member_search): a trigram index.
  "users_email_name_trgm",
]);
const TABLES_OUTSIDE_SCHEMA = new Set(["_prisma_migrations"]);

interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: "scalar" | "object" | "enum";
  type: string;
  isRequired: boolean;
  isList: boolean;
  hasDefaultValue: boolean;
  default?: { name: string; args: unknown[] } | string | number | boolean;
  nativeType?: [string, string[]] | null;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
}
interface DmmfModel {
  name: string;
  dbName: string | null;
  documentation?: string;
  fields: DmmfField[];
}
interface DmmfIndex {
  model: string;
  type: "id" | "unique" | "normal" | "fulltext";
  dbName?: string | null;
  fields: Array<{ name: string; sortOrder?: "asc" | "desc" }>;
}
interface Dmmf {
  datamodel: {
    models: DmmfModel[];
    enums: Array<{ name: string; dbName: string | null; values: Array<{ name: string; dbName: string | null }> }>;
    indexes: DmmfIndex[];
  };
}

/** The part of a database schema both sides can state, as sorted strings: easy to diff, easy to read. */
type Description = string[];

function describePrismaSchema(schema: string): Description {
  const dmmf = JSON.parse(get_dmmf(JSON.stringify({ prismaSchema: [["schema.prisma", schema]] }))) as Dmmf;
  const { models, enums, indexes } = dmmf.datamodel;
  const tableOf = (model: string) => {
    const m = models.find((x) => x.name === model)!;
    return m.dbName ?? m.name;
  };
  const columnOf = (model: string, field: string) => {
    const f = models.find((x) => x.name === model)!.fields.find((x) => x.name === field)!;
    return f.dbName ?? f.name;
  };
  const enumDbName = (name: string) => {
    const e = enums.find((x) => x.name === name)!;
    return e.dbName ?? e.name;
  };
  const out: Description = [];
  for (const e of enums) out.push(`enum ${e.dbName ?? e.name} (${e.values.map((v) => v.dbName ?? v.name).join(", ")})`);
  for (const model of models) {
    const table = model.dbName ?? model.name;
    out.push(`table ${table}`);
    // A foreign key kept out of Prisma's relations (so the model it points at
    // is not edited for it), stated as "/// @fk <columns> -> <table>(<columns>) on delete <action>".
    for (const line of model.documentation?.split("\n") ?? []) {
      const fk = /^@fk (.+?) -> (\w+)\((.+?)\) on delete (\w+)$/.exec(line.trim());
      if (fk) out.push(`fk ${table}(${fk[1]}) -> ${fk[2]}(${fk[3]}) on delete ${fk[4]!.toLowerCase()}`);
    }
    for (const field of model.fields) {
      if (field.kind === "object") {
        if (field.relationFromFields?.length) {
          const target = tableOf(field.type);
          const from = field.relationFromFields.map((f) => columnOf(model.name, f)).join(", ");
          const to = field.relationToFields!.map((f) => columnOf(field.type, f)).join(", ");
          const onDelete = (field.relationOnDelete ?? (field.isRequired ? "Restrict" : "SetNull")).toLowerCase();
          out.push(`fk ${table}(${from}) -> ${target}(${to}) on delete ${onDelete}`);
        }
        continue;
      }
      out.push(`column ${table}.${field.dbName ?? field.name} ${prismaColumnType(field, enumDbName)} ${field.isRequired ? "not null" : "null"} default ${prismaDefault(field, enumDbName)}`);
    }
  }
  for (const index of indexes) {
    const table = tableOf(index.model);
    const columns = index.fields.map((f) => `${columnOf(index.model, f.name)}${f.sortOrder === "desc" ? " desc" : ""}`).join(", ");
    const kind = index.type === "id" ? "primary key" : index.type === "unique" ? "unique" : "index";
    out.push(`${kind} ${table}(${columns})`);
  }
  return out.sort();
}

function prismaColumnType(field: DmmfField, enumDbName: (n: string) => string): string {
  if (field.kind === "enum") return enumDbName(field.type);
  const native = field.nativeType?.[0];
  const precision = field.nativeType?.[1]?.[0];
  switch (field.type) {
    case "String":
      return native === "Uuid" ? "uuid" : native === "VarChar" ? `varchar(${precision})` : "text";
    case "DateTime":
      return native === "Timestamptz" ? `timestamptz(${precision ?? 6})` : native === "Date" ? "date" : `timestamp(${precision ?? 3})`;
    case "Int":
      return "integer";
    case "BigInt":
      return "bigint";
    case "Boolean":
      return "boolean";
    case "Json":
      return "jsonb";
    case "Float":
      return "double precision";
    case "Decimal":
      return "numeric";
    case "Bytes":
      return "bytea";
    default:
      return `unknown:${field.type}`;
  }
}

function prismaDefault(field: DmmfField, enumDbName: (n: string) => string): string {
  if (!field.hasDefaultValue || field.default === undefined) return "none";
  const d = field.default;
  if (typeof d === "object" && d !== null && "name" in d) {
    if (d.name === "autoincrement") return "sequence";
    if (d.name === "now") return "now";
    if (d.name === "dbgenerated") return String(d.args[0]);
    return `fn:${d.name}`;
  }
  if (field.kind === "enum") return `'${d}'::${enumDbName(field.type)}`;
  if (field.type === "Json") return `'${d}'::jsonb`;
  // A string literal, as Postgres prints it back: quoted, with its column's type.
  if (field.type === "String") {
    const native = field.nativeType?.[0];
    const type = native === "Uuid" ? "uuid" : native === "VarChar" ? "character varying" : "text";
    return `'${String(d).replaceAll("'", "''")}'::${type}`;
  }
  return String(d);
}

async function describeDatabase(): Promise<Description> {
  const db = owner();
  const out: Description = [];
  const enums = await db.query<{ name: string; labels: string[] }>(
    `SELECT t.typname::text AS name, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
       FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
      WHERE t.typnamespace = 'public'::regnamespace GROUP BY t.typname`,
  );
  for (const e of enums.rows) out.push(`enum ${e.name} (${e.labels.join(", ")})`);

  const tables = await db.query<{ relname: string }>(
    `SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'`,
  );
  const kept = tables.rows.map((r) => r.relname).filter((t) => !TABLES_OUTSIDE_SCHEMA.has(t));
  for (const t of kept) out.push(`table ${t}`);

  const columns = await db.query<{ table: string; column: string; type: string; not_null: boolean; default: string | null }>(
    `SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type,
            a.attnotnull AS not_null, pg_get_expr(d.adbin, d.adrelid) AS default
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
        AND c.relname = ANY($1)`,
    [kept],
  );
  for (const c of columns.rows) {
    out.push(`column ${c.table}.${c.column} ${databaseColumnType(c.type)} ${c.not_null ? "not null" : "null"} default ${databaseDefault(c.default)}`);
  }

  const constraintIndexes = await db.query<{ table: string; name: string; kind: string; definition: string; partial: boolean }>(
    `SELECT c.relname AS table, i.relname AS name,
            CASE WHEN x.indisprimary THEN 'primary key' WHEN x.indisunique THEN 'unique' ELSE 'index' END AS kind,
            pg_get_indexdef(x.indexrelid) AS definition, x.indpred IS NOT NULL AS partial
       FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid
      WHERE c.relnamespace = 'public'::regnamespace AND c.relname = ANY($1)`,
    [kept],
  );
  for (const index of constraintIndexes.rows) {
    if (MIGRATION_ONLY_INDEXES.has(index.name)) continue;
    if (index.partial) {
      out.push(`unexpected partial index ${index.name}`);
      continue;
    }
    const columnsPart = index.definition.slice(index.definition.indexOf("(") + 1, index.definition.lastIndexOf(")"));
    const cols = columnsPart
      .split(",")
      .map((s) => s.trim().replaceAll('"', "").replace(/ DESC$/i, " desc").replace(/ ASC$/i, ""))
      .join(", ");
    out.push(`${index.kind} ${index.table}(${cols})`);
  }

  const fks = await db.query<{ table: string; definition: string }>(
    `SELECT c.relname AS table, pg_get_constraintdef(k.oid) AS definition
       FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
      WHERE k.contype = 'f' AND c.relnamespace = 'public'::regnamespace AND c.relname = ANY($1)`,
    [kept],
  );
  for (const fk of fks.rows) {
    const m = fk.definition.match(/^FOREIGN KEY \((.+?)\) REFERENCES (\w+)\((.+?)\)(.*)$/);
    if (!m) {
      out.push(`unparsed fk ${fk.table}: ${fk.definition}`);
      continue;
    }
    const [, from, target, to, rest] = m;
    const action = rest!.match(/ON DELETE (CASCADE|RESTRICT|SET NULL|SET DEFAULT|NO ACTION)/)?.[1] ?? "NO ACTION";
    const onDelete = { CASCADE: "cascade", RESTRICT: "restrict", "SET NULL": "setnull", "SET DEFAULT": "setdefault", "NO ACTION": "noaction" }[action];
    out.push(`fk ${fk.table}(${from!.replaceAll('"', "")}) -> ${target}(${to!.replaceAll('"', "")}) on delete ${onDelete}`);
  }
  return out.sort();
}

function databaseColumnType(type: string): string {
  return type
    .replace(/^timestamp\((\d)\) with time zone$/, "timestamptz($1)")
    .replace(/^timestamp with time zone$/, "timestamptz(6)")
    .replace(/^timestamp\((\d)\) without time zone$/, "timestamp($1)")
    .replace(/^character varying\((\d+)\)$/, "varchar($1)");
}

function databaseDefault(value: string | null): string {
  if (value === null) return "none";
  if (/^nextval\(/.test(value)) return "sequence";
  if (value === "CURRENT_TIMESTAMP" || value === "now()") return "now";
  return value;
}

const diff = (expected: Description, actual: Description) => ({
  missingFromDatabase: expected.filter((line) => !actual.includes(line)),
  missingFromSchema: actual.filter((line) => !expected.includes(line)),
});

describe("schema.prisma and the migrated database", () => {
  it("state a String default as Postgres prints it back (text, varchar, a quote inside)", async () => {
    const lines = describePrismaSchema(`
      datasource db {
        provider = "postgresql"
      }
      model DriftDefaults {
        id    Int    @id
        body  String @default("")
        state String @default("it's") @db.VarChar(20)
        @@map("drift_defaults")
      }`);
    const client = await owner().connect();
    try {
      await client.query("CREATE TEMP TABLE drift_defaults (id integer PRIMARY KEY, body text NOT NULL DEFAULT '', state varchar(20) NOT NULL DEFAULT 'it''s')");
      const { rows } = await client.query<{ column: string; default: string }>(
        `SELECT a.attname AS column, pg_get_expr(d.adbin, d.adrelid) AS default
           FROM pg_attrdef d JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
          WHERE d.adrelid = 'pg_temp.drift_defaults'::regclass`,
      );
      expect(rows.map((r) => r.column).sort()).toEqual(["body", "state"]);
      for (const { column, default: printed } of rows) {
        const line = lines.find((l) => l.startsWith(`column drift_defaults.${column} `));
        expect(line, column).toMatch(new RegExp(` default ${databaseDefault(printed).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`));
      }
    } finally {
      await client.query("DROP TABLE IF EXISTS pg_temp.drift_defaults");
      client.release();
    }
  });

  it("describe the same tables, columns, keys, indexes, foreign keys and enums", async () => {
    const schema = readFileSync(SCHEMA_PATH, "utf8");
    const expected = describePrismaSchema(schema);
    const actual = await describeDatabase();
    expect(expected.length).toBeGreaterThan(50);
    expect(diff(expected, actual)).toEqual({ missingFromDatabase: [], missingFromSchema: [] });
  });

  it("notices a column the migrations never created, and a changed type", async () => {
    const schema = readFileSync(SCHEMA_PATH, "utf8")
      .replace("  image           String?\n", "  image           String?\n  nickname        String?\n")
      .replace('slug             String       @unique', 'slug             String       @unique @db.VarChar(48)');
    const { missingFromDatabase } = diff(describePrismaSchema(schema), await describeDatabase());
    expect(missingFromDatabase).toEqual(
      expect.arrayContaining([
        "column users.nickname text null default none",
        "column tenants.slug varchar(48) not null default none",
      ]),
    );
  });
});
