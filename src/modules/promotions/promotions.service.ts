import { type AuditAction, appendAudit, changesBetween } from '../../platform/audit.js';
import type { Database, PlannedStatement, Queryable } from '../../platform/db.js';
import { isUniqueViolation } from '../../platform/errors.js';
import type { Caller } from '../../platform/http.js';
import { newId } from '../../platform/ids.js';
import { CreatedPosition, decodeCursor, paginate } from '../../platform/pagination.js';
import { orderedPeriodOf } from '../../platform/period.js';
import type { NotApplicableReason, PromotionRule } from '../pricing/index.js';
import { type CodeRefusal, promotionsErrors } from './promotions.errors.js';
import * as repo from './promotions.repo.js';
import { type PromotionListQuery, type PromotionView, presentPromotion } from './promotions.schemas.js';

const AUDITED_PROMOTION_FIELDS = [
  'code',
  'automatic',
  'type',
  'percent_bps',
  'amount',
  'scope',
  'min_subtotal',
  'starts_at',
  'ends_at',
  'usage_limit',
  'per_customer_limit',
  'status',
] as const satisfies readonly (keyof PromotionView)[];

/** Where a category scope learns the categories under it (the catalog's tree). */
export interface CategoryTree {
  /** Each category given, with itself and all its descendants. */
  withDescendants(db: Queryable, categoryIds: readonly string[]): Promise<Map<string, string[]>>;
}

export interface PromotionsDeps {
  db: Database;
  currency: string;
  categories: CategoryTree;
}

/** Who a request acts for: the platform (an admin) or the caller's shop (a seller). */
export type PromotionOwner = { fundedBy: 'platform' } | { fundedBy: 'shop'; shopId: string };

export const ownerOf = (caller: Caller, route: 'admin' | 'shop'): PromotionOwner =>
  route === 'admin' ? { fundedBy: 'platform' } : { fundedBy: 'shop', shopId: caller.shop!.id };

/** A promotion as its owner writes it; absent fields take their defaults (create) or stay (change). */
export interface PromotionInput {
  code?: string | undefined;
  automatic?: boolean | undefined;
  type?: repo.PromotionType | undefined;
  percentBps?: number | undefined;
  amountMinor?: number | undefined;
  scope?: {
    shopId?: string | undefined;
    categoryIds?: string[] | undefined;
    productIds?: string[] | undefined;
  };
  minSubtotalMinor?: number | null | undefined;
  startsAt?: Date | undefined;
  endsAt?: Date | null | undefined;
  usageLimit?: number | null | undefined;
  perCustomerLimit?: number | null | undefined;
  status?: 'active' | 'inactive' | undefined;
}

/** The reason a code answers with when pricing finds it takes nothing off the cart. */
export const refusalOfPricing = (reason: NotApplicableReason): CodeRefusal => `promotion_${reason}`;

/** The promotions that may apply to a cart now, as pricing takes them, and why its code does not. */
export interface CartPromotions {
  rules: PromotionRule[];
  codeRefusal: CodeRefusal | null;
}

const currentAt = (row: repo.PromotionRow, now: Date): CodeRefusal | null => {
  if (row.status !== 'active') return 'promotion_inactive';
  if (row.startsAt > now) return 'promotion_not_started';
  if (row.endsAt !== null && row.endsAt <= now) return 'promotion_ended';
  if (row.usageLimit !== null && row.usedCount >= row.usageLimit) return 'promotion_used_up';
  return null;
};

const taken = (error: unknown): never => {
  throw isUniqueViolation(error) ? promotionsErrors.error('promotion_code_taken') : error;
};
const invalid = (path: string, message: string) =>
  promotionsErrors.invalidAt('promotion_invalid', path, message);

/** The rules every promotion keeps, whoever wrote it: the database checks them too, as a backstop. */
function check(p: repo.PromotionFields & { usedCount?: number; hadPerCustomerLimit?: boolean }): void {
  if (p.automatic && p.code !== null) throw invalid('/code', 'an automatic promotion has no code');
  if (!p.automatic && p.code === null) throw invalid('/code', 'a promotion is automatic or has a code');
  if (p.type === 'percentage' && p.percentBps === null)
    throw invalid('/percent_bps', 'a percentage promotion needs percent_bps');
  if (p.type !== 'percentage' && p.percentBps !== null)
    throw invalid('/percent_bps', `a ${p.type} promotion has no percent_bps`);
  if (p.type === 'fixed' && p.amountMinor === null)
    throw invalid('/amount', 'a fixed promotion needs an amount');
  if (p.type !== 'fixed' && p.amountMinor !== null)
    throw invalid('/amount', `a ${p.type} promotion has no amount`);
  if (p.endsAt !== null && p.endsAt <= p.startsAt) throw invalid('/ends_at', 'must be after starts_at');
  // Uses are counted per customer only while a promotion has a per-customer limit: one added
  // after uses were counted would not see them.
  if (p.perCustomerLimit !== null && p.hadPerCustomerLimit === false && (p.usedCount ?? 0) > 0)
    throw invalid('/per_customer_limit', 'a promotion already used cannot gain a per-customer limit');
  if (p.usageLimit !== null && p.usedCount !== undefined && p.usageLimit < p.usedCount)
    throw invalid('/usage_limit', `must be at least used_count (${p.usedCount})`);
}

/**
 * Promotions: discounts admins (platform-funded) and sellers (funded by and limited to their
 * shop) keep. Owns the tables promotions and promotion_customer_uses. Another owner's promotion is
 * answered as missing.
 */
export class PromotionsService {
  constructor(private readonly deps: PromotionsDeps) {}

  private present(row: repo.PromotionRow) {
    return presentPromotion(row, this.deps.currency);
  }

  private shopScope(owner: PromotionOwner, requested: string | undefined): string | null {
    if (owner.fundedBy === 'platform') return requested ?? null;
    if (requested !== undefined && requested !== owner.shopId)
      throw invalid('/scope/shop_id', "a shop's promotion applies to that shop only");
    return owner.shopId;
  }

  async list(owner: PromotionOwner, query: PromotionListQuery) {
    const shopId = owner.fundedBy === 'shop' ? owner.shopId : null;
    const rows = await repo.listPromotions(this.deps.db, owner.fundedBy, shopId, {
      status: query.status,
      ...orderedPeriodOf(query, () =>
        promotionsErrors.invalidAt('period_invalid', '/query/to', 'the period ends before it starts'),
      ),
      after: decodeCursor(query.cursor, CreatedPosition),
      limit: query.limit,
    });
    return paginate(
      rows,
      query.limit,
      (row) => this.present(row),
      (row) => ({ createdAt: row.position, id: row.id }),
    );
  }

  async create(owner: PromotionOwner, input: PromotionInput) {
    const automatic = input.automatic ?? false;
    const fields: repo.PromotionFields = {
      code: input.code ?? null,
      automatic,
      type: input.type ?? 'percentage',
      percentBps: input.percentBps ?? null,
      amountMinor: input.amountMinor ?? null,
      shopId: this.shopScope(owner, input.scope?.shopId),
      categoryIds: input.scope?.categoryIds ?? [],
      productIds: input.scope?.productIds ?? [],
      minSubtotalMinor: input.minSubtotalMinor ?? null,
      startsAt: input.startsAt ?? new Date(),
      endsAt: input.endsAt ?? null,
      usageLimit: input.usageLimit ?? null,
      perCustomerLimit: input.perCustomerLimit ?? null,
      fundedBy: owner.fundedBy,
      status: input.status ?? 'active',
    };
    check(fields);
    return this.deps.db.transaction(async (tx) => {
      const view = this.present(await repo.insertPromotion(tx, newId('prm'), fields).catch(taken));
      await this.audit(tx, owner, 'promotion.created', null, view);
      return view;
    });
  }

  async change(owner: PromotionOwner, id: string, input: PromotionInput) {
    const shopId = owner.fundedBy === 'shop' ? owner.shopId : null;
    return this.deps.db
      .transaction(async (tx) => {
        const current = await repo.findPromotion(tx, id, owner.fundedBy, shopId);
        if (!current) throw promotionsErrors.error('promotion_not_found');
        const next: repo.PromotionRow = {
          ...current,
          ...(input.code !== undefined ? { code: input.code } : {}),
          ...(input.percentBps !== undefined ? { percentBps: input.percentBps } : {}),
          ...(input.amountMinor !== undefined ? { amountMinor: input.amountMinor } : {}),
          ...(input.scope !== undefined
            ? {
                shopId: this.shopScope(owner, input.scope.shopId),
                categoryIds: input.scope.categoryIds ?? [],
                productIds: input.scope.productIds ?? [],
              }
            : {}),
          ...(input.minSubtotalMinor !== undefined ? { minSubtotalMinor: input.minSubtotalMinor } : {}),
          ...(input.startsAt !== undefined ? { startsAt: input.startsAt } : {}),
          ...(input.endsAt !== undefined ? { endsAt: input.endsAt } : {}),
          ...(input.usageLimit !== undefined ? { usageLimit: input.usageLimit } : {}),
          ...(input.perCustomerLimit !== undefined ? { perCustomerLimit: input.perCustomerLimit } : {}),
          ...(input.status !== undefined ? { status: input.status } : {}),
        };
        check({ ...next, hadPerCustomerLimit: current.perCustomerLimit !== null });
        // A limit is kept on the row alone: the uses recorded while there was none join its count.
        if (next.usageLimit !== null) await repo.countUncountedUses(tx, id);
        const view = this.present(await repo.updatePromotion(tx, next));
        await this.audit(tx, owner, 'promotion.updated', this.present(current), view);
        return view;
      })
      .catch(taken);
  }

  private audit(
    tx: Queryable,
    owner: PromotionOwner,
    action: AuditAction,
    before: PromotionView | null,
    after: PromotionView,
  ): Promise<string> {
    return appendAudit(tx, {
      action,
      target: { type: 'promotion', id: after.id },
      shopId: owner.fundedBy === 'shop' ? owner.shopId : null,
      changes: changesBetween(before, after, AUDITED_PROMOTION_FIELDS),
    });
  }

  /**
   * Read in the caller's transaction: the current automatic promotions (an ended or used-up one is
   * simply dropped) and the cart's code when it is current, with category scopes expanded to their
   * descendants.
   */
  async forCart(db: Queryable, code: string | null, now = new Date()): Promise<CartPromotions> {
    return this.forCartFrom(db, await repo.findCandidates(db, code), code, now);
  }

  /** forCart's first read, for a caller reading it with others at once (see readAtOnce). */
  candidatesRead(code: string | null): PlannedStatement<repo.PromotionRow[]> {
    return repo.candidatesRead(code);
  }

  /** forCart, given the rows candidatesRead answered (a category scope may read the catalog's tree). */
  async forCartFrom(
    db: Queryable,
    rows: readonly repo.PromotionRow[],
    code: string | null,
    now = new Date(),
  ): Promise<CartPromotions> {
    const usable = rows.filter((row) => row.automatic && currentAt(row, now) === null);
    let codeRefusal: CodeRefusal | null = null;
    if (code !== null) {
      const coded = rows.filter((row) => !row.automatic);
      const row = coded.find((r) => r.status === 'active') ?? coded[0];
      codeRefusal = row ? currentAt(row, now) : 'promotion_unknown';
      if (row && codeRefusal === null) usable.push(row);
    }
    const tree = await this.deps.categories.withDescendants(db, [
      ...new Set(usable.flatMap((row) => row.categoryIds)),
    ]);
    return {
      rules: usable.map((row) => ({
        id: row.id,
        code: row.code,
        automatic: row.automatic,
        type: row.type,
        percentBps: row.percentBps,
        amountMinor: row.amountMinor,
        shopId: row.shopId,
        categoryIds: row.categoryIds.flatMap((id) => tree.get(id) ?? []),
        productIds: row.productIds,
        minSubtotalMinor: row.minSubtotalMinor,
        fundedBy: row.fundedBy,
      })),
      codeRefusal,
    };
  }

  /**
   * Reserves one use per promotion for a checkout, in its transaction: one statement counts each
   * use against the total limit and the customer's (the check and the count one step for each,
   * see takeUses) and records it for the checkout, so no limit is ever passed. Over a limit: 409
   * promotion_exhausted, and the caller's transaction rolls every reservation back.
   */
  async reserve(
    tx: Queryable,
    checkoutId: string,
    customer: string,
    promotionIds: readonly string[],
  ): Promise<void> {
    if (promotionIds.length === 0) return;
    if (!(await repo.takeUses(tx, promotionIds, checkoutId, customer)))
      throw promotionsErrors.error('promotion_exhausted');
  }

  /** Gives a checkout's uses back, exactly once however often (or concurrently) it is asked. */
  async release(tx: Queryable, checkoutId: string): Promise<void> {
    for (const use of await repo.releaseCheckoutUses(tx, checkoutId)) await repo.giveUseBack(tx, use);
  }
}
