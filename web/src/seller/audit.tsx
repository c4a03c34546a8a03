import { api, call } from '../api/client';
import { AuditTrail } from '../ui/audit-trail';
import { SellerPage } from './seller-page';

/** Who changed what in the seller's shop: its own staff and the marketplace's admins. */
export function SellerAuditPage() {
  return (
    <SellerPage title="Audit log">
      <AuditTrail
        withActor={false}
        load={({ actor: _actor, ...filters }, cursor) =>
          call(api.GET('/v1/shop/audit', { params: { query: { ...filters, cursor } } }))
        }
      />
    </SellerPage>
  );
}
