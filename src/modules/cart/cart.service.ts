import type { Database, Queryable } from '../../platform/db.js';
import { ValidationFailed } from '../../platform/errors.js';
import type { Caller } from '../../platform/http.js';
import { newId } from '../../platform/ids.js';
import { isWithinMoneyBound, MAX_MONEY_MINOR, money } from '../../platform/money.js';
import { inventory, shortageDetail } from '../inventory/index.js';
import { applyPromotions, totalCart } from '../pricing/index.js';
import {
  type CartPromotions,
  type CodeRefusal,
  promotionsErrors,
  refusalOfPricing,
} from '../promotions/index.js';
import { cartErrors } from './cart.errors.js';
import * as repo from './cart.repo.js';
import type { CartItemView, CartView } from './cart.schemas.js';
import {
  lineTitle,
  type PurchasableVariant,
  type UnavailableReason,
  type VariantDirectory,
} from './variant-directory.js';

export const MAX_LINE_QUANTITY = 99;

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

export class CartService {
  constructor(
    private readonly db: Database,
    private readonly directory: VariantDirectory,
    private readonly currency: string,
    private readonly promotions: PromotionSource,
  ) {}

  /**
   * Puts a code on the caller's cart (replacing any), after checking it applies now: else 422
   * promotion_not_applicable with the reason, and the cart keeps what it had.
   */
  async applyCode(caller: Caller, code: string): Promise<CartView> {
    return this.db.transaction(async (tx) => {
      const cartId = await repo.ensureCart(tx, newId('cart'), caller.id, true);
      await repo.setPromotionCode(tx, cartId, code);
      const view = await this.present(tx, cartId);
      if (view.refusal) throw promotionsErrors.error(view.refusal);
      return view.cart;
    });
  }

  /** Takes the code off the caller's cart (any case of it); a cart without it is answered as it is. */
  async removeCode(caller: Caller, code: string): Promise<CartView> {
    return this.db.transaction(async (tx) => {
      const cartId = await repo.ensureCart(tx, newId('cart'), caller.id, true);
      const current = await repo.findPromotionCode(tx, cartId);
      if (current !== null && current.toLowerCase() === code.toLowerCase())
        await repo.setPromotionCode(tx, cartId, null);
      return (await this.present(tx, cartId)).cart;
    });
  }

  /** The code a user's cart holds, read in the caller's transaction. */
  async promotionCodeOf(tx: Queryable, userId: string): Promise<string | null> {
    return repo.findPromotionCodeOfUser(tx, userId);
  }

  async view(caller: Caller): Promise<CartView> {
    // Reading an existing cart writes nothing; only a first visit creates it.
    return this.db.transaction(
      async (tx) =>
        (
          await this.present(
            tx,
            (await repo.findCartId(tx, caller.id)) ??
              (await repo.ensureCart(tx, newId('cart'), caller.id, false)),
          )
        ).cart,
    );
  }

  async addItem(caller: Caller, input: { variantId: string; quantity: number }): Promise<CartView> {
    return this.db.transaction(async (tx) => {
      const cartId = await repo.ensureCart(tx, newId('cart'), caller.id, true);
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

  async changeItem(caller: Caller, itemId: string, quantity: number): Promise<CartView> {
    return this.db.transaction(async (tx) => {
      const cartId = await repo.lockCartOf(tx, caller.id);
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

  async removeItem(caller: Caller, itemId: string): Promise<CartView> {
    return this.db.transaction(async (tx) => {
      const cartId = await repo.lockCartOf(tx, caller.id);
      if (!cartId || (await repo.deleteItem(tx, cartId, itemId)) === 0)
        throw cartErrors.error('cart_item_not_found');
      await repo.touchCart(tx, cartId);
      return (await this.present(tx, cartId)).cart;
    });
  }

  /** Locks the caller's cart for checkout and answers its lines and code (none when there is no cart). */
  lockForCheckout(
    tx: Queryable,
    userId: string,
  ): Promise<{ cartId: string | undefined; items: repo.CartItemRow[]; promotionCode: string | null }> {
    return repo.lockCartWithItems(tx, userId);
  }

  /** The caller's cart lines without locking them (the checkout quote reads them). */
  async linesOf(tx: Queryable, userId: string): Promise<repo.CartItemRow[]> {
    const cartId = await repo.findCartId(tx, userId);
    return cartId ? repo.findItems(tx, cartId) : [];
  }

  async empty(tx: Queryable, cartId: string): Promise<void> {
    await repo.clearCart(tx, cartId);
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
