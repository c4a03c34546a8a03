import type { SQL } from 'drizzle-orm';
import { CoalescedReads } from '../../platform/coalesce.js';
import type { WindowCounters } from '../../platform/counters.js';
import type { Database, PlannedStatement, Queryable } from '../../platform/db.js';
import { RateLimited, Unauthenticated, ValidationFailed } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { isWithinMoneyBound, MAX_MONEY_MINOR, money } from '../../platform/money.js';
import { hashToken, newSecret } from '../../platform/tokens.js';
import { inventory, shortageDetail } from '../inventory/index.js';
import { applyPromotions, totalCart } from '../pricing/index.js';
import {
  type CartPromotions,
  type CodeRefusal,
  promotionsErrors,
  refusalOfPricing,
} from '../promotions/index.js';
import { cartErrors } from './cart.errors.js';
import type { CartHolder } from './cart.repo.js';
import * as repo from './cart.repo.js';
import type { CartItemView, CartView } from './cart.schemas.js';
import { mergeCartLines } from './cart-merge.js';
import {
  lineTitle,
  type PurchasableVariant,
  type UnavailableReason,
  type VariantDirectory,
} from './variant-directory.js';

export const MAX_LINE_QUANTITY = 99;

/** Whether two reads of a cart found the same cart with the same lines, in order, and the same code. */
export const sameCartContents = (a: repo.CartContents, b: repo.CartContents): boolean =>
  a.cartId === b.cartId &&
  a.promotionCode === b.promotionCode &&
  a.items.length === b.items.length &&
  a.items.every(
    (item, i) =>
      item.id === b.items[i]!.id &&
      item.variantId === b.items[i]!.variantId &&
      item.quantity === b.items[i]!.quantity,
  );

/** The cart's lines with one variant's quantity set (the line added when it is new). */
const withQuantity = (items: readonly repo.CartItemRow[], variantId: string, quantity: number) => [
  ...items.filter((item) => item.variantId !== variantId),
  { variantId, quantity },
];

/**
 * Refuses a change that raises the cart's subtotal over the money bound (a 422 at /quantity, and
 * nothing written). Lines of deleted variants, or priced over the bound, count for nothing, as in
 * the cart's view.
 */
function assertSubtotalWithinBound(
  lines: readonly { variantId: string; quantity: number }[],
  variants: ReadonlyMap<string, PurchasableVariant>,
): void {
  const { subtotalMinor } = totalCart(
    lines.flatMap((line) => {
      const variant = variants.get(line.variantId);
      return variant ? [{ unitPriceMinor: variant.priceMinor, quantity: line.quantity }] : [];
    }),
  );
  if (subtotalMinor > MAX_MONEY_MINOR) {
    throw ValidationFailed.at(
      '/quantity',
      `this quantity takes the cart's subtotal over ${MAX_MONEY_MINOR} minor units`,
    );
  }
}

/**
 * A cart line as the cart and the checkout quote show it. A price over the money bound (set before
 * the bound existed) cannot be bought: the line stays visible so the buyer can remove it, with
 * nothing available.
 */
export function presentCartItem(
  item: { id: string; variantId: string; quantity: number },
  variant: PurchasableVariant,
  availableMinor: number | undefined,
  lineTotalMinor: number,
  discountMinor: number,
): CartItemView {
  const unavailableReason = unavailableReasonOf(variant);
  const purchasable = unavailableReason === null;
  return {
    id: item.id,
    variant_id: item.variantId,
    product_id: variant.productId,
    shop: { id: variant.shopId, name: variant.shopName },
    title: lineTitle(variant),
    quantity: item.quantity,
    unit_price: money(variant.priceMinor, variant.currency),
    line_total: money(lineTotalMinor, variant.currency),
    discount: money(discountMinor, variant.currency),
    available: purchasable ? Math.max(0, availableMinor ?? 0) : 0,
    purchasable,
    unavailable_reason: unavailableReason,
  };
}

/** Why a variant cannot be bought now, or null when it can. */
export function unavailableReasonOf(
  variant: Pick<PurchasableVariant, 'purchasable' | 'unavailableReason' | 'priceMinor'>,
): UnavailableReason | null {
  if (!variant.purchasable) return variant.unavailableReason ?? 'product_unavailable';
  return isWithinMoneyBound(variant.priceMinor) ? null : 'price_over_limit';
}

/** Where the cart learns which promotions may apply (the promotions module). */
export interface PromotionSource {
  forCart(db: Queryable, code: string | null): Promise<CartPromotions>;
}

/** Guest carts one client address may make in an hour (API.md). */
export const GUEST_CARTS_PER_ADDRESS_PER_HOUR = 30;
const HOUR_SECONDS = 3600;

export interface CartDeps {
  db: Database;
  directory: VariantDirectory;
  currency: string;
  promotions: PromotionSource;
  /** Connections of their own for the cart reads many checkouts wait on together (default db). */
  batchDb?: Database;
  /** Counts guest carts per client address (shared through Redis when set). */
  counters: WindowCounters;
}

export class CartService {
  private readonly db: Database;
  private readonly directory: VariantDirectory;
  private readonly currency: string;
  private readonly promotions: PromotionSource;
  private readonly counters: WindowCounters;
  /** One at a time, on connections of their own: they do not queue behind checkouts' transactions. */
  private readonly carts: CoalescedReads<repo.CartContents>;

  constructor(deps: CartDeps) {
    this.db = deps.db;
    const batchDb = deps.batchDb ?? deps.db;
    this.carts = new CoalescedReads((keys) => repo.findCartsWithItems(batchDb, keys), {
      concurrency: 1,
      maxKeys: 256,
    });
    this.directory = deps.directory;
    this.currency = deps.currency;
    this.promotions = deps.promotions;
    this.counters = deps.counters;
  }

  /** The holder's cart, locked or not; a guest token that opens no cart is not (or no longer) valid. */
  private async cartOf(tx: Queryable, holder: CartHolder, lock: boolean): Promise<string> {
    const cartId = await repo.ensureCart(tx, newId('cart'), holder, lock);
    if (cartId === undefined) throw new Unauthenticated();
    return cartId;
  }

  /** Locks the holder's cart when it has one; a guest's token must open one (else 401). */
  private async lockExisting(tx: Queryable, holder: CartHolder): Promise<string | undefined> {
    const cartId = await repo.lockCartOf(tx, holder);
    if (cartId === undefined && 'guestTokenHash' in holder) throw new Unauthenticated();
    return cartId;
  }

  /**
   * A new guest cart and the token that opens it (256 random bits; only its hash is kept), at most
   * GUEST_CARTS_PER_ADDRESS_PER_HOUR per client address (429 past that).
   */
  async createGuestCart(clientAddress: string): Promise<{ cartToken: string }> {
    const taken = await this.counters.take(
      [{ key: `guest-carts:ip:${clientAddress}`, limit: GUEST_CARTS_PER_ADDRESS_PER_HOUR }],
      HOUR_SECONDS,
    );
    if (!taken.allowed) throw new RateLimited(taken.resetSeconds, 'guest_carts_exceeded');
    const cartToken = newSecret();
    await repo.insertGuestCart(this.db, newId('cart'), hashToken(cartToken));
    return { cartToken };
  }

  /**
   * Signing in with a guest cart: its lines join the user's cart (quantities added, capped at stock
   * and MAX_LINE_QUANTITY), the user's code — or else the guest's — stays only if it still applies,
   * and the guest cart is deleted, so its token stops working. Exactly once: the guest cart is
   * locked first, and a second sign-in with the same token finds nothing to merge.
   */
  async mergeGuestCart(guestTokenHash: Buffer, userId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const guest = await repo.lockGuestCart(tx, guestTokenHash);
      if (!guest) return;
      const guestLines = await repo.findItems(tx, guest.id);
      const cartId = await this.cartOf(tx, { id: userId }, true);
      const userLines = await repo.findItems(tx, cartId);
      const ids = [...new Set(guestLines.map((line) => line.variantId))];
      const [variants, levels] = await Promise.all([
        this.directory.variants(tx, ids),
        inventory.levels(tx, ids),
      ]);
      const limitOf = (variantId: string) =>
        variants.get(variantId)?.purchasable ? (levels.get(variantId)?.available ?? 0) : 0;
      const existing = new Map(userLines.map((line) => [line.variantId, line.id]));
      for (const line of mergeCartLines(userLines, guestLines, limitOf, MAX_LINE_QUANTITY)) {
        await repo.upsertItem(tx, {
          id: existing.get(line.variantId) ?? newId('ci'),
          cartId,
          variantId: line.variantId,
          quantity: line.quantity,
        });
      }
      const code = (await repo.findPromotionCode(tx, cartId)) ?? guest.promotionCode;
      await repo.setPromotionCode(tx, cartId, code);
      if (code !== null && (await this.present(tx, cartId)).refusal)
        await repo.setPromotionCode(tx, cartId, null);
      await repo.deleteCart(tx, guest.id);
    });
  }

  /** Job: forgets guest carts idle past their lifetime. */
  purgeIdleGuestCarts(): Promise<number> {
    return repo.deleteIdleGuestCarts(this.db);
  }

  /**
   * Puts a code on the caller's cart (replacing any), after checking it applies now: else 422
   * promotion_not_applicable with the reason, and the cart keeps what it had.
   */
  async applyCode(holder: CartHolder, code: string): Promise<CartView> {
    return this.db.transaction(async (tx) => {
      const cartId = await this.cartOf(tx, holder, true);
      await repo.setPromotionCode(tx, cartId, code);
      const view = await this.present(tx, cartId);
      if (view.refusal) throw promotionsErrors.error(view.refusal);
      return view.cart;
    });
  }

  /** Takes the code off the caller's cart (any case of it); a cart without it is answered as it is. */
  async removeCode(holder: CartHolder, code: string): Promise<CartView> {
    return this.db.transaction(async (tx) => {
      const cartId = await this.cartOf(tx, holder, true);
      const current = await repo.findPromotionCode(tx, cartId);
      if (current !== null && current.toLowerCase() === code.toLowerCase())
        await repo.setPromotionCode(tx, cartId, null);
      return (await this.present(tx, cartId)).cart;
    });
  }

  async view(holder: CartHolder): Promise<CartView> {
    // Reading an existing cart writes nothing; only a user's first visit creates it.
    return this.db.transaction(
      async (tx) =>
        (
          await this.present(
            tx,
            (await repo.findCartId(tx, holder)) ?? (await this.cartOf(tx, holder, false)),
          )
        ).cart,
    );
  }

  async addItem(holder: CartHolder, input: { variantId: string; quantity: number }): Promise<CartView> {
    return this.db.transaction(async (tx) => {
      const cartId = await this.cartOf(tx, holder, true);
      const items = await repo.findItems(tx, cartId);
      const existing = items.find((item) => item.variantId === input.variantId);
      const quantity = (existing?.quantity ?? 0) + input.quantity;
      if (quantity > MAX_LINE_QUANTITY) {
        throw cartErrors.invalidAt(
          'line_quantity_over_limit',
          '/quantity',
          `a cart line holds at most ${MAX_LINE_QUANTITY} units`,
        );
      }
      const variants = await this.directory.variants(tx, [
        ...items.map((item) => item.variantId),
        ...(existing ? [] : [input.variantId]),
      ]);
      const variant = variants.get(input.variantId);
      if (!variant?.purchasable)
        throw cartErrors.invalidAt('variant_not_for_sale', '/variant_id', 'no such variant is for sale');
      if (!isWithinMoneyBound(variant.priceMinor)) {
        throw ValidationFailed.at(
          '/variant_id',
          `the variant's price is over ${MAX_MONEY_MINOR} minor units`,
        );
      }
      await this.assertInStock(tx, input.variantId, quantity);
      assertSubtotalWithinBound(withQuantity(items, input.variantId, quantity), variants);
      await repo.upsertItem(tx, {
        id: existing?.id ?? newId('ci'),
        cartId,
        variantId: input.variantId,
        quantity,
      });
      await repo.touchCart(tx, cartId);
      return (await this.present(tx, cartId)).cart;
    });
  }

  async changeItem(holder: CartHolder, itemId: string, quantity: number): Promise<CartView> {
    return this.db.transaction(async (tx) => {
      const cartId = await this.lockExisting(tx, holder);
      const items = cartId ? await repo.findItems(tx, cartId) : [];
      const item = items.find((i) => i.id === itemId);
      if (!cartId || !item) throw cartErrors.error('cart_item_not_found');
      if (quantity > item.quantity) {
        await this.assertInStock(tx, item.variantId, quantity);
        const variants = await this.directory.variants(
          tx,
          items.map((i) => i.variantId),
        );
        assertSubtotalWithinBound(withQuantity(items, item.variantId, quantity), variants);
      }
      await repo.setItemQuantity(tx, cartId, itemId, quantity);
      await repo.touchCart(tx, cartId);
      return (await this.present(tx, cartId)).cart;
    });
  }

  async removeItem(holder: CartHolder, itemId: string): Promise<CartView> {
    return this.db.transaction(async (tx) => {
      const cartId = await this.lockExisting(tx, holder);
      if (!cartId || (await repo.deleteItem(tx, cartId, itemId)) === 0)
        throw cartErrors.error('cart_item_not_found');
      await repo.touchCart(tx, cartId);
      return (await this.present(tx, cartId)).cart;
    });
  }

  /**
   * Locks the holder's cart for checkout and answers its lines and code (none when a user has no
   * cart; a guest token that opens no cart is 401).
   */
  async lockForCheckout(tx: Queryable, holder: CartHolder): Promise<repo.CartContents> {
    const cart = await repo.lockCartWithItems(tx, holder);
    if (cart.cartId === undefined && 'guestTokenHash' in holder) throw new Unauthenticated();
    return cart;
  }

  /**
   * What lockForCheckout reads, for a checkout that reads it with its pricing reads at once (see
   * readAtOnce): one that read the cart before its transaction (contentsOf) and priced those lines,
   * so it goes on only if the locked cart is the same (sameCartContents).
   */
  lockedRead(holder: CartHolder): PlannedStatement<repo.CartContents> {
    return repo.lockedCartRead(holder);
  }

  /**
   * The holder's cart without locking it, read outside any transaction: checkout reads it before
   * its transaction to hold hot stock for its lines. Reads made at once share one statement (see
   * CoalescedReads), so a burst of checkouts reads its carts in a few round trips.
   */
  async contentsOf(holder: CartHolder): Promise<repo.CartContents> {
    const cart = await this.carts.read(repo.holderKeyOf(holder));
    if (cart === undefined && 'guestTokenHash' in holder) throw new Unauthenticated();
    return cart ?? { cartId: undefined, items: [], promotionCode: null };
  }

  async empty(tx: Queryable, cartId: string): Promise<void> {
    await repo.clearCart(tx, cartId);
  }

  /** What empty runs, for a caller that runs it with its other writes at once (see allAtOnce). */
  emptyStatements(cartId: string): SQL[] {
    return repo.clearCartStatements(cartId);
  }

  private async assertInStock(tx: Queryable, variantId: string, quantity: number): Promise<void> {
    const available = (await inventory.levels(tx, [variantId])).get(variantId)?.available ?? 0;
    if (quantity > available) {
      const shortages = [{ variant_id: variantId, requested: quantity, available: Math.max(0, available) }];
      throw cartErrors.error('quantity_over_stock', shortageDetail(shortages), shortages);
    }
  }

  /** The cart as shown, and why its code takes nothing off (null when it does, or there is none). */
  private async present(
    tx: Queryable,
    cartId: string,
  ): Promise<{ cart: CartView; refusal: CodeRefusal | null }> {
    const items = await repo.findItems(tx, cartId);
    const ids = items.map((item) => item.variantId);
    const [variants, levels] = await Promise.all([
      this.directory.variants(tx, ids),
      inventory.levels(tx, ids),
    ]);
    const shown = items.flatMap((item) => {
      const variant = variants.get(item.variantId);
      // A variant deleted from the catalog can no longer be shown or bought.
      return variant ? [{ item, variant }] : [];
    });
    const totals = totalCart(
      shown.map(({ item, variant }) => ({ unitPriceMinor: variant.priceMinor, quantity: item.quantity })),
    );
    const code = await repo.findPromotionCode(tx, cartId);
    const { rules, codeRefusal } = await this.promotions.forCart(tx, code);
    const discounts = applyPromotions(
      shown.map(({ variant }, index) => ({
        shopId: variant.shopId,
        productId: variant.productId,
        categoryId: variant.categoryId,
        amountMinor: totals.lineTotalsMinor[index]!,
      })),
      rules,
      new Map(),
    );
    const lines = shown.map(({ item, variant }, index) =>
      presentCartItem(
        item,
        variant,
        levels.get(item.variantId)?.available,
        totals.lineTotalsMinor[index]!,
        discounts.lineDiscountsMinor[index]!,
      ),
    );
    const priced = discounts.notApplied.find(({ promotion }) => promotion.code !== null);
    const discountMinor = discounts.lineDiscountsMinor.reduce((sum, discount) => sum + discount, 0);
    return {
      cart: {
        id: cartId,
        items: lines,
        subtotal: money(totals.subtotalMinor, this.currency),
        promotions: discounts.applied.map(({ promotion, amountMinor }) => ({
          id: promotion.id,
          code: promotion.code,
          amount: money(amountMinor, this.currency),
          funded_by: promotion.fundedBy,
        })),
        discount_total: money(discountMinor, this.currency),
      },
      refusal: codeRefusal ?? (priced ? refusalOfPricing(priced.reason) : null),
    };
  }
}
