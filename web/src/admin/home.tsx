import { Link } from 'react-router';
import { AdminPage } from './admin-page';

export function AdminHomePage() {
  return (
    <AdminPage title="Admin">
      <ul className="admin-links">
        <li className="card">
          <Link to="/admin/dashboard">Dashboard</Link>
          <p className="muted">
            GMV, net revenue, orders, refunds, disputes, new buyers and active sellers by day, week or month.
          </p>
        </li>
        <li className="card">
          <Link to="/admin/users">Users</Link>
          <p className="muted">Find any account by name, email or id; suspend or reinstate it.</p>
        </li>
        <li className="card">
          <Link to="/admin/orders">Orders</Link>
          <p className="muted">Every order by status, shop, buyer and date, exported as CSV.</p>
        </li>
        <li className="card">
          <Link to="/admin/products">Products</Link>
          <p className="muted">Find a product and take it down; its seller cannot bring it back.</p>
        </li>
        <li className="card">
          <Link to="/admin/payments">Payments, refunds and payouts</Link>
          <p className="muted">
            Every <Link to="/admin/payments">payment</Link>, <Link to="/admin/refunds">refund</Link> and{' '}
            <Link to="/admin/payouts">payout</Link> by status, each with its audit trail.
          </p>
        </li>
        <li className="card">
          <Link to="/admin/reviews">Reviews</Link>
          <p className="muted">Hide reviews that break the rules, or show them again.</p>
        </li>
        <li className="card">
          <Link to="/admin/trial-balance">Trial balance</Link>
          <p className="muted">Debits and credits of every ledger account.</p>
        </li>
        <li className="card">
          <Link to="/admin/tax-rates">Tax rates</Link>
          <p className="muted">Sales tax and VAT by country, region and product category.</p>
        </li>
        <li className="card">
          <Link to="/admin/tax-report">Tax report</Link>
          <p className="muted">Tax collected and refunded by place, reconciled with the ledger.</p>
        </li>
        <li className="card">
          <Link to="/admin/promotions">Promotions</Link>
          <p className="muted">Platform-funded codes and automatic discounts, with their uses.</p>
        </li>
        <li className="card">
          <Link to="/admin/audit">Audit log</Link>
          <p className="muted">
            Who changed what, and every sign-in and security change, by whom and from where.
          </p>
        </li>
        <li className="card">
          <Link to="/admin/api-keys">API keys</Link>
          <p className="muted">Keys for back-office integrations, scoped, revocable at once.</p>
        </li>
      </ul>
    </AdminPage>
  );
}
