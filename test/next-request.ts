// What Next.js provides inside a request — its headers and cookie jar — for
// tests that call server actions directly. A test file installs it with
//
//   vi.mock("next/headers", async () => (await import("@/test/next-request")).nextHeaders);
//
// and reads or seeds the same jar through `jar` (the module is shared within
// the file, so both see one Map). Clear it in a beforeEach.

/** The request's cookies by name. */
export const jar = new Map<string, string>();
/** The options each cookie was last set with (httpOnly, maxAge, …). */
export const cookieOptions = new Map<string, unknown>();

export const nextHeaders = {
  headers: async () => new Headers({ host: "localhost:3000", "x-forwarded-for": "203.0.113.7", "user-agent": "vitest" }),
  cookies: async () => ({
    get: (name: string) => (jar.has(name) ? { name, value: jar.get(name)! } : undefined),
    getAll: () => [...jar].map(([name, value]) => ({ name, value })),
    has: (name: string) => jar.has(name),
    set: (name: string, value: string, options?: unknown) => {
      jar.set(name, value);
      cookieOptions.set(name, options);
    },
    delete: (name: string) => {
      jar.delete(name);
      cookieOptions.delete(name);
    },
  }),
};

/** Empties the jar between tests. */
export function clearCookies(): void {
  jar.clear();
  cookieOptions.clear();
}

/** A form's fields as the browser posts them. */
export function form(fields: Record<string, string> = {}): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.set(name, value);
  return data;
}
