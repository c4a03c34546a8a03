import { Link, useSearchParams } from 'react-router';
import { api, call } from '../api/client';
import type { paths } from '../api/schema';
import { formatDate } from '../format';
import { DataTable } from '../ui/data-table';
import { ErrorNotice } from '../ui/feedback';
import { FilteredPaged } from '../ui/filtered-paged';
import { SearchForm } from '../ui/search-form';
import { useAction } from '../ui/use-api';
import { AdminPage } from './admin-page';

export type AdminUser =
  paths['/v1/admin/users']['get']['responses'][200]['content']['application/json']['data'][number];

const FILTERS = [
  { value: 'all', label: 'All' },
  { value: 'active', label: 'Active' },
  { value: 'suspended', label: 'Suspended' },
] as const;

/** Every account of the marketplace: find one, see its roles and shop, suspend or reinstate it. */
export function AdminUsersPage() {
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  return (
    <AdminPage title="Users">
      <SearchForm
        id="admin-user-search"
        label="Name, email or user id"
        value={q}
        submitLabel="Search"
        onSearch={(text) => {
          const next = new URLSearchParams(params);
          if (text) next.set('q', text);
          else next.delete('q');
          setParams(next);
        }}
      />
      <FilteredPaged
        key={q}
        id="admin-user-filter"
        param="status"
        fallback="all"
        options={FILTERS}
        label="Users"
        empty={<p className="empty-state">No users here.</p>}
        load={(status, cursor) =>
          call(api.GET('/v1/admin/users', { params: { query: { status, cursor, ...(q ? { q } : {}) } } }))
        }
      >
        {(users, reload) => (
          <DataTable columns={['User', 'Roles', 'Shop', 'Joined', 'Status', 'Actions']}>
            {users.map((user) => (
              <UserRow key={user.id} user={user} onChanged={reload} />
            ))}
          </DataTable>
        )}
      </FilteredPaged>
    </AdminPage>
  );
}

function UserRow({ user, onChanged }: { user: AdminUser; onChanged(): void }) {
  return (
    <tr>
      <td>
        <Link to={`/admin/users/${user.id}`}>{user.name}</Link>
        <div className="muted">{user.email}</div>
        <div className="muted">
          <code>{user.id}</code>
        </div>
      </td>
      <td>{user.roles.join(', ')}</td>
      <td>{user.shop ? user.shop.name : <span className="muted">—</span>}</td>
      <td>{formatDate(user.created_at)}</td>
      <td>
        <UserStatusBadge user={user} />
      </td>
      <td>
        <SuspendButton user={user} onChanged={onChanged} />
      </td>
    </tr>
  );
}

export function UserStatusBadge({ user }: { user: Pick<AdminUser, 'suspended'> }) {
  return <span className="badge">{user.suspended ? 'suspended' : 'active'}</span>;
}

/** Suspends an active account or reinstates a suspended one, then lets the page reload it. */
export function SuspendButton({ user, onChanged }: { user: AdminUser; onChanged(): void }) {
  const action = user.suspended ? 'unsuspend' : 'suspend';
  const act = useAction(async () => {
    await call(api.POST(`/v1/admin/users/{id}/${action}`, { params: { path: { id: user.id } } }));
    onChanged();
  });
  return (
    <>
      <button
        type="button"
        className={user.suspended ? undefined : 'button-danger'}
        disabled={act.pending}
        onClick={() => void act.run()}
        aria-label={`${user.suspended ? 'Reinstate' : 'Suspend'} ${user.name}`}
      >
        {user.suspended ? 'Reinstate' : 'Suspend'}
      </button>
      <ErrorNotice error={act.error} />
    </>
  );
}
