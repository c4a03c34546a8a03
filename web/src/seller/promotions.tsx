import { PromotionsEditor } from '../promotions/promotions-editor';
import { SellerPage } from './seller-page';

/** The shop's own promotions: funded by the shop, on its items only. */
export function PromotionsPage() {
  return (
    <SellerPage title="Promotions">
      <p className="muted">
        Your promotions take their discount off your items only, and your shop pays for it: the order's
        revenue and commission are on what the buyer paid. A code goes on one cart at a time; automatic
        promotions apply to every cart they match.
      </p>
      <PromotionsEditor owner="shop" />
    </SellerPage>
  );
}
