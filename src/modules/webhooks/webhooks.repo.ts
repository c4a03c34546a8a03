import { type Queryable, sql } from '../../platform/db.js';
import type { DeliveryStatus, EndpointStatus } from './webhooks.state.js';

export interface EndpointRow {
  id: string;
  shopId: string | null;
  createdBy: string;
  url: string;
  description: string | null;
  events: string[];
  status: EndpointStatus;
  secret: string;
  previousSecret: string | null;
  previousSecretExpiresAt: Date | null;
  failingSince: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface DeliveryRow {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  occurredAt: Date;
  entity: string | null;
  data: unknown;
  status: DeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: Date | null;
  giveUpAt: Date;
  createdAt: Date;
  deliveredAt: Date | null;
}

/** Whose endpoints: a shop's, or the marketplace's (null). */
export type Owner = { shopId: string | null };

const ENDPOINT_COLUMNS = sql`id, shop_id AS "shopId", created_by AS "createdBy", url, description, events, status,
  secret, previous_secret AS "previousSecret", previous_secret_expires_at AS "previousSecretExpiresAt",
  failing_since AS "failingSince", created_at AS "createdAt", updated_at AS "updatedAt"`;

const DELIVERY_COLUMNS = sql`id, endpoint_id AS "endpointId", event_id AS "eventId", event_type AS "eventType",
  occurred_at AS "occurredAt", entity, data, status, attempts, last_status_code AS "lastStatusCode",
  last_error AS "lastError", next_attempt_at AS "nextAttemptAt", give_up_at AS "giveUpAt",
  created_at AS "createdAt", delivered_at AS "deliveredAt"`;

const ownedBy = (owner: Owner) =>
  owner.shopId === null ? sql`shop_id IS NULL` : sql`shop_id = ${owner.shopId}`;

export async function insertEndpoint(
  db: Queryable,
  row: Pick<EndpointRow, 'id' | 'shopId' | 'createdBy' | 'url' | 'description' | 'events' | 'secret'>,
): Promise<EndpointRow> {
  const [inserted] = await db.query<EndpointRow>(sql`
    INSERT INTO webhook_endpoints (id, shop_id, created_by, url, description, events, status, secret)
    VALUES (${row.id}, ${row.shopId}, ${row.createdBy}, ${row.url}, ${row.description},
            ${JSON.stringify(row.events)}::jsonb, 'enabled', ${row.secret})
    RETURNING ${ENDPOINT_COLUMNS}`);
  return inserted!;
}

export function listEndpoints(db: Queryable, owner: Owner): Promise<EndpointRow[]> {
  return db.query<EndpointRow>(sql`
    SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE ${ownedBy(owner)} ORDER BY created_at, id`);
}

export async function findEndpoint(
  db: Queryable,
  owner: Owner | undefined,
  id: string,
  lock = false,
): Promise<EndpointRow | undefined> {
  const [row] = await db.query<EndpointRow>(sql`
    SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints
    WHERE id = ${id} ${owner ? sql`AND ${ownedBy(owner)}` : sql``} ${lock ? sql`FOR UPDATE` : sql``}`);
  return row;
}

export async function updateEndpoint(
  db: Queryable,
  id: string,
  changes: Partial<
    Pick<
      EndpointRow,
      'url' | 'description' | 'events' | 'status' | 'secret' | 'previousSecret' | 'previousSecretExpiresAt'
    >
  > & { clearFailing?: boolean },
): Promise<EndpointRow> {
  const sets = [sql`updated_at = now()`];
  if (changes.url !== undefined) sets.push(sql`url = ${changes.url}`);
  if (changes.description !== undefined) sets.push(sql`description = ${changes.description}`);
  if (changes.events !== undefined) sets.push(sql`events = ${JSON.stringify(changes.events)}::jsonb`);
  if (changes.status !== undefined) sets.push(sql`status = ${changes.status}`);
  if (changes.secret !== undefined) sets.push(sql`secret = ${changes.secret}`);
  if (changes.previousSecret !== undefined) sets.push(sql`previous_secret = ${changes.previousSecret}`);
  if (changes.previousSecretExpiresAt !== undefined)
    sets.push(
      sql`previous_secret_expires_at = ${changes.previousSecretExpiresAt?.toISOString() ?? null}::timestamptz`,
    );
  if (changes.clearFailing) sets.push(sql`failing_since = NULL`);
  const [row] = await db.query<EndpointRow>(sql`
    UPDATE webhook_endpoints SET ${sql.join(sets, sql`, `)} WHERE id = ${id} RETURNING ${ENDPOINT_COLUMNS}`);
  return row!;
}

export async function deleteEndpoint(db: Queryable, id: string): Promise<void> {
  await db.execute(sql`DELETE FROM webhook_endpoints WHERE id = ${id}`);
}

/**
 * Enabled endpoints subscribed to a type (or to `*`): the marketplace's, and those of the given
 * shops.
 */
export function subscribedEndpoints(
  db: Queryable,
  type: string,
): Promise<Pick<EndpointRow, 'id' | 'shopId'>[]> {
  return db.query(
    sql`SELECT id, shop_id AS "shopId" FROM webhook_endpoints
        WHERE status = 'enabled' AND (events @> '["*"]'::jsonb OR events @> ${JSON.stringify([type])}::jsonb)`,
    { prepareAs: 'webhooks_subscribed_endpoints' },
  );
}

export interface NewDelivery {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  occurredAt: string;
  entity: string | null;
  data: unknown;
  giveUpAt: Date;
}

/**
 * Records deliveries; one per (endpoint, event) whatever the relay redelivers. The event's outbox
 * `seq` orders them per entity. Answers the ids of those made now.
 */
export async function insertDeliveries(db: Queryable, rows: readonly NewDelivery[]): Promise<string[]> {
  if (rows.length === 0) return [];
  const made = await db.query<{ id: string }>(sql`
    INSERT INTO webhook_deliveries
      (id, endpoint_id, event_id, event_type, occurred_at, event_seq, entity, data, status, next_attempt_at, give_up_at)
    SELECT d.id, d.endpoint_id, d.event_id, d.event_type, d.occurred_at,
      (SELECT seq FROM outbox_events WHERE outbox_events.id = d.event_id), d.entity, d.data, 'pending', now(), d.give_up_at
    FROM jsonb_to_recordset(${JSON.stringify(
      rows.map((row) => ({
        id: row.id,
        endpoint_id: row.endpointId,
        event_id: row.eventId,
        event_type: row.eventType,
        occurred_at: row.occurredAt,
        entity: row.entity,
        data: row.data,
        give_up_at: row.giveUpAt.toISOString(),
      })),
    )}::jsonb) AS d(id text, endpoint_id text, event_id text, event_type text, occurred_at timestamptz,
                    entity text, data jsonb, give_up_at timestamptz)
    ON CONFLICT (endpoint_id, event_id) DO NOTHING
    RETURNING id`);
  return made.map((row) => row.id);
}

export async function findDelivery(
  db: Queryable,
  endpointId: string,
  id: string,
  lock = false,
): Promise<DeliveryRow | undefined> {
  const [row] = await db.query<DeliveryRow>(sql`
    SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries
    WHERE id = ${id} AND endpoint_id = ${endpointId} ${lock ? sql`FOR UPDATE` : sql``}`);
  return row;
}

export function listDeliveries(
  db: Queryable,
  endpointId: string,
  query: { limit: number; status?: DeliveryStatus | undefined },
): Promise<DeliveryRow[]> {
  return db.query<DeliveryRow>(sql`
    SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries
    WHERE endpoint_id = ${endpointId} ${query.status ? sql`AND status = ${query.status}` : sql``}
    ORDER BY created_at DESC, id DESC LIMIT ${query.limit}`);
}

/** A delivery ready to be attempted, with where and how to sign it. */
export interface ClaimedDelivery {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  occurredAt: Date;
  entity: string | null;
  data: unknown;
  attempts: number;
  giveUpAt: Date;
  url: string;
  secret: string;
  previousSecret: string | null;
}

/**
 * Takes a delivery for one attempt by job `jobId`, expecting `attempts` attempts made so far (a
 * job scheduled before another attempt is stale and takes nothing), or the same job running again
 * after its worker died mid-attempt. Nothing is taken while the endpoint is disabled, nor while an
 * earlier delivery of the same entity to the same endpoint is pending (it is sent first).
 */
export async function claimDelivery(
  db: Queryable,
  id: string,
  attempts: number,
  jobId: string,
): Promise<ClaimedDelivery | undefined> {
  const [row] = await db.query<ClaimedDelivery>(sql`
    UPDATE webhook_deliveries d
    SET attempts = CASE WHEN d.claimed_by_job = ${jobId} AND d.attempts = ${attempts + 1} THEN d.attempts ELSE d.attempts + 1 END,
        claimed_by_job = ${jobId}
    FROM webhook_endpoints e
    WHERE d.id = ${id} AND e.id = d.endpoint_id AND d.status = 'pending' AND e.status = 'enabled'
      AND (d.attempts = ${attempts} OR (d.claimed_by_job = ${jobId} AND d.attempts = ${attempts + 1}))
      AND NOT EXISTS (
        SELECT 1 FROM webhook_deliveries earlier
        WHERE earlier.endpoint_id = d.endpoint_id AND earlier.entity = d.entity
          AND earlier.status = 'pending' AND earlier.event_seq < d.event_seq)
    RETURNING d.id, d.endpoint_id AS "endpointId", d.event_id AS "eventId", d.event_type AS "eventType",
      d.occurred_at AS "occurredAt", d.entity, d.data, d.attempts, d.give_up_at AS "giveUpAt", e.url, e.secret,
      CASE WHEN e.previous_secret_expires_at > now() THEN e.previous_secret END AS "previousSecret"`);
  return row;
}

/** Records an attempt's outcome while the claim still stands (the same number of attempts). */
export async function settleDelivery(
  db: Queryable,
  id: string,
  attempts: number,
  outcome: {
    status: DeliveryStatus;
    statusCode: number | null;
    error: string | null;
    nextAttemptAt: Date | null;
  },
): Promise<boolean> {
  const changed = await db.execute(sql`
    UPDATE webhook_deliveries
    SET status = ${outcome.status}, last_status_code = ${outcome.statusCode}, last_error = ${outcome.error},
        next_attempt_at = ${outcome.nextAttemptAt?.toISOString() ?? null}::timestamptz, claimed_by_job = NULL,
        delivered_at = CASE WHEN ${outcome.status} = 'delivered' THEN now() ELSE delivered_at END
    WHERE id = ${id} AND attempts = ${attempts} AND status = 'pending'`);
  return changed > 0;
}

/** The next pending delivery of an entity on an endpoint (the one that may go now), with its attempts. */
export async function laneHead(
  db: Queryable,
  endpointId: string,
  entity: string,
): Promise<{ id: string; attempts: number } | undefined> {
  const [row] = await db.query<{ id: string; attempts: number }>(sql`
    SELECT id, attempts FROM webhook_deliveries
    WHERE endpoint_id = ${endpointId} AND entity = ${entity} AND status = 'pending'
    ORDER BY event_seq LIMIT 1`);
  return row;
}

/** Every pending delivery of an endpoint, with its attempts (to send them once it is enabled again). */
export function pendingDeliveries(
  db: Queryable,
  endpointId: string,
): Promise<{ id: string; attempts: number }[]> {
  return db.query(sql`
    SELECT id, attempts FROM webhook_deliveries WHERE endpoint_id = ${endpointId} AND status = 'pending'`);
}

/** Sends a delivery again from now, with a new retry window. */
export async function restartDelivery(db: Queryable, id: string, giveUpAt: Date): Promise<void> {
  await db.execute(sql`
    UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = now(),
      give_up_at = ${giveUpAt.toISOString()}::timestamptz, claimed_by_job = NULL
    WHERE id = ${id}`);
}

/** A success ends the endpoint's failing streak. */
export async function markEndpointHealthy(db: Queryable, endpointId: string): Promise<void> {
  await db.execute(
    sql`UPDATE webhook_endpoints SET failing_since = NULL WHERE id = ${endpointId} AND failing_since IS NOT NULL`,
  );
}

/** A failure starts the endpoint's failing streak, unless one is running; answers the endpoint (locked). */
export async function markEndpointFailing(
  db: Queryable,
  endpointId: string,
): Promise<EndpointRow | undefined> {
  const [row] = await db.query<EndpointRow>(sql`
    UPDATE webhook_endpoints SET failing_since = COALESCE(failing_since, now())
    WHERE id = ${endpointId} RETURNING ${ENDPOINT_COLUMNS}`);
  return row;
}
