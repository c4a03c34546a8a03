import { z } from 'zod';
import { CreatedPosition } from '../../platform/pagination.js';
import type { AuditEventRow } from './audit.repo.js';

export const AuditCursor = CreatedPosition;

const Instant = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()])
  .describe('an instant (ISO 8601) or a day, YYYY-MM-DD (UTC)');
const Id = z.string().trim().min(1).max(200);

const AuditFilters = {
  target: Id.optional().describe('the id of the changed row'),
  action: z
    .string()
    .regex(/^[a-z_]+\.[a-z_]+$/, 'an action such as shop.approved')
    .optional(),
  from: Instant.optional().describe('from this instant or the start of this day, included'),
  to: Instant.optional().describe('until this instant (excluded) or the end of this day (included)'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(2000).optional(),
};

export const AdminAuditQuery = z.strictObject({
  actor: Id.optional().describe('the id of the user who acted'),
  ...AuditFilters,
});
export const ShopAuditQuery = z.strictObject(AuditFilters);

export const AuditEvent = z.object({
  id: z.string(),
  actor: z.object({ id: z.string(), name: z.string() }).nullable().describe('null: nobody signed in'),
  action: z.string(),
  target_type: z.string(),
  target_id: z.string(),
  changes: z
    .record(z.string(), z.tuple([z.unknown(), z.unknown()]))
    .describe('{field: [before, after]} of the fields that changed'),
  request_id: z.string().nullable(),
  ip: z.string().nullable(),
  created_at: z.string(),
});

export const presentAuditEvent = (row: AuditEventRow): z.infer<typeof AuditEvent> => ({
  id: row.id,
  actor: row.actorId === null ? null : { id: row.actorId, name: row.actorName ?? '' },
  action: row.action,
  target_type: row.targetType,
  target_id: row.targetId,
  changes: row.changes,
  request_id: row.requestId,
  ip: row.ip,
  created_at: row.createdAt.toISOString(),
});
