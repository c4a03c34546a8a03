import { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type Queryable, sql } from './db.js';
import { newId } from './ids.js';

/**
 * The audit trail's write side: use cases append an event in the transaction that makes the change
 * (`appendAudit(tx, …)`), so a change that commits always has its event and one that rolls back has
 * none. Who acted, the request id and the client address come from the request being served; the
 * audit module owns the table's reads.
 */

/** `<target>.<what happened>`, e.g. `shop.approved`, `user.login_failed`. */
export type AuditAction = `${string}.${string}`;

/** `{field: [before, after]}` of the fields that changed. */
export type AuditChanges = Record<string, readonly [unknown, unknown]>;

export interface AuditActor {
  id: string;
  name: string;
}

export interface AuditEntry {
  action: AuditAction;
  target: { type: string; id: string };
  /** The shop the change belongs to, so its seller sees it in the shop's trail. */
  shopId?: string | null | undefined;
  changes?: AuditChanges | undefined;
  /**
   * Who acted, when the request's signed-in caller is not the one (a login: nobody is signed in
   * yet; null for someone unknown, e.g. a failed login).
   */
  actor?: AuditActor | null | undefined;
}

const servedRequest = new AsyncLocalStorage<FastifyRequest>();

/**
 * Makes the request being served known to `appendAudit` in everything its handler awaits. Entered
 * in preHandler, after the body is parsed and the auth guards have named the caller (a context
 * entered before the body streams in is not reliably carried through the parser's callbacks).
 */
export function registerAuditContext(app: FastifyInstance): void {
  app.addHook('preHandler', (request, _reply, done) => servedRequest.run(request, done));
}

/** Appends one audit event in the caller's transaction. */
export async function appendAudit(tx: Queryable, entry: AuditEntry): Promise<string> {
  const request = servedRequest.getStore();
  const caller = request?.caller ?? null;
  const actor = entry.actor !== undefined ? entry.actor : caller && { id: caller.id, name: caller.name };
  // A change made through an API key is its owner's, and names the key it was made with.
  const apiKeyId = entry.actor === undefined ? (caller?.apiKey?.id ?? null) : null;
  const id = newId('aud');
  await tx.execute(sql`
    INSERT INTO audit_events
      (id, actor_id, actor_name, action, target_type, target_id, shop_id, changes, request_id, ip, api_key_id)
    VALUES (${id}, ${actor?.id ?? null}, ${actor?.name ?? null}, ${entry.action}, ${entry.target.type},
            ${entry.target.id}, ${entry.shopId ?? null}, ${JSON.stringify(entry.changes ?? {})}::jsonb,
            ${request?.id ?? null}, ${request?.ip ?? null}, ${apiKeyId})`);
  return id;
}

const comparable = (value: unknown): unknown => (value instanceof Date ? value.toISOString() : value);

/** The API's name of a field (`returnWindowDays` → `return_window_days`). */
const apiName = (field: string): string => field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * `{field: [before, after]}` for each named field whose value differs (compared as JSON, dates as
 * ISO strings), under the field's API name. `before` is null for a row the change created, `after`
 * for one it deleted.
 */
export function changesBetween<Row extends object>(
  before: Row | null,
  after: Row | null,
  fields: readonly (keyof Row & string)[],
): AuditChanges {
  const changes: Record<string, readonly [unknown, unknown]> = {};
  for (const field of fields) {
    const was = comparable(before?.[field] ?? null);
    const now = comparable(after?.[field] ?? null);
    if (JSON.stringify(was) !== JSON.stringify(now)) changes[apiName(field)] = [was, now];
  }
  return changes;
}
