// npm run new:resource -- <name> [--singular <word>] [--read <roles>] [--manage <roles>] [--timestamp <yyyymmddhhmmss>] [--root <dir>]
//
// Writes a tenant-scoped resource from the templates in
// scripts/templates/resource: its migration (table, forced row-level
// security, policies asking the roles matrix, role_permissions rows, grants),
// its Prisma model (appended to prisma/schema.prisma), lib/<name>/ (module
// definition, list/create/rename/delete through withTenant with audit rows,
// the row factory prisma/rls.test.ts finds, a test), the page, its actions and
// its client forms; when the versioned REST API exists (app/api/v1), its
// endpoints (lib/<name>/api.ts), their route files and their test — and
// registers the module with one line in lib/registry/index.ts (and its API
// with one line in lib/api/modules.ts). It refuses to overwrite anything: if any file it
// would write exists, or the table, model, registration or an API schema name
// does, it writes nothing and exits with 1.
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const TEMPLATES = path.join(import.meta.dirname, "templates", "resource");
const ROLES = ["owner", "admin", "auditor", "member"] as const;
type Role = (typeof ROLES)[number];
export const REGISTRY_MARKER = "// new:resource registers here";
export const API_REGISTRY_MARKER = "// new:resource registers its API here";

/** Names the foundation uses already (pages, tables, modules) that a resource may not take. */
const RESERVED = new Set([
  "tenants", "users", "sessions", "accounts", "settings", "dashboard", "audit", "trash", "onboarding", "workspaces", "logos", "members",
  "invitations", "permissions", "roles", "apis", "registries", "generated", "tenancies", "audit_events", "audits", "problems",
]);

/** A refusal the user can act on: printed as is, exit code 1. */
export class ResourceError extends Error {}

export interface ResourceNames {
  /** Table, permission prefix: projects, time_entries. */
  table: string;
  /** Directories and URL: projects, time-entries. */
  kebab: string;
  /** Audit actions and target type: project, time_entry. */
  singular: string;
  /** Variables: projects, timeEntries. */
  camel: string;
  /** Types: Project, TimeEntry. */
  Model: string;
  /** A path parameter's stem: project(Id), timeEntry(Id). */
  camelSingular: string;
  /** Functions and components: Projects, TimeEntries. */
  Plurals: string;
  /** Headings: Projects, Time entries. */
  Plural: string;
  Singular: string;
  /** Sentences: projects, time entries. */
  lower: string;
  lowerSingular: string;
}

/** Plurals whose singular no rule below finds: ask for it (--singular) rather than guess. */
const NO_RULE = /(?:series|species|news|people|children|data|media|criteria|indices|matrices)$/;

function singularOf(word: string): string | null {
  if (NO_RULE.test(word)) return null;
  if (/[^aeiou]ies$/.test(word)) return `${word.slice(0, -3)}y`;
  if (/zzes$/.test(word)) return word.slice(0, -3);
  if (/[^aeiou]yses$/.test(word)) return `${word.slice(0, -2)}is`;
  if (/(ss|x|z|ch|sh|tus)es$/.test(word)) return word.slice(0, -2);
  return word.slice(0, -1);
}

/**
 * "a" or "an" before a word, by its first letter's sound as most words go:
 * "an" before a vowel (an invoice, an order), "a" before "uni", "use", "usu",
 * "eu" and "one" (a unit, a user, a one-off) and before a consonant.
 */
export function articleFor(word: string): "a" | "an" {
  return /^[aeiou]/i.test(word) && !/^(?:uni|use|usu|eu|one)/i.test(word) ? "an" : "a";
}

let shadowable: Set<string> | undefined;

/**
 * The names the code of the templates that declare the model ({{Model}} on
 * its own: lib/<name>/index.ts, api.ts) uses as they are — TypeScript's own
 * (Record, Date, Promise), imports (Timestamp), their own declarations (Row).
 * A model named so would shadow or collide with them, and the generated
 * resource would not compile.
 */
function shadowableNames(): Set<string> {
  if (shadowable) return shadowable;
  shadowable = new Set();
  for (const template of readdirSync(TEMPLATES).filter((f) => f.endsWith(".ts.tmpl"))) {
    const text = readFileSync(path.join(TEMPLATES, template), "utf8");
    if (!/(?<![\w$])\{\{Model\}\}(?![\w$])/.test(text)) continue;
    // What the generator writes becomes one neutral identifier; comments and strings are no code.
    const code = text.replace(/[\w$]*\{\{[A-Za-z]+\}\}[\w$]*/g, "_");
    const visit = (node: ts.Node): void => {
      if (ts.isIdentifier(node)) shadowable!.add(node.text);
      ts.forEachChild(node, visit);
    };
    visit(ts.createSourceFile(template, code, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS));
  }
  return shadowable;
}

/**
 * The forms of a plural snake_case or kebab-case name, after checking it.
 * `singular` names its last word's singular where the rules would not find
 * it (people → person, analyses → analysis).
 */
export function namesFor(raw: string, singular?: string): ResourceNames {
  const name = raw.trim();
  if (!/^[a-z][a-z0-9]*(?:[_-][a-z0-9]+)*$/.test(name) || name.length > 40) {
    throw new ResourceError(
      `“${raw}” is not a resource name: use lowercase letters and digits, words joined by - or _, starting with a letter, at most 40 characters (e.g. projects, time-entries).`,
    );
  }
  const words = name.split(/[-_]/);
  const last = words.at(-1)!;
  if (singular !== undefined) {
    if (!/^[a-z][a-z0-9]*$/.test(singular) || singular.length > 40) throw new ResourceError(`--singular “${singular}” is one word of lowercase letters and digits.`);
    if (singular === last) throw new ResourceError(`--singular “${singular}” is the name itself: the generated code needs the singular to differ from the plural.`);
  } else if (!last.endsWith("s") || last.endsWith("ss") || last.length < 3) {
    throw new ResourceError(`“${raw}” should be plural (the table holds many): e.g. ${name}s, or give its singular with --singular.`);
  }
  const table = words.join("_");
  if (RESERVED.has(table)) throw new ResourceError(`“${raw}” is a name the foundation uses already; pick another.`);
  const lastSingular = singular ?? singularOf(last);
  if (!lastSingular) throw new ResourceError(`“${raw}”: its singular is not one the generator can tell; give it with --singular (e.g. --singular ${last === "people" ? "person" : "item"}).`);
  const singularWords = [...words.slice(0, -1), lastSingular];
  const cap = (w: string) => w[0]!.toUpperCase() + w.slice(1);
  const camelOf = (ws: string[]) => ws[0]! + ws.slice(1).map(cap).join("");
  const Model = singularWords.map(cap).join("");
  if (shadowableNames().has(Model)) {
    throw new ResourceError(`“${raw}”: its model would be ${Model}, a name the generated code uses already (TypeScript's own or the lib's); pick another name.`);
  }
  return {
    table,
    kebab: words.join("-"),
    singular: singularWords.join("_"),
    camel: camelOf(words),
    Model,
    camelSingular: camelOf(singularWords),
    Plurals: words.map(cap).join(""),
    Plural: cap(words.join(" ")),
    Singular: cap(singularWords.join(" ")),
    lower: words.join(" "),
    lowerSingular: singularWords.join(" "),
  };
}

function parseRoles(list: string, option: string): Role[] {
  const roles = list.split(",").map((r) => r.trim()).filter(Boolean);
  const unknown = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
  if (unknown.length || roles.length === 0) throw new ResourceError(`${option} takes roles among ${ROLES.join(", ")}, comma-separated (got “${list}”).`);
  return ROLES.filter((r) => roles.includes(r));
}

const stamp = (d: Date) => d.toISOString().replace(/\D/g, "").slice(0, 14);

/** Now, or one second after the newest migration when that is later (migrations apply in name order). */
function nextTimestamp(migrations: string, now: Date): string {
  const latest = existsSync(migrations)
    ? readdirSync(migrations).map((d) => /^(\d{14})_/.exec(d)?.[1]).filter(Boolean).sort().at(-1)
    : undefined;
  if (!latest || stamp(now) > latest) return stamp(now);
  const [y, mo, d, h, mi, s] = [0, 4, 6, 8, 10, 12].map((i, k) => Number(latest.slice(i, i + (k === 0 ? 4 : 2))));
  return stamp(new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s! + 1)));
}

function render(template: string, vars: Record<string, string>): string {
  const text = readFileSync(path.join(TEMPLATES, template), "utf8");
  return text.replace(/\{\{([A-Za-z]+)\}\}/g, (_, key: string) => {
    if (!Object.hasOwn(vars, key)) throw new Error(`${template}: unknown placeholder {{${key}}}`);
    return vars[key]!;
  });
}

export interface GenerateOptions {
  /** The project's root (the repository; a test passes a scratch copy). */
  root: string;
  name: string;
  /** Roles given <name>.read and <name>.manage; manage must be among the readers. */
  readRoles?: readonly Role[];
  manageRoles?: readonly Role[];
  /** The last word's singular, where the generator's rules would not find it. */
  singular?: string;
  timestamp?: string;
  now?: Date;
}

/** The schema names a resource's API registers in the OpenAPI document (lib/<name>/api.ts). */
const apiSchemaNames = (n: ResourceNames) => [n.Model, `${n.Model}Page`, `${n.Model}Create`, `${n.Model}Patch`];

/** Schema names the API's document holds already: the foundation's (lib/api/schemas.ts) and every module's (lib/<module>/api.ts). */
function takenApiSchemaNames(root: string): Set<string> {
  const files = [path.join(root, "lib/api/schemas.ts")];
  const lib = path.join(root, "lib");
  if (existsSync(lib)) {
    for (const dir of readdirSync(lib, { withFileTypes: true })) if (dir.isDirectory()) files.push(path.join(lib, dir.name, "api.ts"));
  }
  const names = new Set<string>();
  for (const file of files.filter((f) => existsSync(f))) {
    for (const match of readFileSync(file, "utf8").matchAll(/\bid: "([A-Za-z0-9_]+)"/g)) names.add(match[1]!);
  }
  return names;
}

/** The modules' definitions (lib/registry/core.ts and each lib/<module>/definition.ts), with their text. */
function registeredDefinitions(root: string): Array<[string, string]> {
  const files = ["lib/registry/core.ts"];
  const lib = path.join(root, "lib");
  if (existsSync(lib)) {
    for (const dir of readdirSync(lib, { withFileTypes: true })) if (dir.isDirectory()) files.push(`lib/${dir.name}/definition.ts`);
  }
  return files.filter((f) => existsSync(path.join(root, f))).map((f) => [f, readFileSync(path.join(root, f), "utf8")]);
}

export interface GenerateResult {
  names: ResourceNames;
  /** Files written, relative to the root. */
  created: string[];
  /** Existing files changed: the schema (a model appended), the registry and, with the API, lib/api/modules.ts (one line each, and its import). */
  edited: string[];
  notes: string[];
}

export function generate(options: GenerateOptions): GenerateResult {
  const names = namesFor(options.name, options.singular);
  const readRoles = options.readRoles ?? ROLES;
  const manageRoles = options.manageRoles ?? (["owner", "admin", "member"] as const);
  const notReaders = manageRoles.filter((r) => !readRoles.includes(r));
  if (notReaders.length) throw new ResourceError(`Those who manage ${names.lower} must read them too (${notReaders.join(", ")} would not).`);
  if (options.timestamp !== undefined && !/^\d{14}$/.test(options.timestamp)) throw new ResourceError("--timestamp is yyyymmddhhmmss (14 digits).");

  const root = path.resolve(options.root);
  const at = (rel: string) => path.join(root, rel);
  const migrations = at("prisma/migrations");
  const timestamp = options.timestamp ?? nextTimestamp(migrations, options.now ?? new Date());
  // The versioned REST API, when the project has one: the resource's endpoints, routes and test too.
  const withApi = existsSync(at("app/api/v1"));
  const vars: Record<string, string> = {
    ...names,
    // "a {{lowerSingular}}" reads "an invoice" where it should.
    article: articleFor(names.lowerSingular),
    Article: articleFor(names.lowerSingular) === "an" ? "An" : "A",
    timestamp,
    readRoles: readRoles.map((r) => `"${r}"`).join(", "),
    manageRoles: manageRoles.map((r) => `"${r}"`).join(", "),
    rolePermissionRows: [
      ...readRoles.map((r) => `('${names.table}.read', '${r}')`),
      ...manageRoles.map((r) => `('${names.table}.manage', '${r}')`),
    ]
      .map((row) => `  ${row}`)
      .join(",\n"),
  };

  const files: Array<[string, string]> = [
    [`prisma/migrations/${timestamp}_${names.table}/migration.sql`, "migration.sql.tmpl"],
    [`lib/${names.kebab}/definition.ts`, "definition.ts.tmpl"],
    [`lib/${names.kebab}/index.ts`, "lib-index.ts.tmpl"],
    [`lib/${names.kebab}/${names.kebab}.test.ts`, "lib.test.ts.tmpl"],
    [`lib/${names.kebab}/row-factory.ts`, "row-factory.ts.tmpl"],
    [`app/app/(workspace)/${names.kebab}/page.tsx`, "page.tsx.tmpl"],
    [`app/app/(workspace)/${names.kebab}/actions.ts`, "actions.ts.tmpl"],
    [`components/${names.kebab}/${names.kebab}-forms.tsx`, "forms.tsx.tmpl"],
  ];
  const apiRoutes = `app/api/v1/tenants/[tenantId]/${names.kebab}`;
  if (withApi) {
    files.push(
      [`lib/${names.kebab}/api.ts`, "api.ts.tmpl"],
      [`lib/${names.kebab}/api.test.ts`, "api.test.ts.tmpl"],
      [`${apiRoutes}/route.ts`, "api-route.ts.tmpl"],
      [`${apiRoutes}/[${names.camelSingular}Id]/route.ts`, "api-item-route.ts.tmpl"],
    );
  }

  // Everything is checked before anything is written.
  const schemaPath = at("prisma/schema.prisma");
  const registryPath = at("lib/registry/index.ts");
  const schema = readFileSync(schemaPath, "utf8");
  const registry = readFileSync(registryPath, "utf8");
  const apiRegistryPath = at("lib/api/modules.ts");
  const apiRegistry = withApi ? readFileSync(apiRegistryPath, "utf8") : "";
  const clashes = files.map(([rel]) => rel).filter((rel) => existsSync(at(rel)));
  for (const rel of [`lib/${names.kebab}`, `lib/${names.kebab}.ts`, `app/app/(workspace)/${names.kebab}`, `components/${names.kebab}`, ...(withApi ? [apiRoutes] : [])]) {
    if (existsSync(at(rel)) && !clashes.some((c) => c.startsWith(`${rel}/`))) clashes.push(rel);
  }
  const earlier = existsSync(migrations) ? readdirSync(migrations).filter((d) => /^\d{14}_(.+)$/.exec(d)?.[1] === names.table) : [];
  clashes.push(...earlier.map((d) => `prisma/migrations/${d}`).filter((d) => !clashes.includes(d)));
  if (new RegExp(`^model ${names.Model} \\{`, "m").test(schema)) clashes.push(`prisma/schema.prisma: model ${names.Model}`);
  if (new RegExp(`@@map\\("${names.table}"\\)`).test(schema)) clashes.push(`prisma/schema.prisma: table ${names.table}`);
  if (registry.includes(`${names.camel}Module`)) clashes.push(`lib/registry/index.ts: ${names.camel}Module`);
  // Permissions and audit actions are one namespace across modules (the registry refuses one registered twice, at load).
  for (const [file, text] of registeredDefinitions(root)) {
    for (const key of [`${names.table}.read`, `${names.table}.manage`, `${names.singular}.create`, `${names.singular}.update`, `${names.singular}.delete`]) {
      if (text.includes(`"${key}"`)) clashes.push(`${file}: ${key}`);
    }
  }
  if (withApi) {
    if (apiRegistry.includes(`@/lib/${names.kebab}/api"`)) clashes.push(`lib/api/modules.ts: ${names.camel}Api`);
    const taken = takenApiSchemaNames(root);
    for (const name of apiSchemaNames(names)) if (taken.has(name)) clashes.push(`the API's document: schema ${name}`);
  }
  if (clashes.length) {
    throw new ResourceError(`“${names.table}” exists already; nothing was written. In the way:\n${clashes.map((c) => `  ${c}`).join("\n")}`);
  }
  for (const [file, text, marker] of [["lib/registry/index.ts", registry, REGISTRY_MARKER], ...(withApi ? [["lib/api/modules.ts", apiRegistry, API_REGISTRY_MARKER]] : [])]) {
    if (!text!.includes(marker!)) throw new ResourceError(`${file} has no “${marker}” line to register the module at; nothing was written.`);
  }

  const rendered = files.map(([rel, template]) => [rel, render(template, vars)] as const);
  const model = render("schema.prisma.tmpl", vars);

  for (const [rel, text] of rendered) {
    mkdirSync(path.dirname(at(rel)), { recursive: true });
    writeFileSync(at(rel), text, { flag: "wx" });
  }
  writeFileSync(schemaPath, `${schema.replace(/\n*$/, "\n")}${model}`);
  writeFileSync(registryPath, register(registry, REGISTRY_MARKER, `${names.camel}Module,`, `import { ${names.camel}Module } from "@/lib/${names.kebab}/definition";`));
  if (withApi) {
    const line = `{ module: "${names.table}", endpoints: ${names.camel}Api },`;
    writeFileSync(apiRegistryPath, register(apiRegistry, API_REGISTRY_MARKER, line, `import { endpoints as ${names.camel}Api } from "@/lib/${names.kebab}/api";`));
  }

  const notes: string[] = [];
  if (!withApi) notes.push("There is no app/api/v1: no REST API was written for the resource.");
  const edited = ["prisma/schema.prisma", "lib/registry/index.ts", ...(withApi ? ["lib/api/modules.ts"] : [])];
  return { names, created: rendered.map(([rel]) => rel), edited, notes };
}

/** `line` just above the marker (indented as it is), and `importLine` after the last import. */
function register(text: string, marker: string, line: string, importLine: string): string {
  const markerAt = text.indexOf(marker);
  const lineStart = text.lastIndexOf("\n", markerAt) + 1;
  const indent = text.slice(lineStart, markerAt);
  const updated = `${text.slice(0, lineStart)}${indent}${line}\n${text.slice(lineStart)}`;
  const imports = [...updated.matchAll(/^import .*;$/gm)];
  const afterImports = imports.length ? imports.at(-1)!.index! + imports.at(-1)![0].length + 1 : 0;
  return `${updated.slice(0, afterImports)}${importLine}\n${updated.slice(afterImports)}`;
}

function parseArgs(argv: string[]): GenerateOptions {
  const options: Partial<GenerateOptions> = { root: process.cwd() };
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new ResourceError(`${arg} needs a value.`);
      return v;
    };
    if (arg === "--root") options.root = value();
    else if (arg === "--timestamp") options.timestamp = value();
    else if (arg === "--singular") options.singular = value();
    else if (arg === "--read") options.readRoles = parseRoles(value(), "--read");
    else if (arg === "--manage") options.manageRoles = parseRoles(value(), "--manage");
    else if (arg.startsWith("--")) throw new ResourceError(`Unknown option ${arg}.`);
    else positional.push(arg);
  }
  if (positional.length !== 1) {
    throw new ResourceError(
      "Usage: npm run new:resource -- <plural-name> [--singular <word>] [--read owner,admin,auditor,member] [--manage owner,admin,member] [--timestamp yyyymmddhhmmss]",
    );
  }
  return { ...options, name: positional[0]! } as GenerateOptions;
}

function main() {
  try {
    const result = generate(parseArgs(process.argv.slice(2)));
    const { kebab } = result.names;
    console.log(`Wrote ${result.created.length} files:\n${result.created.map((f) => `  ${f}`).join("\n")}`);
    const api = result.edited.includes("lib/api/modules.ts") ? `\n  lib/api/modules.ts (its REST API registered)` : "";
    console.log(`Edited:\n  prisma/schema.prisma (model ${result.names.Model} appended)\n  lib/registry/index.ts (${result.names.camel}Module registered)${api}`);
    for (const note of result.notes) console.log(`Note: ${note}`);
    console.log(`
Next (README, "Add a tenant-scoped resource"):
  node scripts/prisma-generate.mjs
  npm run db:migrate   (the database DATABASE_URL names; npm run dev migrates the embedded one when it starts)
  npx vitest run lib/${kebab} prisma/rls.test.ts prisma/roles-matrix.test.ts prisma/schema-drift.test.ts lib/tenancy/boundaries.test.ts
  restart npm run dev if it is running (it keeps the roles matrix it started with), then open /app/${kebab}`);
  } catch (error) {
    if (!(error instanceof ResourceError)) throw error;
    console.error(error.message);
    process.exitCode = 1;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
