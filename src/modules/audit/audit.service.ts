import type { Database } from '../../platform/db.js';
import { decodeCursor, paginate } from '../../platform/pagination.js';
import * as repo from './audit.repo.js';
import { AuditCursor, presentAuditEvent } from './audit.schemas.js';

export interface AuditQuery {
  actor?: string | undefined;
  target?: string | undefined;
  action?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

const DAY_MS = 86_400_000;
const isDay = (text: string) => text.length === 10;

export class AuditService {
  constructor(private readonly db: Database) {}

  /** The whole trail (admins), or one shop's (its seller). */
  async list(query: AuditQuery, shopId?: string) {
    const after = decodeCursor(query.cursor, AuditCursor);
    const rows = await repo.listAuditEvents(this.db, {
      shopId,
      actorId: query.actor,
      targetId: query.target,
      action: query.action,
      from: query.from === undefined ? undefined : new Date(query.from),
      // A day is included whole: the trail runs until the next midnight.
      to:
        query.to === undefined
          ? undefined
          : new Date(new Date(query.to).getTime() + (isDay(query.to) ? DAY_MS : 0)),
      after,
      limit: query.limit,
    });
    return paginate(rows, query.limit, presentAuditEvent, (row) => ({ createdAt: row.position, id: row.id }));
  }
}
