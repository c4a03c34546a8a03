import { type FormEvent, useState } from 'react';
import { useAttemptKey } from '../api/attempt-key';
import { api, call } from '../api/client';
import { decimalText, formatDateTime, formatMoney } from '../format';
import { useMarketplace } from '../marketplace';
import { CsvExportButton } from '../ui/csv-export';
import { DataTable } from '../ui/data-table';
import { Async, ErrorNotice } from '../ui/feedback';
import { Paged } from '../ui/paged-list';
import { useAction, useApi } from '../ui/use-api';
import { checkAmount } from './amount';
import { BalanceCards } from './overview';
import { PayoutAccountPanel } from './payout-account';
import { SellerPage } from './seller-page';
import type { Balance, LedgerLine } from './types';

const KIND_LABELS: Record<LedgerLine['kind'], string> = {
  payment: 'Sale paid',
  delivery: 'Order delivered',
  refund: 'Refund',
  refund_failure: 'Refund failed at the provider',
  payout: 'Payout',
  payout_reversal: 'Payout reversed',
  dispute_hold: 'Held for a card dispute',
  dispute_release: 'Card dispute won, released',
  dispute_loss: 'Card dispute lost',
};

const ACCOUNT_LABELS: Record<LedgerLine['account'], string> = {
  pending: 'Pending',
  available: 'Available',
  paid_out: 'Paid out',
};

export function MoneyPage() {
  const balance = useApi(() => call(api.GET('/v1/shop/balance')), []);
  // Bumped after a payout so that the payouts and ledger lists load again from their first page.
  const [version, setVersion] = useState(0);
  // Payouts need an enabled payout account: until then the form is not offered.
  const [canPayOut, setCanPayOut] = useState(false);
  return (
    <SellerPage title="Money">
      <h2>Balance</h2>
      <Async value={balance}>
        {(data) => (
          <>
            <BalanceCards balance={data} />
            <PayoutAccountPanel onEnabled={setCanPayOut} />
            {canPayOut && (
              <PayoutForm
                balance={data}
                onPaid={() => {
                  balance.reload();
                  setVersion((previous) => previous + 1);
                }}
              />
            )}
          </>
        )}
      </Async>
      <h2>Payouts</h2>
      <Paged
        key={`payouts-${version}`}
        label="Payouts"
        loadKey={[version]}
        empty={<p className="muted">No payouts yet.</p>}
        load={(cursor) => call(api.GET('/v1/shop/payouts', { params: { query: { cursor } } }))}
      >
        {(payouts) => (
          <DataTable columns={['Requested', 'Status', { label: 'Amount', numeric: true }]}>
            {payouts.map((payout) => (
              <tr key={payout.id}>
                <td>{formatDateTime(payout.created_at)}</td>
                <td>
                  <span className="badge">{payout.status}</span>
                  {payout.failure_code && <span className="muted"> {payout.failure_code}</span>}
                </td>
                <td className="num">{formatMoney(payout.amount)}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </Paged>
      <h2>Ledger</h2>
      <CsvExportButton
        filename="ledger.csv"
        label="Export the ledger (CSV)"
        load={() => call(api.GET('/v1/shop/ledger', { headers: { accept: 'text/csv' }, parseAs: 'blob' }))}
      />
      <Paged
        key={`ledger-${version}`}
        label="Ledger"
        loadKey={[version]}
        empty={<p className="muted">No entries yet.</p>}
        load={(cursor) => call(api.GET('/v1/shop/ledger', { params: { query: { cursor } } }))}
      >
        {(lines) => (
          <DataTable columns={['When', 'What', 'Account', 'Reference', { label: 'Amount', numeric: true }]}>
            {lines.map((line) => (
              <tr key={line.id}>
                <td>{formatDateTime(line.created_at)}</td>
                <td>{KIND_LABELS[line.kind] ?? line.kind}</td>
                <td>{ACCOUNT_LABELS[line.account] ?? line.account}</td>
                <td>
                  <code>{line.reference}</code>
                </td>
                <td className={`num ${line.amount.amount < 0 ? 'amount-debit' : 'amount-credit'}`}>
                  {formatMoney(line.amount)}
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </Paged>
    </SellerPage>
  );
}

export function PayoutForm({ balance, onPaid }: { balance: Balance; onPaid(): void }) {
  const { currency, currency_digits: digits } = useMarketplace();
  const [amount, setAmount] = useState('');
  const [amountError, setAmountError] = useState<string | null>(null);
  // A retried click reuses the attempt's key; a new amount is a new attempt.
  const attempt = useAttemptKey();
  const [paid, setPaid] = useState<string | null>(null);
  const payout = useAction(async (minor: number) => {
    const created = await attempt.send((key) =>
      call(
        api.POST('/v1/shop/payouts', {
          params: { header: { 'idempotency-key': key } },
          body: { amount: { amount: minor, currency } },
        }),
      ),
    );
    setAmount('');
    setPaid(`Payout of ${formatMoney(created.amount)} requested.`);
    onPaid();
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setPaid(null);
    const checked = checkAmount(amount, balance.available, digits);
    if ('error' in checked) return setAmountError(checked.error);
    setAmountError(null);
    void payout.run(checked.amount);
  };
  return (
    <form className="form card payout-form" onSubmit={submit} noValidate aria-labelledby="payout-heading">
      <h3 id="payout-heading">Request a payout</h3>
      <div className="field">
        <label htmlFor="payout-amount">Payout amount</label>
        <div className="row">
          <input
            id="payout-amount"
            inputMode="decimal"
            value={amount}
            placeholder={decimalText(Math.max(0, balance.available.amount), digits)}
            aria-invalid={amountError ? true : undefined}
            aria-describedby="payout-amount-hint"
            onChange={(event) => {
              setAmount(event.target.value);
              attempt.reset();
            }}
          />
          <button type="submit" disabled={payout.pending}>
            {payout.pending ? 'Requesting…' : 'Request payout'}
          </button>
        </div>
        <span id="payout-amount-hint" className={amountError ? 'field-error' : 'muted'}>
          {amountError ?? `Up to ${formatMoney(balance.available)} is available.`}
        </span>
      </div>
      <ErrorNotice error={payout.error} />
      {paid && (
        <p className="notice notice-success" role="status">
          {paid}
        </p>
      )}
    </form>
  );
}
