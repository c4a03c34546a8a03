import type { Config } from '../../config.js';
import { appendAudit, changesBetween } from '../../platform/audit.js';
import { CoalescedReads } from '../../platform/coalesce.js';
import type { Database, Queryable, Tx } from '../../platform/db.js';
import { isUniqueViolation } from '../../platform/errors.js';
import type { Caller, Role } from '../../platform/http.js';
import { newId } from '../../platform/ids.js';
import { scheduleJob } from '../../platform/jobs.js';
import { appendEvent } from '../../platform/outbox.js';
import { decodeCursor, paginate } from '../../platform/pagination.js';
import { hashToken, newSecret } from '../../platform/tokens.js';
import type { AccountLinks } from './account-links.js';
import { identityErrors } from './identity.errors.js';
import { identityJobs, type RefreshShopListingPayload } from './identity.jobs.js';
import * as repo from './identity.repo.js';
import {
  presentAdminShop,
  presentAdminUser,
  presentCaller,
  presentShop,
  presentUser,
  ShopsCursor,
  UsersCursor,
} from './identity.schemas.js';
import type { LoginThrottle } from './login-throttle.js';
import { assertAcceptablePassword, type PasswordHasher } from './passwords.js';
import type { RegistrationThrottle } from './registration-throttle.js';
import {
  listingOf,
  nextShopStatus,
  type ShopAction,
  type ShopStatus,
  type UnlistedReason,
} from './shops.state.js';
import { TwoFactorService } from './two-factor.service.js';

export const SESSION_IDLE_SECONDS = 30 * 24 * 3600;
/** Session lookup statements one process runs at once (see IdentityService.sessionCallers). */
const SESSION_LOOKUPS_AT_ONCE = 3;
/** last_used_at is rewritten at most this often, so authenticated reads stay reads. */
const SESSION_TOUCH_SECONDS = 600;

export { hashToken };

const newToken = (): string => `bzr_${newSecret()}`;

export interface Session {
  caller: Caller;
  token: string;
}

/**
 * Told of every shop change in the transaction that makes it, so that modules keeping their own
 * view of shops (the catalog) never disagree with identity: `listed` is false while the owner is
 * suspended, the shop is not active or it is on vacation, and `unlistedReason` says which.
 */
export interface ShopListener {
  shopChanged(
    tx: Tx,
    shop: { id: string; name: string; listed: boolean; unlistedReason: UnlistedReason | null },
  ): Promise<void>;
}

/** What closing a shop waits for, asked of the modules that know (orders, the ledger). */
export interface ShopClosingChecks {
  /** Orders of the shop not yet delivered, cancelled or refunded. */
  openOrderCount(tx: Queryable, shopId: string): Promise<number>;
  /** Whether the shop has money pending or available (either sign). */
  hasBalance(tx: Queryable, shopId: string): Promise<boolean>;
}

/** The admin actions on a shop, and the event each appends. */
const ADMIN_SHOP_EVENTS = {
  approve: 'shop.approved.v1',
  reject: 'shop.rejected.v1',
  suspend: 'shop.suspended.v1',
  reinstate: 'shop.reinstated.v1',
} as const;
export type AdminShopAction = keyof typeof ADMIN_SHOP_EVENTS;

/** What the audit trail says happened to a shop by each action. */
const SHOP_STATUS_VERBS = {
  approve: 'approved',
  reject: 'rejected',
  suspend: 'suspended',
  reinstate: 'reinstated',
  close: 'closed',
} as const satisfies Record<ShopAction, string>;

/** The shop settings whose changes the audit trail records. */
const AUDITED_SHOP_FIELDS = [
  'name',
  'description',
  'returnWindowDays',
  'handlingDays',
  'supportEmail',
  'vacationFrom',
  'vacationTo',
] as const satisfies (keyof repo.ShopRow)[];
/** Where a guest's cart goes when its holder signs in: into the user's cart (the cart module). */
export interface GuestCartMerger {
  mergeGuestCart(guestTokenHash: Buffer, userId: string): Promise<void>;
}

export interface IdentityDeps {
  db: Database;
  /** Connections of their own for the session lookups many requests wait on together (default db). */
  batchDb?: Database;
  config: Pick<Config, 'adminEmails' | 'sessionMaxDays' | 'requireVerifiedSellers' | 'shopApproval'>;
  throttle: LoginThrottle;
  shopListener: ShopListener;
  shopClosing: ShopClosingChecks;
  passwords: PasswordHasher;
  registrations: RegistrationThrottle;
  links: AccountLinks;
  guestCarts: GuestCartMerger;
}

export class IdentityService {
  private readonly db: Database;
  private readonly config: IdentityDeps['config'];
  private readonly throttle: LoginThrottle;
  private readonly shopListener: ShopListener;
  private readonly shopClosing: ShopClosingChecks;
  private readonly passwords: PasswordHasher;
  private readonly registrations: RegistrationThrottle;
  readonly twoFactor: TwoFactorService;
  private readonly links: AccountLinks;
  private readonly guestCarts: GuestCartMerger;
  /**
   * Session lookups made at once share one statement (see CoalescedReads): one round trip for a
   * burst of requests rather than one each. On connections of their own, so that they do not
   * queue behind the transactions of the requests they let in; a few at once, so that under a
   * steady load (checkout's 32 connections) a request rarely waits for another's lookup.
   */
  private readonly sessionCallers: CoalescedReads<repo.SessionCallerRow>;

  constructor(deps: IdentityDeps) {
    this.db = deps.db;
    const batchDb = deps.batchDb ?? deps.db;
    this.sessionCallers = new CoalescedReads(
      (tokenHashes) =>
        repo.findSessionCallers(batchDb, tokenHashes, {
          idleSeconds: SESSION_IDLE_SECONDS,
          maxAgeSeconds: this.sessionMaxSeconds,
        }),
      { concurrency: SESSION_LOOKUPS_AT_ONCE, maxKeys: 256 },
    );
    this.guestCarts = deps.guestCarts;
    this.config = deps.config;
    this.throttle = deps.throttle;
    this.shopListener = deps.shopListener;
    this.shopClosing = deps.shopClosing;
    this.passwords = deps.passwords;
    this.registrations = deps.registrations;
    this.twoFactor = new TwoFactorService({
      db: deps.db,
      passwords: deps.passwords,
      throttle: deps.throttle,
    });
    this.links = deps.links;
  }

  private get sessionMaxSeconds(): number {
    return this.config.sessionMaxDays * 24 * 3600;
  }

  private rolesOf(user: { email: string; isAdmin: boolean }, hasShop: boolean): Role[] {
    const roles: Role[] = ['buyer'];
    if (hasShop) roles.push('seller');
    if (user.isAdmin || this.config.adminEmails.has(user.email.toLowerCase())) roles.push('admin');
    return roles;
  }

  private callerOf(user: repo.UserRow, shop: repo.ShopRow | undefined, tokenHash: Buffer): Caller {
    return {
      id: user.id,
      email: user.email,
      emailVerified: user.emailVerifiedAt !== null,
      name: user.name,
      roles: this.rolesOf(user, shop !== undefined),
      shop: shop ? { id: shop.id, name: shop.name } : null,
      createdAt: user.createdAt,
      twoFactorEnabled: user.twoFactorEnabled,
      sessionKey: tokenHash,
    };
  }

  /**
   * `clientAddress` is the signing-up client's, whose sign-ups are throttled; the operator's own
   * tools (demo seed, bench) have none. A guest cart signed up with (its token's hash) joins the
   * new account's cart.
   */
  async register(
    input: { email: string; password: string; name: string },
    clientAddress?: string,
    guestCartTokenHash?: Buffer,
  ): Promise<Session> {
    const session = await this.createAccount(input, clientAddress);
    if (guestCartTokenHash) await this.guestCarts.mergeGuestCart(guestCartTokenHash, session.caller.id);
    return session;
  }

  private async createAccount(
    input: { email: string; password: string; name: string },
    clientAddress: string | undefined,
  ): Promise<Session> {
    assertAcceptablePassword(input.password, '/password');
    if (clientAddress !== undefined) await this.registrations.admit(clientAddress);
    const passwordHash = await this.passwords.hash(input.password);
    const token = newToken();
    const tokenHash = hashToken(token);
    return this.db.transaction(async (tx) => {
      if (await repo.findUserByEmail(tx, input.email)) throw identityErrors.error('email_taken');
      const user = await repo
        .insertUser(tx, {
          id: newId('usr'),
          email: input.email,
          name: input.name,
          passwordHash,
          isAdmin: false,
        })
        .catch((error: unknown) => {
          // A concurrent registration of the same email won between the check and the insert.
          throw isUniqueViolation(error) ? identityErrors.error('email_taken') : error;
        });
      await repo.insertSession(tx, tokenHash, user.id);
      // A person signing up gets a link to prove the address; accounts the operator's own tools
      // make (the demo, the bench) get no mail.
      if (clientAddress !== undefined) await this.links.mailEmailVerification(tx, user);
      const caller = this.callerOf(user, undefined, tokenHash);
      await appendEvent(tx, 'user.registered.v1', presentCaller(caller));
      return { caller, token };
    });
  }

  /** A guest cart logged in with (its token's hash) joins the user's cart, once. */
  async login(
    input: { email: string; password: string; otp?: string | undefined },
    clientAddress: string,
    guestCartTokenHash?: Buffer,
  ): Promise<Session> {
    // Counted before the password is checked (and before its hash waits its turn): past a limit, 429.
    const attempt = await this.throttle.admit(input.email, clientAddress);
    const user = await repo.findUserByEmail(this.db, input.email);
    const passwordMatches = await attempt.check(() =>
      user
        ? this.passwords.verify(user.passwordHash, input.password)
        : this.passwords.verifyDecoy(input.password),
    );
    // A failed login is a security event: its audit event names who was tried (the address as typed
    // when no user has it), and nobody as the actor.
    const loginFailed = () =>
      appendAudit(this.db, {
        action: 'user.login_failed',
        target: { type: 'user', id: user?.id ?? input.email },
        actor: null,
      });
    if (!user || !passwordMatches || user.suspendedAt) {
      await loginFailed();
      throw identityErrors.error('credentials_rejected');
    }
    // Only now, past the password: a missing or wrong code is a failed attempt like a wrong password.
    await this.twoFactor.checkLogin(user.id, input.otp).catch(async (error: unknown) => {
      await loginFailed();
      throw error;
    });
    await attempt.succeeded();
    const token = newToken();
    const tokenHash = hashToken(token);
    const shop = await this.db.transaction(async (tx) => {
      await repo.insertSession(tx, tokenHash, user.id);
      await appendAudit(tx, {
        action: 'user.logged_in',
        target: { type: 'user', id: user.id },
        actor: { id: user.id, name: user.name },
      });
      return repo.findShopOfOwner(tx, user.id);
    });
    if (guestCartTokenHash) await this.guestCarts.mergeGuestCart(guestCartTokenHash, user.id);
    return { caller: this.callerOf(user, shop, tokenHash), token };
  }

  async authenticate(token: string): Promise<Caller | null> {
    const tokenHash = hashToken(token);
    const row = await this.sessionCallers.read(tokenHash.toString('hex'));
    if (!row) return null;
    if (Date.now() - row.lastUsedAt.getTime() > SESSION_TOUCH_SECONDS * 1000) {
      await repo.touchSession(this.db, tokenHash);
    }
    return this.callerOfRow(row, tokenHash);
  }

  /**
   * A user as the caller of a credential that is not a session (an API key, whose secret's hash is
   * `credentialKey`); null for an unknown or suspended user, so a suspended owner's keys stop at once.
   */
  async callerOfUser(userId: string, credentialKey: Buffer): Promise<Caller | null> {
    const row = await repo.findUserCaller(this.db, userId);
    return row ? this.callerOfRow(row, credentialKey) : null;
  }

  private callerOfRow(row: repo.CallerRow, sessionKey: Buffer): Caller {
    return {
      id: row.userId,
      email: row.email,
      emailVerified: row.emailVerified,
      name: row.name,
      roles: this.rolesOf(row, row.shopId !== null),
      shop: row.shopId && row.shopName !== null ? { id: row.shopId, name: row.shopName } : null,
      createdAt: row.createdAt,
      twoFactorEnabled: row.twoFactorEnabled,
      sessionKey,
    };
  }

  async logout(caller: Caller): Promise<void> {
    await repo.deleteSession(this.db, caller.sessionKey);
  }

  async changePassword(
    caller: Caller,
    input: { currentPassword: string; newPassword: string },
    clientAddress: string,
  ) {
    const attempt = await this.throttle.admit(caller.email, clientAddress);
    const user = await repo.findUserById(this.db, caller.id);
    if (!user) throw identityErrors.error('user_not_found');
    if (!(await attempt.check(() => this.passwords.verify(user.passwordHash, input.currentPassword)))) {
      throw identityErrors.invalidAt(
        'current_password_wrong',
        '/current_password',
        'the current password is wrong',
      );
    }
    await attempt.succeeded();
    assertAcceptablePassword(input.newPassword, '/new_password');
    const passwordHash = await this.passwords.hash(input.newPassword);
    await this.db.transaction(async (tx) => {
      await repo.updatePasswordHash(tx, caller.id, passwordHash);
      await repo.deleteSessionsOf(tx, caller.id, caller.sessionKey);
      await appendEvent(tx, 'user.password_changed.v1', presentCaller(caller));
      await appendAudit(tx, { action: 'user.password_changed', target: { type: 'user', id: caller.id } });
    });
  }

  async openShop(caller: Caller, input: { name: string; description?: string | undefined }) {
    if (this.config.requireVerifiedSellers && !caller.emailVerified) {
      throw identityErrors.error('email_unverified');
    }
    return this.db.transaction(async (tx) => {
      if (await repo.findShopOfOwner(tx, caller.id)) throw identityErrors.error('shop_already_open');
      const shop = await repo.insertShop(tx, {
        id: newId('shop'),
        ownerId: caller.id,
        name: input.name,
        description: input.description ?? '',
        status: this.config.shopApproval === 'manual' ? 'pending_review' : 'active',
      });
      await appendEvent(tx, 'shop.opened.v1', { ...presentShop(shop), owner_id: caller.id });
      await appendAudit(tx, {
        action: 'shop.opened',
        target: { type: 'shop', id: shop.id },
        shopId: shop.id,
        changes: changesBetween(null, shop, ['name', 'description', 'status']),
      });
      await this.relist(tx, shop);
      return shop;
    });
  }

  async updateShop(caller: Caller, changes: repo.ShopChanges) {
    return this.db.transaction(async (tx) => {
      const before = await repo.findShopOfOwner(tx, caller.id, true);
      const shop = before && (await repo.updateShop(tx, caller.id, changes));
      if (!shop) throw identityErrors.error('shop_not_found');
      await appendEvent(tx, 'shop.updated.v1', { ...presentShop(shop), owner_id: caller.id });
      await appendAudit(tx, {
        action: 'shop.updated',
        target: { type: 'shop', id: shop.id },
        shopId: shop.id,
        changes: changesBetween(before, shop, AUDITED_SHOP_FIELDS),
      });
      await this.relist(tx, shop);
      // The listing changes again when the vacation starts and when it ends: a job at each.
      if (changes.vacation) {
        for (const at of [changes.vacation.from, changes.vacation.to]) {
          if (at.getTime() <= Date.now()) continue;
          await scheduleJob(tx, {
            kind: identityJobs.refreshShopListing,
            runAt: at,
            payload: { shopId: shop.id } satisfies RefreshShopListingPayload,
            dedupeKey: `${shop.id}@${at.toISOString()}`,
          });
        }
      }
      return shop;
    });
  }

  /** The caller's own shop. */
  async ownShop(caller: Caller) {
    const shop = await repo.findShopOfOwner(this.db, caller.id);
    if (!shop) throw identityErrors.error('shop_not_found');
    return shop;
  }

  /** Tells the catalog whether the shop sells now, in the transaction that changed it. */
  private async relist(tx: Tx, shop: repo.ShopRow): Promise<void> {
    const vacation =
      shop.vacationFrom && shop.vacationTo ? { from: shop.vacationFrom, to: shop.vacationTo } : null;
    const listing = listingOf(
      { status: shop.status, vacation },
      await repo.ownerSuspended(tx, shop.id),
      new Date(),
    );
    await this.shopListener.shopChanged(tx, {
      id: shop.id,
      name: shop.name,
      listed: listing.listed,
      unlistedReason: listing.reason,
    });
  }

  /** Job: a vacation window started or ended. */
  async refreshShopListing(shopId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const shop = await repo.findShop(tx, shopId, true);
      if (shop) await this.relist(tx, shop);
    });
  }

  /** An admin approves, rejects, suspends or reinstates a shop; its listing follows. */
  async changeShopStatus(shopId: string, action: AdminShopAction, reason: string | undefined) {
    return this.db.transaction(async (tx) => {
      const shop = await this.transition(tx, shopId, action, reason ?? null);
      await appendEvent(tx, ADMIN_SHOP_EVENTS[action], {
        ...presentShop(shop),
        owner_id: shop.ownerId,
        reason: reason ?? null,
      });
      const [row] = await repo.listShops(tx, { id: shop.id, limit: 1 });
      return presentAdminShop(row!);
    });
  }

  /**
   * The seller closes the shop, for good. The catalog stops selling first (its row locked by the
   * listener), so a checkout of the shop's products either committed before and is counted, or
   * sees the shop closed.
   */
  async closeShop(caller: Caller) {
    return this.db.transaction(async (tx) => {
      const own = await repo.findShopOfOwner(tx, caller.id, true);
      if (!own) throw identityErrors.error('shop_not_found');
      const shop = await this.transition(tx, own.id, 'close', null);
      const open = await this.shopClosing.openOrderCount(tx, shop.id);
      if (open > 0) {
        throw identityErrors.error(
          'shop_not_closable',
          `The shop has ${open} open order${open === 1 ? '' : 's'}; ship, deliver or cancel them first.`,
        );
      }
      if (await this.shopClosing.hasBalance(tx, shop.id)) {
        throw identityErrors.error(
          'shop_not_closable',
          'The shop still has money pending or available; it can close once its balance is zero.',
        );
      }
      await appendEvent(tx, 'shop.closed.v1', { ...presentShop(shop), owner_id: shop.ownerId, reason: null });
      return shop;
    });
  }

  private async transition(tx: Tx, shopId: string, action: ShopAction, reason: string | null) {
    const shop = await repo.findShop(tx, shopId, true);
    if (!shop) throw identityErrors.error('shop_not_found');
    const next: ShopStatus = nextShopStatus(shop.status, action);
    const changed = (await repo.setShopStatus(tx, shop.id, next, reason))!;
    await this.relist(tx, changed);
    await appendAudit(tx, {
      action: `shop.${SHOP_STATUS_VERBS[action]}`,
      target: { type: 'shop', id: shop.id },
      shopId: shop.id,
      changes: changesBetween(shop, changed, ['status', 'statusReason']),
    });
    return changed;
  }

  /** Shops newest first, for admins: `?status=&q=`. */
  async listShops(query: {
    status?: ShopStatus | undefined;
    q?: string | undefined;
    limit: number;
    cursor?: string | undefined;
  }) {
    const after = decodeCursor(query.cursor, ShopsCursor);
    const rows = await repo.listShops(this.db, { ...query, after });
    return paginate(rows, query.limit, presentAdminShop, (row) => ({ createdAt: row.position, id: row.id }));
  }

  async getShop(id: string) {
    const shop = await repo.findShop(this.db, id);
    if (!shop) throw identityErrors.error('shop_not_found');
    return shop;
  }

  /** Users newest first, for admins: `?q=&role=&status=`. */
  async listUsers(query: {
    q?: string | undefined;
    role?: Role | undefined;
    status?: 'active' | 'suspended' | undefined;
    limit: number;
    cursor?: string | undefined;
  }) {
    const after = decodeCursor(query.cursor, UsersCursor);
    const rows = await repo.listUsers(this.db, {
      ...query,
      adminEmails: [...this.config.adminEmails],
      after,
    });
    return paginate(
      rows,
      query.limit,
      (row) => {
        const shop = row.shopId !== null ? { id: row.shopId, name: row.shopName ?? '' } : undefined;
        return presentAdminUser(row, this.rolesOf(row, shop !== undefined), shop);
      },
      (row) => ({ createdAt: row.position, id: row.id }),
    );
  }

  /** Suspends or reinstates a user; suspension ends every session at once. */
  async setSuspended(admin: Caller, userId: string, suspended: boolean) {
    if (suspended && userId === admin.id) throw identityErrors.error('self_suspension');
    return this.db.transaction(async (tx) => {
      const before = await repo.findUserById(tx, userId);
      const user = before && (await repo.setSuspended(tx, userId, suspended));
      if (!user) throw identityErrors.error('user_not_found');
      await appendAudit(tx, {
        action: suspended ? 'user.suspended' : 'user.unsuspended',
        target: { type: 'user', id: userId },
        changes: changesBetween(before, user, ['suspendedAt']),
      });
      if (suspended) await repo.deleteSessionsOf(tx, userId);
      const shop = await repo.findShopOfOwner(tx, userId);
      if (shop) await this.relist(tx, shop);
      const view = presentAdminUser(user, this.rolesOf(user, shop !== undefined), shop);
      await appendEvent(tx, suspended ? 'user.suspended.v1' : 'user.unsuspended.v1', view);
      return view;
    });
  }

  /** A user as the API shows one, read in the caller's transaction. */
  async userView(db: Queryable, userId: string) {
    const user = await repo.findUserById(db, userId);
    if (!user) throw identityErrors.error('user_not_found');
    const shop = await repo.findShopOfOwner(db, userId);
    return presentUser(user, this.rolesOf(user, shop !== undefined), shop);
  }

  /** Where to reach users (suspended ones are not reached): for the mail other modules send. */
  async contactsOf(db: Queryable, userIds: readonly string[]) {
    return userIds.length === 0 ? [] : repo.findUserContacts(db, userIds);
  }

  /** How many days after delivery the shop takes returns (0: none); undefined for an unknown shop. */
  async returnWindowDays(db: Queryable, shopId: string): Promise<number | undefined> {
    return (await repo.findShop(db, shopId))?.returnWindowDays;
  }

  /** The owner of each shop, by shop id. */
  async shopOwners(db: Queryable, shopIds: readonly string[]): Promise<Map<string, string>> {
    if (shopIds.length === 0) return new Map();
    return new Map((await repo.findShopOwners(db, shopIds)).map((row) => [row.shopId, row.ownerId]));
  }

  /** The operator vouches for the address (the demo accounts): it counts as verified. */
  async markEmailVerified(email: string): Promise<void> {
    const user = await repo.findUserByEmail(this.db, email);
    if (!user || !(await repo.markEmailVerified(this.db, user.id, user.email))) {
      throw identityErrors.error('user_not_found');
    }
  }

  async grantAdmin(email: string): Promise<void> {
    if (!(await repo.grantAdmin(this.db, email))) throw identityErrors.error('user_not_found');
  }

  async userExists(email: string): Promise<boolean> {
    return (await repo.findUserByEmail(this.db, email)) !== undefined;
  }

  async hasAnyUser(): Promise<boolean> {
    return repo.anyUserExists(this.db);
  }

  /** Users' display names by id (reviews show their authors by name, never by email). */
  async userNames(db: Queryable, ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    return new Map((await repo.findUserNames(db, ids)).map((user) => [user.id, user.name]));
  }

  /**
   * Visible ratings of shops that appear (delta 1) or disappear (delta -1), in the reviews
   * module's transaction: keeps each shop's rating count and sum.
   */
  async recordShopRatings(
    tx: Queryable,
    changes: readonly { shopId: string; rating: number; delta: 1 | -1 }[],
  ): Promise<void> {
    if (changes.length > 0) await repo.addShopRatings(tx, changes);
  }

  /** Deletes sessions that no longer authenticate: idle too long, or past their absolute lifetime. */
  purgeExpiredSessions(): Promise<number> {
    return repo.deleteExpiredSessions(this.db, {
      idleSeconds: SESSION_IDLE_SECONDS,
      maxAgeSeconds: this.sessionMaxSeconds,
    });
  }
}
