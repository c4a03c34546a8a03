import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('defaults the sign-up limit, the hash queue depth and the session lifetime', () => {
    expect(loadConfig({})).toMatchObject({
      registrationsPerHour: 20,
      hashQueueDepth: 256,
      sessionMaxDays: 90,
    });
  });

  it('reads them, 0 sign-ups meaning no limit', () => {
    const config = loadConfig({
      BAZAAR_REGISTRATIONS_PER_HOUR: '0',
      BAZAAR_HASH_QUEUE_DEPTH: '8',
      BAZAAR_SESSION_MAX_DAYS: '7',
    });
    expect(config).toMatchObject({ registrationsPerHour: 0, hashQueueDepth: 8, sessionMaxDays: 7 });
  });

  it('keeps admin routes open to admins without two-factor sign-in unless BAZAAR_REQUIRE_ADMIN_2FA', () => {
    expect(loadConfig({}).requireAdminTwoFactor).toBe(false);
    expect(loadConfig({ BAZAAR_REQUIRE_ADMIN_2FA: 'true' }).requireAdminTwoFactor).toBe(true);
  });

  it.each([
    ['BAZAAR_REQUIRE_ADMIN_2FA', 'sometimes'],
    ['BAZAAR_REGISTRATIONS_PER_HOUR', '-1'],
    ['BAZAAR_HASH_QUEUE_DEPTH', 'lots'],
    ['BAZAAR_SESSION_MAX_DAYS', '0'],
  ])('names an invalid %s', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });
});
