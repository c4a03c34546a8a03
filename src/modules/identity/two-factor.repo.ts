import { type Queryable, sql, sqlArray } from '../../platform/db.js';

export interface TwoFactorRow {
  userId: string;
  pendingSecret: string | null;
  /** Null while two-factor sign-in is off. */
  secret: string | null;
  lastUsedStep: number | null;
}

const COLUMNS = sql`user_id AS "userId", pending_secret AS "pendingSecret", secret,
  last_used_step::float8 AS "lastUsedStep"`;

export async function findTwoFactor(db: Queryable, userId: string): Promise<TwoFactorRow | undefined> {
  const [row] = await db.query<TwoFactorRow>(
    sql`SELECT ${COLUMNS} FROM two_factor WHERE user_id = ${userId}`,
  );
  return row;
}

/** Stores a secret being set up; refuses (false) while two-factor sign-in is on. */
export async function savePendingSecret(db: Queryable, userId: string, secret: string): Promise<boolean> {
  const [row] = await db.query<{ userId: string }>(sql`
    INSERT INTO two_factor (user_id, pending_secret) VALUES (${userId}, ${secret})
    ON CONFLICT (user_id) DO UPDATE SET pending_secret = EXCLUDED.pending_secret
    WHERE two_factor.secret IS NULL
    RETURNING user_id AS "userId"`);
  return row !== undefined;
}

/**
 * Turns the pending secret into the secret in use, with the step of the code that proved it as
 * used; only when that secret is still the pending one and two-factor sign-in is off.
 */
export async function enable(db: Queryable, userId: string, secret: string, step: number): Promise<boolean> {
  return (
    (await db.execute(sql`
      UPDATE two_factor
      SET secret = pending_secret, pending_secret = NULL, enabled_at = now(), last_used_step = ${step}
      WHERE user_id = ${userId} AND pending_secret = ${secret} AND secret IS NULL`)) > 0
  );
}

/**
 * Records `step` as used, only when it is later than the last used step: of two logins with the
 * same code, however concurrent, exactly one changes the row.
 */
export async function consumeStep(db: Queryable, userId: string, step: number): Promise<boolean> {
  return (
    (await db.execute(sql`
      UPDATE two_factor SET last_used_step = ${step}
      WHERE user_id = ${userId} AND secret IS NOT NULL
        AND (last_used_step IS NULL OR last_used_step < ${step})`)) > 0
  );
}

export async function disable(db: Queryable, userId: string): Promise<boolean> {
  await db.execute(sql`DELETE FROM two_factor_recovery_codes WHERE user_id = ${userId}`);
  return (await db.execute(sql`DELETE FROM two_factor WHERE user_id = ${userId} AND secret IS NOT NULL`)) > 0;
}

export async function replaceRecoveryCodes(
  db: Queryable,
  userId: string,
  hashes: readonly Buffer[],
): Promise<void> {
  await db.execute(sql`DELETE FROM two_factor_recovery_codes WHERE user_id = ${userId}`);
  await db.execute(sql`
    INSERT INTO two_factor_recovery_codes (user_id, code_hash)
    SELECT ${userId}, decode(h, 'hex') FROM unnest(${sqlArray(hashes.map((hash) => hash.toString('hex')))}::text[]) AS h`);
}

/** Marks a recovery code used; false when it is unknown or was used before (by a concurrent login too). */
export async function consumeRecoveryCode(db: Queryable, userId: string, hash: Buffer): Promise<boolean> {
  return (
    (await db.execute(sql`
      UPDATE two_factor_recovery_codes SET used_at = now()
      WHERE user_id = ${userId} AND code_hash = ${hash} AND used_at IS NULL`)) > 0
  );
}
