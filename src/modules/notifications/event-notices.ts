import type { Queryable } from '../../platform/db.js';
import type { CataloguedEventType, DomainEventCatalog } from '../../platform/events.js';
import { formatMoney } from '../../platform/money.js';
import type { MessageContent } from './email-content.js';
import type { EmailGroup } from './notifications.repo.js';
import { returnNoticeRules } from './return-notices.js';

/** Who takes part in orders and shops, as the notifications need to address them. */
export interface NotificationDirectory {
  /** Each order's number, buyer and shop. */
  orderParties(
    db: Queryable,
    orderIds: readonly string[],
  ): Promise<
    {
      orderId: string;
      number: string;
      buyerId: string;
      shopId: string;
      shopName: string;
      /** A guest's order (no user has it yet): where its notices go. */
      guestEmail: string | null;
    }[]
  >;
  /** The titles of an order's items, by item id. */
  itemTitles(db: Queryable, orderId: string): Promise<Map<string, string>>;
  /** The owner of each shop, by shop id. */
  shopOwners(db: Queryable, shopIds: readonly string[]): Promise<Map<string, string>>;
  /** The shop of each product, by product id. */
  productShops(db: Queryable, productIds: readonly string[]): Promise<Map<string, string>>;
}

/** Email groups a user may switch off, and security notices, which always go. */
export type NoticeGroup = EmailGroup | 'security';

/** One message to one user about one event: an in-app notification and, unless switched off, an email. */
export interface Notice {
  userId: string;
  /** Names the message; with the event and the user it keys it, so a redelivered event adds nothing. */
  template: string;
  group: NoticeGroup;
  content: MessageContent;
  /** The web app's page about it (a path). */
  link: string;
  /** The address when it is not the user's current one (the old address after a change). */
  to?: string;
  /**
   * A guest's order (no user has it): its email goes here when no user answers to `userId`, with
   * no in-app notification.
   */
  guest?: { email: string; name: string };
}

/** How a guest is greeted when the event does not say the name. */
const GUEST_NAME = 'there';

const guestOf = (email: string | null | undefined, name = GUEST_NAME) =>
  email ? { guest: { email, name } } : {};

export interface NoticeContext {
  db: Queryable;
  directory: NotificationDirectory;
  /** The web app's absolute URL of a path. */
  url(path: string): string;
  marketplaceName: string;
}

type NoticeRule<Type extends CataloguedEventType> = (
  data: DomainEventCatalog[Type],
  context: NoticeContext,
) => Promise<Notice[]>;

type Money = { amount: number; currency: string };
const money = (value: Money) => formatMoney(value.amount, value.currency);

type OrderData = DomainEventCatalog['order.placed.v1'];
/** What an order's message shows of it. */
type ShownOrder = Pick<OrderData, 'id' | 'items' | 'total'>;

const itemRows = (order: ShownOrder): [string, string][] =>
  order.items.map((item) => [`${item.quantity} × ${item.title}`, money(item.line_total)]);

function orderContent(
  order: ShownOrder,
  context: Pick<NoticeContext, 'url'>,
  content: Omit<MessageContent, 'action' | 'rows'>,
  withItems = true,
  /** The order page's path and query (a guest's link carries its order token). */
  page = `/orders/${order.id}`,
): MessageContent {
  return {
    ...content,
    ...(withItems ? { rows: [...itemRows(order), ['Total', money(order.total)]] } : {}),
    action: { label: 'View the order', url: context.url(page) },
  };
}

type PlacedOrder = ShownOrder & Pick<OrderData, 'number' | 'shop'>;

/** The news of an order placed, to its buyer, signed in or a guest. */
const orderPlacedText = (order: PlacedOrder) => ({
  title: `Order ${order.number} placed`,
  summary: `Thank you: ${order.shop.name} has your order ${order.number} for ${money(order.total)}. It ships once it is paid.`,
});

/**
 * What a guest is mailed for each order its checkout placed: the link opens the order with the
 * checkout's order token, and the guest is asked to make an account (its orders follow it there
 * once the address is verified).
 */
export function guestOrderPlacedContent(
  order: PlacedOrder,
  orderToken: string,
  context: Pick<NoticeContext, 'url'>,
): MessageContent {
  return orderContent(
    order,
    context,
    {
      ...orderPlacedText(order),
      details: [
        'Keep this email: its link opens your order. Create an account with this email address and verify it to see all your orders in one place.',
      ],
    },
    true,
    `/orders/${order.id}?order_token=${encodeURIComponent(orderToken)}`,
  );
}

function toBuyer(order: OrderData, template: string, content: MessageContent): Notice {
  return {
    userId: order.buyer_id,
    template,
    group: 'orders',
    content,
    link: `/orders/${order.id}`,
    ...guestOf(order.guest_email, order.shipping_address.name),
  };
}

async function toSeller(
  order: OrderData,
  context: NoticeContext,
  template: string,
  content: MessageContent,
): Promise<Notice[]> {
  const owner = (await context.directory.shopOwners(context.db, [order.shop.id])).get(order.shop.id);
  if (owner === undefined) return [];
  const link = `/seller/orders/${order.id}`;
  return [
    {
      userId: owner,
      template,
      group: 'shop',
      content: { ...content, action: { label: 'Open the order', url: context.url(link) } },
      link,
    },
  ];
}

function securityNotice(
  user: { id: string; email: string },
  template: string,
  title: string,
  summary: string,
  context: NoticeContext,
  to?: string,
): Notice {
  return {
    userId: user.id,
    template,
    group: 'security',
    content: {
      title,
      summary,
      details: [
        'If this was you, there is nothing to do. If it was not, reset your password at once and write to us.',
      ],
      action: { label: 'Reset the password', url: context.url('/forgot-password') },
    },
    link: '/account',
    ...(to !== undefined ? { to } : {}),
  };
}

/** A payout's news, to the owner of the shop it pays. */
async function payoutNotice(
  payout: DomainEventCatalog['payout.paid.v1'],
  context: NoticeContext,
  template: string,
  content: Omit<MessageContent, 'action'>,
): Promise<Notice[]> {
  const owner = (await context.directory.shopOwners(context.db, [payout.shop_id])).get(payout.shop_id);
  if (owner === undefined) return [];
  const link = '/seller/payouts';
  return [
    {
      userId: owner,
      template,
      group: 'payouts',
      content: { ...content, action: { label: 'See your payouts', url: context.url(link) } },
      link,
    },
  ];
}

/**
 * An endpoint disabled after failing for 24 h, to its owner: the shop's owner for a shop's, the
 * admin who made it for the marketplace's. Group `shop`: it is about the integration, not security.
 */
async function webhookEndpointDisabled(
  endpoint: DomainEventCatalog['webhook_endpoint.disabled.v1'],
  context: NoticeContext,
): Promise<Notice[]> {
  const owner =
    endpoint.shop_id === null
      ? endpoint.created_by
      : (await context.directory.shopOwners(context.db, [endpoint.shop_id])).get(endpoint.shop_id);
  if (owner === undefined) return [];
  const link = endpoint.shop_id === null ? '/admin/webhooks' : '/seller/webhooks';
  return [
    {
      userId: owner,
      template: 'webhook_endpoint_disabled',
      group: 'shop',
      content: {
        title: 'A webhook endpoint was disabled',
        summary: `Every delivery to ${endpoint.url} failed for 24 hours, so it is disabled and receives nothing. Fix the receiver, then enable it again: the deliveries that waited are sent then.`,
        action: { label: 'Open your webhooks', url: context.url(link) },
      },
      link,
    },
  ];
}

/** An admin's decision about a shop, to its owner. */
function shopNotice(
  shop: DomainEventCatalog['shop.approved.v1'],
  context: NoticeContext,
  template: string,
  content: Omit<MessageContent, 'action'>,
): Notice {
  const link = '/seller/shop';
  return {
    userId: shop.owner_id,
    template,
    group: 'shop',
    content: { ...content, action: { label: 'Open your shop settings', url: context.url(link) } },
    link,
  };
}

type DisputeData = DomainEventCatalog['dispute.opened.v1'];

const dayOf = (iso: string) => iso.slice(0, 10);

/** A dispute's news to the owner of each shop it touches, about that shop's part of it. */
async function disputeNotices(
  dispute: DisputeData,
  context: NoticeContext,
  template: string,
  contentOf: (part: DisputeData['shops'][number], numbers: string) => Omit<MessageContent, 'action'>,
): Promise<Notice[]> {
  const shopIds = dispute.shops.map((part) => part.shop_id);
  const [owners, parties] = await Promise.all([
    context.directory.shopOwners(context.db, shopIds),
    context.directory.orderParties(context.db, dispute.order_ids),
  ]);
  const link = '/seller/disputes';
  return dispute.shops.flatMap((part) => {
    const owner = owners.get(part.shop_id);
    if (owner === undefined) return [];
    const numbers = parties
      .filter((order) => part.order_ids.includes(order.orderId))
      .map((order) => order.number)
      .join(', ');
    return [
      {
        userId: owner,
        template,
        group: 'shop' as const,
        content: {
          ...contentOf(part, numbers),
          action: { label: 'Open your disputes', url: context.url(link) },
        },
        link,
      },
    ];
  });
}

/**
 * Which events make which notices, for whom. Each rule reads only what the event says and who
 * takes part (the directory); every notice it makes is keyed by (event, user, template).
 */
export const noticeRules: { [Type in CataloguedEventType]?: NoticeRule<Type> } = {
  ...returnNoticeRules,
  // A guest is mailed by the checkout itself: its link carries the order token, never in an event.
  'order.placed.v1': async (order, context) =>
    order.guest_email
      ? []
      : [toBuyer(order, 'order_placed', orderContent(order, context, orderPlacedText(order)))],
  'order.paid.v1': async (order, context) =>
    toSeller(
      order,
      context,
      'order_paid_seller',
      orderContent(order, context, {
        title: `New paid order ${order.number}`,
        summary: `Order ${order.number} for ${money(order.total)} is paid and ready to ship.`,
      }),
    ),
  // One notice per parcel, with what is in it: an order shipped in two boxes tells of both.
  'shipment.created.v1': async (shipment, context) => {
    const [order] = await context.directory.orderParties(context.db, [shipment.order_id]);
    if (!order) return [];
    const titles = await context.directory.itemTitles(context.db, shipment.order_id);
    const link = `/orders/${shipment.order_id}`;
    return [
      {
        userId: shipment.buyer_id,
        ...guestOf(order.guestEmail),
        template: 'order_shipped',
        group: 'orders',
        content: {
          title: `Order ${shipment.order_number} shipped`,
          summary: `${order.shopName} shipped a parcel of your order ${shipment.order_number} with ${shipment.carrier}, tracking number ${shipment.tracking_number}.`,
          rows: shipment.items.map((item) => [
            `${item.quantity} × ${titles.get(item.order_item_id) ?? 'item'}`,
            '',
          ]),
          action: { label: 'Follow the order', url: context.url(link) },
        },
        link,
      },
    ];
  },
  'order.delivered.v1': async (order, context) => [
    toBuyer(
      order,
      'order_delivered',
      orderContent(
        order,
        context,
        {
          title: `Order ${order.number} delivered`,
          summary: `Your order ${order.number} from ${order.shop.name} was delivered. You can now review what you bought.`,
        },
        false,
      ),
    ),
  ],
  'order.cancelled.v1': async (order, context) => [
    toBuyer(
      order,
      'order_cancelled',
      orderContent(
        order,
        context,
        {
          title: `Order ${order.number} cancelled`,
          summary: `Your order ${order.number} from ${order.shop.name} was cancelled.${order.refunded.amount > 0 ? ` ${money(order.refunded)} is refunded.` : ''}`,
        },
        false,
      ),
    ),
  ],
  'order.expired.v1': async (order, context) => [
    toBuyer(
      order,
      'order_expired',
      orderContent(
        order,
        context,
        {
          title: `Order ${order.number} expired`,
          summary: `Your order ${order.number} was not paid in time, so it was cancelled and its items went back on sale.`,
        },
        false,
      ),
    ),
  ],
  'payment.failed.v1': async (payment, context) => {
    const orders = await context.directory.orderParties(context.db, payment.orders);
    const first = orders[0];
    if (!first) return [];
    const link = `/orders/${first.orderId}`;
    return [
      {
        userId: first.buyerId,
        ...guestOf(first.guestEmail),
        template: 'payment_failed',
        group: 'orders',
        content: {
          title: 'Your payment failed',
          summary: `The payment of ${money(payment.amount)} for order${orders.length > 1 ? 's' : ''} ${orders.map((order) => order.number).join(', ')} did not go through${payment.failure_code ? ` (${payment.failure_code})` : ''}. Nothing was charged.`,
          action: { label: 'View the order', url: context.url(link) },
        },
        link,
      },
    ];
  },
  'refund.created.v1': async (refund, context) => {
    const [order] = await context.directory.orderParties(context.db, [refund.order_id]);
    if (!order) return [];
    const link = `/orders/${order.orderId}`;
    return [
      {
        userId: order.buyerId,
        ...guestOf(order.guestEmail),
        template: 'refund_created',
        group: 'orders',
        content: {
          title: `Refund of ${money(refund.amount)} for order ${order.number}`,
          summary: `${money(refund.amount)} of order ${order.number} is being refunded to your payment method.`,
          details: refund.reason ? [`Reason: ${refund.reason}`] : [],
          action: { label: 'View the order', url: context.url(link) },
        },
        link,
      },
    ];
  },
  'dispute.opened.v1': async (dispute, context) =>
    disputeNotices(dispute, context, 'dispute_opened', (part, numbers) => ({
      title: `Card dispute over order ${numbers}`,
      summary: `The buyer's bank disputes a payment (${dispute.reason}). ${money(part.amount)} of your order ${numbers} is held until the dispute is decided.`,
      details: [
        dispute.evidence_due_by
          ? `Send your evidence (tracking, messages, photos) by ${dayOf(dispute.evidence_due_by)}.`
          : 'Send your evidence (tracking, messages, photos) as soon as you can.',
      ],
    })),
  'dispute.closed.v1': async (dispute, context) => {
    const won = dispute.status === 'won';
    const sellers = await disputeNotices(dispute, context, 'dispute_closed', (part, numbers) => ({
      title: `Card dispute over order ${numbers} ${won ? 'won' : 'lost'}`,
      summary: won
        ? `The bank decided for you: the ${money(part.amount)} held of order ${numbers} is back in your balance.`
        : `The bank decided for the buyer: ${money(part.amount)} of order ${numbers} went back to them and is taken from your balance.`,
    }));
    if (dispute.buyer_id === null) return sellers;
    const link = dispute.order_ids[0] ? `/orders/${dispute.order_ids[0]}` : '/orders';
    return [
      ...sellers,
      {
        userId: dispute.buyer_id,
        template: 'dispute_closed_buyer',
        group: 'orders',
        content: {
          title: 'Your card dispute is decided',
          summary: won
            ? `Your bank decided the dispute of ${money(dispute.amount)} for the seller: the charge stands.`
            : `Your bank decided the dispute of ${money(dispute.amount)} in your favour: the money is back on your card.`,
          action: { label: 'View the order', url: context.url(link) },
        },
        link,
      },
    ];
  },
  'review.created.v1': async (review, context) => {
    const shopId = (await context.directory.productShops(context.db, [review.product_id])).get(
      review.product_id,
    );
    const owner = shopId && (await context.directory.shopOwners(context.db, [shopId])).get(shopId);
    if (!owner) return [];
    const link = '/seller/reviews';
    return [
      {
        userId: owner,
        template: 'review_created',
        group: 'reviews',
        content: {
          title: `New ${review.rating}-star review`,
          summary: `${review.author.name} rated a product of yours ${review.rating} of 5${review.title ? `: "${review.title}"` : '.'}`,
          action: { label: 'Read and reply', url: context.url(link) },
        },
        link,
      },
    ];
  },
  'webhook_endpoint.disabled.v1': webhookEndpointDisabled,
  'payout.paid.v1': async (payout, context) =>
    payoutNotice(payout, context, 'payout_paid', {
      title: `Payout of ${money(payout.amount)} sent`,
      summary: `${money(payout.amount)} is on its way to your payout account.`,
    }),
  'payout.failed.v1': async (payout, context) =>
    payoutNotice(payout, context, 'payout_failed', {
      title: `Payout of ${money(payout.amount)} failed`,
      summary: `Your payout of ${money(payout.amount)} could not be made${payout.failure_code ? ` (${payout.failure_code})` : ''}; the money is available in your balance again.`,
      details: ['Check your payout account: the provider may need something more from you.'],
    }),
  'shop.approved.v1': async (shop, context) => [
    shopNotice(shop, context, 'shop_approved', {
      title: `${shop.name} is open`,
      summary: `An admin approved ${shop.name}: its products are listed and buyers can order them.`,
    }),
  ],
  'shop.suspended.v1': async (shop, context) => [
    shopNotice(shop, context, 'shop_suspended', {
      title: `${shop.name} is suspended`,
      summary: `An admin suspended ${shop.name}${shop.reason ? `: ${shop.reason}` : '.'} Its products are not listed or buyable until it is reinstated.`,
      details: ['Your open orders and your balance are unchanged. Reply to this email to reach us.'],
    }),
  ],
  'user.password_changed.v1': async (user, context) => [
    securityNotice(
      user,
      'password_changed',
      'Your password was changed',
      'The password of your account was just changed, and your other sessions were ended.',
      context,
    ),
  ],
  'user.password_reset.v1': async (user, context) => [
    securityNotice(
      user,
      'password_reset',
      'Your password was reset',
      'The password of your account was just reset through an emailed link, and every session was ended.',
      context,
    ),
  ],
  'user.two_factor_enabled.v1': async (user, context) => [
    securityNotice(
      user,
      'two_factor_enabled',
      'Two-factor sign-in is on',
      'Two-factor sign-in was turned on for your account: signing in now also needs a code from your authenticator app.',
      context,
    ),
  ],
  'user.two_factor_disabled.v1': async (user, context) => [
    securityNotice(
      user,
      'two_factor_disabled',
      'Two-factor sign-in is off',
      'Two-factor sign-in was turned off for your account: signing in needs only the password again.',
      context,
    ),
  ],
  'user.email_changed.v1': async (user, context) => [
    securityNotice(
      user,
      'email_changed',
      'Your email address was changed',
      `The email address of your account is now ${user.email}; mail will no longer come to ${user.previous_email}.`,
      context,
      user.previous_email,
    ),
  ],
};

/** The notices an event makes; none for a type without a rule. */
export function noticesOf(event: { type: string; data: unknown }, context: NoticeContext): Promise<Notice[]> {
  const rule = noticeRules[event.type as CataloguedEventType] as NoticeRule<CataloguedEventType> | undefined;
  return rule ? rule(event.data as DomainEventCatalog[CataloguedEventType], context) : Promise.resolve([]);
}

export const hasNoticeRule = (type: string): boolean => type in noticeRules;
