import { Fragment } from 'react';
import { Route } from 'react-router';
import { SellerApiKeysPage } from './api-keys';
import { SellerAuditPage } from './audit';
import { DisputesPage } from './disputes';
import { MoneyPage } from './money';
import { OpenShopPage } from './open-shop';
import { OrderDetailPage } from './order-detail';
import { OrdersPage } from './orders';
import { OverviewPage } from './overview';
import { EditProductPage } from './product-edit';
import { NewProductPage } from './product-new';
import { ProductsPage } from './products';
import { PromotionsPage } from './promotions';
import { SellerReturnsPage } from './returns';
import { ReviewsPage } from './reviews';
import { ShippingOptionsPage } from './shipping-options';
import { ShopSettingsPage } from './shop-settings';
import { SellerWebhooksPage } from './webhooks';

export const sellerRoutes = (
  <Fragment>
    <Route path="/seller/open" element={<OpenShopPage />} />
    <Route path="/seller" element={<OverviewPage />} />
    <Route path="/seller/products" element={<ProductsPage />} />
    <Route path="/seller/products/new" element={<NewProductPage />} />
    <Route path="/seller/products/:id" element={<EditProductPage />} />
    <Route path="/seller/orders" element={<OrdersPage />} />
    <Route path="/seller/orders/:id" element={<OrderDetailPage />} />
    <Route path="/seller/returns" element={<SellerReturnsPage />} />
    <Route path="/seller/reviews" element={<ReviewsPage />} />
    <Route path="/seller/money" element={<MoneyPage />} />
    <Route path="/seller/disputes" element={<DisputesPage />} />
    {/* Where payout notices and the payment provider's onboarding send the seller back. */}
    <Route path="/seller/payouts" element={<MoneyPage />} />
    <Route path="/seller/shop" element={<ShopSettingsPage />} />
    <Route path="/seller/shipping" element={<ShippingOptionsPage />} />
    <Route path="/seller/promotions" element={<PromotionsPage />} />
    <Route path="/seller/audit" element={<SellerAuditPage />} />
    <Route path="/seller/api-keys" element={<SellerApiKeysPage />} />
    <Route path="/seller/webhooks" element={<SellerWebhooksPage />} />
  </Fragment>
);
