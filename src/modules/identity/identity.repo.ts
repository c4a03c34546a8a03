import type { SQL } from 'drizzle-orm';
import { type Queryable, sql, sqlArray } from '../../platform/db.js';
import type { Role } from '../../platform/http.js';
import { keysetTime } from '../../platform/pagination.js';
import type { ShopStatus } from './shops.state.js';

/** An ILIKE pattern matching text that contains `text` literally (its % and _ are not wildcards). */
const containsPattern = (text: string): string => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export interface UserRow {
  id: string;
  email: string;
  name: string;
  passwordHash: string;
  isAdmin: boolean;
  suspendedAt: Date | null;
  emailVerifiedAt: Date | null;
  createdAt: Date;
  twoFactorEnabled: boolean;
}

export interface ShopRow {
  id: string;
  ownerId: string;
  name: string;
  description: string;
  ratingCount: number;
  ratingSum: number;
  status: ShopStatus;
  statusReason: string | null;
  returnWindowDays: number;
  handlingDays: number;
  supportEmail: string | null;
  vacationFrom: Date | null;
  vacationTo: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A live session joined with its user and shop: all a request needs to know its caller. */
/** What a caller is made of: the user, their shop and whether they sign in with a second factor. */
export interface CallerRow {
  userId: string;
  email: string;
  name: string;
  isAdmin: boolean;
  emailVerified: boolean;
  createdAt: Date;
  twoFactorEnabled: boolean;
  shopId: string | null;
  shopName: string | null;
}

export interface SessionCallerRow extends CallerRow {
  lastUsedAt: Date;
}

const USER_COLUMNS = sql`id, email, name, password_hash AS "passwordHash", is_admin AS "isAdmin",
  suspended_at AS "suspendedAt", email_verified_at AS "emailVerifiedAt", created_at AS "createdAt",
  EXISTS (SELECT 1 FROM two_factor tf WHERE tf.user_id = users.id AND tf.secret IS NOT NULL) AS "twoFactorEnabled"`;
const SHOP_COLUMNS = sql`id, owner_id AS "ownerId", name, description, rating_count AS "ratingCount",
  rating_sum AS "ratingSum", status, status_reason AS "statusReason",
  return_window_days AS "returnWindowDays", handling_days AS "handlingDays", support_email AS "supportEmail",
  vacation_from AS "vacationFrom", vacation_to AS "vacationTo", created_at AS "createdAt", updated_at AS "updatedAt"`;

export async function insertUser(
  db: Queryable,
  user: { id: string; email: string; name: string; passwordHash: string; isAdmin: boolean },
): Promise<UserRow> {
  const [row] = await db.query<UserRow>(sql`
    INSERT INTO users (id, email, name, password_hash, is_admin)
    VALUES (${user.id}, ${user.email}, ${user.name}, ${user.passwordHash}, ${user.isAdmin})
    RETURNING ${USER_COLUMNS}`);
  return row!;
}

export async function findUserByEmail(db: Queryable, email: string): Promise<UserRow | undefined> {
  const [row] = await db.query<UserRow>(
    sql`SELECT ${USER_COLUMNS} FROM users WHERE lower(email) = lower(${email})`,
  );
  return row;
}

export async function anyUserExists(db: Queryable): Promise<boolean> {
  const [row] = await db.query<{ exists: boolean }>(sql`SELECT EXISTS (SELECT 1 FROM users) AS exists`);
  return row?.exists ?? false;
}

export async function findUserById(db: Queryable, id: string): Promise<UserRow | undefined> {
  const [row] = await db.query<UserRow>(sql`SELECT ${USER_COLUMNS} FROM users WHERE id = ${id}`);
  return row;
}

export async function updatePasswordHash(db: Queryable, userId: string, passwordHash: string): Promise<void> {
  await db.execute(
    sql`UPDATE users SET password_hash = ${passwordHash}, updated_at = now() WHERE id = ${userId}`,
  );
}

/** Marks the user's address proven, when it is still `email` (an old link proves an old address). */
export async function markEmailVerified(
  db: Queryable,
  userId: string,
  email: string,
): Promise<UserRow | undefined> {
  const [row] = await db.query<UserRow>(sql`
    UPDATE users SET email_verified_at = coalesce(email_verified_at, now()), updated_at = now()
    WHERE id = ${userId} AND lower(email) = lower(${email})
    RETURNING ${USER_COLUMNS}`);
  return row;
}

/** The new address was proven by its confirmation link: it is the user's, and verified. */
export async function changeEmail(
  db: Queryable,
  userId: string,
  email: string,
): Promise<UserRow | undefined> {
  const [row] = await db.query<UserRow>(sql`
    UPDATE users SET email = ${email}, email_verified_at = now(), updated_at = now()
    WHERE id = ${userId}
    RETURNING ${USER_COLUMNS}`);
  return row;
}

export async function setSuspended(
  db: Queryable,
  userId: string,
  suspended: boolean,
): Promise<UserRow | undefined> {
  const [row] = await db.query<UserRow>(sql`
    UPDATE users
    SET suspended_at = CASE WHEN ${suspended} THEN coalesce(suspended_at, now()) END, updated_at = now()
    WHERE id = ${userId}
    RETURNING ${USER_COLUMNS}`);
  return row;
}

export async function grantAdmin(db: Queryable, email: string): Promise<boolean> {
  return (
    (await db.execute(
      sql`UPDATE users SET is_admin = true, updated_at = now() WHERE lower(email) = lower(${email})`,
    )) > 0
  );
}

export async function insertSession(db: Queryable, tokenHash: Buffer, userId: string): Promise<void> {
  await db.execute(sql`INSERT INTO sessions (token_hash, user_id) VALUES (${tokenHash}, ${userId})`);
}

/** When a session stops authenticating: idle this long, or this long after the login that made it. */
export interface SessionLifetime {
  idleSeconds: number;
  maxAgeSeconds: number;
}

/**
 * The callers of sessions, by their tokens' hashes (hex), in one statement: one indexed lookup per
 * token. Idle, too old or suspended sessions find nothing. Prepared: planning this join costs
 * PostgreSQL several times what running it does.
 */
export async function findSessionCallers(
  db: Queryable,
  tokenHashesHex: readonly string[],
  lifetime: SessionLifetime,
): Promise<Map<string, SessionCallerRow>> {
  // The lifetime conditions add their interval to the column, so that the only index the plan
  // (generic: prepared) can use is the token's: on created_at it would scan every recent session.
  const rows = await db.query<SessionCallerRow & { tokenHash: string }>(
    sql`
    SELECT encode(s.token_hash, 'hex') AS "tokenHash", u.id AS "userId", u.email, u.name,
           u.is_admin AS "isAdmin", u.email_verified_at IS NOT NULL AS "emailVerified",
           u.created_at AS "createdAt", tf.secret IS NOT NULL AS "twoFactorEnabled",
           sh.id AS "shopId", sh.name AS "shopName", s.last_used_at AS "lastUsedAt"
    FROM sessions s
    JOIN users u ON u.id = s.user_id
    LEFT JOIN shops sh ON sh.owner_id = u.id
    LEFT JOIN two_factor tf ON tf.user_id = u.id
    WHERE s.token_hash = ANY(ARRAY(SELECT decode(h, 'hex') FROM unnest(${sqlArray(tokenHashesHex)}::text[]) h))
      AND s.last_used_at + make_interval(secs => ${lifetime.idleSeconds}) > now()
      AND s.created_at + make_interval(secs => ${lifetime.maxAgeSeconds}) > now()
      AND u.suspended_at IS NULL`,
    { prepareAs: 'identity_find_session_callers' },
  );
  return new Map(rows.map(({ tokenHash, ...row }) => [tokenHash, row]));
}

/**
 * A user as a caller through a credential other than a session (an API key): one lookup by
 * primary key per request; a suspended user finds nothing.
 */
export async function findUserCaller(db: Queryable, userId: string): Promise<CallerRow | undefined> {
  const [row] = await db.query<CallerRow>(
    sql`
    SELECT u.id AS "userId", u.email, u.name, u.is_admin AS "isAdmin",
           u.email_verified_at IS NOT NULL AS "emailVerified", u.created_at AS "createdAt",
           tf.secret IS NOT NULL AS "twoFactorEnabled", sh.id AS "shopId", sh.name AS "shopName"
    FROM users u
    LEFT JOIN shops sh ON sh.owner_id = u.id
    LEFT JOIN two_factor tf ON tf.user_id = u.id
    WHERE u.id = ${userId} AND u.suspended_at IS NULL`,
    { prepareAs: 'identity_find_user_caller' },
  );
  return row;
}

export async function touchSession(db: Queryable, tokenHash: Buffer): Promise<void> {
  await db.execute(sql`UPDATE sessions SET last_used_at = now() WHERE token_hash = ${tokenHash}`);
}

export async function deleteSession(db: Queryable, tokenHash: Buffer): Promise<void> {
  await db.execute(sql`DELETE FROM sessions WHERE token_hash = ${tokenHash}`);
}

/** Ends every session of a user, except `keep` when given. */
export async function deleteSessionsOf(db: Queryable, userId: string, keep?: Buffer): Promise<number> {
  return db.execute(
    keep
      ? sql`DELETE FROM sessions WHERE user_id = ${userId} AND token_hash <> ${keep}`
      : sql`DELETE FROM sessions WHERE user_id = ${userId}`,
  );
}

export async function deleteExpiredSessions(db: Queryable, lifetime: SessionLifetime): Promise<number> {
  return db.execute(sql`
    DELETE FROM sessions
    WHERE last_used_at <= now() - make_interval(secs => ${lifetime.idleSeconds})
       OR created_at <= now() - make_interval(secs => ${lifetime.maxAgeSeconds})`);
}

export async function insertShop(
  db: Queryable,
  shop: { id: string; ownerId: string; name: string; description: string; status?: ShopStatus },
): Promise<ShopRow> {
  const [row] = await db.query<ShopRow>(sql`
    INSERT INTO shops (id, owner_id, name, description, status)
    VALUES (${shop.id}, ${shop.ownerId}, ${shop.name}, ${shop.description}, ${shop.status ?? 'active'})
    RETURNING ${SHOP_COLUMNS}`);
  return row!;
}

/** What a seller may change of their shop; an absent field stays, a null one is cleared. */
export interface ShopChanges {
  name?: string | undefined;
  description?: string | undefined;
  returnWindowDays?: number | undefined;
  handlingDays?: number | undefined;
  supportEmail?: string | null | undefined;
  vacation?: { from: Date; to: Date } | null | undefined;
}

export async function updateShop(
  db: Queryable,
  ownerId: string,
  changes: ShopChanges,
): Promise<ShopRow | undefined> {
  const sets: SQL[] = [sql`updated_at = now()`];
  if (changes.name !== undefined) sets.push(sql`name = ${changes.name}`);
  if (changes.description !== undefined) sets.push(sql`description = ${changes.description}`);
  if (changes.returnWindowDays !== undefined)
    sets.push(sql`return_window_days = ${changes.returnWindowDays}`);
  if (changes.handlingDays !== undefined) sets.push(sql`handling_days = ${changes.handlingDays}`);
  if (changes.supportEmail !== undefined) sets.push(sql`support_email = ${changes.supportEmail}`);
  if (changes.vacation !== undefined) {
    sets.push(
      sql`vacation_from = ${changes.vacation?.from.toISOString() ?? null}::timestamptz`,
      sql`vacation_to = ${changes.vacation?.to.toISOString() ?? null}::timestamptz`,
    );
  }
  const [row] = await db.query<ShopRow>(sql`
    UPDATE shops SET ${sql.join(sets, sql`, `)}
    WHERE owner_id = ${ownerId}
    RETURNING ${SHOP_COLUMNS}`);
  return row;
}

export async function setShopStatus(
  db: Queryable,
  id: string,
  status: ShopStatus,
  reason: string | null,
): Promise<ShopRow | undefined> {
  const [row] = await db.query<ShopRow>(sql`
    UPDATE shops SET status = ${status}, status_reason = ${reason}, updated_at = now()
    WHERE id = ${id}
    RETURNING ${SHOP_COLUMNS}`);
  return row;
}

export async function findShop(db: Queryable, id: string, lock = false): Promise<ShopRow | undefined> {
  const [row] = await db.query<ShopRow>(
    sql`SELECT ${SHOP_COLUMNS} FROM shops WHERE id = ${id} ${lock ? sql`FOR UPDATE` : sql``}`,
  );
  return row;
}

export async function findShopOfOwner(
  db: Queryable,
  ownerId: string,
  lock = false,
): Promise<ShopRow | undefined> {
  const [row] = await db.query<ShopRow>(
    sql`SELECT ${SHOP_COLUMNS} FROM shops WHERE owner_id = ${ownerId} ${lock ? sql`FOR UPDATE` : sql``}`,
  );
  return row;
}

/** A shop with its owner, for the admin list. */
export interface AdminShopRow extends ShopRow {
  ownerName: string;
  ownerEmail: string;
  ownerSuspended: boolean;
  /** `created_at` as the keyset position (keysetTime). */
  position: string;
}

/** Shops newest first, by status and a case-insensitive match on the shop's name or owner's email. */
export async function listShops(
  db: Queryable,
  query: {
    id?: string | undefined;
    status?: ShopStatus | undefined;
    q?: string | undefined;
    after?: { createdAt: string; id: string } | undefined;
    limit: number;
  },
): Promise<AdminShopRow[]> {
  const conditions: SQL[] = [sql`true`];
  if (query.id) conditions.push(sql`sh.id = ${query.id}`);
  if (query.status) conditions.push(sql`sh.status = ${query.status}`);
  if (query.q) {
    const pattern = containsPattern(query.q);
    conditions.push(sql`(sh.name ILIKE ${pattern} OR u.email ILIKE ${pattern} OR sh.id = ${query.q})`);
  }
  if (query.after) {
    conditions.push(
      sql`(sh."createdAt", sh.id) < (${query.after.createdAt}::timestamptz, ${query.after.id})`,
    );
  }
  return db.query<AdminShopRow>(sql`
    SELECT sh.*, u.name AS "ownerName", u.email AS "ownerEmail",
           u.suspended_at IS NOT NULL AS "ownerSuspended", ${keysetTime(sql`sh."createdAt"`)} AS position
    FROM (SELECT ${SHOP_COLUMNS} FROM shops) sh JOIN users u ON u.id = sh."ownerId"
    WHERE ${sql.join(conditions, sql` AND `)}
    ORDER BY sh."createdAt" DESC, sh.id DESC
    LIMIT ${query.limit + 1}`);
}

export interface AdminUserRow extends UserRow {
  shopId: string | null;
  shopName: string | null;
  /** `created_at` as the keyset position (keysetTime). */
  position: string;
}

/** Users newest first, for admins; `role` is a role the user has (everyone is a buyer). */
export async function listUsers(
  db: Queryable,
  query: {
    q?: string | undefined;
    role?: Role | undefined;
    status?: 'active' | 'suspended' | undefined;
    /** Addresses BAZAAR_ADMIN_EMAILS makes admins, lower-cased. */
    adminEmails: readonly string[];
    after?: { createdAt: string; id: string } | undefined;
    limit: number;
  },
): Promise<AdminUserRow[]> {
  const conditions: SQL[] = [sql`true`];
  if (query.q) {
    const pattern = containsPattern(query.q);
    conditions.push(sql`(u.email ILIKE ${pattern} OR u.name ILIKE ${pattern} OR u.id = ${query.q})`);
  }
  if (query.role === 'seller') conditions.push(sql`s.id IS NOT NULL`);
  if (query.role === 'admin') {
    conditions.push(sql`(u."isAdmin" OR lower(u.email) = ANY(${sqlArray(query.adminEmails)}::text[]))`);
  }
  if (query.status === 'active') conditions.push(sql`u."suspendedAt" IS NULL`);
  if (query.status === 'suspended') conditions.push(sql`u."suspendedAt" IS NOT NULL`);
  if (query.after) {
    conditions.push(sql`(u."createdAt", u.id) < (${query.after.createdAt}::timestamptz, ${query.after.id})`);
  }
  return db.query<AdminUserRow>(sql`
    SELECT u.*, s.id AS "shopId", s.name AS "shopName", ${keysetTime(sql`u."createdAt"`)} AS position
    FROM (SELECT ${USER_COLUMNS} FROM users) u LEFT JOIN shops s ON s.owner_id = u.id
    WHERE ${sql.join(conditions, sql` AND `)}
    ORDER BY u."createdAt" DESC, u.id DESC
    LIMIT ${query.limit + 1}`);
}

/** Whether the shop's owner is suspended (a suspended seller's shop is not listed). */
export async function ownerSuspended(db: Queryable, shopId: string): Promise<boolean> {
  const [row] = await db.query<{ suspended: boolean }>(sql`
    SELECT u.suspended_at IS NOT NULL AS suspended FROM shops s JOIN users u ON u.id = s.owner_id
    WHERE s.id = ${shopId}`);
  return row?.suspended ?? false;
}

/** Adds (delta 1) or removes (delta -1) visible ratings of shops, in one statement. */
export async function addShopRatings(
  db: Queryable,
  changes: readonly { shopId: string; rating: number; delta: number }[],
): Promise<void> {
  await db.execute(sql`
    UPDATE shops s SET rating_count = s.rating_count + c.count, rating_sum = s.rating_sum + c.sum
    FROM (
      SELECT shop_id, sum(delta) AS count, sum(delta * rating) AS sum
      FROM unnest(${sqlArray(changes.map((c) => c.shopId))}::text[], ${sqlArray(changes.map((c) => c.rating))}::int[],
                  ${sqlArray(changes.map((c) => c.delta))}::int[]) AS c(shop_id, rating, delta)
      GROUP BY shop_id
    ) c
    WHERE s.id = c.shop_id`);
}

export async function findUserNames(
  db: Queryable,
  ids: readonly string[],
): Promise<{ id: string; name: string }[]> {
  return db.query<{ id: string; name: string }>(
    sql`SELECT id, name FROM users WHERE id = ANY(${sqlArray(ids)}::text[])`,
  );
}

/** Where to reach users: their addresses and names, for the mail other modules send them. */
export async function findUserContacts(
  db: Queryable,
  ids: readonly string[],
): Promise<{ id: string; email: string; name: string }[]> {
  return db.query<{ id: string; email: string; name: string }>(
    sql`SELECT id, email, name FROM users WHERE id = ANY(${sqlArray(ids)}::text[]) AND suspended_at IS NULL`,
  );
}

export async function findShopOwners(
  db: Queryable,
  shopIds: readonly string[],
): Promise<{ shopId: string; ownerId: string }[]> {
  return db.query<{ shopId: string; ownerId: string }>(
    sql`SELECT id AS "shopId", owner_id AS "ownerId" FROM shops WHERE id = ANY(${sqlArray(shopIds)}::text[])`,
  );
}
