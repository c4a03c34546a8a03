import type { Database } from '../../platform/db.js';
import { decodeCursor, paginate } from '../../platform/pagination.js';
import { orderedPeriodOf } from '../../platform/period.js';
import { auditErrors } from './audit.errors.js';
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

export class AuditService {
  constructor(private readonly db: Database) {}

  /** The whole trail (admins), or one shop's (its seller). */
  async list(query: AuditQuery, shopId?: string) {
    const after = decodeCursor(query.cursor, AuditCursor);
    const period = orderedPeriodOf(query, () =>
      auditErrors.invalidAt('audit_period_invalid', '/query/to', 'the period ends before it starts'),
    );
    const rows = await repo.listAuditEvents(this.db, {
      shopId,
      actorId: query.actor,
      targetId: query.target,
      action: query.action,
      ...period,
      after,
      limit: query.limit,
    });
    return paginate(rows, query.limit, presentAuditEvent, (row) => ({ createdAt: row.position, id: row.id }));
  }
}
