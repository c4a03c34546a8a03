import { promises as dns, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/** Answers the addresses a host name resolves to (the system resolver, or a test's stand-in). */
export type Resolve = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolve: Resolve = (hostname) => dns.lookup(hostname, { all: true, verbatim: true });

/**
 * Whether an address is on the public internet. Only ipaddr.js's `unicast` range passes: private,
 * loopback, link-local (with 169.254.169.254, the cloud metadata service), unique-local, CGNAT,
 * multicast, reserved and the IPv6 ranges that embed an IPv4 address (6to4, Teredo, NAT64) are all
 * refused; an IPv4-mapped IPv6 address is judged as the IPv4 address it maps.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  return parsed.range() === 'unicast';
}

/** A URL's host as an address when it is an IP literal (`[::1]` → `::1`), else undefined. */
const literalAddress = (hostname: string): string | undefined => {
  const bare = hostname.replace(/^\[(.*)\]$/, '$1');
  return ipaddr.isValid(bare) ? bare : undefined;
};

export class RefusedTarget extends Error {}

/**
 * Keeps outbound webhooks off private networks (SSRF). Checked twice: when an endpoint is saved
 * (`refusal`, so the owner hears at once), and on every connection (`lookup`, given to the HTTP
 * agent), against the very address connected to, so a name that resolves to a public address at
 * creation and to 127.0.0.1 later (DNS rebinding) is refused before any byte is sent. IP literals
 * never reach `lookup`, so `assertAllowed` checks them before connecting. With `allowPrivate`
 * (BAZAAR_WEBHOOKS_ALLOW_PRIVATE, development and tests) any address and `http` are allowed.
 */
export class UrlGuard {
  constructor(
    private readonly allowPrivate: boolean,
    private readonly resolve: Resolve = systemResolve,
  ) {}

  /** Why the URL may not be an endpoint (at creation: the scheme, and what the host resolves to now). */
  async refusal(url: string): Promise<string | undefined> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return 'not a URL';
    }
    if (parsed.protocol !== 'https:' && !(this.allowPrivate && parsed.protocol === 'http:')) {
      return this.allowPrivate ? 'must be an https or http URL' : 'must be an https URL';
    }
    if (parsed.username || parsed.password) return 'must not hold credentials';
    if (this.allowPrivate) return undefined;
    const literal = literalAddress(parsed.hostname);
    if (literal) return isPublicAddress(literal) ? undefined : `${literal} is not a public address`;
    let addresses: LookupAddress[];
    try {
      addresses = await this.resolve(parsed.hostname);
    } catch {
      return `${parsed.hostname} does not resolve`;
    }
    if (addresses.length === 0) return `${parsed.hostname} does not resolve`;
    const refused = addresses.find(({ address }) => !isPublicAddress(address));
    return refused
      ? `${parsed.hostname} resolves to ${refused.address}, which is not a public address`
      : undefined;
  }

  /** Throws RefusedTarget for a URL whose host is a non-public IP literal (names are checked in `lookup`). */
  assertAllowed(url: URL): void {
    if (this.allowPrivate) return;
    if (url.protocol !== 'https:') throw new RefusedTarget(`${url.protocol} is not allowed`);
    const literal = literalAddress(url.hostname);
    if (literal && !isPublicAddress(literal)) throw new RefusedTarget(`${literal} is not a public address`);
  }

  /** The connect-time resolver for `http.request({lookup})`: fails when any address is not public. */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    this.resolve(hostname).then(
      (resolved) => {
        const family = options.family === 4 || options.family === 6 ? options.family : undefined;
        const addresses = resolved.filter((entry) => family === undefined || entry.family === family);
        const refused = addresses.find(({ address }) => !isPublicAddress(address));
        if (!this.allowPrivate && refused) {
          callback(
            new RefusedTarget(`${hostname} resolves to ${refused.address}, which is not a public address`),
            '',
          );
        } else if (addresses.length === 0) {
          callback(Object.assign(new Error(`${hostname} does not resolve`), { code: 'ENOTFOUND' }), '');
        } else if (options.all) {
          (callback as unknown as (error: null, addresses: LookupAddress[]) => void)(null, addresses);
        } else {
          callback(null, addresses[0]!.address, addresses[0]!.family);
        }
      },
      (error: NodeJS.ErrnoException) => callback(error, ''),
    );
  };
}
