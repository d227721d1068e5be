// Tenantry's HTTP server: Next.js, plus what every request needs before
// Next.js sees it (lib/http/edge.mjs):
//
// - the one fact Next.js does not pass on to the app, the address at the
//   other end of the TCP connection. Next.js fills X-Forwarded-For with the
//   socket's address only when a request has none and never appends to it,
//   so a client that sends the header hides the socket's address from every
//   page, action, route handler and middleware (lib/http/client-address.ts).
//   This server writes it into a header of its own, replacing anything a
//   client sent under that name; the request's path and query likewise,
//   which Next.js does not tell a page either;
// - the Content-Security-Policy with a fresh script nonce (on the request,
//   where Next.js takes the nonce for its scripts, and on the response) and
//   HSTS over https — here rather than in middleware.ts, which Next.js runs
//   at a cost larger than a small page's render.
//
//   node server.mjs [--dev] [-p PORT] [-H HOSTNAME]
//
// PORT is read from the environment when -p is not given (default 3000); it
// listens on every interface unless -H is given, as `next start` does.
import { createServer } from "node:http";
import { parseArgs } from "node:util";
import { REQUEST_PATH_HEADER, SOCKET_ADDRESS_HEADER, edgeSecurityHeaders, requestPath } from "./lib/http/edge.mjs";
import { formatAbortReasonStacks } from "./lib/abort-reasons.mjs";
import { captureOutsideRequests } from "./lib/outside-requests.mjs";

// Before any request: the context the database pools open their sockets in.
captureOutsideRequests();

const { values } = parseArgs({
  options: {
    dev: { type: "boolean", default: false },
    port: { type: "string", short: "p" },
    hostname: { type: "string", short: "H" },
  },
});
const dev = values.dev;
// Abort reasons that keep no request alive (lib/abort-reasons.mjs), in
// production: a development server is restarted often, and is left as
// Next.js sets it up for its error tooling.
if (!dev) formatAbortReasonStacks();
// In production every link the app emails (sign-in, invitations, the
// ownership transfer) and every redirect Auth.js makes is built on AUTH_URL;
// without it they would fall back to a request's own Host header, which the
// client chooses. Refuse to start rather than guess.
if (!dev && !process.env.AUTH_URL) {
  console.error("AUTH_URL is not set: set it to the app's public URL (https://app.example.com) before starting the production server.");
  process.exit(1);
}
const port = Number(values.port ?? process.env.PORT ?? 3000);
const hostname = values.hostname;

// React and Next.js choose their development or production builds when first
// loaded, so NODE_ENV is settled before importing them, as `next` itself does.
process.env.NODE_ENV ||= dev ? "development" : "production";
const { default: next } = await import("next");

const server = createServer((req, res) => {
  const address = req.socket.remoteAddress;
  if (address) req.headers[SOCKET_ADDRESS_HEADER] = address;
  else delete req.headers[SOCKET_ADDRESS_HEADER];
  req.headers[REQUEST_PATH_HEADER] = requestPath(req.url);
  const security = edgeSecurityHeaders(pathOf(req.url), { get: (name) => req.headers[name] ?? null });
  for (const [name, value] of Object.entries(security.request)) {
    if (value === null) delete req.headers[name];
    else req.headers[name] = value;
  }
  for (const [name, value] of Object.entries(security.response)) res.setHeader(name, value);
  handle(req, res).catch((error) => {
    console.error(`Failed to handle ${req.method} ${req.url}`, error);
    if (!res.headersSent) res.statusCode = 500;
    res.end();
  });
});

/** The path of a request target ("/a/b?c" → "/a/b"). */
function pathOf(url = "/") {
  const query = url.indexOf("?");
  return query === -1 ? url : url.slice(0, query);
}

const app = next({ dev, dir: import.meta.dirname, hostname: hostname ?? "localhost", port, httpServer: server });
const handle = app.getRequestHandler();
await app.prepare();

server.on("error", (error) => {
  console.error("Failed to start the server", error);
  process.exit(1);
});
server.listen(port, hostname, () => {
  console.log(`  ▲ Tenantry (${dev ? "development" : "production"}) on http://${hostname ?? "localhost"}:${port}`);
});

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  server.close();
  server.closeIdleConnections();
  await app.close().catch((error) => console.error(error));
  process.exit(0);
}
process.on("SIGTERM", () => void stop());
process.on("SIGINT", () => void stop());
