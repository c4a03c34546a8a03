import { z } from 'zod';
import { API_KEY_SCOPES } from '../../platform/http.js';
import { CreatedPosition, PageQuery, pageOf } from '../../platform/pagination.js';
import type { ApiKeyRow } from './apikeys.repo.js';

export const ApiKeyParams = z.strictObject({ id: z.string().min(1).max(64) });

export const CreateApiKeyBody = z.strictObject({
  name: z.string().trim().min(1).max(100).describe('what the key is for, e.g. "warehouse sync"'),
  scopes: z
    .array(z.enum(API_KEY_SCOPES))
    .min(1)
    .max(API_KEY_SCOPES.length)
    .refine((scopes) => new Set(scopes).size === scopes.length, 'each scope once')
    .describe('what the key may do; `admin` only on keys an admin makes'),
  expires_at: z.iso
    .datetime({ offset: true })
    .nullable()
    .optional()
    .describe('when the key stops working (default: never)'),
});

export const ApiKeyListQuery = PageQuery;
export const ApiKeyCursor = CreatedPosition;

export const ApiKey = z.object({
  id: z.string(),
  name: z.string(),
  scopes: z.array(z.enum(API_KEY_SCOPES)),
  created_at: z.string(),
  expires_at: z.string().nullable(),
  last_used_at: z.string().nullable().describe('to the minute: a key in use is noted at most once a minute'),
});

export const CreatedApiKey = ApiKey.extend({
  key: z
    .string()
    .describe(
      '`bzk_…`: sent as `Authorization: Bearer <key>`; shown only in this answer, only its hash is kept',
    ),
});

export const ApiKeyList = pageOf(ApiKey);

export const presentApiKey = (row: ApiKeyRow): z.infer<typeof ApiKey> => ({
  id: row.id,
  name: row.name,
  scopes: row.scopes,
  created_at: row.createdAt.toISOString(),
  expires_at: row.expiresAt?.toISOString() ?? null,
  last_used_at: row.lastUsedAt?.toISOString() ?? null,
});
