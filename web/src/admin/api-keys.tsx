import { ApiKeysManager } from '../ui/api-keys';
import { AdminPage } from './admin-page';

/** The admin's API keys, for fraud checks, analytics and back-office tools. */
export function AdminApiKeysPage() {
  return (
    <AdminPage title="API keys">
      <ApiKeysManager owner="admin" />
    </AdminPage>
  );
}
