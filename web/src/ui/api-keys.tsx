import { type FormEvent, useState } from 'react';
import { ApiError, api, call, fieldErrorsOf, messageOf } from '../api/client';
import type { paths } from '../api/schema';
import { formatDate, formatDateTime } from '../format';
import { DataTable } from './data-table';
import { TextField } from './field';
import { Paged } from './paged-list';
import { useAction } from './use-api';

type CreateBody = paths['/v1/shop/api-keys']['post']['requestBody']['content']['application/json'];
type ApiKey =
  paths['/v1/shop/api-keys']['get']['responses'][200]['content']['application/json']['data'][number];
type Scope =
  paths['/v1/admin/api-keys']['post']['requestBody']['content']['application/json']['scopes'][number];

/** What each scope lets an integration do (README "API keys and scopes"). */
const SCOPES: readonly { scope: Scope; label: string }[] = [
  { scope: 'products:read', label: 'Read products, shipping options, promotions and reviews' },
  { scope: 'products:write', label: 'Change products, stock, images, shipping options and promotions' },
  { scope: 'orders:read', label: 'Read orders, returns and disputes' },
  { scope: 'orders:write', label: 'Ship and refund orders, handle returns and disputes' },
  { scope: 'payouts:read', label: 'Read payouts, balance and ledger' },
  { scope: 'webhooks:write', label: 'Manage webhook endpoints' },
  { scope: 'admin', label: 'Admin routes (acts as this admin)' },
];

/** Which page's keys: a seller's (`/v1/shop/api-keys`) or an admin's (`/v1/admin/api-keys`). */
export type ApiKeyOwner = 'shop' | 'admin';

const createKey = (owner: ApiKeyOwner, body: CreateBody) =>
  owner === 'shop'
    ? call(api.POST('/v1/shop/api-keys', { body }))
    : call(api.POST('/v1/admin/api-keys', { body }));

const listKeys = (owner: ApiKeyOwner, cursor: string | undefined) =>
  owner === 'shop'
    ? call(api.GET('/v1/shop/api-keys', { params: { query: { cursor } } }))
    : call(api.GET('/v1/admin/api-keys', { params: { query: { cursor } } }));

const revokeKey = (owner: ApiKeyOwner, id: string) =>
  owner === 'shop'
    ? call(api.DELETE('/v1/shop/api-keys/{id}', { params: { path: { id } } }))
    : call(api.DELETE('/v1/admin/api-keys/{id}', { params: { path: { id } } }));

function NewKeyForm({ owner, created }: { owner: ApiKeyOwner; created(key: string): void }) {
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<Scope[]>([]);
  const [expiresOn, setExpiresOn] = useState('');
  const offered = SCOPES.filter(({ scope }) => owner === 'admin' || scope !== 'admin');
  const create = useAction(async () => {
    const answer = await createKey(owner, {
      name: name.trim(),
      scopes,
      // The key works through the chosen day (UTC).
      ...(expiresOn ? { expires_at: `${expiresOn}T23:59:59Z` } : {}),
    });
    setName('');
    setScopes([]);
    setExpiresOn('');
    created(answer.key);
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void create.run();
  };
  const fieldError = (path: string) =>
    create.error instanceof ApiError
      ? (fieldErrorsOf(create.error.problem).find((f) => f.path === path)?.message ?? null)
      : null;
  return (
    <form className="card form" onSubmit={onSubmit} aria-labelledby="new-key-heading">
      <h2 id="new-key-heading">Make a key</h2>
      <TextField
        id="key-name"
        label="Name"
        hint="What uses it, e.g. warehouse sync"
        required
        maxLength={100}
        error={fieldError('/name')}
        value={name}
        onChange={setName}
      />
      <fieldset>
        <legend>Scopes</legend>
        {offered.map(({ scope, label }) => (
          <label key={scope} className="checkbox">
            <input
              type="checkbox"
              checked={scopes.includes(scope)}
              onChange={(event) =>
                setScopes((previous) =>
                  event.target.checked ? [...previous, scope] : previous.filter((s) => s !== scope),
                )
              }
            />
            <code>{scope}</code> {label}
          </label>
        ))}
        {fieldError('/scopes') && <span className="field-error">{fieldError('/scopes')}</span>}
      </fieldset>
      <TextField
        id="key-expires"
        label="Expires after (optional)"
        hint="The key stops working at the end of this day (UTC); empty: never"
        type="date"
        error={fieldError('/expires_at')}
        value={expiresOn}
        onChange={setExpiresOn}
      />
      {create.error !== null &&
        !(create.error instanceof ApiError && create.error.code === 'validation_failed') && (
          <p className="notice notice-error" role="alert">
            {messageOf(create.error)}
          </p>
        )}
      <button type="submit" disabled={create.pending || scopes.length === 0 || name.trim() === ''}>
        Make the key
      </button>
    </form>
  );
}

function KeyRow({ owner, apiKey, revoked }: { owner: ApiKeyOwner; apiKey: ApiKey; revoked(): void }) {
  const revoke = useAction(async () => {
    await revokeKey(owner, apiKey.id);
    revoked();
  });
  return (
    <tr>
      <td>{apiKey.name}</td>
      <td>{apiKey.scopes.join(', ')}</td>
      <td>{formatDate(apiKey.created_at)}</td>
      <td>{apiKey.expires_at ? formatDateTime(apiKey.expires_at) : 'never'}</td>
      <td>{apiKey.last_used_at ? formatDateTime(apiKey.last_used_at) : 'never'}</td>
      <td>
        <button
          type="button"
          className="button-secondary"
          aria-label={`Revoke ${apiKey.name}`}
          disabled={revoke.pending}
          onClick={() => void revoke.run()}
        >
          Revoke
        </button>
        {revoke.error !== null && (
          <span className="field-error" role="alert">
            {messageOf(revoke.error)}
          </span>
        )}
      </td>
    </tr>
  );
}

/**
 * Make, list and revoke the caller's API keys: a new key is shown once, right after it is made
 * (only its hash is kept); a revoked key stops working at once.
 */
export function ApiKeysManager({ owner }: { owner: ApiKeyOwner }) {
  const [shown, setShown] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  return (
    <div className="stack">
      <p className="muted">
        Integrations send a key as <code>Authorization: Bearer bzk_…</code> and act as you, within the key's
        scopes. Keys cannot manage keys, your password, email or two-factor sign-in.
      </p>
      <NewKeyForm
        owner={owner}
        created={(key) => {
          setShown(key);
          setGeneration((n) => n + 1);
        }}
      />
      {shown && (
        <div className="notice notice-success" role="status">
          <span>
            Copy the new key now: it is not shown again.{' '}
            <output className="totp-secret" aria-label="New API key">
              {shown}
            </output>
          </span>
          <button type="button" className="button-link" onClick={() => setShown(null)}>
            Done
          </button>
        </div>
      )}
      <h2>Keys</h2>
      <Paged
        key={generation}
        label="API keys"
        load={(cursor) => listKeys(owner, cursor)}
        loadKey={[owner, generation]}
        empty={<p className="muted">No keys yet.</p>}
      >
        {(keys, reload) => (
          <DataTable caption="API keys" columns={['Name', 'Scopes', 'Created', 'Expires', 'Last used', '']}>
            {keys.map((apiKey) => (
              <KeyRow key={apiKey.id} owner={owner} apiKey={apiKey} revoked={reload} />
            ))}
          </DataTable>
        )}
      </Paged>
    </div>
  );
}
