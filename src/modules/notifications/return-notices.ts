import type { DomainEventCatalog } from '../../platform/events.js';
import { formatMoney } from '../../platform/money.js';
import type { Notice, NoticeContext } from './event-notices.js';

type ReturnData = DomainEventCatalog['return.requested.v1'];

const money = (value: { amount: number; currency: string }) => formatMoney(value.amount, value.currency);

const itemRows = (ret: ReturnData): [string, string][] =>
  ret.items.map((item) => [`${item.quantity} × ${item.title}`, money(item.amount)]);

/** A return's news to its buyer: the return's page. */
function toBuyer(
  ret: ReturnData,
  context: NoticeContext,
  template: string,
  title: string,
  summary: string,
): Notice {
  const link = `/returns/${ret.id}`;
  return {
    userId: ret.buyer_id,
    template,
    group: 'orders',
    content: {
      title,
      summary,
      rows: [...itemRows(ret), ['Refund', money(ret.amount)]],
      action: { label: 'See the return', url: context.url(link) },
    },
    link,
  };
}

/** A return's news to the owner of its shop: the shop's returns queue. */
async function toSeller(
  ret: ReturnData,
  context: NoticeContext,
  template: string,
  title: string,
  summary: string,
): Promise<Notice[]> {
  const owner = (await context.directory.shopOwners(context.db, [ret.shop_id])).get(ret.shop_id);
  if (owner === undefined) return [];
  const link = '/seller/returns';
  return [
    {
      userId: owner,
      template,
      group: 'shop',
      content: {
        title,
        summary,
        rows: itemRows(ret),
        action: { label: 'Open your returns', url: context.url(link) },
      },
      link,
    },
  ];
}

const lastNote = (ret: ReturnData) => ret.history.at(-1)?.note ?? null;
const automatic = (ret: ReturnData) => ret.history.at(-1)?.actor === 'system';

/** The return events' notices: each step tells the party that did not take it. */
export const returnNoticeRules = {
  'return.requested.v1': async (ret: ReturnData, context: NoticeContext) =>
    toSeller(
      ret,
      context,
      'return_requested_seller',
      `Return requested for order ${ret.order_number}`,
      `A buyer asks to return items of order ${ret.order_number} (${ret.reason.replaceAll('_', ' ')}). Answer by ${ret.respond_by.slice(0, 10)}, or it is approved automatically.`,
    ),
  'return.approved.v1': async (ret: ReturnData, context: NoticeContext) => [
    toBuyer(
      ret,
      context,
      'return_approved',
      `Your return for order ${ret.order_number} is approved`,
      `Send the items back; you are refunded ${money(ret.amount)} when the seller receives them.${lastNote(ret) && !automatic(ret) ? ` The seller says: ${lastNote(ret)}` : ''}`,
    ),
    // The seller did not answer: they learn that the request was approved for them.
    ...(automatic(ret)
      ? await toSeller(
          ret,
          context,
          'return_auto_approved_seller',
          `Return for order ${ret.order_number} approved automatically`,
          'The request was not answered in time, so it was approved. Refund it when the items come back.',
        )
      : []),
  ],
  'return.rejected.v1': async (ret: ReturnData, context: NoticeContext) => [
    toBuyer(
      ret,
      context,
      'return_rejected',
      `Your return for order ${ret.order_number} was rejected`,
      `The seller rejected your return${lastNote(ret) ? `: ${lastNote(ret)}` : '.'} If you disagree, escalate it to us from the return's page.`,
    ),
  ],
  'return.refunded.v1': async (ret: ReturnData, context: NoticeContext) => [
    toBuyer(
      ret,
      context,
      'return_refunded',
      `Refund of ${money(ret.amount)} for your return`,
      `Your return for order ${ret.order_number} is refunded: ${money(ret.amount)} goes back to your payment method.`,
    ),
    ...(ret.history.at(-1)?.actor === 'admin'
      ? await toSeller(
          ret,
          context,
          'return_resolved_seller',
          `Escalated return for order ${ret.order_number} refunded`,
          ret.funded_by === 'platform'
            ? `We refunded ${money(ret.amount)} to the buyer at our own cost; your balance is unchanged.`
            : `We refunded ${money(ret.amount)} to the buyer from your shop's proceeds.`,
        )
      : []),
  ],
  'return.escalated.v1': async (ret: ReturnData, context: NoticeContext) =>
    toSeller(
      ret,
      context,
      'return_escalated_seller',
      `Return for order ${ret.order_number} escalated`,
      'The buyer escalated the return you rejected; the marketplace will decide it.',
    ),
  'return.denied.v1': async (ret: ReturnData, context: NoticeContext) => [
    toBuyer(
      ret,
      context,
      'return_denied',
      `Your escalated return for order ${ret.order_number} was declined`,
      'We looked at your return and agreed with the seller: it is not refunded.',
    ),
    ...(await toSeller(
      ret,
      context,
      'return_denied_seller',
      `Escalated return for order ${ret.order_number} decided for you`,
      'We declined the buyer’s escalated return; nothing is refunded.',
    )),
  ],
};
