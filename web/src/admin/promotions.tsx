import { PromotionsEditor } from '../promotions/promotions-editor';
import { AdminPage } from './admin-page';

/** The marketplace's promotions: funded by the platform, on any shop's items. */
export function AdminPromotionsPage() {
  return (
    <AdminPage title="Promotions">
      <p className="muted">
        The platform pays for these discounts: sellers are paid, and commission computed, as if there were
        none, and the difference is booked to promotions expense.
      </p>
      <PromotionsEditor owner="admin" />
    </AdminPage>
  );
}
