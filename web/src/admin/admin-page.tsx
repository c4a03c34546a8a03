import type { ReactNode } from 'react';
import { Link, NavLink } from 'react-router';
import { useAuth } from '../auth';
import { RequireAuth } from '../ui/layout';

/** Admin routes answer 403 to an admin without two-factor sign-in where BAZAAR_REQUIRE_ADMIN_2FA is on. */
function TwoFactorHint() {
  const { me } = useAuth();
  if (!me || me.two_factor_enabled) return null;
  return (
    <p className="notice notice-info">
      <span>
        Protect this admin account: <Link to="/account/two-factor">turn on two-factor sign-in</Link>. A
        marketplace may require it before admin pages work.
      </span>
    </p>
  );
}

/** An admin page: for administrators only, under the admin navigation. */
export function AdminPage({ title, children }: { title: string; children: ReactNode }) {
  return (
    // biome-ignore lint/a11y/useValidAriaRole: an account role, not an ARIA one
    <RequireAuth role="admin">
      <nav aria-label="Admin" className="seller-nav">
        <NavLink to="/admin" end>
          Admin home
        </NavLink>
        <NavLink to="/admin/dashboard">Dashboard</NavLink>
        <NavLink to="/admin/users">Users</NavLink>
        <NavLink to="/admin/shops">Shops</NavLink>
        <NavLink to="/admin/orders">Orders</NavLink>
        <NavLink to="/admin/products">Products</NavLink>
        <NavLink to="/admin/payments">Payments</NavLink>
        <NavLink to="/admin/refunds">Refunds</NavLink>
        <NavLink to="/admin/payouts">Payouts</NavLink>
        <NavLink to="/admin/reviews">Reviews</NavLink>
        <NavLink to="/admin/disputes">Disputes</NavLink>
        <NavLink to="/admin/returns">Returns</NavLink>
        <NavLink to="/admin/trial-balance">Trial balance</NavLink>
        <NavLink to="/admin/tax-rates">Tax rates</NavLink>
        <NavLink to="/admin/tax-report">Tax report</NavLink>
        <NavLink to="/admin/promotions">Promotions</NavLink>
        <NavLink to="/admin/audit">Audit log</NavLink>
        <NavLink to="/admin/api-keys">API keys</NavLink>
        <NavLink to="/admin/webhooks">Webhooks</NavLink>
      </nav>
      <section>
        <h1>{title}</h1>
        <TwoFactorHint />
        {children}
      </section>
    </RequireAuth>
  );
}
