import type { ReactNode } from 'react';
import { NavLink } from 'react-router';
import { RequireAuth } from '../ui/layout';

const SECTIONS = [
  { to: '/seller', label: 'Overview', end: true },
  { to: '/seller/products', label: 'Products', end: false },
  { to: '/seller/orders', label: 'Orders', end: false },
  { to: '/seller/returns', label: 'Returns', end: false },
  { to: '/seller/shipping', label: 'Shipping', end: false },
  { to: '/seller/promotions', label: 'Promotions', end: false },
  { to: '/seller/reviews', label: 'Reviews', end: false },
  { to: '/seller/money', label: 'Money', end: false },
  { to: '/seller/disputes', label: 'Disputes', end: false },
  { to: '/seller/shop', label: 'Shop settings', end: false },
  { to: '/seller/audit', label: 'Audit log', end: false },
  { to: '/seller/api-keys', label: 'API keys', end: false },
  { to: '/seller/webhooks', label: 'Webhooks', end: false },
];

/** A seller-center page: for sellers only, under the seller-center navigation. */
export function SellerPage({ title, children }: { title: string; children: ReactNode }) {
  return (
    // biome-ignore lint/a11y/useValidAriaRole: an account role, not an ARIA one
    <RequireAuth role="seller">
      <div className="seller-center">
        <nav aria-label="Seller center" className="seller-nav">
          {SECTIONS.map((section) => (
            <NavLink key={section.to} to={section.to} end={section.end}>
              {section.label}
            </NavLink>
          ))}
        </nav>
        <section className="seller-content">
          <h1>{title}</h1>
          {children}
        </section>
      </div>
    </RequireAuth>
  );
}
