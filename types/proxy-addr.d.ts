// proxy-addr ships no types; this covers the part lib/http/client-address.ts uses.
declare module "proxy-addr" {
  type TrustFunction = (address: string, hop: number) => boolean;

  interface RequestLike {
    headers: { "x-forwarded-for"?: string };
    socket: { remoteAddress?: string };
  }

  /** The right-most address of [socket, …X-Forwarded-For right to left] that `trust` does not trust. */
  function proxyaddr(request: RequestLike, trust: TrustFunction | string | string[]): string;

  namespace proxyaddr {
    /** Addresses, CIDR ranges, netmasks and the names loopback, linklocal and uniquelocal; throws TypeError on anything else. */
    function compile(value: string | string[]): TrustFunction;
    function all(request: RequestLike, trust?: TrustFunction | string | string[]): string[];
  }

  export = proxyaddr;
}
