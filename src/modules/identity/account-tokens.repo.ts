import { type Queryable, sql } from '../../platform/db.js';

export type AccountTokenPurpose = 'password_reset' | 'email_verification' | 'email_change';

export interface AccountTokenRow {
  userId: string;
  purpose: AccountTokenPurpose;
  email: string;
}

const TOKEN_COLUMNS = sql`user_id AS "userId", purpose, email`;

/** Stores a token's hash; false when the request that makes it already made one (a re-run job). */
export async function insertAccountToken(
  db: Queryable,
  token: {
    tokenHash: Buffer;
    userId: string;
    purpose: AccountTokenPurpose;
    email: string;
    ttlSeconds: number;
    requestId?: string;
  },
): Promise<boolean> {
  const inserted = await db.execute(sql`
    INSERT INTO account_tokens (token_hash, user_id, purpose, email, request_id, expires_at)
    VALUES (${token.tokenHash}, ${token.userId}, ${token.purpose}, ${token.email}, ${token.requestId ?? null},
      now() + make_interval(secs => ${token.ttlSeconds}))
    ON CONFLICT (request_id) DO NOTHING`);
  return inserted > 0;
}

/** A token of this purpose that is unused and unexpired, without using it. */
export async function findLiveAccountToken(
  db: Queryable,
  tokenHash: Buffer,
  purpose: AccountTokenPurpose,
): Promise<AccountTokenRow | undefined> {
  const [row] = await db.query<AccountTokenRow>(sql`
    SELECT ${TOKEN_COLUMNS} FROM account_tokens
    WHERE token_hash = ${tokenHash} AND purpose = ${purpose} AND used_at IS NULL AND expires_at > now()`);
  return row;
}

/**
 * Uses a live token, in one conditional statement: of two requests with the same token, one
 * finds it and the other nothing.
 */
export async function useAccountToken(
  db: Queryable,
  tokenHash: Buffer,
  purpose: AccountTokenPurpose,
): Promise<AccountTokenRow | undefined> {
  const [row] = await db.query<AccountTokenRow>(sql`
    UPDATE account_tokens SET used_at = now()
    WHERE token_hash = ${tokenHash} AND purpose = ${purpose} AND used_at IS NULL AND expires_at > now()
    RETURNING ${TOKEN_COLUMNS}`);
  return row;
}

/** Ends a user's other live tokens of a purpose (a reset voids the other reset links). */
export async function revokeAccountTokens(
  db: Queryable,
  userId: string,
  purpose: AccountTokenPurpose,
): Promise<void> {
  await db.execute(sql`
    UPDATE account_tokens SET used_at = now()
    WHERE user_id = ${userId} AND purpose = ${purpose} AND used_at IS NULL`);
}

export async function deleteStaleAccountTokens(db: Queryable): Promise<number> {
  return db.execute(sql`DELETE FROM account_tokens WHERE expires_at < now() - interval '1 day'`);
}
