import { type FormEvent, useState } from 'react';
import { api, call } from '../api/client';
import type { paths } from '../api/schema';
import { formatDateTime } from '../format';
import { Async, ErrorNotice } from '../ui/feedback';
import { useAction, useApi } from '../ui/use-api';
import { SellerPage } from './seller-page';

type OwnShop = paths['/v1/me/shop']['get']['responses'][200]['content']['application/json'];

const STATUS_TEXT: Record<OwnShop['status'], string> = {
  pending_review: 'Waiting for review: your products are listed once an admin approves the shop.',
  active: 'Open: your products are listed and buyable.',
  rejected: 'Not approved: your products are not listed.',
  suspended: 'Suspended by an admin: your products are not listed or buyable.',
  closed: 'Closed for good.',
};

/** A `datetime-local` value (the browser's local time) as an RFC 3339 instant, or null when empty. */
const instantOf = (local: string): string | null => (local ? new Date(local).toISOString() : null);

/** An RFC 3339 instant as a `datetime-local` value in the browser's time zone. */
function localOf(iso: string): string {
  const date = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export function ShopSettingsPage() {
  const shop = useApi(() => call(api.GET('/v1/me/shop')), []);
  return (
    <SellerPage title="Shop settings">
      <Async value={shop}>{(data) => <ShopSettings key={data.id} shop={data} onSaved={shop.reload} />}</Async>
    </SellerPage>
  );
}

function ShopSettings({ shop, onSaved }: { shop: OwnShop; onSaved(): void }) {
  const [returnWindow, setReturnWindow] = useState(String(shop.return_window_days));
  const [handling, setHandling] = useState(String(shop.handling_days));
  const [supportEmail, setSupportEmail] = useState(shop.support_email ?? '');
  const [from, setFrom] = useState(shop.vacation ? localOf(shop.vacation.from) : '');
  const [to, setTo] = useState(shop.vacation ? localOf(shop.vacation.to) : '');
  const [saved, setSaved] = useState<string | null>(null);
  const save = useAction(
    async (body: paths['/v1/me/shop']['patch']['requestBody']['content']['application/json']) => {
      await call(api.PATCH('/v1/me/shop', { body }));
      setSaved('Saved.');
      onSaved();
    },
  );
  const close = useAction(async () => {
    await call(api.POST('/v1/me/shop/close'));
    onSaved();
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSaved(null);
    const vacationFrom = instantOf(from);
    const vacationTo = instantOf(to);
    void save.run({
      return_window_days: Number(returnWindow),
      handling_days: Number(handling),
      support_email: supportEmail.trim() || null,
      vacation: vacationFrom && vacationTo ? { from: vacationFrom, to: vacationTo } : null,
    });
  };
  return (
    <>
      <p>
        <span className="badge" data-testid="shop-status">
          {shop.status.replace('_', ' ')}
        </span>{' '}
        {STATUS_TEXT[shop.status]}
      </p>
      {shop.status_reason && <p className="muted">Reason given: {shop.status_reason}</p>}
      {shop.vacation && (
        <p className="notice" role="status">
          On vacation from {formatDateTime(shop.vacation.from)} to {formatDateTime(shop.vacation.to)}: your
          products are not listed or buyable during it.
        </p>
      )}
      <form className="form card" onSubmit={submit} aria-labelledby="shop-details-heading">
        <h2 id="shop-details-heading">Details</h2>
        <div className="field">
          <label htmlFor="shop-return-window">Return window (days after delivery; 0 = no returns)</label>
          <input
            id="shop-return-window"
            type="number"
            min={0}
            max={365}
            value={returnWindow}
            onChange={(event) => setReturnWindow(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="shop-handling">Handling time (days to ship)</label>
          <input
            id="shop-handling"
            type="number"
            min={0}
            max={60}
            value={handling}
            onChange={(event) => setHandling(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="shop-support-email">Support email</label>
          <input
            id="shop-support-email"
            type="email"
            value={supportEmail}
            onChange={(event) => setSupportEmail(event.target.value)}
          />
        </div>
        <fieldset>
          <legend>Vacation (leave empty for none)</legend>
          <div className="field">
            <label htmlFor="shop-vacation-from">From</label>
            <input
              id="shop-vacation-from"
              type="datetime-local"
              value={from}
              onChange={(event) => setFrom(event.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="shop-vacation-to">To</label>
            <input
              id="shop-vacation-to"
              type="datetime-local"
              value={to}
              onChange={(event) => setTo(event.target.value)}
            />
          </div>
        </fieldset>
        <ErrorNotice error={save.error} />
        {saved && (
          <p className="notice notice-success" role="status">
            {saved}
          </p>
        )}
        <button type="submit" disabled={save.pending}>
          {save.pending ? 'Saving…' : 'Save'}
        </button>
      </form>
      {shop.status !== 'closed' && (
        <section className="card" aria-labelledby="shop-close-heading">
          <h2 id="shop-close-heading">Close the shop</h2>
          <p className="muted">
            Closing is for good. It needs no open orders and a zero balance: ship or cancel your orders and
            pay out your money first.
          </p>
          <ErrorNotice error={close.error} />
          <button
            type="button"
            className="button-danger"
            disabled={close.pending}
            onClick={() => {
              if (window.confirm('Close the shop for good?')) void close.run();
            }}
          >
            Close the shop
          </button>
        </section>
      )}
    </>
  );
}
