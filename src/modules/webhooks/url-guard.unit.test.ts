import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { isPublicAddress, RefusedTarget, UrlGuard } from './url-guard.js';

const answering =
  (...addresses: string[]) =>
  async (): Promise<LookupAddress[]> =>
    addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

describe('isPublicAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.5.4', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'the cloud metadata service (link-local)'],
    ['100.64.0.1', 'CGNAT'],
    ['0.0.0.0', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['224.0.0.1', 'multicast'],
    ['::1', 'IPv6 loopback'],
    ['::', 'IPv6 unspecified'],
    ['fe80::1', 'IPv6 link-local'],
    ['fd00:ec2::254', 'unique-local (the IPv6 metadata service)'],
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
    ['::ffff:10.0.0.1', 'IPv4-mapped private'],
    ['64:ff9b::7f00:1', 'NAT64 of 127.0.0.1'],
    ['2002:7f00:1::', '6to4 of 127.0.0.1'],
    ['not-an-address', 'garbage'],
  ])('refuses %s (%s)', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(['93.184.216.34', '8.8.8.8', '2606:2800:220:1:248:1893:25c8:1946', '::ffff:8.8.8.8'])(
    'accepts the public %s',
    (address) => {
      expect(isPublicAddress(address)).toBe(true);
    },
  );
});

describe('UrlGuard', () => {
  it('refuses at creation: http, private literals, and names resolving to any private address', async () => {
    const guard = new UrlGuard(false, answering('93.184.216.34', '10.1.2.3'));
    expect(await guard.refusal('http://example.com/hook')).toBe('must be an https URL');
    for (const url of [
      'https://127.0.0.1/',
      'https://10.0.0.1/',
      'https://169.254.169.254/',
      'https://[::1]/',
    ]) {
      expect(await guard.refusal(url)).toMatch(/is not a public address$/);
    }
    expect(await guard.refusal('https://mixed.test/')).toMatch(/resolves to 10\.1\.2\.3/);
    expect(await guard.refusal('https://user:pass@example.com/')).toBe('must not hold credentials');
    expect(
      await new UrlGuard(false, answering('93.184.216.34')).refusal('https://example.com/x'),
    ).toBeUndefined();
    const unresolvable = new UrlGuard(false, async () => {
      throw new Error('ENOTFOUND');
    });
    expect(await unresolvable.refusal('https://nowhere.test/')).toBe('nowhere.test does not resolve');
  });

  it('with BAZAAR_WEBHOOKS_ALLOW_PRIVATE takes http and private addresses, but no other scheme', async () => {
    const guard = new UrlGuard(true, answering('127.0.0.1'));
    expect(await guard.refusal('http://127.0.0.1:8080/hook')).toBeUndefined();
    expect(await guard.refusal('https://localhost/hook')).toBeUndefined();
    expect(await guard.refusal('ftp://127.0.0.1/')).toBe('must be an https or http URL');
  });

  it('refuses at connect time whatever the name resolves to then, and IP literals before connecting', async () => {
    const guard = new UrlGuard(false, answering('127.0.0.1'));
    const looked = await new Promise<{ error: unknown; address: unknown }>((resolve) =>
      guard.lookup('rebind.test', { all: true }, (error, address) => resolve({ error, address })),
    );
    expect(looked.error).toBeInstanceOf(RefusedTarget);
    expect(() => guard.assertAllowed(new URL('https://[::1]/x'))).toThrow(RefusedTarget);
    expect(() => guard.assertAllowed(new URL('http://93.184.216.34/x'))).toThrow(RefusedTarget);
    expect(() => guard.assertAllowed(new URL('https://93.184.216.34/x'))).not.toThrow();

    const publicGuard = new UrlGuard(false, answering('93.184.216.34'));
    const single = await new Promise<unknown[]>((resolve) =>
      publicGuard.lookup('example.com', {}, (error, address, family) => resolve([error, address, family])),
    );
    expect(single).toEqual([null, '93.184.216.34', 4]);
  });
});
