import { api, call } from '../api/client';
import { AuditTrail } from '../ui/audit-trail';
import { AdminPage } from './admin-page';

/** Every audited change and security event of the marketplace. */
export function AdminAuditPage() {
  return (
    <AdminPage title="Audit log">
      <AuditTrail
        withActor
        load={(filters, cursor) =>
          call(api.GET('/v1/admin/audit', { params: { query: { ...filters, cursor } } }))
        }
      />
    </AdminPage>
  );
}
