import { ApiKeysManager } from '../ui/api-keys';
import { SellerPage } from './seller-page';

/** The seller's API keys, for the shop's ERP, warehouse or accounting tools. */
export function SellerApiKeysPage() {
  return (
    <SellerPage title="API keys">
      <ApiKeysManager owner="shop" />
    </SellerPage>
  );
}
