import { Fragment } from 'react';
import { Route } from 'react-router';
import { AdminApiKeysPage } from './api-keys';
import { AdminAuditPage } from './audit';
import { AdminDashboardPage } from './dashboard';
import { AdminDisputesPage } from './disputes';
import { AdminHomePage } from './home';
import { AdminPaymentsPage, AdminPayoutsPage, AdminRefundsPage } from './money';
import { AdminOrderPage } from './order-detail';
import { AdminOrdersPage } from './orders';
import { AdminProductsPage } from './products';
import { AdminPromotionsPage } from './promotions';
import { AdminReturnsPage } from './returns';
import { AdminReviewsPage } from './reviews';
import { AdminShopsPage } from './shops';
import { TaxRatesPage, TaxReportPage } from './tax';
import { TrialBalancePage } from './trial-balance';
import { AdminUserPage } from './user-detail';
import { AdminUsersPage } from './users';
import { AdminWebhooksPage } from './webhooks';

export const adminRoutes = (
  <Fragment>
    <Route path="/admin" element={<AdminHomePage />} />
    <Route path="/admin/dashboard" element={<AdminDashboardPage />} />
    <Route path="/admin/reviews" element={<AdminReviewsPage />} />
    <Route path="/admin/returns" element={<AdminReturnsPage />} />
    <Route path="/admin/shops" element={<AdminShopsPage />} />
    <Route path="/admin/disputes" element={<AdminDisputesPage />} />
    <Route path="/admin/users" element={<AdminUsersPage />} />
    <Route path="/admin/users/:id" element={<AdminUserPage />} />
    <Route path="/admin/orders" element={<AdminOrdersPage />} />
    <Route path="/admin/orders/:id" element={<AdminOrderPage />} />
    <Route path="/admin/products" element={<AdminProductsPage />} />
    <Route path="/admin/payments" element={<AdminPaymentsPage />} />
    <Route path="/admin/refunds" element={<AdminRefundsPage />} />
    <Route path="/admin/payouts" element={<AdminPayoutsPage />} />
    <Route path="/admin/trial-balance" element={<TrialBalancePage />} />
    <Route path="/admin/tax-rates" element={<TaxRatesPage />} />
    <Route path="/admin/tax-report" element={<TaxReportPage />} />
    <Route path="/admin/promotions" element={<AdminPromotionsPage />} />
    <Route path="/admin/audit" element={<AdminAuditPage />} />
    <Route path="/admin/api-keys" element={<AdminApiKeysPage />} />
    <Route path="/admin/webhooks" element={<AdminWebhooksPage />} />
  </Fragment>
);
