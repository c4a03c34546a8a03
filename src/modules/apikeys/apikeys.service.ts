import { timingSafeEqual } from 'node:crypto';
import { appendAudit, changesBetween } from '../../platform/audit.js';
import type { Database } from '../../platform/db.js';
import type { ApiKeyScope, Caller } from '../../platform/http.js';
import { newId } from '../../platform/ids.js';
import { decodeCursor, paginate } from '../../platform/pagination.js';
import { hashToken, newSecret } from '../../platform/tokens.js';
import { apiKeysErrors } from './apikeys.errors.js';
import * as repo from './apikeys.repo.js';
import { ApiKeyCursor, presentApiKey } from './apikeys.schemas.js';

/** A key in use is noted at most this often, so a busy integration's reads stay reads. */
export const LAST_USED_TOUCH_SECONDS = 60;

/**
 * `bzk_<key id>_<secret>`: the id finds the row by primary key, the secret (256 random bits,
 * base64url) proves the holder. A key is matched only in this exact shape.
 */
const KEY_SHAPE = /^bzk_(apk_[0-9a-z]{26})_([A-Za-z0-9_-]{43})$/;

/**
 * The secret's SHA-256, as session tokens are kept. A fast hash is right here, unlike for passwords:
 * the secret is 256 random bits, so no dictionary or brute force can invert its hash, and a slow
 * hash (argon2) would cost every request a password-hash's worth of CPU.
 */
const secretHashOf = hashToken;

/** Who owns keys: identity, asked at run time for the caller a key's owner is now. */
export interface KeyOwners {
  /** The user as a caller; null when unknown or suspended. */
  callerOfUser(userId: string, credentialKey: Buffer): Promise<Caller | null>;
}

export interface ApiKeysDeps {
  db: Database;
  owners: KeyOwners;
}

export interface NewApiKey {
  name: string;
  scopes: ApiKeyScope[];
  expiresAt?: string | null | undefined;
}

export class ApiKeysService {
  private readonly db: Database;
  private readonly owners: KeyOwners;

  constructor(deps: ApiKeysDeps) {
    this.db = deps.db;
    this.owners = deps.owners;
  }

  /** Makes a key acting as the caller; its secret is in this answer only. */
  async create(caller: Caller, kind: repo.ApiKeyKind, input: NewApiKey) {
    if (kind === 'shop' && input.scopes.includes('admin')) {
      throw apiKeysErrors.invalidAt(
        'api_key_scope_not_allowed',
        '/scopes',
        'only admins make keys with admin',
      );
    }
    const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null;
    if (expiresAt && expiresAt.getTime() <= Date.now()) {
      throw apiKeysErrors.invalidAt('api_key_expiry_past', '/expires_at', 'the expiry must be in the future');
    }
    const id = newId('apk');
    const secret = newSecret();
    const row = await this.db.transaction(async (tx) => {
      const created = await repo.insertApiKey(tx, {
        id,
        ownerId: caller.id,
        kind,
        shopId: kind === 'shop' ? (caller.shop?.id ?? null) : null,
        name: input.name,
        scopes: input.scopes,
        secretHash: secretHashOf(secret),
        expiresAt,
      });
      await appendAudit(tx, {
        action: 'api_key.created',
        target: { type: 'api_key', id },
        shopId: created.shopId,
        changes: changesBetween(null, created, ['name', 'scopes', 'expiresAt']),
      });
      return created;
    });
    return { ...presentApiKey(row), key: `bzk_${id}_${secret}` };
  }

  /** The caller's live keys of one kind, newest first, without their secrets. */
  async list(caller: Caller, kind: repo.ApiKeyKind, query: { limit: number; cursor?: string | undefined }) {
    const after = decodeCursor(query.cursor, ApiKeyCursor);
    const rows = await repo.listApiKeys(this.db, { ownerId: caller.id, kind }, { after, limit: query.limit });
    return paginate(rows, query.limit, presentApiKey, (row) => ({ createdAt: row.position, id: row.id }));
  }

  /** Revokes one of the caller's keys: the next request with it, on any process, is refused. */
  async revoke(caller: Caller, kind: repo.ApiKeyKind, id: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const row = await repo.revokeApiKey(tx, { ownerId: caller.id, kind }, id);
      if (!row) throw apiKeysErrors.error('api_key_not_found');
      await appendAudit(tx, {
        action: 'api_key.revoked',
        target: { type: 'api_key', id },
        shopId: row.shopId,
      });
    });
  }

  /**
   * The caller a `bzk_` key acts as (its owner, with the key's scopes), or null when the key is
   * malformed, unknown, revoked, expired or its owner suspended: read from the database on every
   * request, so nothing stale can let a revoked key through.
   */
  async authenticate(token: string): Promise<Caller | null> {
    const match = KEY_SHAPE.exec(token);
    if (!match) return null;
    const [, id, secret] = match as unknown as [string, string, string];
    const row = await repo.findUsableKey(this.db, id);
    if (!row) return null;
    const hash = secretHashOf(secret);
    if (!timingSafeEqual(hash, Buffer.from(row.secretHash))) return null;
    const owner = await this.owners.callerOfUser(row.ownerId, hash);
    if (!owner) return null;
    if (row.idleSeconds === null || row.idleSeconds >= LAST_USED_TOUCH_SECONDS) {
      await repo.touchApiKey(this.db, id, LAST_USED_TOUCH_SECONDS);
    }
    return { ...owner, apiKey: { id, name: row.name, scopes: row.scopes } };
  }
}
