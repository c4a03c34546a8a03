import { useEffect, useState } from 'react';
import { Link, NavLink, useLocation } from 'react-router';
import { api, call, messageOf } from '../api/client';
import { formatDateTime } from '../format';
import { RequireAuth } from '../ui/layout';
import { Paged } from '../ui/paged-list';
import { useAction, useApi } from '../ui/use-api';

/** How often the header asks for the unread count while the page stays open. */
const UNREAD_POLL_MS = 60_000;

/** The header's link to the notifications, with how many are unread; asked again on every page change. */
export function NotificationBell() {
  const location = useLocation();
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((previous) => previous + 1), UNREAD_POLL_MS);
    return () => clearInterval(timer);
  }, []);
  // A page change may have read notifications, or made some: the path is part of the key.
  const unread = useApi(
    async () =>
      (await call(api.GET('/v1/me/notifications', { params: { query: { limit: 1 } } }))).unread_count,
    [location.pathname, tick],
  ).data;
  const label = unread ? `Notifications, ${unread} unread` : 'Notifications';
  return (
    <NavLink to="/notifications" aria-label={label} className="notification-bell">
      <span aria-hidden="true">🔔</span>
      {unread ? (
        <span className="unread-count" aria-hidden="true">
          {unread > 99 ? '99+' : unread}
        </span>
      ) : null}
    </NavLink>
  );
}

export function NotificationsPage() {
  const [unreadOnly, setUnreadOnly] = useState(false);
  const [version, setVersion] = useState(0);
  const markAll = useAction(async () => {
    await call(api.POST('/v1/me/notifications/read', { body: { all: true } }));
    setVersion((previous) => previous + 1);
  });
  const markOne = useAction(async (id: string) => {
    await call(api.POST('/v1/me/notifications/read', { body: { ids: [id] } }));
    setVersion((previous) => previous + 1);
  });
  return (
    <RequireAuth>
      <section className="stack">
        <div className="row">
          <h1>Notifications</h1>
          <label className="checkbox">
            <input
              type="checkbox"
              checked={unreadOnly}
              onChange={(event) => setUnreadOnly(event.target.checked)}
            />
            Unread only
          </label>
          <button
            type="button"
            className="button-secondary"
            onClick={() => void markAll.run()}
            disabled={markAll.pending}
          >
            Mark all read
          </button>
          <Link to="/account">Email settings</Link>
        </div>
        {(markAll.error ?? markOne.error) !== null && (
          <p className="notice notice-error" role="alert">
            {messageOf(markAll.error ?? markOne.error)}
          </p>
        )}
        <Paged
          key={`${unreadOnly}`}
          label="Notifications"
          loadKey={[unreadOnly, version]}
          load={(cursor) =>
            call(
              api.GET('/v1/me/notifications', {
                params: {
                  query: {
                    ...(unreadOnly ? { unread: 'true' as const } : {}),
                    ...(cursor ? { cursor } : {}),
                  },
                },
              }),
            )
          }
          empty={<p className="muted">{unreadOnly ? 'Nothing unread.' : 'No notifications yet.'}</p>}
        >
          {(items) => (
            <ul className="notification-list">
              {items.map((notice) => (
                <li key={notice.id} className={notice.read_at ? 'card' : 'card unread'}>
                  <div className="row">
                    <strong>
                      {notice.link ? <Link to={notice.link}>{notice.title}</Link> : notice.title}
                    </strong>
                    {!notice.read_at && <span className="badge">new</span>}
                  </div>
                  <p>{notice.body}</p>
                  <div className="row muted">
                    <span>{formatDateTime(notice.created_at)}</span>
                    {!notice.read_at && (
                      <button
                        type="button"
                        className="button-link"
                        onClick={() => void markOne.run(notice.id)}
                      >
                        Mark read
                      </button>
                    )}
                  </div>
                </li>
              ))}
            </ul>
          )}
        </Paged>
      </section>
    </RequireAuth>
  );
}
