import type { Config } from '../../config.js';
import { appendAudit, changesBetween } from '../../platform/audit.js';
import {
  allAtOnce,
  type Database,
  type PlannedStatement,
  type Queryable,
  readAtOnce,
} from '../../platform/db.js';
import { ValidationFailed } from '../../platform/errors.js';
import { asOrderAccess, type Caller, holdsOrderToken, type OrderAccess } from '../../platform/http.js';
import type { IdempotentAnswer } from '../../platform/idempotency.js';
import { newId } from '../../platform/ids.js';
import { jobStatement, scheduleJob } from '../../platform/jobs.js';
import { money } from '../../platform/money.js';
import { appendEvent, eventStatement } from '../../platform/outbox.js';
import { decodeCursor, paginate } from '../../platform/pagination.js';
import { orderedPeriodOf } from '../../platform/period.js';
import { hashToken, newSecret } from '../../platform/tokens.js';
import {
  type CartContents,
  type CartHolder,
  type CartService,
  lineTitle,
  presentCartItem,
  sameCartContents,
  UNAVAILABLE_REASONS,
  type VariantDirectory,
} from '../cart/index.js';
import {
  HeldStockStale,
  inventory,
  normaliseLines,
  type StockHolds,
  type StockLine,
  sameLines,
  shortageDetail,
  takeHolds,
} from '../inventory/index.js';
import type { LedgerService, RefundFunder } from '../ledger/index.js';
import { type PaymentsService, presentPayment, type RefundView } from '../payments/index.js';
import {
  linePaidMinor,
  type PricedCheckout,
  type PricingProblem,
  priceCheckout,
  pricingErrors,
  shippingPaidMinor,
} from '../pricing/index.js';
import {
  CODE_REFUSALS,
  type PromotionsService,
  promotionsErrors,
  refusalOfPricing,
} from '../promotions/index.js';
import type { ShippingService } from '../shipping/index.js';
import type { TaxService } from '../tax/index.js';
import { ordersErrors, PriceChanged } from './orders.errors.js';
import type { OrderEventType } from './orders.events.js';
import { type OrderJobPayload, orderJobs } from './orders.jobs.js';
import * as repo from './orders.repo.js';
import {
  guestBuyerId,
  OrderCursor,
  type OrderView,
  orderEventData,
  presentOrder,
  presentShipment,
  type QuoteView,
  type ShipmentView,
} from './orders.schemas.js';
import { moneyOf } from './orders.settlement.js';
import { nextOrderStatus, type OrderEvent, type OrderStatus, statusesAllowing } from './orders.state.js';
import type { ReviewLookup } from './review-lookup.js';

type Viewer = 'buyer' | 'seller' | 'admin';

/** What can still be taken back of an order: captured less refunded and less what card disputes hold or took. */
const refundableOf = (order: repo.OrderRow) =>
  order.totalAmount - order.refundedAmount - order.disputedAmount;

/** An order of a disputed payment, as disputes see it. */
export interface DisputableOrder {
  orderId: string;
  shopId: string;
  currency: string;
  /** What a dispute may still hold of it (0 for an order never paid). */
  refundable: number;
}

/** Units of an item not yet shipped nor taken back by a refund (refunds take unshipped units first). */
const unitsLeft = (item: repo.OrderItemRow) =>
  Math.max(0, item.quantity - item.shippedQuantity - item.restockedQuantity);

/** The units still to ship, as stock lines: reserved for the order until they ship or are released. */
const unshippedLines = (items: readonly repo.OrderItemRow[]) =>
  items
    .map((item) => ({ variantId: item.variantId, quantity: unitsLeft(item) }))
    .filter((line) => line.quantity > 0);

/** Who shops: a signed-in user, or a guest by the hash of its cart token. */
export type Shopper = Caller | { guestCartTokenHash: Buffer };

const cartHolderOf = (shopper: Shopper): CartHolder =>
  'guestCartTokenHash' in shopper ? { guestTokenHash: shopper.guestCartTokenHash } : shopper;

/**
 * Mails a guest what its checkout placed, in the checkout's transaction: the link carries the
 * order token, which never travels in an event (the notifications module renders and sends it).
 */
export interface GuestOrderMailer {
  guestOrdersPlaced(
    tx: Queryable,
    mail: { to: string; name: string; orders: readonly OrderView[]; orderToken: string },
  ): Promise<void>;
}

export interface CheckoutInput {
  /** Where a guest's confirmation goes: required for a guest, ignored for a signed-in buyer. */
  email?: string | undefined;
  /** A full address, or `addressId` of the caller's address book: exactly one. */
  shippingAddress?: repo.ShippingAddress | undefined;
  addressId?: string | undefined;
  /** The option chosen per shop id; a shop left out gets its cheapest option that applies. */
  shippingOptions?: Readonly<Record<string, string>> | undefined;
  /** The total the buyer was shown; checkout refuses to charge another. */
  expectedTotalMinor?: number | undefined;
}

export interface ShipmentInput {
  carrier: string;
  trackingNumber: string;
  /** Undefined: everything left. */
  items?: readonly { orderItemId: string; quantity: number }[] | undefined;
}

/** What a pricing problem says, in the quote and in checkout's refusal alike. */
function problemDetail(problem: PricingProblem): string {
  if (problem.code === 'not_shippable') return 'none of the shop’s shipping options reaches this address';
  switch (problem.reason) {
    case 'unknown':
      return `${problem.optionId} is not a shipping option of this shop`;
    case 'shop_not_in_cart':
      return 'no line of the cart is from this shop';
    case 'inactive':
      return 'this shipping option is not offered now';
    case 'country_excluded':
      return 'this shipping option does not ship to the address’s country';
    case 'too_heavy':
      return 'the shop’s lines are heavier than this shipping option takes';
  }
}

/** An order as the returns module needs it (see OrdersService.orderForReturn). */
export interface ReturnableOrder {
  id: string;
  number: string;
  /** Null for a guest's order: no account may ask to return it until one claims it. */
  buyerId: string | null;
  shopId: string;
  status: OrderStatus;
  currency: string;
  shippedAt: Date | null;
  deliveredAt: Date | null;
  /** What refunds may still give back. */
  refundableAmount: number;
  /** What the buyer paid for shipping (tax included, waived shipping not). */
  shippingPaidAmount: number;
  items: {
    id: string;
    title: string;
    quantity: number;
    /** Units the buyer received and kept: shipped, less those refunds took back. */
    keptQuantity: number;
    /** What the buyer paid for the whole line (discount and tax included). */
    paidAmount: number;
  }[];
}

export interface RefundInput {
  amount: number;
  reason: string;
  restockItems: readonly { orderItemId: string; quantity: number }[];
}

type Effects = (
  tx: Queryable,
  order: repo.OrderRow,
  items: repo.OrderItemRow[],
  to: OrderStatus,
) => Promise<{
  stamp?: repo.TimestampColumn;
  events: OrderEventType[];
  shipment?: { carrier: string; trackingNumber: string };
}>;

export interface OrdersDeps {
  db: Database;
  config: Pick<Config, 'currency' | 'orderTtlSeconds' | 'autoDeliverSeconds' | 'pricesIncludeTax'>;
  cart: CartService;
  directory: VariantDirectory;
  payments: PaymentsService;
  ledger: LedgerService;
  reviews: ReviewLookup;
  shipping: ShippingService;
  tax: TaxService;
  promotions: PromotionsService;
  guestMail: GuestOrderMailer;
  /** Group commit of hot variants' stock (one per process). */
  stockHolds: StockHolds;
}

/** What a checkout of hot stock holds before its transaction opens, for the cart it read then. */
interface HeldStock {
  checkoutId: string;
  lines: StockLine[];
  cart: CartContents;
}

/**
 * How a checkout's transaction gets its stock: it takes the units `held` for it, or reserves them
 * itself; `entered`: the lines the caller already counts as being reserved (see StockHolds.enter).
 */
interface CheckoutStock {
  held?: HeldStock;
  entered?: StockLine[] | undefined;
}

export class OrdersService {
  private readonly db: Database;
  private readonly config: OrdersDeps['config'];
  private readonly cart: CartService;
  private readonly directory: VariantDirectory;
  private readonly payments: PaymentsService;
  private readonly ledger: LedgerService;
  private readonly reviews: ReviewLookup;
  private readonly shipping: ShippingService;
  private readonly tax: TaxService;
  private readonly promotions: PromotionsService;
  private readonly guestMail: GuestOrderMailer;
  private readonly stockHolds: StockHolds;

  constructor(deps: OrdersDeps) {
    this.stockHolds = deps.stockHolds;
    this.guestMail = deps.guestMail;
    this.db = deps.db;
    this.config = deps.config;
    this.cart = deps.cart;
    this.directory = deps.directory;
    this.payments = deps.payments;
    this.ledger = deps.ledger;
    this.reviews = deps.reviews;
    this.shipping = deps.shipping;
    this.tax = deps.tax;
    this.promotions = deps.promotions;
  }

  /**
   * Reads what pricing needs in `db` (variants, the address, the shops' active options, the
   * promotions that may apply with the cart's `code`) and prices the lines: the one path of the
   * quote and of checkout, so they can never disagree.
   */
  private async price(
    db: Queryable,
    shopper: Shopper,
    input: CheckoutInput,
    items: readonly { id: string; variantId: string; quantity: number }[],
    code: string | null,
    /** The cart locked by the same round trip, for a checkout that priced the cart it read before. */
    lockCart?: PlannedStatement<CartContents>,
  ) {
    if (input.addressId !== undefined && 'guestCartTokenHash' in shopper)
      throw ValidationFailed.at('/address_id', 'a guest gives the shipping address in full');
    const address =
      input.addressId !== undefined && 'id' in shopper
        ? await this.shipping.addressForCheckout(db, shopper.id, input.addressId)
        : input.shippingAddress!;
    const variantIds = items.map((item) => item.variantId);
    // Every module's read in one round trip, on one snapshot; prepared, as planning it costs more
    // than running it.
    const reads = {
      variants: this.directory.variantsRead(variantIds),
      options: this.shipping.optionsForPricingRead(this.directory.shopsOfVariantsSql(variantIds)),
      candidates: this.promotions.candidatesRead(code),
      taxRates: this.tax.ratesForRead(address.country),
      levels: inventory.levelsRead(variantIds),
    };
    const prepared = { prepareShapesAs: 'orders_pricing_reads' };
    const { variants, options, candidates, taxRates, levels, lockedCart } = lockCart
      ? await readAtOnce(db, { ...reads, lockedCart: lockCart }, prepared)
      : { ...(await readAtOnce(db, reads, prepared)), lockedCart: undefined };
    // A variant deleted from the catalog is neither shown nor priced (checkout refuses it).
    const known = items.filter((item) => variants.has(item.variantId));
    const lines = known.map((item) => {
      const variant = variants.get(item.variantId)!;
      return {
        variantId: item.variantId,
        productId: variant.productId,
        categoryId: variant.categoryId,
        shopId: variant.shopId,
        shopName: variant.shopName,
        unitPriceMinor: variant.priceMinor,
        quantity: item.quantity,
        weightGrams: variant.weightGrams,
        taxCategory: variant.taxCategory,
      };
    });
    const promotions = await this.promotions.forCartFrom(db, candidates, code);
    const priced = priceCheckout({
      lines,
      destination: address,
      options,
      choices: input.shippingOptions ?? {},
      taxRates,
      pricesIncludeTax: this.config.pricesIncludeTax,
      promotions: promotions.rules,
    });
    // The cart's code, when it takes nothing off now: the quote names it and checkout refuses.
    const coded = priced.notApplied.find((promotion) => promotion.code !== null);
    const refusal = promotions.codeRefusal ?? (coded ? refusalOfPricing(coded.reason) : null);
    const codeProblem = code !== null && refusal !== null ? { code, reason: refusal } : null;
    return { address, variants, known, levels, priced, codeProblem, lockedCart };
  }

  /** Refuses a checkout whose shipping cannot be as asked: a bad choice per shop, or shops that do not ship there. */
  private assertShippable(priced: PricedCheckout): void {
    const invalid = priced.problems.filter((problem) => problem.code === 'shipping_option_invalid');
    if (invalid.length > 0) {
      throw pricingErrors.error(
        'shipping_option_invalid',
        problemDetail(invalid[0]!),
        invalid.map((problem) => ({
          path: `/shipping_options/${problem.shopId}`,
          message: problemDetail(problem),
        })),
      );
    }
    const unshippable = priced.problems.filter((problem) => problem.code === 'not_shippable');
    if (unshippable.length > 0) {
      throw pricingErrors.error(
        'no_shipping_to_address',
        `${unshippable.length === 1 ? 'A shop does' : 'Shops do'} not ship to this address.`,
        unshippable.map((problem) => ({ shop_id: problem.shopId, detail: problemDetail(problem) })),
      );
    }
    if (priced.totalOverBound)
      throw ValidationFailed.at('/shipping_options', 'shipping takes the total over the money bound');
  }

  /**
   * What checkout would charge for the caller's cart, per shop and in all, and what would keep it
   * from going through. Changes nothing.
   */
  async quote(shopper: Shopper, input: CheckoutInput): Promise<QuoteView> {
    const holder = cartHolderOf(shopper);
    const { items, promotionCode: code } = await this.cart.contentsOf(holder);
    const { variants, known, levels, priced, codeProblem } = await this.price(
      this.db,
      shopper,
      input,
      items,
      code,
    );
    const { currency } = this.config;
    const problems: QuoteView['problems'] = [];
    if (items.length === 0) problems.push({ code: 'validation_failed', detail: 'the cart is empty' });
    for (const item of items) {
      const variant = variants.get(item.variantId);
      if (!variant?.purchasable) {
        problems.push({
          code: 'invalid_state',
          variant_id: item.variantId,
          detail: variant
            ? UNAVAILABLE_REASONS[variant.unavailableReason ?? 'product_unavailable']
            : 'this variant is not for sale now',
        });
        continue;
      }
      const available = Math.max(0, levels.get(item.variantId)?.available ?? 0);
      if (item.quantity > available)
        problems.push({
          code: 'insufficient_stock',
          variant_id: item.variantId,
          detail: `${item.quantity} wanted, ${available} available`,
        });
    }
    for (const problem of priced.problems)
      problems.push({
        code: problem.code === 'not_shippable' ? 'not_shippable' : 'validation_failed',
        shop_id: problem.shopId,
        detail: problemDetail(problem),
      });
    if (priced.overBound || priced.totalOverBound)
      problems.push({ code: 'validation_failed', detail: 'the total is over the money bound' });
    if (codeProblem)
      problems.push({
        code: 'promotion_not_applicable',
        promotion_code: codeProblem.code,
        reason: codeProblem.reason,
        detail: `the code ${codeProblem.code} does not apply: ${CODE_REFUSALS[codeProblem.reason]}`,
      });
    const amount = (minor: number) => money(minor, currency);
    return {
      currency,
      shops: priced.shops.map((shop) => ({
        shop: { id: shop.shopId, name: shop.shopName },
        items: shop.lineIndexes.map((index) => {
          const item = known[index]!;
          return presentCartItem(
            item,
            variants.get(item.variantId)!,
            levels.get(item.variantId)?.available,
            priced.lineTotalsMinor[index]!,
            priced.lineDiscountsMinor[index]!,
          );
        }),
        subtotal: amount(shop.subtotalMinor),
        shipping_options: shop.options.map((option) => ({
          id: option.optionId,
          name: option.name,
          amount: amount(option.amountMinor),
          min_days: option.minDays,
          max_days: option.maxDays,
        })),
        shipping: shop.shipping && {
          option_id: shop.shipping.optionId,
          name: shop.shipping.name,
          amount: amount(shop.shipping.amountMinor),
          min_days: shop.shipping.minDays,
          max_days: shop.shipping.maxDays,
        },
        discount_total: amount(shop.discountMinor),
        tax_total: amount(shop.taxMinor),
        total: amount(shop.totalMinor),
      })),
      subtotal: amount(priced.subtotalMinor),
      shipping_total: amount(priced.shippingMinor),
      discount_total: amount(priced.discountMinor),
      tax_total: amount(priced.taxMinor),
      total: amount(priced.totalMinor),
      promotions: priced.promotions.map((promotion) => ({
        id: promotion.id,
        code: promotion.code,
        amount: amount(promotion.amountMinor),
        funded_by: promotion.fundedBy,
      })),
      problems,
    };
  }

  /**
   * Turns the caller's cart into one order per shop and one payment, in ONE transaction: stock for
   * every line is reserved or none is, and the stored idempotent answer commits with the orders.
   */
  async checkout(shopper: Shopper, input: CheckoutInput, answer: IdempotentAnswer): Promise<string> {
    const buyerId = 'id' in shopper ? shopper.id : null;
    const guestEmail = buyerId === null ? input.email : undefined;
    if (buyerId === null && guestEmail === undefined)
      throw ValidationFailed.at('/email', 'a guest checkout needs an email address for the confirmation');
    // A guest's checkout answers a token for its orders; only the token's hash is kept.
    const orderToken = guestEmail === undefined ? undefined : newSecret();
    const orderTokenHash = orderToken === undefined ? null : hashToken(orderToken);
    const placed = (stock: CheckoutStock) =>
      this.placeOrders(shopper, input, answer, { guestEmail, orderToken, orderTokenHash }, stock);
    const ended = this.stockHolds.checkoutStarted();
    let early: { lines: StockLine[]; leave(): void } | undefined;
    try {
      // Group commit: while this process sees contention (or a burst of checkouts), the cart is read
      // before the transaction, so its variants count as being reserved from now on; a hot one's
      // units are held together with other buyers' before the transaction opens (a sold-out
      // variant refuses there, without a transaction). Otherwise the transaction reserves.
      if (this.stockHolds.readsCartFirst()) {
        const cart = await this.cart.contentsOf(cartHolderOf(shopper));
        const lines = normaliseLines(cart.items);
        early = { lines, leave: this.stockHolds.enter(lines.map((line) => line.variantId)) };
        if (this.stockHolds.isHot(lines.map((line) => line.variantId))) {
          const held = { checkoutId: newId('chk'), lines, cart };
          await this.stockHolds.hold(held.checkoutId, lines);
          try {
            return await placed({ held, entered: lines });
          } catch (error) {
            // Units held for a checkout that did not commit go back now (were this to fail, they
            // expire). Held units that stopped matching the cart go back, and the checkout
            // reserves in its transaction.
            await this.stockHolds.release(held.checkoutId).catch(() => {});
            if (error instanceof HeldStockStale) return await placed({ entered: lines });
            throw error;
          }
        }
      }
      return await placed({ entered: early?.lines });
    } finally {
      early?.leave();
      ended();
    }
  }

  /** The checkout's one transaction, taking the units `held` for it or reserving them itself. */
  private async placeOrders(
    shopper: Shopper,
    input: CheckoutInput,
    answer: IdempotentAnswer,
    guest: { guestEmail: string | undefined; orderToken: string | undefined; orderTokenHash: Buffer | null },
    stock: CheckoutStock,
  ): Promise<string> {
    const { held, entered } = stock;
    const { expectedTotalMinor } = input;
    const { guestEmail, orderToken, orderTokenHash } = guest;
    const buyerId = 'id' in shopper ? shopper.id : null;
    let leave = () => {};
    try {
      return await this.db.transaction(async (tx) => {
        const holder = cartHolderOf(shopper);
        // Units were held for the cart read before the transaction: that cart is priced, and locked
        // in the same round trip, and the checkout goes on only if it is still the same.
        const { cartId, items, promotionCode } = held
          ? held.cart
          : await this.cart.lockForCheckout(tx, holder);
        if (!cartId || items.length === 0)
          throw ordersErrors.invalidAt('cart_empty', '/cart', 'the cart is empty');
        const lines = normaliseLines(items);
        // The variants count as being reserved from here (unless the caller counted them already):
        // another checkout of this process reserving one too makes it hot.
        leave();
        if (!entered || !sameLines(lines, entered))
          leave = this.stockHolds.enter(lines.map((line) => line.variantId));
        // Re-priced here, in the transaction that charges: what the buyer saw is only checked against it.
        const { address, variants, levels, priced, codeProblem, lockedCart } = await this.price(
          tx,
          shopper,
          input,
          items,
          promotionCode,
          held && this.cart.lockedRead(holder),
        );
        if (held && !sameCartContents(lockedCart!, held.cart)) throw new HeldStockStale(held.checkoutId);
        const unavailable = items.filter((item) => !variants.get(item.variantId)?.purchasable);
        if (unavailable.length > 0) {
          const shortages = unavailable.map((item) => ({
            variant_id: item.variantId,
            requested: item.quantity,
            available: 0,
            reason: variants.get(item.variantId)?.unavailableReason ?? 'product_unavailable',
          }));
          throw ordersErrors.error('variant_unavailable', shortageDetail(shortages), shortages);
        }
        if (priced.overBound) {
          const { index, field, message } = priced.overBound;
          throw ValidationFailed.at(`/items/${index}/${field}`, message);
        }
        this.assertShippable(priced);
        // A code that stopped applying is refused rather than charging a different amount silently.
        // A code used up since it went on the cart is the race the limit is for: 409, as when the
        // reservation below finds it full.
        if (codeProblem)
          throw promotionsErrors.error(
            codeProblem.reason === 'promotion_used_up' ? 'promotion_exhausted' : codeProblem.reason,
          );
        // Fails fast, without locks, when stock is visibly short (a sold-out flash sale); held units
        // are already counted out of what is available.
        if (!held) inventory.assertCovered(levels, items);
        const checkoutId = held?.checkoutId ?? newId('chk');
        const paymentId = newId('pay');
        const expiresAt = new Date(Date.now() + this.config.orderTtlSeconds * 1000);
        const newOrders: repo.NewOrder[] = [];
        const orderItems: repo.OrderItemRow[] = [];
        for (const shop of priced.shops) {
          const order: repo.NewOrder = {
            id: newId('ord'),
            checkoutId,
            buyerId,
            guestEmail: guestEmail ?? null,
            orderTokenHash,
            shopId: shop.shopId,
            shopName: shop.shopName,
            currency: this.config.currency,
            subtotalAmount: shop.subtotalMinor,
            shippingTotalAmount: shop.shippingMinor,
            discountTotalAmount: shop.discountMinor,
            taxTotalAmount: shop.taxMinor,
            shippingTaxAmount: shop.shippingTaxMinor,
            totalAmount: shop.totalMinor,
            shippingAddress: address,
            shipping: shop.shipping && {
              option_id: shop.shipping.optionId,
              name: shop.shipping.name,
              amount: shop.shipping.amountMinor,
              min_days: shop.shipping.minDays,
              max_days: shop.shipping.maxDays,
            },
            promotions: shop.promotions.map((promotion) => ({
              id: promotion.id,
              code: promotion.code,
              amount: promotion.amountMinor,
              funded_by: promotion.fundedBy,
              free_shipping: promotion.freeShipping,
            })),
            paymentId,
            expiresAt,
          };
          newOrders.push(order);
          for (const index of shop.lineIndexes) {
            const item = items[index]!;
            const variant = variants.get(item.variantId)!;
            orderItems.push({
              id: newId('oi'),
              orderId: order.id,
              variantId: item.variantId,
              productId: variant.productId,
              title: lineTitle(variant),
              sku: variant.sku,
              quantity: item.quantity,
              unitPriceAmount: variant.priceMinor,
              lineTotalAmount: priced.lineTotalsMinor[index]!,
              taxAmount: priced.lineTaxesMinor[index]!,
              taxRateBps: priced.lineTaxRatesBps[index]!,
              discountAmount: priced.lineDiscountsMinor[index]!,
              restockedQuantity: 0,
              shippedQuantity: 0,
            });
          }
        }
        // The payment is the sum of the orders' totals: the quote's top-level total.
        const totalMinor = priced.totalMinor;
        if (expectedTotalMinor !== undefined && expectedTotalMinor !== totalMinor) {
          throw new PriceChanged(
            money(totalMinor, this.config.currency),
            money(expectedTotalMinor, this.config.currency),
          );
        }
        const { orders: inserted, alongside: payment } = await repo.insertOrders(
          tx,
          newOrders,
          orderItems,
          this.payments.createForCheckout({
            id: paymentId,
            buyerId,
            orderTokenHash,
            amount: totalMinor,
            currency: this.config.currency,
            orderIds: newOrders.map((order) => order.id),
          }),
        );
        const views = inserted.map((order) =>
          presentOrder(
            order,
            orderItems.filter((item) => item.orderId === order.id),
            [],
          ),
        );
        if (orderToken !== undefined)
          await this.guestMail.guestOrdersPlaced(tx, {
            to: guestEmail!,
            name: address.name,
            orders: views,
            orderToken,
          });
        const completion = answer.completion(201, {
          id: checkoutId,
          orders: views,
          payment: presentPayment(payment),
          ...(orderToken !== undefined ? { order_token: orderToken } : {}),
        });
        // The events, the expiry jobs, the emptied cart and the stored answer: one round trip, which
        // also takes the units held for the checkout.
        const writes = [
          ...views.flatMap((view) => [
            eventStatement('order.placed.v1', orderEventData(view, { checkoutId })).statement,
            jobStatement({
              kind: orderJobs.expire,
              runAt: expiresAt,
              payload: { orderId: view.id } satisfies OrderJobPayload,
              dedupeKey: view.id,
            }),
          ]),
          ...this.cart.emptyStatements(cartId),
          ...completion.statements,
        ];
        const body = completion.text;
        // Reserving last holds the hot rows' locks only for these statements and the commit: a
        // sale's stock, then the promotions' counts (an automatic promotion's row is in every
        // checkout it applies to). Stock before promotions, as cancelling releases them, so two
        // transactions never wait on each other's. A shortage, or a limit reached (409
        // promotion_exhausted; one use per checkout, not per order), rolls every write above back.
        // A guest is one customer per email address (case-insensitive) for per-customer limits.
        if (held) await takeHolds(tx, checkoutId, held.lines, writes);
        else {
          await tx.execute(allAtOnce(writes), { prepareShapesAs: 'orders_checkout_writes' });
          await inventory.reserve(tx, items, checkoutId);
        }
        await this.promotions.reserve(
          tx,
          checkoutId,
          buyerId ?? `email:${guestEmail!.toLowerCase()}`,
          priced.promotions.map((promotion) => promotion.id),
        );
        return body;
      });
    } finally {
      leave();
    }
  }

  /** An order, to its buyer, a seller of its shop, an admin, or the holder of its checkout's order token. */
  async get(access: Caller | OrderAccess, id: string): Promise<OrderView> {
    const order = await repo.findOrder(this.db, id);
    if (!order || !this.viewerOf(asOrderAccess(access), order)) throw ordersErrors.error('order_not_found');
    return (await this.present(this.db, [order]))[0]!;
  }

  /** Orders as the API shows them, with their items, refunds and parcels. */
  private async present(db: Queryable, orders: readonly repo.OrderRow[]): Promise<OrderView[]> {
    const ids = orders.map((order) => order.id);
    const items = await repo.findItems(db, ids);
    const refunds = await this.payments.refundsOf(db, ids);
    const reviewIds = await this.reviews.reviewIds(
      db,
      items.map((item) => item.id),
    );
    // Only an order that was paid can have parcels.
    const shipments = await repo.findShipments(
      db,
      orders.filter((order) => order.paidAt).map((order) => order.id),
    );
    return orders.map((order) =>
      presentOrder(
        order,
        items.filter((item) => item.orderId === order.id),
        refunds.get(order.id) ?? [],
        reviewIds,
        shipments.filter((shipment) => shipment.orderId === order.id),
      ),
    );
  }

  async list(
    caller: Caller,
    scope: 'buyer' | 'shop',
    query: { limit: number; cursor?: string | undefined; status?: OrderStatus | undefined },
  ) {
    const owner = scope === 'buyer' ? { buyerId: caller.id } : { shopId: caller.shop!.id };
    return this.listWhere({ ...owner, status: query.status }, query);
  }

  /** Every order of the marketplace, for admins: `?status=&shop=&buyer=&from=&to=`. */
  async listAll(query: {
    status?: OrderStatus | undefined;
    shop?: string | undefined;
    buyer?: string | undefined;
    from?: string | undefined;
    to?: string | undefined;
    limit: number;
    cursor?: string | undefined;
  }) {
    return this.listWhere(
      {
        shopId: query.shop,
        buyerId: query.buyer,
        status: query.status,
        ...orderedPeriodOf(query, () =>
          ordersErrors.invalidAt('period_invalid', '/query/to', 'the period ends before it starts'),
        ),
      },
      query,
    );
  }

  private async listWhere(
    filter: Omit<repo.OrderListFilter, 'after' | 'limit'>,
    page: { limit: number; cursor?: string | undefined },
  ) {
    const after = decodeCursor(page.cursor, OrderCursor);
    const rows = await repo.listOrders(this.db, { ...filter, after, limit: page.limit });
    const views = new Map(
      (await this.present(this.db, rows.slice(0, page.limit))).map((view) => [view.id, view]),
    );
    return paginate(
      rows,
      page.limit,
      (row) => views.get(row.id)!,
      (row) => ({ createdAt: row.createdKey, id: row.id }),
    );
  }

  /**
   * A buyer cancels an order. Unpaid: its stock is released and its total leaves the payment.
   * Paid (not yet shipped): its stock is released and what was not refunded yet is refunded.
   * Partly shipped: the units not shipped are cancelled (released, taken out of the order) and their
   * price refunded, and the order is shipped.
   */
  cancel(access: Caller | OrderAccess, id: string): Promise<OrderView> {
    return this.change(asOrderAccess(access), id, 'buyer', 'cancel', async (tx, order, items) => {
      const unshipped = unshippedLines(items);
      await inventory.release(tx, unshipped, order.id);
      if (order.status === 'partially_shipped') {
        const left = items.filter((item) => unitsLeft(item) > 0);
        const taken = left.map((item) => ({ itemId: item.id, quantity: unitsLeft(item) }));
        if ((await repo.addRestocked(tx, order.id, taken)) !== taken.length)
          throw new Error(`cancelling the rest of order ${order.id} changed fewer items than asked`);
        const value = left.reduce((sum, item) => sum + item.unitPriceAmount * unitsLeft(item), 0);
        const amount = Math.min(value, refundableOf(order));
        if (amount > 0)
          await this.applyRefund(tx, order, amount, 'the buyer cancelled the units not shipped', false);
        await this.scheduleAutoDelivery(tx, order.id, order.lastShippedAt ?? new Date());
        return { stamp: 'shipped_at', events: ['order.shipped.v1'] };
      }
      await this.givePromotionUsesBack(tx, order.checkoutId, order.id);
      if (order.status !== 'paid') {
        await this.payments.orderCancelled(tx, order.paymentId, order.id, order.totalAmount);
        return { stamp: 'cancelled_at', events: ['order.cancelled.v1'] };
      }
      const remaining = refundableOf(order);
      if (remaining > 0) await this.applyRefund(tx, order, remaining, 'the buyer cancelled the order', false);
      return { stamp: 'cancelled_at', events: ['order.cancelled.v1', 'order.refunded.v1'] };
    });
  }

  /** Ships everything left in one parcel (`POST /v1/orders/{id}/ship`). */
  ship(caller: Caller, id: string, parcel: { carrier: string; trackingNumber: string }): Promise<OrderView> {
    return this.shipParcel(caller, id, parcel).then(({ order }) => order);
  }

  /** Ships some units, or everything left, in one parcel. */
  async createShipment(caller: Caller, id: string, input: ShipmentInput): Promise<ShipmentView> {
    return (await this.shipParcel(caller, id, input)).shipment;
  }

  /**
   * One parcel leaves: its units leave the stock on hand (their reservation with them), and the
   * order is partially_shipped, or shipped when nothing is left (auto-delivery counting from now).
   * The order is held for the whole use case, and each item's shipped count only rises by a
   * conditional update, so a racing refund or parcel never lets more ship than is left.
   */
  private async shipParcel(
    caller: Caller,
    id: string,
    input: ShipmentInput,
  ): Promise<{ order: OrderView; shipment: ShipmentView }> {
    let shipped: repo.ShipmentRow | undefined;
    const choose = (items: readonly repo.OrderItemRow[]) => this.parcelLines(items, input.items);
    const order = await this.change(
      asOrderAccess(caller),
      id,
      'seller',
      (_order, items) => {
        const lines = choose(items);
        const left = items.reduce((sum, item) => sum + unitsLeft(item), 0);
        return left - lines.reduce((sum, line) => sum + line.quantity, 0) > 0 ? 'ship_part' : 'ship';
      },
      async (tx, order, items, to) => {
        const lines = choose(items);
        if (lines.length > 0) {
          if ((await repo.addShipped(tx, order.id, lines)) !== lines.length)
            throw ordersErrors.invalidAt('shipment_exceeds_remaining', '/items', 'more than is left to ship');
          const variantOf = new Map(items.map((item) => [item.id, item.variantId]));
          await inventory.commit(
            tx,
            lines.map((line) => ({ variantId: variantOf.get(line.itemId)!, quantity: line.quantity })),
            order.id,
          );
        }
        shipped = await repo.insertShipment(tx, {
          id: newId('shp'),
          orderId: order.id,
          carrier: input.carrier,
          trackingNumber: input.trackingNumber,
          items: lines.map((line) => ({ order_item_id: line.itemId, quantity: line.quantity })),
        });
        await appendAudit(tx, {
          action: `order.${to}`,
          target: { type: 'order', id: order.id },
          shopId: order.shopId,
          changes: { status: [order.status, to], shipment: [null, presentShipment(shipped)] },
        });
        await appendEvent(tx, 'shipment.created.v1', {
          ...presentShipment(shipped),
          order_id: order.id,
          order_number: String(order.number),
          buyer_id: order.buyerId ?? guestBuyerId(order.checkoutId),
          shop_id: order.shopId,
        });
        const parcel = { carrier: input.carrier, trackingNumber: input.trackingNumber };
        if (to === 'partially_shipped') return { events: ['order.partially_shipped.v1'], shipment: parcel };
        await this.scheduleAutoDelivery(tx, order.id, new Date());
        return { stamp: 'shipped_at', events: ['order.shipped.v1'], shipment: parcel };
      },
    );
    return { order, shipment: presentShipment(shipped!) };
  }

  /** The lines of a parcel: those asked for (each within what its item has left), or everything left. */
  private parcelLines(
    items: readonly repo.OrderItemRow[],
    wanted: ShipmentInput['items'],
  ): { itemId: string; quantity: number }[] {
    if (!wanted) {
      return items
        .map((item) => ({ itemId: item.id, quantity: unitsLeft(item) }))
        .filter((line) => line.quantity > 0);
    }
    const byId = new Map(items.map((item) => [item.id, item]));
    const quantities = new Map<string, number>();
    for (const [index, line] of wanted.entries()) {
      const item = byId.get(line.orderItemId);
      if (!item)
        throw ordersErrors.invalidAt(
          'shipment_item_unknown',
          `/items/${index}/order_item_id`,
          'not an item of this order',
        );
      const quantity = (quantities.get(item.id) ?? 0) + line.quantity;
      if (quantity > unitsLeft(item))
        throw ordersErrors.invalidAt(
          'shipment_exceeds_remaining',
          `/items/${index}/quantity`,
          `at most ${unitsLeft(item)} of this item is left to ship`,
        );
      quantities.set(item.id, quantity);
    }
    return [...quantities].map(([itemId, quantity]) => ({ itemId, quantity }));
  }

  /** Auto-delivery counts from the last parcel. */
  private async scheduleAutoDelivery(tx: Queryable, orderId: string, lastShippedAt: Date): Promise<void> {
    await scheduleJob(tx, {
      kind: orderJobs.autoDeliver,
      runAt: new Date(lastShippedAt.getTime() + this.config.autoDeliverSeconds * 1000),
      payload: { orderId } satisfies OrderJobPayload,
      dedupeKey: orderId,
    });
  }

  /** The buyer confirms delivery: the seller's proceeds become available in the same transaction. */
  confirmDelivery(caller: Caller, id: string): Promise<OrderView> {
    return this.change(asOrderAccess(caller), id, 'buyer', 'deliver', async (tx, order) => {
      await this.ledger.orderDelivered(tx, {
        orderId: order.id,
        shopId: order.shopId,
        currency: order.currency,
      });
      return { stamp: 'delivered_at', events: ['order.delivered.v1'] };
    });
  }

  /**
   * A seller of the order's shop, or an admin, refunds part or all of a paid order, never more than
   * was paid and not yet refunded (the order is held for the whole use case, so concurrent refunds
   * queue). Refunds reaching the total make the order `refunded`.
   */
  async refund(caller: Caller, id: string, input: RefundInput, answer: IdempotentAnswer): Promise<string> {
    return this.db.transaction(async (tx) => {
      const order = await repo.findOrder(tx, id, true);
      const viewer = order && this.viewerOf(asOrderAccess(caller), order);
      if (!order || !viewer) throw ordersErrors.error('order_not_found');
      if (viewer === 'buyer')
        throw ordersErrors.error(
          'not_order_seller',
          "Only a seller of the order's shop or an admin may refund it.",
        );
      const refund = await this.refundHeld(tx, order, input);
      await appendAudit(tx, {
        action: 'refund.created',
        target: { type: 'refund', id: refund.id },
        shopId: order.shopId,
        changes: changesBetween(null, refund, ['order_id', 'amount', 'reason', 'status']),
      });
      return answer.complete(tx, 201, refund);
    });
  }

  /**
   * A return's refund (the returns module), in its transaction: the same use case as a seller's
   * refund, bounds and all. The order is held until the transaction ends.
   */
  async refundForReturn(
    tx: Queryable,
    orderId: string,
    input: RefundInput & { fundedBy: RefundFunder },
  ): Promise<RefundView> {
    const order = await repo.findOrder(tx, orderId, true);
    if (!order) throw ordersErrors.error('order_not_found');
    return this.refundHeld(tx, order, input);
  }

  /**
   * What can still be refunded of an order: the one bound every refund is checked against. Refunds
   * and card disputes (open or lost) together never take back more than was captured.
   */
  private refundableAmount(order: repo.OrderRow): number {
    return order.totalAmount - order.refundedAmount - order.disputedAmount;
  }

  /**
   * Refunds part or all of a paid order the caller holds, never more than is refundable, taking
   * back the units asked for; refunds reaching the total make the order `refunded`.
   */
  private async refundHeld(
    tx: Queryable,
    order: repo.OrderRow,
    input: RefundInput & { fundedBy?: RefundFunder },
  ): Promise<RefundView> {
    // Never paid: nothing to give back. Paid and since refunded or cancelled: the bound below says so.
    if (!order.paidAt)
      throw ordersErrors.error(
        'order_not_paid',
        `An order that is ${order.status} and was never paid cannot be refunded.`,
      );
    const refundable = this.refundableAmount(order);
    if (input.amount > refundable) {
      const disputed = order.disputedAmount > 0 ? ` (${order.disputedAmount} is under a card dispute)` : '';
      throw ordersErrors.invalidAt(
        'refund_exceeds_remaining',
        '/amount/amount',
        `at most ${refundable} of this order can still be refunded${disputed}`,
      );
    }
    await this.takeBack(tx, order, await repo.findItems(tx, [order.id]), input.restockItems);
    const completes = statusesAllowing('refund_in_full').includes(order.status);
    const { refunded, refund } = await this.applyRefund(
      tx,
      order,
      input.amount,
      input.reason,
      completes,
      input.fundedBy,
    );
    if (refunded.status === 'refunded') {
      // Refunded in full before everything shipped: nothing more will ship, so every unit still
      // reserved goes back.
      await inventory.release(tx, unshippedLines(await repo.findItems(tx, [order.id])), order.id);
      await appendEvent(tx, 'order.refunded.v1', await this.eventData(tx, refunded));
    }
    return refund;
  }

  /**
   * An order as a return sees it: who takes part, when it shipped and was delivered, what is still
   * refundable, and per item the units the buyer received and kept (shipped, less those taken back
   * by refunds) and what the buyer paid for the line. With `lock`, the order is held until the
   * transaction ends, so returns and refunds of it queue.
   */
  async orderForReturn(db: Queryable, orderId: string, lock = false): Promise<ReturnableOrder | undefined> {
    const order = await repo.findOrder(db, orderId, lock);
    if (!order) return undefined;
    const items = await repo.findItems(db, [order.id]);
    const { pricesIncludeTax } = this.config;
    return {
      id: order.id,
      number: String(order.number),
      buyerId: order.buyerId,
      shopId: order.shopId,
      status: order.status,
      currency: order.currency,
      shippedAt: order.shippedAt,
      deliveredAt: order.deliveredAt,
      refundableAmount: this.refundableAmount(order),
      shippingPaidAmount: shippingPaidMinor({
        shippingMinor: order.shippingTotalAmount,
        shippingTaxMinor: order.shippingTaxAmount,
        waivedShippingMinor: order.promotions
          .filter((promotion) => promotion.free_shipping)
          .reduce((sum, promotion) => sum + promotion.amount, 0),
      }),
      items: items.map((item) => ({
        id: item.id,
        title: item.title,
        quantity: item.quantity,
        keptQuantity: Math.max(0, Math.min(item.shippedQuantity, item.quantity - item.restockedQuantity)),
        paidAmount: linePaidMinor(
          {
            lineTotalMinor: item.lineTotalAmount,
            discountMinor: item.discountAmount,
            taxMinor: item.taxAmount,
          },
          pricesIncludeTax,
        ),
      })),
    };
  }

  /**
   * Units a refund takes back: units not shipped yet go first, their reservation released (they
   * leave the shipment); shipped ones are back on the shelf. Never more than an item has.
   */
  private async takeBack(
    tx: Queryable,
    order: repo.OrderRow,
    items: readonly repo.OrderItemRow[],
    lines: RefundInput['restockItems'],
  ): Promise<void> {
    if (lines.length === 0) return;
    const byId = new Map(items.map((item) => [item.id, item]));
    const wanted = new Map<string, number>();
    for (const [index, line] of lines.entries()) {
      const item = byId.get(line.orderItemId);
      if (!item)
        throw ordersErrors.invalidAt(
          'restock_item_unknown',
          `/restock_items/${index}/order_item_id`,
          'not an item of this order',
        );
      const quantity = (wanted.get(item.id) ?? 0) + line.quantity;
      if (item.restockedQuantity + quantity > item.quantity) {
        throw ordersErrors.invalidAt(
          'restock_quantity_exceeded',
          `/restock_items/${index}/quantity`,
          `at most ${item.quantity - item.restockedQuantity} of this item can come back`,
        );
      }
      wanted.set(item.id, quantity);
    }
    const taken = [...wanted].map(([itemId, quantity]) => ({ itemId, quantity }));
    if ((await repo.addRestocked(tx, order.id, taken)) !== taken.length) {
      throw new Error(`restocking order ${order.id} changed fewer items than asked`);
    }
    // Until the order is shipped, units not shipped yet are still reserved for it.
    const shipping = order.status === 'paid' || order.status === 'partially_shipped';
    const released = [];
    const restocked = [];
    for (const { itemId, quantity } of taken) {
      const item = byId.get(itemId)!;
      const fromReserved = shipping ? Math.min(quantity, unitsLeft(item)) : 0;
      released.push({ variantId: item.variantId, quantity: fromReserved });
      restocked.push({ variantId: item.variantId, quantity: quantity - fromReserved });
    }
    const some = (lines: { variantId: string; quantity: number }[]) =>
      lines.filter((line) => line.quantity > 0);
    if (some(released).length > 0) await inventory.release(tx, some(released), order.id);
    if (some(restocked).length > 0) await inventory.restock(tx, some(restocked), order.id);
  }

  /** Raises the order's refunded amount and records the refund (ledger, provider job, event). */
  private async applyRefund(
    tx: Queryable,
    order: repo.OrderRow,
    amount: number,
    reason: string,
    completes: boolean,
    fundedBy?: RefundFunder,
  ): Promise<{ refunded: repo.OrderRow; refund: RefundView }> {
    const refunded = await repo.addRefunded(tx, order.id, amount, completes);
    if (!refunded)
      throw ordersErrors.invalidAt(
        'refund_exceeds_remaining',
        '/amount/amount',
        'more than the order has left to refund',
      );
    const refund = await this.payments.recordRefund(tx, {
      order: moneyOf(order),
      amount,
      refundedBefore: order.refundedAmount,
      reason,
      fundedBy,
    });
    return { refunded, refund };
  }

  /** Job: an order still unpaid at its expiry is cancelled and its stock released, exactly once. */
  async expire(orderId: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const [order] = await repo.transitionOrders(tx, [orderId], {
        from: statusesAllowing('expire'),
        to: 'cancelled',
        stamp: 'cancelled_at',
        expired: true,
        dueBefore: 'expires_at',
      });
      if (!order) return false;
      const items = await repo.findItems(tx, [order.id]);
      await inventory.release(tx, unshippedLines(items), order.id);
      await this.payments.orderCancelled(tx, order.paymentId, order.id, order.totalAmount);
      await this.givePromotionUsesBack(tx, order.checkoutId, order.id);
      await appendEvent(tx, 'order.expired.v1', await this.eventData(tx, order));
      return true;
    });
  }

  /** Job: a shipped order the buyer never confirmed is delivered automatically, proceeds and all. */
  async autoDeliver(orderId: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const [order] = await repo.transitionOrders(tx, [orderId], {
        from: ['shipped'],
        to: 'delivered',
        stamp: 'delivered_at',
      });
      if (!order) return false;
      await this.ledger.orderDelivered(tx, {
        orderId: order.id,
        shopId: order.shopId,
        currency: order.currency,
      });
      await appendEvent(tx, 'order.delivered.v1', await this.eventData(tx, order));
      return true;
    });
  }

  /** An order's event data (see orderEventData). */
  private async eventData(db: Queryable, order: repo.OrderRow) {
    return orderEventData((await this.present(db, [order]))[0]!, order);
  }

  /** How the access may see the order; an order token is its guest buyer's, for its checkout only. */
  private viewerOf(access: OrderAccess, order: repo.OrderRow): Viewer | undefined {
    const { caller } = access;
    if (caller && order.buyerId === caller.id) return 'buyer';
    if (holdsOrderToken(access, order.orderTokenHash)) return 'buyer';
    if (caller?.shop?.id === order.shopId) return 'seller';
    if (caller?.roles.includes('admin')) return 'admin';
    return undefined;
  }

  /**
   * Applies one lifecycle event for an authorised caller: 404 for who may not read the order,
   * 403 for who may read but not act, 409 for a status the event cannot leave.
   */
  private change(
    access: OrderAccess,
    id: string,
    actor: 'buyer' | 'seller',
    event: OrderEvent | ((order: repo.OrderRow, items: readonly repo.OrderItemRow[]) => OrderEvent),
    effects: Effects,
  ): Promise<OrderView> {
    return this.db.transaction(async (tx) => {
      const order = await repo.findOrder(tx, id, true);
      const viewer = order && this.viewerOf(access, order);
      if (!order || !viewer) throw ordersErrors.error('order_not_found');
      if (viewer !== actor)
        throw ordersErrors.error(
          actor === 'buyer' ? 'not_order_buyer' : 'not_order_seller',
          `Only the order's ${actor} may do this.`,
        );
      const items = await repo.findItems(tx, [order.id]);
      const to = nextOrderStatus(order.status, typeof event === 'function' ? event(order, items) : event);
      const outcome = await effects(tx, order, items, to);
      const [changed] = await repo.transitionOrders(tx, [order.id], {
        from: [order.status],
        to,
        ...(outcome.stamp ? { stamp: outcome.stamp } : {}),
        ...(outcome.shipment ? { shipment: outcome.shipment } : {}),
      });
      const view = (await this.present(tx, [changed!]))[0]!;
      for (const type of outcome.events) await appendEvent(tx, type, orderEventData(view, changed!));
      return view;
    });
  }

  /**
   * A checkout's promotion uses come back when its last live order is cancelled or expires (the
   * order `cancelling` counts as gone: its own transition commits with this). Exactly once: the
   * promotions module releases a checkout's uses with one conditional update.
   */
  private async givePromotionUsesBack(tx: Queryable, checkoutId: string, cancelling: string): Promise<void> {
    if (await repo.checkoutHasLiveOrders(tx, checkoutId, cancelling)) return;
    await this.promotions.release(tx, checkoutId);
  }

  /** How many orders are in each status, for /metrics. */
  /** Where each order was taxed and on what net amount: for the tax report. */
  taxBases(db: Queryable, orderIds: readonly string[]) {
    return repo.findTaxBases(db, orderIds, this.config.pricesIncludeTax);
  }

  /**
   * A user proved `email`: the guest orders placed with it become theirs (and so their payments),
   * in the caller's transaction. Idempotent.
   */
  async claimGuestOrders(tx: Queryable, userId: string, email: string): Promise<void> {
    const paymentIds = await repo.claimGuestOrders(tx, userId, email);
    if (paymentIds.length > 0) await this.payments.assignBuyer(tx, paymentIds, userId);
  }

  /** Each order's number, buyer and shop: who an order's notices go to. */
  async orderParties(db: Queryable, orderIds: readonly string[]) {
    return (await repo.findOrders(db, orderIds)).map((order) => ({
      orderId: order.id,
      number: String(order.number),
      buyerId: order.buyerId ?? guestBuyerId(order.checkoutId),
      /** Where a guest's notices go while the order has no buyer. */
      guestEmail: order.buyerId === null ? order.guestEmail : null,
      shopId: order.shopId,
      shopName: order.shopName,
    }));
  }

  /** The titles of order items, by item id: what a parcel's notice lists. */
  async itemTitles(db: Queryable, orderId: string): Promise<Map<string, string>> {
    return new Map((await repo.findItems(db, [orderId])).map((item) => [item.id, item.title]));
  }

  /**
   * A card dispute over a payment's orders: they are held for the caller's transaction (refunds of
   * them queue behind it), each with what is left to take back of it.
   */
  async holdForDispute(tx: Queryable, orderIds: readonly string[]): Promise<DisputableOrder[]> {
    return (await repo.lockOrders(tx, orderIds)).map((order) => ({
      orderId: order.id,
      shopId: order.shopId,
      currency: order.currency,
      refundable: order.paidAt ? refundableOf(order) : 0,
    }));
  }

  /** What a dispute holds of an order rises (opened) or falls (won) by `delta`, within the order's total. */
  async changeDisputed(tx: Queryable, orderId: string, delta: number): Promise<void> {
    if (delta === 0) return;
    if (!(await repo.addDisputed(tx, orderId, delta)))
      throw new Error(`order ${orderId} cannot have its disputed amount moved by ${delta}`);
  }

  /** Orders of the shop still under way (a shop closes only without them). */
  openOrderCount(db: Queryable, shopId: string): Promise<number> {
    return repo.countOpenOrdersOfShop(db, shopId);
  }

  countByStatus(): Promise<{ status: OrderStatus; count: number }[]> {
    return repo.countOrdersByStatus(this.db);
  }
}
