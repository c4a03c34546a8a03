import { Link } from 'react-router';
import { AdminPage } from './admin-page';

export function AdminHomePage() {
  return (
    <AdminPage title="Admin">
      <ul className="admin-links">
        <li className="card">
          <Link to="/admin/reviews">Reviews</Link>
          <p className="muted">Hide reviews that break the rules, or show them again.</p>
        </li>
        <li className="card">
          <Link to="/admin/trial-balance">Trial balance</Link>
          <p className="muted">Debits and credits of every ledger account.</p>
        </li>
      </ul>
    </AdminPage>
  );
}
