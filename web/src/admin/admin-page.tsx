import type { ReactNode } from 'react';
import { NavLink } from 'react-router';
import { RequireAuth } from '../ui/layout';

/** An admin page: for administrators only, under the admin navigation. */
export function AdminPage({ title, children }: { title: string; children: ReactNode }) {
  return (
    // biome-ignore lint/a11y/useValidAriaRole: an account role, not an ARIA one
    <RequireAuth role="admin">
      <nav aria-label="Admin" className="seller-nav">
        <NavLink to="/admin" end>
          Admin home
        </NavLink>
        <NavLink to="/admin/reviews">Reviews</NavLink>
        <NavLink to="/admin/trial-balance">Trial balance</NavLink>
      </nav>
      <section>
        <h1>{title}</h1>
        {children}
      </section>
    </RequireAuth>
  );
}
