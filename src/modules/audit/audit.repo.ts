import { type SQL, sql } from 'drizzle-orm';
import type { Queryable } from '../../platform/db.js';
import { keysetTime } from '../../platform/pagination.js';

export interface AuditEventRow {
  id: string;
  actorId: string | null;
  actorName: string | null;
  action: string;
  targetType: string;
  targetId: string;
  shopId: string | null;
  changes: Record<string, [unknown, unknown]>;
  requestId: string | null;
  ip: string | null;
  apiKeyId: string | null;
  createdAt: Date;
  /** The exact creation time, as the keyset position. */
  position: string;
}

export interface AuditFilter {
  shopId?: string | undefined;
  actorId?: string | undefined;
  targetId?: string | undefined;
  action?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  after?: { createdAt: string; id: string } | undefined;
  limit: number;
}

/** Audit events newest first; every filter is served by an index led by its column. */
export async function listAuditEvents(db: Queryable, filter: AuditFilter): Promise<AuditEventRow[]> {
  const conditions: SQL[] = [sql`true`];
  if (filter.shopId !== undefined) conditions.push(sql`shop_id = ${filter.shopId}`);
  if (filter.actorId !== undefined) conditions.push(sql`actor_id = ${filter.actorId}`);
  if (filter.targetId !== undefined) conditions.push(sql`target_id = ${filter.targetId}`);
  if (filter.action !== undefined) conditions.push(sql`action = ${filter.action}`);
  if (filter.from !== undefined)
    conditions.push(sql`created_at >= ${filter.from.toISOString()}::timestamptz`);
  if (filter.to !== undefined) conditions.push(sql`created_at < ${filter.to.toISOString()}::timestamptz`);
  if (filter.after !== undefined) {
    conditions.push(sql`(created_at, id) < (${filter.after.createdAt}::timestamptz, ${filter.after.id})`);
  }
  return db.query<AuditEventRow>(sql`
    SELECT id, actor_id AS "actorId", actor_name AS "actorName", action, target_type AS "targetType",
           target_id AS "targetId", shop_id AS "shopId", changes, request_id AS "requestId", ip,
           api_key_id AS "apiKeyId", created_at AS "createdAt", ${keysetTime(sql`created_at`)} AS position
    FROM audit_events
    WHERE ${sql.join(conditions, sql` AND `)}
    ORDER BY created_at DESC, id DESC
    LIMIT ${filter.limit + 1}`);
}
