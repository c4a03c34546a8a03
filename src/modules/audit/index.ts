/**
 * Audit: the read side of the append-only trail of who changed what (table audit_events, written by
 * use cases through `appendAudit` in src/platform/audit.ts): the admin's view of everything and a
 * seller's view of their shop.
 */

export { auditRoutes } from './audit.routes.js';
export { AuditService } from './audit.service.js';
