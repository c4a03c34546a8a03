import { WebhooksEditor } from '../webhooks/webhooks-editor';
import { AdminPage } from './admin-page';

/** The marketplace's webhook endpoints: any event, every shop's. */
export function AdminWebhooksPage() {
  return (
    <AdminPage title="Webhooks">
      <p className="muted">
        The marketplace's endpoints receive every event they subscribe to, of every shop: for fraud checks,
        analytics and the back office's own tools.
      </p>
      <WebhooksEditor owner="admin" />
    </AdminPage>
  );
}
