import type { Queryable } from '../../platform/db.js';
import type { DomainEvent } from '../../platform/outbox.js';

/** What telling an event's shops needs of other modules: the shop of products and of orders. */
export interface ShopDirectory {
  productShops(db: Queryable, productIds: readonly string[]): Promise<Map<string, string>>;
  orderShops(db: Queryable, orderIds: readonly string[]): Promise<Map<string, string>>;
}

type Data = Record<string, unknown>;
/** The shops an event is about, each with the data its endpoints receive. */
export type ShopViews = Map<string, unknown>;

const asData = (value: unknown): Data => (value && typeof value === 'object' ? (value as Data) : {});
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const one = (shopId: string | undefined, data: Data): ShopViews =>
  shopId ? new Map([[shopId, data]]) : new Map();

type ScopeRule = (data: Data, db: Queryable, shops: ShopDirectory) => ShopViews | Promise<ShopViews>;

/**
 * Which shops' endpoints receive an event, by the event's entity. An entity missing here (users,
 * payments, categories) is the marketplace's alone: a payment may pay several shops' orders, so it
 * goes to no shop. An order event is one order's, so one shop's (a multi-shop checkout appends one
 * per order); a dispute may span several shops' orders, and each shop receives only its part.
 */
const SCOPE_RULES: Readonly<Record<string, ScopeRule>> = {
  order: (data) => one(text(asData(data.shop).id), data),
  product: (data) => one(text(asData(data.shop).id), data),
  shop: (data) => one(text(data.id), data),
  shipment: (data) => one(text(data.shop_id), data),
  return: (data) => one(text(data.shop_id), data),
  payout: (data) => one(text(data.shop_id), data),
  webhook_endpoint: (data) => one(text(data.shop_id), data),
  dispute: (data) => {
    const views: ShopViews = new Map();
    for (const part of Array.isArray(data.shops) ? data.shops.map(asData) : []) {
      const shopId = text(part.shop_id);
      if (shopId)
        views.set(shopId, { ...data, order_ids: part.order_ids, amount: part.amount, shops: [part] });
    }
    return views;
  },
  review: async (data, db, shops) => {
    const productId = text(data.product_id);
    return productId ? one((await shops.productShops(db, [productId])).get(productId), data) : new Map();
  },
  refund: async (data, db, shops) => {
    const orderId = text(data.order_id);
    return orderId ? one((await shops.orderShops(db, [orderId])).get(orderId), data) : new Map();
  },
};

/** `order` of `order.placed.v1`. */
export const entityTypeOf = (type: string): string => type.slice(0, type.indexOf('.'));

/** The entity an event is about (`order:ord_…`): its deliveries to one endpoint go out in order. */
export function entityOf(event: DomainEvent): string | null {
  const id = text(asData(event.data).id);
  return id ? `${entityTypeOf(event.type)}:${id}` : null;
}

/** The shops whose endpoints receive the event, and what each receives. */
export async function shopViewsOf(
  event: DomainEvent,
  db: Queryable,
  shops: ShopDirectory,
): Promise<ShopViews> {
  const rule = SCOPE_RULES[entityTypeOf(event.type)];
  return rule ? rule(asData(event.data), db, shops) : new Map();
}
