import { randomBytes } from 'node:crypto';
import * as repo from '../../src/modules/identity/identity.repo.js';
import { hashToken } from '../../src/modules/identity/identity.service.js';
import { hashPassword } from '../../src/modules/identity/passwords.js';
import type { Database } from '../../src/platform/db.js';
import type { Caller } from '../../src/platform/http.js';
import { newId } from '../../src/platform/ids.js';

export const FACTORY_PASSWORD = 'factory-pass-phrase-1';
let factoryHash: Promise<string> | undefined;

export interface TestUser {
  id: string;
  email: string;
  name: string;
  password: string;
  token: string;
  shopId: string | null;
}

/**
 * Inserts a user (and a session, and a shop when asked) straight into the tables, with a password
 * hash computed once per process, so tests do not pay argon2 per user.
 */
export async function newUser(
  db: Database,
  options: { email?: string; name?: string; admin?: boolean; shop?: string | boolean } = {},
): Promise<TestUser> {
  factoryHash ??= hashPassword(FACTORY_PASSWORD);
  const passwordHash = await factoryHash;
  const suffix = randomBytes(4).toString('hex');
  const email = options.email ?? `user-${suffix}@example.com`;
  const name = options.name ?? `User ${suffix}`;
  const token = `bzr_${randomBytes(32).toString('base64url')}`;
  return db.transaction(async (tx) => {
    const user = await repo.insertUser(tx, {
      id: newId('usr'),
      email,
      name,
      passwordHash,
      isAdmin: options.admin ?? false,
    });
    await repo.insertSession(tx, hashToken(token), user.id);
    const shop = options.shop
      ? await repo.insertShop(tx, {
          id: newId('shop'),
          ownerId: user.id,
          name: typeof options.shop === 'string' ? options.shop : `Shop ${suffix}`,
          description: '',
        })
      : undefined;
    return { id: user.id, email, name, password: FACTORY_PASSWORD, token, shopId: shop?.id ?? null };
  });
}

/** The Caller a factory user is once signed in: what the catalog service is called with. */
export function callerOfUser(user: TestUser, shopName = `Shop of ${user.name}`): Caller {
  return {
    id: user.id,
    email: user.email,
    emailVerified: false,
    name: user.name,
    roles: user.shopId ? ['buyer', 'seller'] : ['buyer'],
    shop: user.shopId ? { id: user.shopId, name: shopName } : null,
    createdAt: new Date(),
    twoFactorEnabled: false,
    sessionKey: Buffer.alloc(32),
  };
}
