// A production build's server actions as the browser calls them: each
// action's id from the build's server-reference manifest (known by its
// module and exported name, so nothing hard-codes an id that changes with
// every build), and its arguments encoded by React's own client encoder
// (`encodeReply`, what Next.js's router uses) after dropping the arguments
// the action's id says it never reads, exactly as the router does. Used by
// the browser suite's HTTP helper (e2e/server-actions.ts) and the page
// benchmark (bench/pages.ts).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const ROOT = path.join(import.meta.dirname, "..");

export interface ServerAction {
  /** The id the build gave it: the value of the Next-Action header. */
  id: string;
  /** The module that exports it, from the project root: "app/sign-in/actions.ts". */
  file: string;
  /** Its exported name. */
  name: string;
  /**
   * The URL paths of the pages whose bundles include it: an action is posted
   * to one of these (Next.js answers 404 for an action the page does not
   * know). Dynamic segments stay as written: "/invite/[token]".
   */
  pages: string[];
}

interface ManifestEntry {
  filename: string;
  exportedName: string;
  workers: Record<string, unknown>;
}

/** "app/app/(workspace)/settings/page" → "/app/settings": the URL of an app-router page entry. */
export function pagePath(entry: string): string {
  const segments = entry
    .replace(/^app\//, "")
    .replace(/\/?page$/, "")
    .split("/")
    // Route groups and parallel-route slots are not part of the URL.
    .filter((s) => s && !/^\(.*\)$/.test(s) && !s.startsWith("@"));
  return `/${segments.join("/")}`;
}

/** Every server action of the build in `buildDir` (a NEXT_DIST_DIR), from its server-reference manifest. */
export function readServerActions(buildDir: string): ServerAction[] {
  const manifest = JSON.parse(readFileSync(path.join(buildDir, "server", "server-reference-manifest.json"), "utf8")) as {
    node: Record<string, ManifestEntry>;
    edge: Record<string, ManifestEntry>;
  };
  return Object.entries({ ...manifest.edge, ...manifest.node })
    .map(([id, entry]) => ({
      id,
      file: entry.filename,
      name: entry.exportedName,
      pages: Object.keys(entry.workers).filter((w) => w.endsWith("/page")).map(pagePath).sort(),
    }))
    .sort((a, b) => `${a.file}#${a.name}`.localeCompare(`${b.file}#${b.name}`));
}

type Encode = (value: unknown) => Promise<string | FormData>;
type ReferenceInfo = { usedArgs: boolean[]; hasRestArgs: boolean };
let encoder: { encodeReply: Encode; omitUnusedArgs: (args: unknown[], info: ReferenceInfo) => unknown[]; info: (id: string) => ReferenceInfo } | undefined;
function reactEncoder() {
  if (!encoder) {
    // The encoder and the argument rule Next.js's browser router uses; the
    // Node.js build of React's client has the same encodeReply as the browser's.
    const require = createRequire(path.join(ROOT, "package.json"));
    const client = require("next/dist/compiled/react-server-dom-webpack/client.node") as { encodeReply: Encode };
    const info = require("next/dist/shared/lib/server-reference-info") as {
      omitUnusedArgs: (args: unknown[], info: ReferenceInfo) => unknown[];
      extractInfoFromServerReferenceId: (id: string) => ReferenceInfo;
    };
    encoder = { encodeReply: client.encodeReply, omitUnusedArgs: info.omitUnusedArgs, info: info.extractInfoFromServerReferenceId };
  }
  return encoder;
}

/**
 * The arguments a page's form passes to `action` when submitted:
 * `[null, form]` (useActionState's first state, then the form) for an action
 * that reads a second argument or whose arity the build could not tell (a
 * wrapper such as tenantAction), `[form]` for one that reads only its first.
 */
export function formArguments(action: ServerAction, form: FormData): unknown[] {
  const { usedArgs, hasRestArgs } = reactEncoder().info(action.id);
  return usedArgs[1] || hasRestArgs ? [null, form] : [form];
}

/** Whether the action reads any argument at all (its id says so): one that reads none cannot be handed a bad one. */
export function takesArguments(action: ServerAction): boolean {
  const { usedArgs, hasRestArgs } = reactEncoder().info(action.id);
  return hasRestArgs || usedArgs.some(Boolean);
}

/** The request body the browser would send for calling `action` with `args`. */
export async function encodeActionArguments(action: ServerAction, args: readonly unknown[]): Promise<string | FormData> {
  const { encodeReply, omitUnusedArgs, info } = reactEncoder();
  return encodeReply(omitUnusedArgs([...args], info(action.id)));
}
