import { useParams } from 'react-router';
import { api, call } from '../api/client';
import { formatDate } from '../format';
import { AuditEventList } from '../ui/audit-trail';
import { Async } from '../ui/feedback';
import { NotFound } from '../ui/not-found';
import { Paged } from '../ui/paged-list';
import { useApi } from '../ui/use-api';
import { AdminPage } from './admin-page';
import { AdminOrderTable } from './orders';
import { SuspendButton, UserStatusBadge } from './users';

/** One account: who it is, its status with the suspend action, its orders and its audit trail. */
export function AdminUserPage() {
  const { id = '' } = useParams();
  // No endpoint reads one user: the search matches ids exactly, so the id finds it among the hits.
  const user = useApi(async () => {
    const page = await call(api.GET('/v1/admin/users', { params: { query: { q: id } } }));
    return page.data.find((candidate) => candidate.id === id) ?? null;
  }, [id]);
  return (
    <AdminPage title={user.data ? user.data.name : 'User'}>
      <Async value={user}>
        {(found) =>
          found === null ? (
            <NotFound what="user" />
          ) : (
            <>
              <dl className="details">
                <dt>Email</dt>
                <dd>{found.email}</dd>
                <dt>User id</dt>
                <dd>
                  <code>{found.id}</code>
                </dd>
                <dt>Roles</dt>
                <dd>{found.roles.join(', ')}</dd>
                <dt>Shop</dt>
                <dd>{found.shop ? found.shop.name : <span className="muted">—</span>}</dd>
                <dt>Joined</dt>
                <dd>{formatDate(found.created_at)}</dd>
                <dt>Status</dt>
                <dd>
                  <UserStatusBadge user={found} />
                </dd>
              </dl>
              <SuspendButton user={found} onChanged={user.reload} />
            </>
          )
        }
      </Async>
      <h2>Orders as buyer</h2>
      <Paged
        key={id}
        loadKey={[id]}
        label="Orders"
        empty={<p className="empty-state">No orders.</p>}
        load={(cursor) => call(api.GET('/v1/admin/orders', { params: { query: { buyer: id, cursor } } }))}
      >
        {(orders) => <AdminOrderTable orders={orders} />}
      </Paged>
      <h2>Changes to this account</h2>
      <AuditEventList
        key={`target-${id}`}
        // Suspending or reinstating here adds to this trail: show it.
        loadKey={['target', id, user.data?.suspended]}
        label="Changes to this account"
        empty="No audit events."
        load={(cursor) => call(api.GET('/v1/admin/audit', { params: { query: { target: id, cursor } } }))}
      />
      <h2>Changes made by this account</h2>
      <AuditEventList
        key={`actor-${id}`}
        loadKey={['actor', id]}
        label="Changes made by this account"
        empty="No audit events."
        load={(cursor) => call(api.GET('/v1/admin/audit', { params: { query: { actor: id, cursor } } }))}
      />
    </AdminPage>
  );
}
