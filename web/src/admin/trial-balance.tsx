import { api, call } from '../api/client';
import type { paths } from '../api/schema';
import { formatMoney } from '../format';
import { DataTable } from '../ui/data-table';
import { Async } from '../ui/feedback';
import { useApi } from '../ui/use-api';
import { AdminPage } from './admin-page';

type Account =
  paths['/v1/admin/ledger/trial-balance']['get']['responses'][200]['content']['application/json']['accounts'][number]['account'];

const ACCOUNT_LABELS: Record<Account, string> = {
  provider_clearing: 'Payment provider clearing',
  commission: 'Platform commission',
  payouts: 'Payouts in transit',
  refunds_owed: 'Refunds owed to buyers',
  tax_payable: 'Tax collected, owed to tax authorities',
  promotions_expense: 'Platform-funded promotions',
  dispute_hold: 'Held for open card disputes',
  refunds_expense: 'Platform-funded refunds',
  pending: 'Sellers: pending',
  available: 'Sellers: available',
  paid_out: 'Sellers: paid out',
};

export function TrialBalancePage() {
  const balance = useApi(() => call(api.GET('/v1/admin/ledger/trial-balance')), []);
  return (
    <AdminPage title="Trial balance">
      <Async value={balance}>
        {(data) => {
          const balanced =
            data.totals.debits.amount === data.totals.credits.amount &&
            data.totals.debits.currency === data.totals.credits.currency;
          return (
            <>
              {balanced ? (
                <p className="notice notice-success" role="status">
                  The books balance: total debits equal total credits ({formatMoney(data.totals.debits)}).
                </p>
              ) : (
                <p className="notice notice-error" role="alert">
                  The books do not balance: debits {formatMoney(data.totals.debits)}, credits{' '}
                  {formatMoney(data.totals.credits)}.
                </p>
              )}
              <DataTable
                caption="Ledger accounts"
                columns={[
                  'Account',
                  { label: 'Debits', numeric: true },
                  { label: 'Credits', numeric: true },
                  { label: 'Balance', numeric: true },
                ]}
                footer={
                  <tr className="totals-row">
                    <th scope="row">Totals</th>
                    <td className="num">{formatMoney(data.totals.debits)}</td>
                    <td className="num">{formatMoney(data.totals.credits)}</td>
                    <td className="num" />
                  </tr>
                }
              >
                {data.accounts.map((account) => (
                  <tr key={account.account}>
                    <th scope="row">{ACCOUNT_LABELS[account.account] ?? account.account}</th>
                    <td className="num">{formatMoney(account.debits)}</td>
                    <td className="num">{formatMoney(account.credits)}</td>
                    <td className="num">{formatMoney(account.balance)}</td>
                  </tr>
                ))}
              </DataTable>
            </>
          );
        }}
      </Async>
    </AdminPage>
  );
}
