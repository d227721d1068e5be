// Which address an audit row records for a request, from the socket address
// server.mjs passes on, X-Forwarded-For and TRUSTED_PROXIES.
import { describe, expect, it } from "vitest";
import {
  SOCKET_ADDRESS_HEADER,
  USER_AGENT_MAX_LENGTH,
  capUserAgent,
  clientAddress,
  clientInfoFromHeaders,
  isHttpsRequest,
  normalizeAddress,
  parseTrustedProxies,
} from "./client-address";

const address = (socketAddress: string | null, forwardedFor: string | null, trustedProxies?: string) =>
  clientAddress({ socketAddress, forwardedFor, trust: parseTrustedProxies(trustedProxies) });

describe("clientAddress", () => {
  it("without TRUSTED_PROXIES takes the socket's address and ignores a forged X-Forwarded-For", () => {
    expect(address("198.51.100.20", "203.0.113.66")).toBe("198.51.100.20");
    expect(address("198.51.100.20", "203.0.113.66, 10.0.0.1")).toBe("198.51.100.20");
    expect(address("198.51.100.20", null)).toBe("198.51.100.20");
    expect(address("198.51.100.20", "203.0.113.66", "")).toBe("198.51.100.20");
    expect(address("198.51.100.20", "203.0.113.66", "0")).toBe("198.51.100.20");
  });

  it("records no address when the socket's is unknown, whatever X-Forwarded-For says", () => {
    // Started without server.mjs: Next.js's own X-Forwarded-For may be the client's invention.
    expect(address(null, "203.0.113.66")).toBeNull();
    expect(address(null, "203.0.113.66", "1")).toBeNull();
    expect(address("", "203.0.113.66", "loopback")).toBeNull();
  });

  it("with a hop count skips that many proxies from the right and ignores what the client prepended", () => {
    // client 198.51.100.7 forged 203.0.113.66; one proxy (10.0.0.2) appended the real address.
    expect(address("10.0.0.2", "203.0.113.66, 198.51.100.7", "1")).toBe("198.51.100.7");
    // Two proxies: the outer one appended the client, the inner one the outer proxy.
    expect(address("10.0.0.3", "203.0.113.66, 198.51.100.7, 10.0.0.2", "2")).toBe("198.51.100.7");
    // More hops configured than present: the left-most entry, as proxy-addr does.
    expect(address("10.0.0.2", "198.51.100.7", "3")).toBe("198.51.100.7");
    // A proxy that found no header (Next.js filled in the socket address itself).
    expect(address("10.0.0.2", "10.0.0.2", "1")).toBe("10.0.0.2");
  });

  it("with a CIDR list walks left past trusted proxies to the first untrusted entry", () => {
    const trusted = "10.0.0.0/8, 192.168.1.1";
    expect(address("10.0.0.2", "203.0.113.66, 198.51.100.7, 192.168.1.1", trusted)).toBe("198.51.100.7");
    expect(address("10.0.0.2", "203.0.113.66, 198.51.100.7", trusted)).toBe("198.51.100.7");
    // Someone outside the list connecting directly is the client, whatever they claim.
    expect(address("198.51.100.20", "203.0.113.66, 10.0.0.9", trusted)).toBe("198.51.100.20");
    expect(address("127.0.0.1", "198.51.100.7", "loopback")).toBe("198.51.100.7");
    expect(address("192.168.1.2", "198.51.100.7", trusted)).toBe("192.168.1.2");
  });

  it("handles IPv6 and IPv4-mapped addresses, storing one spelling", () => {
    expect(address("2001:DB8:0:0:0:0:0:1", "203.0.113.66")).toBe("2001:db8::1");
    expect(address("::ffff:127.0.0.1", "203.0.113.66")).toBe("127.0.0.1");
    expect(address("::1", "2a00:1450:4001:0:0:0:0:200E", "loopback")).toBe("2a00:1450:4001::200e");
    // An IPv4-mapped socket address matches an IPv4 range.
    expect(address("::ffff:10.0.0.2", "198.51.100.7", "10.0.0.0/8")).toBe("198.51.100.7");
    expect(address("fd00::2", "2a00:1450:4001::200e, fd00::1", "fc00::/7")).toBe("2a00:1450:4001::200e");
  });

  it("records no address when the chosen entry is not an IP address", () => {
    for (const garbage of ["not-an-ip", "<script>alert(1)</script>", "203.0.113.66:443", "[2001:db8::1]", "127.1", "0x7f.0.0.1", "256.1.1.1", "unknown", "1.2.3.4%eth0"]) {
      expect(address("10.0.0.2", garbage, "1"), garbage).toBeNull();
    }
    // Garbage further left than the client is never looked at.
    expect(address("10.0.0.2", "not-an-ip, 198.51.100.7", "1")).toBe("198.51.100.7");
  });

  it("copes with a 15 KB X-Forwarded-For", () => {
    const many = `${Array.from({ length: 1500 }, (_, i) => `203.0.${i % 256}.${i % 200}`).join(", ")}, 198.51.100.7`;
    expect(many.length).toBeGreaterThan(15_000);
    expect(address("198.51.100.20", many)).toBe("198.51.100.20");
    expect(address("10.0.0.2", many, "1")).toBe("198.51.100.7");
    const text = "x".repeat(15 * 1024);
    expect(address("198.51.100.20", text)).toBe("198.51.100.20");
    expect(address("10.0.0.2", text, "1")).toBeNull();
  });
});

describe("normalizeAddress", () => {
  it("keeps addresses in one spelling and drops an IPv6 zone index", () => {
    expect(normalizeAddress("203.0.113.9")).toBe("203.0.113.9");
    expect(normalizeAddress("::FFFF:203.0.113.9")).toBe("203.0.113.9");
    expect(normalizeAddress("fe80::1%eth0")).toBe("fe80::1");
    expect(normalizeAddress(`fe80::1%${"a".repeat(500)}`)).toBe("fe80::1");
    expect(normalizeAddress(" 203.0.113.9")).toBeNull();
    expect(normalizeAddress("")).toBeNull();
    expect(normalizeAddress(null)).toBeNull();
  });
});

describe("parseTrustedProxies", () => {
  it("refuses a list it cannot read instead of trusting too much or too little", () => {
    for (const bad of ["proxy.internal", "10.0.0.0/33", "10.0.0.1,,10.0.0.2", "10.0.0.1, ", "-1", "1.5"]) {
      expect(() => parseTrustedProxies(bad), bad).toThrow(/TRUSTED_PROXIES/);
    }
  });

  it("reads hop counts, addresses, ranges, netmasks and named ranges", () => {
    expect(parseTrustedProxies("2")("198.51.100.1", 1)).toBe(true);
    expect(parseTrustedProxies("2")("198.51.100.1", 2)).toBe(false);
    const list = parseTrustedProxies(" 10.0.0.0/8 ,192.168.0.0/255.255.0.0, uniquelocal,2001:db8::1 ");
    expect(list("10.1.2.3", 0)).toBe(true);
    expect(list("192.168.7.7", 0)).toBe(true);
    expect(list("172.16.0.1", 0)).toBe(true);
    expect(list("2001:db8::1", 0)).toBe(true);
    expect(list("2001:db8::2", 0)).toBe(false);
    expect(list("198.51.100.1", 0)).toBe(false);
    expect(parseTrustedProxies(undefined)("127.0.0.1", 0)).toBe(false);
  });
});

describe("capUserAgent", () => {
  it("keeps at most 512 characters and never half a character", () => {
    expect(capUserAgent("Mozilla/5.0")).toBe("Mozilla/5.0");
    expect(capUserAgent("x".repeat(15 * 1024))).toBe("x".repeat(USER_AGENT_MAX_LENGTH));
    // An emoji (two UTF-16 units) straddling the limit is dropped whole.
    const straddling = `${"x".repeat(USER_AGENT_MAX_LENGTH - 1)}😀tail`;
    expect(capUserAgent(straddling)).toBe("x".repeat(USER_AGENT_MAX_LENGTH - 1));
    expect(capUserAgent("")).toBeNull();
    expect(capUserAgent(null)).toBeNull();
  });
});

describe("clientInfoFromHeaders", () => {
  it("reads the socket header, X-Forwarded-For and the user agent, with TRUSTED_PROXIES from the environment", () => {
    const headers = new Headers({
      [SOCKET_ADDRESS_HEADER]: "10.0.0.2",
      "x-forwarded-for": "203.0.113.66, 198.51.100.7",
      "user-agent": "u".repeat(2000),
    });
    expect(clientInfoFromHeaders(headers, {})).toEqual({ ip: "10.0.0.2", userAgent: "u".repeat(512) });
    expect(clientInfoFromHeaders(headers, { TRUSTED_PROXIES: "10.0.0.0/8" })).toEqual({ ip: "198.51.100.7", userAgent: "u".repeat(512) });
    expect(clientInfoFromHeaders(new Headers({ "x-forwarded-for": "203.0.113.66" }), {})).toEqual({ ip: null, userAgent: null });
  });
});

describe("isHttpsRequest", () => {
  const viaProxy = (proto: string) => new Headers({ [SOCKET_ADDRESS_HEADER]: "10.0.0.2", "x-forwarded-proto": proto });

  it("is https when the public URL is", () => {
    expect(isHttpsRequest(new Headers(), { AUTH_URL: "https://tenantry.example" })).toBe(true);
    expect(isHttpsRequest(new Headers(), { AUTH_URL: "http://localhost:3000" })).toBe(false);
    expect(isHttpsRequest(new Headers(), {})).toBe(false);
  });

  it("believes X-Forwarded-Proto only from a trusted proxy", () => {
    expect(isHttpsRequest(viaProxy("https"), { TRUSTED_PROXIES: "10.0.0.0/8" })).toBe(true);
    expect(isHttpsRequest(viaProxy("https, http"), { TRUSTED_PROXIES: "1" })).toBe(true);
    expect(isHttpsRequest(viaProxy("http"), { TRUSTED_PROXIES: "10.0.0.0/8" })).toBe(false);
    expect(isHttpsRequest(viaProxy("https"), {})).toBe(false);
    expect(isHttpsRequest(viaProxy("https"), { TRUSTED_PROXIES: "192.168.0.0/16" })).toBe(false);
    expect(isHttpsRequest(new Headers({ "x-forwarded-proto": "https" }), { TRUSTED_PROXIES: "1" })).toBe(false);
  });
});
