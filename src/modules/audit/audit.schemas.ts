import { z } from 'zod';
import { CreatedPosition } from '../../platform/pagination.js';
import { periodQuery } from '../../platform/period.js';
import type { AuditEventRow } from './audit.repo.js';

export const AuditCursor = CreatedPosition;

const Id = z.string().trim().min(1).max(200);

const AuditFilters = {
  target: Id.optional().describe('the id of the changed row'),
  action: z
    .string()
    .regex(/^[a-z_]+\.[a-z_]+$/, 'an action such as shop.approved')
    .optional(),
  ...periodQuery,
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
  api_key_id: z.string().nullable().describe('the API key the actor acted through; null: a session'),
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
  api_key_id: row.apiKeyId,
  created_at: row.createdAt.toISOString(),
});
