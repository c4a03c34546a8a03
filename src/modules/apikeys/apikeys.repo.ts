import { type Queryable, sql, sqlArray } from '../../platform/db.js';
import type { ApiKeyScope } from '../../platform/http.js';
import { keysetTime } from '../../platform/pagination.js';

export type ApiKeyKind = 'shop' | 'admin';

export interface ApiKeyRow {
  id: string;
  ownerId: string;
  kind: ApiKeyKind;
  shopId: string | null;
  name: string;
  scopes: ApiKeyScope[];
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  createdAt: Date;
  /** The exact creation time, as the keyset position. */
  position: string;
}

const COLUMNS = sql`id, owner_id AS "ownerId", kind, shop_id AS "shopId", name, scopes,
  expires_at AS "expiresAt", last_used_at AS "lastUsedAt", created_at AS "createdAt",
  ${keysetTime(sql`created_at`)} AS position`;

export async function insertApiKey(
  db: Queryable,
  key: {
    id: string;
    ownerId: string;
    kind: ApiKeyKind;
    shopId: string | null;
    name: string;
    scopes: readonly ApiKeyScope[];
    secretHash: Buffer;
    expiresAt: Date | null;
  },
): Promise<ApiKeyRow> {
  const [row] = await db.query<ApiKeyRow>(sql`
    INSERT INTO api_keys (id, owner_id, kind, shop_id, name, scopes, secret_hash, expires_at)
    VALUES (${key.id}, ${key.ownerId}, ${key.kind}, ${key.shopId}, ${key.name}, ${sqlArray(key.scopes)}::text[],
            ${key.secretHash}, ${key.expiresAt?.toISOString() ?? null}::timestamptz)
    RETURNING ${COLUMNS}`);
  return row!;
}

/** An owner's live keys of one kind, newest first. */
export async function listApiKeys(
  db: Queryable,
  owner: { ownerId: string; kind: ApiKeyKind },
  page: { after?: { createdAt: string; id: string } | undefined; limit: number },
): Promise<ApiKeyRow[]> {
  const after = page.after
    ? sql`AND (created_at, id) < (${page.after.createdAt}::timestamptz, ${page.after.id})`
    : sql``;
  return db.query<ApiKeyRow>(sql`
    SELECT ${COLUMNS} FROM api_keys
    WHERE owner_id = ${owner.ownerId} AND kind = ${owner.kind} AND revoked_at IS NULL ${after}
    ORDER BY created_at DESC, id DESC
    LIMIT ${page.limit + 1}`);
}

/** Revokes an owner's live key of one kind; undefined when there is none such. */
export async function revokeApiKey(
  db: Queryable,
  owner: { ownerId: string; kind: ApiKeyKind },
  id: string,
): Promise<ApiKeyRow | undefined> {
  const [row] = await db.query<ApiKeyRow>(sql`
    UPDATE api_keys SET revoked_at = now()
    WHERE id = ${id} AND owner_id = ${owner.ownerId} AND kind = ${owner.kind} AND revoked_at IS NULL
    RETURNING ${COLUMNS}`);
  return row;
}

export interface UsableKeyRow {
  ownerId: string;
  name: string;
  scopes: ApiKeyScope[];
  secretHash: Uint8Array;
  /** Seconds since the key was last noted in use (null: never). */
  idleSeconds: number | null;
}

/**
 * A key that may authenticate now: not revoked, not expired (by the database's clock, the same for
 * every process). One primary-key lookup per request, so a revocation holds everywhere at once.
 */
export async function findUsableKey(db: Queryable, id: string): Promise<UsableKeyRow | undefined> {
  const [row] = await db.query<UsableKeyRow>(
    sql`
    SELECT owner_id AS "ownerId", name, scopes, secret_hash AS "secretHash",
           extract(epoch FROM now() - last_used_at)::float8 AS "idleSeconds"
    FROM api_keys
    WHERE id = ${id} AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`,
    { prepareAs: 'apikeys_find_usable_key' },
  );
  return row;
}

/**
 * Notes the key in use, unless another request (on any process) did within the last `seconds`;
 * answers whether this call wrote.
 */
export async function touchApiKey(db: Queryable, id: string, seconds: number): Promise<boolean> {
  const written = await db.execute(sql`
    UPDATE api_keys SET last_used_at = now()
    WHERE id = ${id}
      AND (last_used_at IS NULL OR last_used_at < now() - make_interval(secs => ${seconds}))`);
  return written === 1;
}
