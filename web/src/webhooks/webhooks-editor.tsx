import { type FormEvent, Fragment, useState } from 'react';
import { ApiError, api, call, fieldErrorsOf } from '../api/client';
import { formatDateTime } from '../format';
import { DataTable } from '../ui/data-table';
import { Async, ErrorNotice } from '../ui/feedback';
import { TextField } from '../ui/field';
import { useAction, useApi } from '../ui/use-api';

/** Whose endpoints a page keeps: the marketplace's (admins, every event) or the caller's shop's. */
export type WebhookOwner = 'admin' | 'shop';

const base = (owner: WebhookOwner) => (owner === 'admin' ? '/v1/admin' : '/v1/shop');

const listOf = (owner: WebhookOwner) =>
  owner === 'admin'
    ? call(api.GET('/v1/admin/webhook-endpoints'))
    : call(api.GET('/v1/shop/webhook-endpoints'));

type Endpoint = Awaited<ReturnType<typeof listOf>>['data'][number];
type NewEndpoint = { url: string; events: string[]; description?: string };
type EndpointChange = { status?: 'enabled' | 'disabled' };

const create = (owner: WebhookOwner, body: NewEndpoint) =>
  owner === 'admin'
    ? call(api.POST('/v1/admin/webhook-endpoints', { body }))
    : call(api.POST('/v1/shop/webhook-endpoints', { body }));

const change = (owner: WebhookOwner, id: string, body: EndpointChange) => {
  const params = { path: { id } };
  return owner === 'admin'
    ? call(api.PATCH('/v1/admin/webhook-endpoints/{id}', { params, body }))
    : call(api.PATCH('/v1/shop/webhook-endpoints/{id}', { params, body }));
};

const remove = (owner: WebhookOwner, id: string) => {
  const params = { path: { id } };
  return owner === 'admin'
    ? call(api.DELETE('/v1/admin/webhook-endpoints/{id}', { params }))
    : call(api.DELETE('/v1/shop/webhook-endpoints/{id}', { params }));
};

const rotate = (owner: WebhookOwner, id: string) => {
  const params = { path: { id } };
  return owner === 'admin'
    ? call(api.POST('/v1/admin/webhook-endpoints/{id}/rotate-secret', { params }))
    : call(api.POST('/v1/shop/webhook-endpoints/{id}/rotate-secret', { params }));
};

const sendTest = (owner: WebhookOwner, id: string) => {
  const params = { path: { id } };
  return owner === 'admin'
    ? call(api.POST('/v1/admin/webhook-endpoints/{id}/test', { params }))
    : call(api.POST('/v1/shop/webhook-endpoints/{id}/test', { params }));
};

const deliveriesOf = (owner: WebhookOwner, id: string) => {
  const params = { path: { id }, query: { limit: 50 } };
  return owner === 'admin'
    ? call(api.GET('/v1/admin/webhook-endpoints/{id}/deliveries', { params }))
    : call(api.GET('/v1/shop/webhook-endpoints/{id}/deliveries', { params }));
};

const retry = (owner: WebhookOwner, id: string, deliveryId: string) => {
  const params = { path: { id, delivery_id: deliveryId } };
  return owner === 'admin'
    ? call(api.POST('/v1/admin/webhook-endpoints/{id}/deliveries/{delivery_id}/retry', { params }))
    : call(api.POST('/v1/shop/webhook-endpoints/{id}/deliveries/{delivery_id}/retry', { params }));
};

/** A secret in the one answer that shows it: to be copied now. */
function SecretNotice({ secret, dismiss }: { secret: string; dismiss(): void }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="notice notice-success" role="status">
      <p>The signing secret. Copy it now and keep it with the receiver: it is not shown again.</p>
      <p>
        <code data-testid="webhook-secret">{secret}</code>
      </p>
      <div className="row">
        <button
          type="button"
          onClick={() =>
            void navigator.clipboard?.writeText(secret).then(
              () => setCopied(true),
              () => setCopied(false),
            )
          }
        >
          {copied ? 'Copied' : 'Copy the secret'}
        </button>
        <button type="button" className="button-secondary" onClick={dismiss}>
          Done
        </button>
      </div>
    </div>
  );
}

function EndpointForm({
  owner,
  created,
  cancel,
}: {
  owner: WebhookOwner;
  created(secret: string): void;
  cancel(): void;
}) {
  const types = useApi(async () => Object.keys(await call(api.GET('/v1/events/schemas'))).sort(), []);
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [all, setAll] = useState(false);
  const [chosen, setChosen] = useState<string[]>([]);
  const save = useAction(async (body: NewEndpoint) => {
    const answer = await create(owner, body);
    created(answer.secret);
  });
  const errors = save.error instanceof ApiError ? fieldErrorsOf(save.error.problem) : [];
  const errorAt = (path: string) => errors.find((error) => error.path === path)?.message ?? null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void save.run({
      url: url.trim(),
      events: all ? ['*'] : chosen,
      ...(description.trim() ? { description: description.trim() } : {}),
    });
  };
  return (
    <form className="form card" onSubmit={submit} noValidate aria-label="New webhook endpoint">
      <TextField
        id="webhook-url"
        label="URL"
        hint="An https address that answers 2xx within 10 s"
        value={url}
        error={errorAt('/url')}
        onChange={setUrl}
      />
      <TextField
        id="webhook-description"
        label="Description (optional)"
        value={description}
        onChange={setDescription}
      />
      <fieldset aria-describedby={errorAt('/events') ? 'webhook-events-error' : undefined}>
        <legend>Events</legend>
        <label className="checkbox">
          <input type="checkbox" checked={all} onChange={(event) => setAll(event.target.checked)} />
          All events{owner === 'shop' ? ' about your shop' : ''}
        </label>
        {!all && (
          <Async value={types}>
            {(list) => (
              <div className="checkbox-grid">
                {list.map((type) => (
                  <label className="checkbox" key={type}>
                    <input
                      type="checkbox"
                      checked={chosen.includes(type)}
                      onChange={(event) =>
                        setChosen(event.target.checked ? [...chosen, type] : chosen.filter((t) => t !== type))
                      }
                    />
                    {type}
                  </label>
                ))}
              </div>
            )}
          </Async>
        )}
        {errorAt('/events') && (
          <span className="field-error" id="webhook-events-error">
            {errorAt('/events')}
          </span>
        )}
      </fieldset>
      {save.error !== null && errors.length === 0 && <ErrorNotice error={save.error} />}
      <div className="row">
        <button type="submit" disabled={save.pending}>
          {save.pending ? 'Creating…' : 'Create the endpoint'}
        </button>
        <button type="button" className="button-secondary" onClick={cancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

const DELIVERY_COLUMNS = ['Event', 'Status', 'Attempts', 'Last answer', 'Next attempt', 'Made', ''] as const;

function DeliveryLog({ owner, endpoint }: { owner: WebhookOwner; endpoint: Endpoint }) {
  const deliveries = useApi(() => deliveriesOf(owner, endpoint.id), [owner, endpoint.id]);
  const again = useAction(async (deliveryId: string) => {
    await retry(owner, endpoint.id, deliveryId);
    deliveries.reload();
  });
  return (
    <section className="stack" aria-label={`Deliveries to ${endpoint.url}`}>
      <div className="row">
        <h3>Deliveries</h3>
        <button type="button" className="button-secondary" onClick={deliveries.reload}>
          Refresh
        </button>
      </div>
      <ErrorNotice error={again.error} />
      <Async value={deliveries}>
        {(log) =>
          log.data.length === 0 ? (
            <p className="muted">Nothing delivered yet.</p>
          ) : (
            <DataTable caption="Deliveries" columns={DELIVERY_COLUMNS}>
              {log.data.map((delivery) => (
                <tr key={`${delivery.id}-${delivery.status}-${delivery.attempts}`}>
                  <td>{delivery.event_type}</td>
                  <td>
                    <span
                      className={`badge badge-${delivery.status === 'delivered' ? 'active' : 'archived'}`}
                    >
                      {delivery.status}
                    </span>
                  </td>
                  <td>{delivery.attempts}</td>
                  <td>{delivery.last_status_code ?? delivery.last_error ?? '—'}</td>
                  <td>{delivery.next_attempt_at ? formatDateTime(delivery.next_attempt_at) : '—'}</td>
                  <td>{formatDateTime(delivery.created_at)}</td>
                  <td>
                    <button
                      type="button"
                      className="button-secondary"
                      onClick={() => void again.run(delivery.id)}
                      disabled={again.pending}
                    >
                      Retry<span className="visually-hidden"> {delivery.event_type}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </DataTable>
          )
        }
      </Async>
    </section>
  );
}

const COLUMNS = ['URL', 'Events', 'Status', ''] as const;

function EndpointRow({
  owner,
  endpoint,
  changed,
  showSecret,
}: {
  owner: WebhookOwner;
  endpoint: Endpoint;
  changed(): void;
  showSecret(secret: string): void;
}) {
  const [log, setLog] = useState(false);
  const [tested, setTested] = useState(false);
  const enabled = endpoint.status === 'enabled';
  const act = useAction(async (what: 'toggle' | 'rotate' | 'test' | 'delete') => {
    if (what === 'toggle') await change(owner, endpoint.id, { status: enabled ? 'disabled' : 'enabled' });
    if (what === 'rotate') showSecret((await rotate(owner, endpoint.id)).secret);
    if (what === 'test') {
      await sendTest(owner, endpoint.id);
      setTested(true);
      setLog(true);
    }
    if (what === 'delete') await remove(owner, endpoint.id);
    changed();
  });
  const name = <span className="visually-hidden"> {endpoint.url}</span>;
  return (
    <Fragment>
      <tr>
        <td>
          {endpoint.url}
          {endpoint.description && <div className="muted">{endpoint.description}</div>}
        </td>
        <td>{endpoint.events.join(', ')}</td>
        <td>
          <span className={`badge badge-${enabled ? 'active' : 'archived'}`}>
            {enabled ? 'Enabled' : 'Disabled'}
          </span>
          {endpoint.failing_since && (
            <div className="muted">Failing since {formatDateTime(endpoint.failing_since)}</div>
          )}
          {endpoint.previous_secret_expires_at && (
            <div className="muted">
              Old secret signs too until {formatDateTime(endpoint.previous_secret_expires_at)}
            </div>
          )}
        </td>
        <td>
          <div className="row">
            <button
              type="button"
              className="button-secondary"
              onClick={() => void act.run('toggle')}
              disabled={act.pending}
            >
              {enabled ? 'Disable' : 'Enable'}
              {name}
            </button>
            <button
              type="button"
              className="button-secondary"
              onClick={() => void act.run('test')}
              disabled={act.pending}
            >
              Send a test{name}
            </button>
            <button
              type="button"
              className="button-secondary"
              onClick={() => void act.run('rotate')}
              disabled={act.pending}
            >
              Rotate the secret{name}
            </button>
            <button type="button" className="button-secondary" onClick={() => setLog(!log)}>
              {log ? 'Hide deliveries' : 'Deliveries'}
              {name}
            </button>
            <button
              type="button"
              className="button-danger"
              onClick={() => void act.run('delete')}
              disabled={act.pending}
            >
              Delete{name}
            </button>
          </div>
          {tested && (
            <p className="muted" role="status">
              Test ping sent.
            </p>
          )}
          <ErrorNotice error={act.error} />
        </td>
      </tr>
      {log && (
        <tr>
          <td colSpan={COLUMNS.length}>
            <DeliveryLog owner={owner} endpoint={endpoint} />
          </td>
        </tr>
      )}
    </Fragment>
  );
}

/** A page's webhook endpoints: created with an events picker, enabled, rotated, tested, their deliveries retried. */
export function WebhooksEditor({ owner }: { owner: WebhookOwner }) {
  const endpoints = useApi(() => listOf(owner), [owner]);
  const [adding, setAdding] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  return (
    <Async value={endpoints}>
      {(list) => (
        <div className="stack">
          {secret && <SecretNotice secret={secret} dismiss={() => setSecret(null)} />}
          {list.data.length === 0 ? (
            <p className="muted">No webhook endpoints yet.</p>
          ) : (
            <DataTable caption="Webhook endpoints" columns={COLUMNS}>
              {list.data.map((endpoint) => (
                <EndpointRow
                  key={`${endpoint.id}-${endpoint.status}-${endpoint.updated_at}`}
                  owner={owner}
                  endpoint={endpoint}
                  changed={endpoints.reload}
                  showSecret={setSecret}
                />
              ))}
            </DataTable>
          )}
          {adding ? (
            <EndpointForm
              owner={owner}
              created={(made) => {
                setAdding(false);
                setSecret(made);
                endpoints.reload();
              }}
              cancel={() => setAdding(false)}
            />
          ) : (
            <button type="button" onClick={() => setAdding(true)}>
              New endpoint
            </button>
          )}
          <p className="muted">
            Each delivery is a POST of <code>{'{id, type, occurred_at, data}'}</code> signed in the{' '}
            <code>Bazaar-Signature</code> header (<code>t=…,v1=…</code>, HMAC-SHA256 of <code>t.body</code>{' '}
            with the secret), retried with backoff for 3 days. Endpoints of {base(owner)} failing for 24 h are
            disabled.
          </p>
        </div>
      )}
    </Async>
  );
}
