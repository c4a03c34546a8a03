import type { Config } from '../../config.js';
import { type AuditAction, appendAudit, changesBetween } from '../../platform/audit.js';
import type { Database, Queryable, Tx } from '../../platform/db.js';
import type { Caller } from '../../platform/http.js';
import { newId } from '../../platform/ids.js';
import { scheduleJob } from '../../platform/jobs.js';
import { appendEvent } from '../../platform/outbox.js';
import { decodeCursor, paginate } from '../../platform/pagination.js';
import { orderedPeriodOf } from '../../platform/period.js';
import type { RefundFunder } from '../ledger/index.js';
import type { RefundInput, ReturnableOrder } from '../orders/index.js';
import type { RefundView } from '../payments/index.js';
import { unitsPaidMinor } from '../pricing/index.js';
import { returnsErrors } from './returns.errors.js';
import type { ReturnEventType } from './returns.events.js';
import { type ReturnJobPayload, returnJobs } from './returns.jobs.js';
import * as repo from './returns.repo.js';
import { type Actor, presentReturn, ReturnCursor, type ReturnView } from './returns.schemas.js';
import {
  holdsUnits,
  isSellerFault,
  nextReturnStatus,
  type ReturnAction,
  type ReturnReason,
  type ReturnStatus,
} from './returns.state.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** What returns need of orders: an order as a return sees it, and its refund (orders' one refund use case). */
export interface ReturnOrders {
  orderForReturn(db: Queryable, orderId: string, lock?: boolean): Promise<ReturnableOrder | undefined>;
  refundForReturn(
    tx: Queryable,
    orderId: string,
    input: RefundInput & { fundedBy: RefundFunder },
  ): Promise<RefundView>;
}

/** What returns need of shops: how long after delivery a shop takes returns. */
export interface ReturnShops {
  returnWindowDays(db: Queryable, shopId: string): Promise<number | undefined>;
}

export interface ReturnsDeps {
  db: Database;
  config: Pick<Config, 'returnResponseDays'>;
  orders: ReturnOrders;
  shops: ReturnShops;
}

export interface ReturnRequest {
  items: readonly { orderItemId: string; quantity: number }[];
  reason: ReturnReason;
  note?: string | undefined;
}

type Viewer = 'buyer' | 'seller' | 'admin';

const viewerOf = (caller: Caller, party: { buyerId: string | null; shopId: string }): Viewer | undefined => {
  if (party.buyerId === caller.id) return 'buyer';
  if (caller.shop?.id === party.shopId) return 'seller';
  if (caller.roles.includes('admin')) return 'admin';
  return undefined;
};

/** Orders a return may be asked of: their units reached (or are on their way to) the buyer. */
const RETURNABLE_ORDER_STATUSES = ['shipped', 'delivered'];

/**
 * One step of a return: who acts, what it does besides moving the status (answers the fields the
 * transition sets), and the events it appends.
 */
interface Step {
  action: ReturnAction;
  actor: Actor;
  note: string | null;
  effects?: (
    tx: Tx,
    row: repo.ReturnRow,
    items: readonly repo.ReturnItemRow[],
  ) => Promise<{ refundId?: string; fundedBy?: RefundFunder; restock?: boolean }>;
  events: ReturnEventType[];
}

export class ReturnsService {
  private readonly db: Database;
  private readonly config: ReturnsDeps['config'];
  private readonly orders: ReturnOrders;
  private readonly shops: ReturnShops;

  constructor(deps: ReturnsDeps) {
    this.db = deps.db;
    this.config = deps.config;
    this.orders = deps.orders;
    this.shops = deps.shops;
  }

  /**
   * The buyer asks to return units of a shipped or delivered order, within the shop's window:
   * never more units than they kept (shipped, less those refunded or asked back already). What the
   * refund will be is fixed here: the units' paid value, and the order's shipping when the whole
   * order comes back or the seller is at fault. The order is held, so concurrent requests queue.
   */
  async request(caller: Caller, orderId: string, input: ReturnRequest): Promise<ReturnView> {
    return this.db.transaction(async (tx) => {
      const order = await this.orders.orderForReturn(tx, orderId, true);
      const viewer = order && viewerOf(caller, order);
      if (!order || !viewer) throw returnsErrors.error('order_not_found');
      if (viewer !== 'buyer')
        throw returnsErrors.error('not_return_buyer', "Only the order's buyer may ask to return it.");
      if (!RETURNABLE_ORDER_STATUSES.includes(order.status))
        throw returnsErrors.error(
          'order_not_returnable',
          `An order that is ${order.status} cannot be returned; only shipped or delivered orders can.`,
        );
      await this.assertWithinWindow(tx, order);
      const existing = await repo.returnsOfOrder(tx, order.id);
      const existingItems = await repo.findItems(
        tx,
        existing.map((row) => row.id),
      );
      const statusOf = new Map(existing.map((row) => [row.id, row]));
      const held = new Map<string, number>();
      const valued = new Map<string, number>();
      for (const item of existingItems) {
        const row = statusOf.get(item.returnId)!;
        if (row.status === 'denied') continue;
        valued.set(item.orderItemId, (valued.get(item.orderItemId) ?? 0) + item.quantity);
        if (holdsUnits(row.status, row.restock))
          held.set(item.orderItemId, (held.get(item.orderItemId) ?? 0) + item.quantity);
      }
      const wanted = this.wantedUnits(order, input.items, held);
      const items = order.items
        .filter((item) => wanted.has(item.id))
        .map((item) => ({
          orderItemId: item.id,
          title: item.title,
          quantity: wanted.get(item.id)!,
          amount: unitsPaidMinor(item.paidAmount, item.quantity, {
            before: valued.get(item.id) ?? 0,
            count: wanted.get(item.id)!,
          }),
        }));
      const wholeOrder = order.items.every(
        (item) => item.keptQuantity - (held.get(item.id) ?? 0) - (wanted.get(item.id) ?? 0) === 0,
      );
      const shippingReturned = existing.some((row) => row.status !== 'denied' && row.shippingAmount > 0);
      const shippingAmount =
        (wholeOrder || isSellerFault(input.reason)) && !shippingReturned ? order.shippingPaidAmount : 0;
      const itemsAmount = items.reduce((sum, item) => sum + item.amount, 0);
      if (itemsAmount + shippingAmount > order.refundableAmount)
        throw returnsErrors.invalidAt(
          'return_exceeds_refundable',
          '/items',
          `the refund would be ${itemsAmount + shippingAmount}, but at most ${order.refundableAmount} of this order can still be refunded`,
        );
      const now = new Date();
      const id = newId('rtn');
      const row = await repo.insertReturn(
        tx,
        {
          id,
          orderId: order.id,
          orderNumber: order.number,
          // The caller is the order's buyer (checked above).
          buyerId: caller.id,
          shopId: order.shopId,
          reason: input.reason,
          note: input.note ?? null,
          currency: order.currency,
          itemsAmount,
          shippingAmount,
          respondBy: new Date(now.getTime() + this.config.returnResponseDays * DAY_MS),
          history: [{ status: 'requested', at: now.toISOString(), actor: 'buyer', note: input.note ?? null }],
        },
        items,
      );
      await scheduleJob(tx, {
        kind: returnJobs.autoApprove,
        runAt: row.respondBy,
        payload: { returnId: id } satisfies ReturnJobPayload,
        dedupeKey: id,
      });
      const view = presentReturn(row, await repo.findItems(tx, [id]));
      await appendEvent(tx, 'return.requested.v1', view);
      return view;
    });
  }

  /**
   * The shop's window counts from delivery. A shipped order not yet delivered is inside it: the
   * buyer may not have the parcel yet, and auto-delivery starts the count soon enough.
   */
  private async assertWithinWindow(db: Queryable, order: ReturnableOrder): Promise<void> {
    const days = (await this.shops.returnWindowDays(db, order.shopId)) ?? 0;
    if (days === 0)
      throw returnsErrors.invalidAt('return_window_closed', '/items', 'this shop does not take returns');
    if (order.deliveredAt && Date.now() > order.deliveredAt.getTime() + days * DAY_MS)
      throw returnsErrors.invalidAt(
        'return_window_closed',
        '/items',
        `returns close ${days} days after delivery; this order was delivered on ${order.deliveredAt.toISOString().slice(0, 10)}`,
      );
  }

  /** The units asked for per item, each within what the buyer kept and has not asked back yet. */
  private wantedUnits(
    order: ReturnableOrder,
    lines: ReturnRequest['items'],
    held: ReadonlyMap<string, number>,
  ): Map<string, number> {
    const byId = new Map(order.items.map((item) => [item.id, item]));
    const wanted = new Map<string, number>();
    for (const [index, line] of lines.entries()) {
      const item = byId.get(line.orderItemId);
      if (!item)
        throw returnsErrors.invalidAt(
          'return_item_unknown',
          `/items/${index}/order_item_id`,
          'not an item of this order',
        );
      const quantity = (wanted.get(item.id) ?? 0) + line.quantity;
      const left = Math.max(0, item.keptQuantity - (held.get(item.id) ?? 0));
      if (quantity > left)
        throw returnsErrors.invalidAt(
          'return_quantity_exceeded',
          `/items/${index}/quantity`,
          left === 0
            ? 'no unit of this item is left to return'
            : `at most ${left} of this item can be returned`,
        );
      wanted.set(item.id, quantity);
    }
    return wanted;
  }

  async get(caller: Caller, id: string): Promise<ReturnView> {
    const row = await repo.findReturn(this.db, id);
    if (!row || !viewerOf(caller, row)) throw returnsErrors.error('return_not_found');
    return (await this.present(this.db, [row]))[0]!;
  }

  /** The returns of an order, oldest first, for its buyer, its shop's seller and admins. */
  async listOfOrder(caller: Caller, orderId: string): Promise<{ data: ReturnView[]; next_cursor: null }> {
    const order = await this.orders.orderForReturn(this.db, orderId);
    if (!order || !viewerOf(caller, order)) throw returnsErrors.error('order_not_found');
    return {
      data: await this.present(this.db, await repo.returnsOfOrder(this.db, order.id)),
      next_cursor: null,
    };
  }

  /** Returns newest first: of the caller's shop, or (`shopId` undefined, admins) of every shop. */
  async list(
    shopId: string | undefined,
    query: {
      limit: number;
      cursor?: string | undefined;
      status?: ReturnStatus | undefined;
      from?: string | undefined;
      to?: string | undefined;
    },
  ) {
    const after = decodeCursor(query.cursor, ReturnCursor);
    const rows = await repo.listReturns(this.db, {
      shopId,
      status: query.status,
      ...orderedPeriodOf(query, () =>
        returnsErrors.invalidAt('period_invalid', '/query/to', 'the period ends before it starts'),
      ),
      after,
      limit: query.limit,
    });
    const views = new Map(
      (await this.present(this.db, rows.slice(0, query.limit))).map((view) => [view.id, view]),
    );
    return paginate(
      rows,
      query.limit,
      (row) => views.get(row.id)!,
      (row) => ({ createdAt: row.createdKey, id: row.id }),
    );
  }

  approve(caller: Caller, id: string, note: string | undefined): Promise<ReturnView> {
    return this.act(caller, id, 'seller', 'return.approved', [
      { action: 'approve', actor: 'seller', note: note ?? null, events: ['return.approved.v1'] },
    ]);
  }

  reject(caller: Caller, id: string, reason: string): Promise<ReturnView> {
    return this.act(caller, id, 'seller', 'return.rejected', [
      { action: 'reject', actor: 'seller', note: reason, events: ['return.rejected.v1'] },
    ]);
  }

  /**
   * The seller has the items back: the return is received and refunded in one transaction, with
   * one Refund of what the request fixed (through orders' refund use case, which bounds it by what
   * is still refundable); with `restock`, the units go back into stock.
   */
  receive(caller: Caller, id: string, restock: boolean): Promise<ReturnView> {
    return this.act(caller, id, 'seller', 'return.received', [
      {
        action: 'receive',
        actor: 'seller',
        note: restock ? 'the items went back into stock' : null,
        effects: async () => ({ restock }),
        events: ['return.received.v1'],
      },
      {
        action: 'refund',
        actor: 'seller',
        note: null,
        effects: (tx, row, items) => this.refund(tx, row, items, 'shop', restock),
        events: ['return.refunded.v1'],
      },
    ]);
  }

  escalate(caller: Caller, id: string, note: string | undefined): Promise<ReturnView> {
    return this.act(caller, id, 'buyer', null, [
      { action: 'escalate', actor: 'buyer', note: note ?? null, events: ['return.escalated.v1'] },
    ]);
  }

  /**
   * An admin decides an escalated return: a refund (no items come back), borne by the shop or by
   * the platform; or a denial.
   */
  resolve(
    caller: Caller,
    id: string,
    outcome: 'refund' | 'deny',
    fundedBy: RefundFunder,
  ): Promise<ReturnView> {
    if (outcome === 'deny')
      return this.act(caller, id, 'admin', 'return.resolved', [
        { action: 'resolve_deny', actor: 'admin', note: null, events: ['return.denied.v1'] },
      ]);
    return this.act(caller, id, 'admin', 'return.resolved', [
      {
        action: 'resolve_refund',
        actor: 'admin',
        note: fundedBy === 'platform' ? 'refunded at the platform’s cost' : null,
        effects: (tx, row, items) => this.refund(tx, row, items, fundedBy, false),
        events: ['return.refunded.v1'],
      },
    ]);
  }

  /** Job: a request its seller did not answer in time is approved, exactly once. */
  async autoApprove(id: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const row = await repo.findReturn(tx, id, true);
      if (row?.status !== 'requested') return false;
      await this.apply(tx, row, [
        {
          action: 'auto_approve',
          actor: 'system',
          note: `not answered within ${this.config.returnResponseDays} days`,
          events: ['return.approved.v1'],
        },
      ]);
      return true;
    });
  }

  /** The return's one Refund, in the acting transaction. */
  private async refund(
    tx: Tx,
    row: repo.ReturnRow,
    items: readonly repo.ReturnItemRow[],
    fundedBy: RefundFunder,
    restock: boolean,
  ): Promise<{ refundId: string; fundedBy: RefundFunder }> {
    const refund = await this.orders.refundForReturn(tx, row.orderId, {
      amount: row.itemsAmount + row.shippingAmount,
      reason: `return ${row.id} (${row.reason.replaceAll('_', ' ')})`,
      restockItems: restock
        ? items.map((item) => ({ orderItemId: item.orderItemId, quantity: item.quantity }))
        : [],
      fundedBy,
    });
    return { refundId: refund.id, fundedBy };
  }

  /**
   * Applies steps for an authorised caller: 404 for who may not read the return, 403 for who may
   * read it but not act, 409 for a status the step cannot leave. The return is held throughout. A
   * seller's or an admin's decision is audited as `audited` (a buyer's own steps are not).
   */
  private act(
    caller: Caller,
    id: string,
    actor: Viewer,
    audited: AuditAction | null,
    steps: Step[],
  ): Promise<ReturnView> {
    return this.db.transaction(async (tx) => {
      const row = await repo.findReturn(tx, id, true);
      const viewer = row && viewerOf(caller, row);
      if (!row || !viewer) throw returnsErrors.error('return_not_found');
      if (viewer !== actor && !(actor === 'admin' && caller.roles.includes('admin')))
        throw returnsErrors.error(
          actor === 'buyer' ? 'not_return_buyer' : 'not_return_seller',
          `Only the return's ${actor === 'buyer' ? 'buyer' : "shop's seller"} may do this.`,
        );
      const after = await this.apply(tx, row, steps);
      if (audited)
        await appendAudit(tx, {
          action: audited,
          target: { type: 'return', id: row.id },
          shopId: row.shopId,
          changes: changesBetween(presentReturn(row, []), after, [
            'status',
            'refund_id',
            'funded_by',
            'restock',
          ]),
        });
      return after;
    });
  }

  private async apply(tx: Tx, held: repo.ReturnRow, steps: Step[]): Promise<ReturnView> {
    const items = await repo.findItems(tx, [held.id]);
    let row = held;
    for (const step of steps) {
      const to = nextReturnStatus(row.status, step.action);
      const fields = (await step.effects?.(tx, row, items)) ?? {};
      const changed = await repo.transitionReturn(tx, row.id, {
        from: row.status,
        to,
        entry: { status: to, at: new Date().toISOString(), actor: step.actor, note: step.note },
        ...fields,
      });
      if (!changed) throw new Error(`return ${row.id} left ${row.status} while it was held`);
      row = changed;
      const view = presentReturn(row, items);
      for (const type of step.events) await appendEvent(tx, type, view);
    }
    return presentReturn(row, items);
  }

  private async present(db: Queryable, rows: readonly repo.ReturnRow[]): Promise<ReturnView[]> {
    const items = await repo.findItems(
      db,
      rows.map((row) => row.id),
    );
    return rows.map((row) =>
      presentReturn(
        row,
        items.filter((item) => item.returnId === row.id),
      ),
    );
  }
}
