import { type FormEvent, useState } from 'react';
import { ApiError, api, call, fieldErrorsOf, messageOf } from '../api/client';
import type { paths } from '../api/schema';
import { bpsOf, formatMoney } from '../format';
import { CsvExportButton } from '../ui/csv-export';
import { DataTable } from '../ui/data-table';
import { Async } from '../ui/feedback';
import { TextField } from '../ui/field';
import { useAction, useApi } from '../ui/use-api';
import { AdminPage } from './admin-page';

type TaxRate =
  paths['/v1/admin/tax-rates']['get']['responses'][200]['content']['application/json']['data'][number];

const placeOf = (rate: TaxRate) => [rate.country, rate.region].filter(Boolean).join('-');

function NewRateForm({ added }: { added(): void }) {
  const [name, setName] = useState('');
  const [country, setCountry] = useState('');
  const [region, setRegion] = useState('');
  const [category, setCategory] = useState('');
  const [percent, setPercent] = useState('');
  const [shipping, setShipping] = useState(false);
  const bps = bpsOf(percent);
  const add = useAction(async () => {
    await call(
      api.POST('/v1/admin/tax-rates', {
        body: {
          name: name.trim(),
          country: country.trim(),
          region: region.trim() || null,
          category: category.trim() || null,
          rate_bps: bps ?? 0,
          applies_to_shipping: shipping,
        },
      }),
    );
    setName('');
    setRegion('');
    setCategory('');
    setPercent('');
    added();
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (bps !== null) void add.run();
  };
  const fieldError = (path: string) =>
    add.error instanceof ApiError
      ? (fieldErrorsOf(add.error.problem).find((f) => f.path === path)?.message ?? null)
      : null;
  return (
    <form className="card form" onSubmit={onSubmit} aria-labelledby="new-rate-heading">
      <h2 id="new-rate-heading">Add a rate</h2>
      <TextField id="rate-name" label="Name" required value={name} onChange={setName} />
      <div className="row">
        <TextField
          id="rate-country"
          label="Country"
          hint="ISO code, e.g. US"
          required
          maxLength={2}
          error={fieldError('/country')}
          value={country}
          onChange={setCountry}
        />
        <TextField
          id="rate-region"
          label="Region (optional)"
          hint="e.g. CA"
          maxLength={3}
          error={fieldError('/region')}
          value={region}
          onChange={setRegion}
        />
        <TextField
          id="rate-category"
          label="Product category (optional)"
          hint="e.g. books"
          error={fieldError('/category')}
          value={category}
          onChange={setCategory}
        />
        <TextField
          id="rate-percent"
          label="Rate (%)"
          inputMode="decimal"
          required
          error={percent !== '' && bps === null ? 'A percentage from 0 to 100, at most two decimals.' : null}
          value={percent}
          onChange={setPercent}
        />
      </div>
      <label className="checkbox">
        <input type="checkbox" checked={shipping} onChange={(event) => setShipping(event.target.checked)} />
        Shipping to this place is taxed at this rate
      </label>
      {add.error !== null && (
        <p className="notice notice-error" role="alert">
          {add.error instanceof ApiError && add.error.code === 'conflict'
            ? 'A rate for this country, region and category exists already: change that one.'
            : messageOf(add.error)}
        </p>
      )}
      <button type="submit" disabled={add.pending || bps === null}>
        Add the rate
      </button>
    </form>
  );
}

function RateRow({ rate, changed }: { rate: TaxRate; changed(): void }) {
  const [percent, setPercent] = useState(String(rate.rate_bps / 100));
  const bps = bpsOf(percent);
  const save = useAction(async (changes: { rate_bps?: number; applies_to_shipping?: boolean }) => {
    await call(api.PATCH('/v1/admin/tax-rates/{id}', { params: { path: { id: rate.id } }, body: changes }));
    changed();
  });
  const remove = useAction(async () => {
    await call(api.DELETE('/v1/admin/tax-rates/{id}', { params: { path: { id: rate.id } } }));
    changed();
  });
  return (
    <tr>
      <td>{rate.name}</td>
      <td>{placeOf(rate)}</td>
      <td>{rate.category ?? 'any'}</td>
      <td className="num">
        <form
          className="row"
          onSubmit={(event) => {
            event.preventDefault();
            if (bps !== null) void save.run({ rate_bps: bps });
          }}
        >
          <label className="visually-hidden" htmlFor={`rate-${rate.id}`}>
            Rate of {rate.name} (%)
          </label>
          <input
            id={`rate-${rate.id}`}
            className="narrow"
            value={percent}
            onChange={(event) => setPercent(event.target.value)}
          />
          <button
            type="submit"
            className="button-secondary"
            disabled={save.pending || bps === null || bps === rate.rate_bps}
          >
            Save
          </button>
        </form>
      </td>
      <td>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={rate.applies_to_shipping}
            onChange={(event) => void save.run({ applies_to_shipping: event.target.checked })}
          />
          <span className="visually-hidden">Shipping taxed at {rate.name}</span>
        </label>
      </td>
      <td>
        <button
          type="button"
          className="button-link"
          onClick={() => void remove.run()}
          disabled={remove.pending}
        >
          Remove
        </button>
        {(save.error ?? remove.error) !== null && (
          <span className="field-error" role="alert">
            {messageOf(save.error ?? remove.error)}
          </span>
        )}
      </td>
    </tr>
  );
}

export function TaxRatesPage() {
  const rates = useApi(() => call(api.GET('/v1/admin/tax-rates')), []);
  return (
    <AdminPage title="Tax rates">
      <p className="muted">
        A line is taxed at the most specific rate for its shipping address: country, region and category, then
        country and region, country and category, the country alone; no rate, no tax. A change applies to
        checkouts after it, never to placed orders.
      </p>
      <Async value={rates}>
        {(data) => (
          <DataTable
            caption="Tax rates"
            columns={['Name', 'Place', 'Category', { label: 'Rate', numeric: true }, 'Shipping', '']}
          >
            {data.data.map((rate) => (
              <RateRow key={`${rate.id}-${rate.rate_bps}`} rate={rate} changed={rates.reload} />
            ))}
          </DataTable>
        )}
      </Async>
      <NewRateForm added={rates.reload} />
    </AdminPage>
  );
}

const today = () => new Date().toISOString().slice(0, 10);
const firstOfMonth = () => `${today().slice(0, 8)}01`;

export function TaxReportPage() {
  const [from, setFrom] = useState(firstOfMonth);
  const [to, setTo] = useState(today);
  const report = useApi(
    () => call(api.GET('/v1/admin/tax/report', { params: { query: { from, to } } })),
    [from, to],
  );
  return (
    <AdminPage title="Tax report">
      <form className="row" onSubmit={(event) => event.preventDefault()}>
        <div className="field">
          <label htmlFor="report-from">From</label>
          <input
            id="report-from"
            type="date"
            value={from}
            max={to}
            onChange={(event) => setFrom(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="report-to">To</label>
          <input
            id="report-to"
            type="date"
            value={to}
            min={from}
            onChange={(event) => setTo(event.target.value)}
          />
        </div>
      </form>
      <CsvExportButton
        filename={`tax-report-${from}-to-${to}.csv`}
        label="Export the report (CSV)"
        load={() =>
          call(
            api.GET('/v1/admin/tax/report', {
              params: { query: { from, to } },
              headers: { accept: 'text/csv' },
              parseAs: 'blob',
            }),
          )
        }
      />
      <Async value={report}>
        {(data) => (
          <>
            <DataTable
              caption="Tax by place"
              columns={[
                'Country',
                'Region',
                { label: 'Taxable', numeric: true },
                { label: 'Tax collected', numeric: true },
                { label: 'Tax refunded', numeric: true },
                { label: 'Net', numeric: true },
              ]}
              footer={
                <tr className="totals-row">
                  <th scope="row" colSpan={2}>
                    Totals
                  </th>
                  <td className="num">{formatMoney(data.totals.taxable)}</td>
                  <td className="num">{formatMoney(data.totals.tax)}</td>
                  <td className="num">{formatMoney(data.totals.refunded_tax)}</td>
                  <td className="num">{formatMoney(data.totals.net_tax)}</td>
                </tr>
              }
            >
              {data.data.map((row) => (
                <tr key={`${row.country}-${row.region ?? ''}`}>
                  <td>{row.country}</td>
                  <td>{row.region ?? '—'}</td>
                  <td className="num">{formatMoney(row.taxable)}</td>
                  <td className="num">{formatMoney(row.tax)}</td>
                  <td className="num">{formatMoney(row.refunded_tax)}</td>
                  <td className="num">
                    {formatMoney({ ...row.tax, amount: row.tax.amount - row.refunded_tax.amount })}
                  </td>
                </tr>
              ))}
            </DataTable>
            <p className="muted">
              The net equals the movement of the ledger's tax payable account over the period: what the
              marketplace owes tax authorities for it.
            </p>
          </>
        )}
      </Async>
    </AdminPage>
  );
}
