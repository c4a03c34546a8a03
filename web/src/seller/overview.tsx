import { Link } from 'react-router';
import { api, call } from '../api/client';
import { formatMoney } from '../format';
import { Async } from '../ui/feedback';
import { useApi } from '../ui/use-api';
import { fillDays } from './sales-chart';
import { SalesChart } from './sales-chart-view';
import { SellerPage } from './seller-page';
import type { Balance } from './types';

const WINDOW_DAYS = 30;

export function BalanceCards({ balance }: { balance: Balance }) {
  return (
    <dl className="balance-cards">
      <div className="card">
        <dt>Pending</dt>
        <dd>{formatMoney(balance.pending)}</dd>
        <dd className="muted">until buyers confirm delivery</dd>
      </div>
      <div className="card">
        <dt>Available</dt>
        <dd>{formatMoney(balance.available)}</dd>
        <dd className="muted">ready to pay out</dd>
      </div>
      <div className="card">
        <dt>Paid out</dt>
        <dd>{formatMoney(balance.paid_out)}</dd>
        <dd className="muted">sent to your bank</dd>
      </div>
    </dl>
  );
}

function ToShip() {
  const orders = useApi(
    () => call(api.GET('/v1/shop/orders', { params: { query: { status: 'paid', limit: 100 } } })),
    [],
  );
  return (
    <Async value={orders}>
      {(page) => {
        const count = `${page.data.length}${page.next_cursor ? '+' : ''}`;
        return page.data.length === 0 ? (
          <p>No orders waiting to be shipped.</p>
        ) : (
          <p>
            <Link to="/seller/orders?status=paid">
              {count} {page.data.length === 1 && !page.next_cursor ? 'order' : 'orders'} to ship
            </Link>
          </p>
        );
      }}
    </Async>
  );
}

export function OverviewPage() {
  return (
    <SellerPage title="Seller overview">
      <h2>Balance</h2>
      <BalanceSection />
      <h2>Orders to ship</h2>
      <ToShip />
      <h2>Sales, last {WINDOW_DAYS} days</h2>
      <Sales />
    </SellerPage>
  );
}

function BalanceSection() {
  const balance = useApi(() => call(api.GET('/v1/shop/balance')), []);
  return <Async value={balance}>{(data) => <BalanceCards balance={data} />}</Async>;
}

function Sales() {
  const sales = useApi(
    () => call(api.GET('/v1/shop/sales', { params: { query: { days: WINDOW_DAYS } } })),
    [],
  );
  return (
    <Async value={sales}>
      {(data) => (
        <div className="card">
          <SalesChart
            days={fillDays(data.data, WINDOW_DAYS, new Date(), data.data[0]?.gross.currency ?? 'USD')}
          />
        </div>
      )}
    </Async>
  );
}
