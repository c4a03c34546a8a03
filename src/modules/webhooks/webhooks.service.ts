import { randomBytes } from 'node:crypto';
import type { Config } from '../../config.js';
import { appendAudit, changesBetween } from '../../platform/audit.js';
import type { Database, Queryable } from '../../platform/db.js';
import { catalogedEventTypes } from '../../platform/events.js';
import { newId } from '../../platform/ids.js';
import { type JobContext, scheduleJob } from '../../platform/jobs.js';
import { appendEvent, type DomainEvent } from '../../platform/outbox.js';
import { signWebhook } from '../payments/index.js';
import { entityOf, type ShopDirectory, shopViewsOf } from './event-scope.js';
import { type Resolve, UrlGuard } from './url-guard.js';
import { webhooksErrors } from './webhooks.errors.js';
import { PING_EVENT_TYPE } from './webhooks.events.js';
import { type DeliverJobPayload, webhookJobs } from './webhooks.jobs.js';
import * as repo from './webhooks.repo.js';
import {
  type DeliveryView,
  type EndpointView,
  presentDelivery,
  presentEndpoint,
} from './webhooks.schemas.js';
import { type WebhookSender, webhookSender } from './webhooks.sender.js';
import {
  DELIVERY_TIMEOUT_MS,
  type DeliveryStatus,
  type EndpointStatus,
  FAILING_DISABLES_AFTER_SECONDS,
  nextDeliveryStatus,
  nextEndpointStatus,
  RETRY_WINDOW_SECONDS,
  retryDelaySeconds,
  SECRET_OVERLAP_SECONDS,
} from './webhooks.state.js';

export interface WebhooksDeps {
  db: Database;
  config: Pick<Config, 'webhooksAllowPrivate'>;
  shops: ShopDirectory;
  /** How host names resolve, at creation and at connect time (tests stand in for DNS). */
  resolve?: Resolve;
  /** Draws the jitter of retry delays. */
  random?: () => number;
}

/** Whose endpoints a request acts on: a seller's shop, or the marketplace (an admin, `shopId` null). */
export interface WebhookOwner {
  shopId: string | null;
  /** The user acting. */
  userId: string;
}

export interface NewEndpoint {
  url: string;
  events: string[];
  description?: string | undefined;
}

export interface EndpointChanges {
  url?: string | undefined;
  events?: string[] | undefined;
  status?: EndpointStatus | undefined;
  description?: string | null | undefined;
}

const SECONDS = 1000;
const AUDITED_FIELDS = ['url', 'events', 'status', 'description'] as const;

const newSecret = () => `whsec_${randomBytes(32).toString('base64url')}`;
const after = (seconds: number, from = new Date()) => new Date(from.getTime() + seconds * SECONDS);

/** Payload of a delivery job that attempts `delivery` next. */
const deliverJob = (delivery: { id: string; attempts: number }, runAt = new Date()) => ({
  kind: webhookJobs.deliver,
  runAt,
  payload: { deliveryId: delivery.id, attempts: delivery.attempts } satisfies DeliverJobPayload,
});

export class WebhooksService {
  private readonly db: Database;
  private readonly shops: ShopDirectory;
  private readonly guard: UrlGuard;
  private readonly sender: WebhookSender;
  private readonly random: () => number;

  constructor(deps: WebhooksDeps) {
    this.db = deps.db;
    this.shops = deps.shops;
    this.guard = new UrlGuard(deps.config.webhooksAllowPrivate, deps.resolve);
    this.sender = webhookSender(this.guard, DELIVERY_TIMEOUT_MS);
    this.random = deps.random ?? Math.random;
  }

  close(): void {
    this.sender.close();
  }

  /** Registers an endpoint; the answer is the only place its secret is shown. */
  async create(owner: WebhookOwner, input: NewEndpoint): Promise<EndpointView & { secret: string }> {
    const events = this.checkEvents(input.events);
    await this.checkUrl(input.url);
    return this.db.transaction(async (tx) => {
      const row = await repo.insertEndpoint(tx, {
        id: newId('whe'),
        shopId: owner.shopId,
        createdBy: owner.userId,
        url: input.url,
        description: input.description ?? null,
        events,
        secret: newSecret(),
      });
      await this.audit(tx, 'webhook_endpoint.created', row, changesBetween(null, row, AUDITED_FIELDS));
      return { ...presentEndpoint(row), secret: row.secret };
    });
  }

  async list(owner: WebhookOwner): Promise<{ data: EndpointView[] }> {
    const rows = await repo.listEndpoints(this.db, owner);
    return { data: rows.map((row) => presentEndpoint(row)) };
  }

  /**
   * Changes an endpoint's URL, events, description or status. Enabling it again ends its failing
   * streak and sends what waited while it was disabled.
   */
  async update(owner: WebhookOwner, id: string, changes: EndpointChanges): Promise<EndpointView> {
    const events = changes.events && this.checkEvents(changes.events);
    if (changes.url !== undefined) await this.checkUrl(changes.url);
    return this.db.transaction(async (tx) => {
      const before = await this.owned(tx, owner, id, true);
      const status =
        changes.status &&
        nextEndpointStatus(before.status, changes.status === 'enabled' ? 'enable' : 'disable');
      const enabling = before.status === 'disabled' && status === 'enabled';
      const row = await repo.updateEndpoint(tx, id, {
        url: changes.url,
        events,
        description: changes.description,
        status,
        clearFailing: enabling,
      });
      if (enabling) {
        for (const delivery of await repo.pendingDeliveries(tx, id))
          await scheduleJob(tx, deliverJob(delivery));
      }
      const changed = changesBetween(before, row, AUDITED_FIELDS);
      if (Object.keys(changed).length > 0) await this.audit(tx, 'webhook_endpoint.updated', row, changed);
      return presentEndpoint(row);
    });
  }

  /** Deletes an endpoint with its delivery log; jobs still scheduled for it find nothing to do. */
  async remove(owner: WebhookOwner, id: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const row = await this.owned(tx, owner, id, true);
      await repo.deleteEndpoint(tx, id);
      const gone: Record<(typeof AUDITED_FIELDS)[number], unknown> = {
        url: null,
        events: null,
        status: null,
        description: null,
      };
      await this.audit(
        tx,
        'webhook_endpoint.deleted',
        row,
        changesBetween<typeof gone>(row, gone, AUDITED_FIELDS),
      );
    });
  }

  /**
   * A new secret signs from now on; the current one keeps signing beside it (a second `v1=`) for
   * 24 h, so receivers can switch without losing a delivery. A secret rotated out earlier is dropped.
   */
  async rotateSecret(
    owner: WebhookOwner,
    id: string,
  ): Promise<{ secret: string; previous_secret_expires_at: string }> {
    return this.db.transaction(async (tx) => {
      const before = await this.owned(tx, owner, id, true);
      const expiresAt = after(SECRET_OVERLAP_SECONDS);
      const row = await repo.updateEndpoint(tx, id, {
        secret: newSecret(),
        previousSecret: before.secret,
        previousSecretExpiresAt: expiresAt,
      });
      // The secrets themselves never reach the trail: only that one was rotated, and until when.
      await this.audit(tx, 'webhook_endpoint.secret_rotated', row, {
        previous_secret_expires_at: [null, expiresAt.toISOString()],
      });
      return { secret: row.secret, previous_secret_expires_at: expiresAt.toISOString() };
    });
  }

  async deliveries(
    owner: WebhookOwner,
    id: string,
    query: { limit: number; status?: DeliveryStatus | undefined },
  ): Promise<{ data: DeliveryView[] }> {
    await this.owned(this.db, owner, id);
    const rows = await repo.listDeliveries(this.db, id, query);
    return { data: rows.map(presentDelivery) };
  }

  /** Sends a delivery again now, with a fresh 3-day retry window (waiting behind its entity's earlier ones). */
  async retry(
    owner: WebhookOwner,
    endpointId: string,
    deliveryId: string,
  ): Promise<{ id: string; status: 'pending' }> {
    return this.db.transaction(async (tx) => {
      await this.owned(tx, owner, endpointId);
      const delivery = await repo.findDelivery(tx, endpointId, deliveryId, true);
      if (!delivery) throw webhooksErrors.error('delivery_not_found');
      const status = nextDeliveryStatus(delivery.status, 'retry')!;
      await repo.restartDelivery(tx, deliveryId, after(RETRY_WINDOW_SECONDS));
      await scheduleJob(tx, deliverJob(delivery));
      await appendAudit(tx, {
        action: 'webhook_delivery.retried',
        target: { type: 'webhook_delivery', id: deliveryId },
        shopId: owner.shopId,
        changes: status === delivery.status ? {} : { status: [delivery.status, status] },
      });
      return { id: deliveryId, status: 'pending' as const };
    });
  }

  /** Sends the endpoint a ping (`webhook_endpoint.pinged.v1`), logged as any delivery. */
  async test(owner: WebhookOwner, id: string): Promise<{ id: string; status: 'pending' }> {
    return this.db.transaction(async (tx) => {
      const endpoint = await this.owned(tx, owner, id, true);
      const [deliveryId] = await repo.insertDeliveries(tx, [
        {
          id: newId('whd'),
          endpointId: id,
          eventId: newId('evt'),
          eventType: PING_EVENT_TYPE,
          occurredAt: new Date().toISOString(),
          entity: null,
          data: { endpoint_id: id, message: 'A test ping from Bazaar: this endpoint receives webhooks.' },
          giveUpAt: after(RETRY_WINDOW_SECONDS),
        },
      ]);
      await scheduleJob(tx, deliverJob({ id: deliveryId!, attempts: 0 }));
      await this.audit(tx, 'webhook_endpoint.tested', endpoint, {});
      return { id: deliveryId!, status: 'pending' as const };
    });
  }

  /**
   * Outbox subscriber: one delivery per subscribed endpoint the event is for (a shop's endpoints
   * get only events about their shop), made once however often the relay redelivers the event,
   * each sent by its own job after commit.
   */
  async fanOut(event: DomainEvent): Promise<void> {
    const endpoints = await repo.subscribedEndpoints(this.db, event.type);
    if (endpoints.length === 0) return;
    const shopViews = endpoints.some((endpoint) => endpoint.shopId !== null)
      ? await shopViewsOf(event, this.db, this.shops)
      : new Map<string, unknown>();
    const entity = entityOf(event);
    const giveUpAt = after(RETRY_WINDOW_SECONDS);
    const rows = endpoints.flatMap((endpoint): repo.NewDelivery[] => {
      const data = endpoint.shopId === null ? event.data : shopViews.get(endpoint.shopId);
      if (data === undefined) return [];
      return [
        {
          id: newId('whd'),
          endpointId: endpoint.id,
          eventId: event.id,
          eventType: event.type,
          occurredAt: event.occurred_at,
          entity,
          data,
          giveUpAt,
        },
      ];
    });
    if (rows.length === 0) return;
    await this.db.transaction(async (tx) => {
      for (const id of await repo.insertDeliveries(tx, rows))
        await scheduleJob(tx, deliverJob({ id, attempts: 0 }));
    });
  }

  /**
   * Job: one attempt at a delivery, the HTTP call outside any transaction. A 2xx delivers it and
   * lets the next event of its entity go; anything else schedules the next attempt with backoff
   * until the retry window ends (then it failed, and the next may go). A failure after 24 h of
   * nothing but failures disables the endpoint and tells its owner.
   */
  async deliver(payload: DeliverJobPayload, context: Pick<JobContext, 'jobId'>): Promise<void> {
    const claimed = await repo.claimDelivery(this.db, payload.deliveryId, payload.attempts, context.jobId);
    if (!claimed) return;
    const body = JSON.stringify({
      id: claimed.eventId,
      type: claimed.eventType,
      occurred_at: new Date(claimed.occurredAt).toISOString(),
      data: claimed.data,
    });
    const secrets = claimed.previousSecret ? [claimed.secret, claimed.previousSecret] : [claimed.secret];
    const outcome = await this.sender.send({
      url: claimed.url,
      headers: {
        'bazaar-signature': signWebhook(secrets, body, Math.floor(Date.now() / SECONDS)),
        'bazaar-event-id': claimed.eventId,
      },
      body,
    });
    await this.db.transaction(async (tx) => {
      const now = new Date();
      const statusCode = outcome.statusCode ?? null;
      if (outcome.error === undefined) {
        if (!(await repo.settleDelivery(tx, claimed.id, claimed.attempts, delivered(statusCode)))) return;
        await repo.markEndpointHealthy(tx, claimed.endpointId);
        await this.sendNextOfEntity(tx, claimed);
        return;
      }
      const retryAt = after(retryDelaySeconds(claimed.attempts, this.random), now);
      const givingUp = retryAt > new Date(claimed.giveUpAt);
      const settled = await repo.settleDelivery(tx, claimed.id, claimed.attempts, {
        status: nextDeliveryStatus('pending', givingUp ? 'give_up' : 'fail')!,
        statusCode,
        error: outcome.error,
        nextAttemptAt: givingUp ? null : retryAt,
      });
      if (!settled) return;
      if (givingUp) await this.sendNextOfEntity(tx, claimed);
      else await scheduleJob(tx, deliverJob(claimed, retryAt));
      const endpoint = await repo.markEndpointFailing(tx, claimed.endpointId);
      if (
        endpoint?.status === 'enabled' &&
        endpoint.failingSince &&
        now.getTime() - new Date(endpoint.failingSince).getTime() >= FAILING_DISABLES_AFTER_SECONDS * SECONDS
      ) {
        await this.autoDisable(tx, endpoint);
      }
    });
  }

  /** The next pending delivery of the same entity to the same endpoint may go now. */
  private async sendNextOfEntity(tx: Queryable, settled: repo.ClaimedDelivery): Promise<void> {
    if (settled.entity === null) return;
    const next = await repo.laneHead(tx, settled.endpointId, settled.entity);
    if (next) await scheduleJob(tx, deliverJob(next));
  }

  private async autoDisable(tx: Queryable, endpoint: repo.EndpointRow): Promise<void> {
    const row = await repo.updateEndpoint(tx, endpoint.id, {
      status: nextEndpointStatus(endpoint.status, 'auto_disable'),
    });
    await appendAudit(tx, {
      action: 'webhook_endpoint.disabled',
      target: { type: 'webhook_endpoint', id: row.id },
      shopId: row.shopId,
      changes: changesBetween(endpoint, row, ['status']),
      actor: null,
    });
    await appendEvent(tx, 'webhook_endpoint.disabled.v1', {
      ...presentEndpoint(row),
      shop_id: row.shopId,
      created_by: row.createdBy,
    });
  }

  /** The endpoint if it is the owner's; another owner's is a 404 (nobody learns which ids exist). */
  private async owned(
    db: Queryable,
    owner: WebhookOwner,
    id: string,
    lock = false,
  ): Promise<repo.EndpointRow> {
    const row = await repo.findEndpoint(db, owner, id, lock);
    if (!row) throw webhooksErrors.error('endpoint_not_found');
    return row;
  }

  /** Catalogued types without repeats, or `["*"]`; else 422 at `/events`. */
  private checkEvents(events: readonly string[]): string[] {
    const unique = [...new Set(events)];
    if (unique.includes('*')) {
      if (unique.length > 1)
        throw webhooksErrors.invalidAt(
          'endpoint_event_unknown',
          '/events',
          '`*` stands alone: it means every event',
        );
      return unique;
    }
    const known = new Set(catalogedEventTypes());
    const index = events.findIndex((type) => !known.has(type));
    if (index >= 0)
      throw webhooksErrors.invalidAt(
        'endpoint_event_unknown',
        '/events',
        `${events[index]} is not an event type (see /v1/events/schemas)`,
      );
    return unique;
  }

  private async checkUrl(url: string): Promise<void> {
    const refusal = await this.guard.refusal(url);
    if (refusal) throw webhooksErrors.invalidAt('endpoint_url_refused', '/url', `the URL ${refusal}`);
  }

  private async audit(
    tx: Queryable,
    action: `webhook_endpoint.${string}`,
    row: repo.EndpointRow,
    changes: Record<string, readonly [unknown, unknown]>,
  ): Promise<void> {
    await appendAudit(tx, {
      action,
      target: { type: 'webhook_endpoint', id: row.id },
      shopId: row.shopId,
      changes,
    });
  }
}

const delivered = (statusCode: number | null) => ({
  status: nextDeliveryStatus('pending', 'succeed')!,
  statusCode,
  error: null,
  nextAttemptAt: null,
});
