import { WebhooksEditor } from '../webhooks/webhooks-editor';
import { SellerPage } from './seller-page';

/** The shop's webhook endpoints: its own events only, for its ERP, warehouse or accounting tools. */
export function SellerWebhooksPage() {
  return (
    <SellerPage title="Webhooks">
      <p className="muted">
        Your endpoints receive the events about your shop only: its orders, products, returns, disputes,
        reviews and payouts.
      </p>
      <WebhooksEditor owner="shop" />
    </SellerPage>
  );
}
