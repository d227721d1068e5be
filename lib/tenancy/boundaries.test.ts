// The boundaries a new resource could cross by mistake: the lint rules that
// keep pages off the database (run with ESLint's own API on the project's
// config, on the code a careless change would write), and server actions
// that skip the wrappers.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { ESLint } from "eslint";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const eslint = new ESLint({ cwd: process.cwd() });

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message);
}

describe("lint keeps the database behind lib/", () => {
  it.each([
    ['import { sql } from "@/lib/db";', "@/lib/db"],
    ['import pg from "pg";', "pg"],
    ['import { PrismaClient } from "@/lib/generated/prisma/client";', "generated"],
    ['import { authDb } from "@/lib/auth-db";', "auth-db"],
    ['import { withTenant } from "@/lib/tenancy/with-tenant";', "tenancy internals"],
  ])("refuses %s in a page", async (line) => {
    const messages = await restrictedImports("app/app/(workspace)/projects/page.tsx", `${line}\nexport default function Page() { return null; }\n`);
    expect(messages).toHaveLength(1);
  });

  it("refuses it in a component and in middleware too", async () => {
    expect(await restrictedImports("components/projects/list.tsx", 'import { sql } from "@/lib/db";\nexport const x = sql;\n')).toHaveLength(1);
    expect(await restrictedImports("middleware.ts", 'import { sql } from "@/lib/db";\nexport const x = sql;\n')).toHaveLength(1);
  });

  it("refuses lib/tenancy's files to domain modules, and allows its index and the database there", async () => {
    expect(await restrictedImports("lib/projects.ts", 'import { withTenant } from "@/lib/tenancy/with-tenant";\nexport const x = withTenant;\n')).toHaveLength(1);
    expect(
      await restrictedImports("lib/projects.ts", 'import { sql } from "@/lib/db";\nimport { withTenant } from "@/lib/tenancy";\nexport const x = [sql, withTenant];\n'),
    ).toEqual([]);
  });

  it("allows pages the tenancy index and client components its client entry", async () => {
    expect(await restrictedImports("app/app/(workspace)/projects/page.tsx", 'import { requireTenant } from "@/lib/tenancy";\nexport const x = requireTenant;\n')).toEqual([]);
    expect(await restrictedImports("components/projects/form.tsx", 'import { TENANT_FIELD } from "@/lib/tenancy/client";\nexport const x = TENANT_FIELD;\n')).toEqual([]);
  });
});

/** The wrappers a server action must be built by (lib/tenancy/action.ts). */
const WRAPPERS = new Set(["tenantAction", "userAction", "publicAction", "formAction"]);

/**
 * What a "use server" module exports that is not `export const x = <wrapper>(…)`
 * with the wrapper imported from "@/lib/tenancy": each such export is a server
 * action anyone can call with any form, unchecked.
 */
export function unwrappedActions(fileName: string, source: string): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const first = file.statements[0];
  const isServerModule = first && ts.isExpressionStatement(first) && ts.isStringLiteral(first.expression) && first.expression.text === "use server";
  if (!isServerModule) return [];
  const imported = new Set<string>();
  for (const statement of file.statements) {
    if (ts.isImportDeclaration(statement) && (statement.moduleSpecifier as ts.StringLiteral).text === "@/lib/tenancy") {
      const bindings = statement.importClause?.namedBindings;
      if (bindings && ts.isNamedImports(bindings)) for (const element of bindings.elements) if (!element.propertyName) imported.add(element.name.text);
    }
  }
  const offenders: string[] = [];
  const exported = (node: ts.Node) => ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
  for (const statement of file.statements) {
    if (ts.isExportDeclaration(statement) || ts.isExportAssignment(statement)) {
      offenders.push(statement.getText(file).split("\n")[0]!);
    } else if (ts.isFunctionDeclaration(statement) && exported(statement)) {
      offenders.push(statement.name?.text ?? "default function");
    } else if (ts.isVariableStatement(statement) && exported(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        const init = declaration.initializer;
        const wrapped =
          init && ts.isCallExpression(init) && ts.isIdentifier(init.expression) && WRAPPERS.has(init.expression.text) && imported.has(init.expression.text);
        if (!wrapped) offenders.push(declaration.name.getText(file));
      }
    }
  }
  return offenders;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "generated" || entry.name === "node_modules" ? [] : sourceFiles(full);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

describe("every server action goes through a wrapper", () => {
  it("holds for every \"use server\" module in the app", () => {
    const modules = ["app", "components", "lib"].flatMap(sourceFiles).filter((f) => /^\s*["']use server["']/.test(readFileSync(f, "utf8")));
    expect(modules.length).toBeGreaterThan(3);
    const offenders = modules.flatMap((f) => unwrappedActions(f, readFileSync(f, "utf8")).map((name) => `${f}: ${name}`));
    expect(offenders).toEqual([]);
  });

  it("catches a hand-written action, a re-export and a wrapper from elsewhere", () => {
    const head = '"use server";\nimport { tenantAction } from "@/lib/tenancy";\nimport { userAction } from "./my-wrapper";\n';
    expect(unwrappedActions("a.ts", `${head}export async function deleteEverything(formData: FormData) {}\n`)).toEqual(["deleteEverything"]);
    expect(unwrappedActions("a.ts", `${head}export const raw = async (formData: FormData) => {};\n`)).toEqual(["raw"]);
    expect(unwrappedActions("a.ts", `${head}export const sneaky = userAction({ schema }, async () => ({ ok: true, data: undefined }));\n`)).toEqual(["sneaky"]);
    expect(unwrappedActions("a.ts", `${head}export { thing } from "./elsewhere";\n`)).toHaveLength(1);
    expect(unwrappedActions("a.ts", `${head}export const fine = tenantAction({ schema, permission: "members.manage" }, async () => ({ ok: true, data: undefined }));\n`)).toEqual([]);
    // A module that is not a server module exports what it likes.
    expect(unwrappedActions("a.ts", "export async function helper() {}\n")).toEqual([]);
  });
});
