import { type FormEvent, useState } from 'react';
import { useSearchParams } from 'react-router';
import type { paths } from '../api/schema';
import { formatDateTime } from '../format';
import { DataTable } from './data-table';
import { type Page, Paged } from './paged-list';
import type { LoadKey } from './use-api';

type AuditEventAnswer =
  paths['/v1/admin/audit']['get']['responses'][200]['content']['application/json']['data'][number];
/** An audit event; each change is `[before, after]` (the client reads the pair as a plain array). */
export type AuditEvent = Omit<AuditEventAnswer, 'changes'> & { changes: Record<string, readonly unknown[]> };

/** The filters both trails take; the admin's also takes `actor`. */
export interface AuditFilters {
  actor?: string;
  target?: string;
  action?: string;
  from?: string;
  to?: string;
}

const shown = (value: unknown): string =>
  value === null || value === undefined ? '—' : typeof value === 'string' ? value : JSON.stringify(value);

/** One change as people read it: `field: before → after`. */
export const describeChange = (field: string, [before, after]: readonly unknown[]): string =>
  `${field.replaceAll('_', ' ')}: ${shown(before)} → ${shown(after)}`;

const FILTER_FIELDS = [
  { name: 'actor', label: 'Actor (user id)', type: 'text' },
  { name: 'target', label: 'Target id', type: 'text' },
  { name: 'action', label: 'Action (e.g. shop.updated)', type: 'text' },
  { name: 'from', label: 'From', type: 'date' },
  { name: 'to', label: 'To', type: 'date' },
] as const;

/**
 * An audit trail, newest first, with its filters in the URL (so a filtered view can be shared and
 * survives a reload). `withActor` offers the actor filter (admins).
 */
export function AuditTrail({
  withActor,
  load,
}: {
  withActor: boolean;
  load: (filters: AuditFilters, cursor: string | undefined) => Promise<Page<AuditEvent>>;
}) {
  const [params, setParams] = useSearchParams();
  const fields = FILTER_FIELDS.filter((field) => withActor || field.name !== 'actor');
  const filters: AuditFilters = Object.fromEntries(
    fields.flatMap((field) => {
      const value = params.get(field.name);
      return value ? [[field.name, value]] : [];
    }),
  );
  const [draft, setDraft] = useState<AuditFilters>(filters);
  const apply = (event: FormEvent) => {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const [name, value] of Object.entries(draft)) if (value?.trim()) next.set(name, value.trim());
    setParams(next);
  };
  const key = JSON.stringify(filters);
  return (
    <>
      <form className="row audit-filters" onSubmit={apply} aria-label="Filter the audit trail">
        {fields.map((field) => (
          <div className="field" key={field.name}>
            <label htmlFor={`audit-${field.name}`}>{field.label}</label>
            <input
              id={`audit-${field.name}`}
              type={field.type}
              value={draft[field.name] ?? ''}
              onChange={(event) => setDraft({ ...draft, [field.name]: event.target.value })}
            />
          </div>
        ))}
        <button type="submit">Filter</button>
      </form>
      <AuditEventList
        key={key}
        loadKey={[key]}
        label="Audit events"
        empty="No audit events match."
        load={(cursor) => load(filters, cursor)}
      />
    </>
  );
}

/** Audit events, newest first, a page at a time: the trail's list, and an object's history on its page. */
export function AuditEventList({
  load,
  loadKey,
  label,
  empty,
}: {
  load: (cursor: string | undefined) => Promise<Page<AuditEvent>>;
  loadKey: LoadKey;
  label: string;
  empty: string;
}) {
  return (
    <Paged loadKey={loadKey} label={label} empty={<p className="empty-state">{empty}</p>} load={load}>
      {(events) => (
        <DataTable columns={['When', 'Who', 'Action', 'Target', 'Changes', 'Request']}>
          {events.map((event) => (
            <tr key={event.id}>
              <td>{formatDateTime(event.created_at)}</td>
              <td>
                {event.actor ? event.actor.name : <span className="muted">nobody signed in</span>}
                {event.actor && (
                  <div className="muted">
                    <code>{event.actor.id}</code>
                  </div>
                )}
                {event.api_key_id && (
                  <div className="muted">
                    through API key <code>{event.api_key_id}</code>
                  </div>
                )}
              </td>
              <td>
                <code>{event.action}</code>
              </td>
              <td>
                {event.target_type} <code>{event.target_id}</code>
              </td>
              <td>
                {Object.keys(event.changes).length === 0 ? (
                  <span className="muted">—</span>
                ) : (
                  <ul className="plain-list">
                    {Object.entries(event.changes).map(([field, change]) => (
                      <li key={field}>{describeChange(field, change)}</li>
                    ))}
                  </ul>
                )}
              </td>
              <td>
                {event.request_id && <code>{event.request_id}</code>}
                {event.ip && <div className="muted">{event.ip}</div>}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </Paged>
  );
}
