import type { ReactNode } from 'react';
import { Link, Navigate, NavLink, Outlet, useLocation, useNavigate, useSearchParams } from 'react-router';
import { NotificationBell } from '../account/notifications';
import { useAuth } from '../auth';
import { ErrorNotice, Spinner } from './feedback';
import { SearchForm } from './search-form';

function SearchBox() {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  return (
    <SearchForm
      id="site-search"
      label="Search products"
      value={params.get('q') ?? ''}
      submitLabel="Search"
      className="search-box"
      onSearch={(text) => navigate(text ? `/search?q=${encodeURIComponent(text)}` : '/search')}
    />
  );
}

function AccountLinks() {
  const { me, logout } = useAuth();
  const navigate = useNavigate();
  if (me === undefined) return null;
  if (me === null) {
    return (
      <>
        <NavLink to="/login">Log in</NavLink>
        <NavLink to="/signup">Sign up</NavLink>
      </>
    );
  }
  return (
    <>
      <NavLink to="/orders">Orders</NavLink>
      {me.roles.includes('seller') ? (
        <NavLink to="/seller">Seller center</NavLink>
      ) : (
        <NavLink to="/seller/open">Sell on Bazaar</NavLink>
      )}
      {me.roles.includes('admin') && <NavLink to="/admin">Admin</NavLink>}
      <NotificationBell />
      <NavLink to="/account">Account</NavLink>
      <button
        type="button"
        className="button-link"
        onClick={async () => {
          await logout();
          navigate('/');
        }}
      >
        Log out
      </button>
    </>
  );
}

export function Layout() {
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <Link to="/" className="brand">
          Bazaar
        </Link>
        <SearchBox />
        <nav aria-label="Account" className="site-nav">
          <NavLink to="/cart">Cart</NavLink>
          <AccountLinks />
        </nav>
      </header>
      <main id="main" className="site-main">
        <Outlet />
      </main>
      <footer className="site-footer">Bazaar: an open-source marketplace</footer>
    </>
  );
}

/** Shows its children to a signed-in person (with the role, if one is named); sends others to log in. */
/** Shows its children once it is known whether someone is signed in (pages guests may use too). */
export function SessionKnown({ children }: { children: ReactNode }) {
  const { me, error, refresh } = useAuth();
  if (me === undefined)
    return error ? <ErrorNotice error={error} retry={() => void refresh()} /> : <Spinner />;
  return <>{children}</>;
}

export function RequireAuth({ role, children }: { role?: 'seller' | 'admin'; children: ReactNode }) {
  const { me, error, refresh } = useAuth();
  const location = useLocation();
  if (me === undefined)
    return error ? <ErrorNotice error={error} retry={() => void refresh()} /> : <Spinner />;
  if (me === null)
    return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  if (role === 'seller' && !me.roles.includes('seller')) return <Navigate to="/seller/open" replace />;
  if (role === 'admin' && !me.roles.includes('admin')) {
    return (
      <div className="notice notice-error" role="alert">
        This page is for administrators.
      </div>
    );
  }
  return <>{children}</>;
}
