import { type FormEvent, useState } from 'react';
import { useSearchParams } from 'react-router';
import { api, call } from '../api/client';
import type { paths } from '../api/schema';
import { formatDate, formatMoney, type Money } from '../format';
import { BarChart } from '../ui/bar-chart';
import { Async } from '../ui/feedback';
import { useApi } from '../ui/use-api';
import { AdminPage } from './admin-page';

type Analytics = paths['/v1/admin/analytics']['get']['responses'][200]['content']['application/json'];
type Figures = Analytics['totals'];
type Period = Analytics['data'][number];
type Interval = 'day' | 'week' | 'month';

const INTERVALS: Record<Interval, string> = { day: 'Day', week: 'Week', month: 'Month' };
const monthFormat = new Intl.DateTimeFormat(undefined, { month: 'long', year: 'numeric', timeZone: 'UTC' });

/** A period as people read it: a day, the week starting that Monday, or the month. */
export function periodLabel(period: string, interval: Interval): string {
  const noon = `${period}T12:00:00Z`;
  if (interval === 'month') return monthFormat.format(new Date(noon));
  return interval === 'week' ? `Week of ${formatDate(noon)}` : formatDate(noon);
}

export const formatRate = (rate: number | null): string =>
  rate === null ? '—' : `${(rate * 100).toFixed(1)}%`;
const count = (value: number) => value.toLocaleString();

interface Metric {
  title: string;
  /** What a bar measures. */
  value: (figures: Figures) => number;
  text: (figures: Figures) => string;
  /** The value axis's top, in the metric's unit. */
  axis: (maximum: number, currency: string) => string;
}

const money = (pick: (figures: Figures) => Money): Omit<Metric, 'title'> => ({
  value: (figures) => pick(figures).amount,
  text: (figures) => formatMoney(pick(figures)),
  axis: (maximum, currency) => formatMoney({ amount: maximum, currency }),
});

const counted = (pick: (figures: Figures) => number): Omit<Metric, 'title'> => ({
  value: pick,
  text: (figures) => count(pick(figures)),
  axis: count,
});

const CHARTS: Metric[] = [
  { title: 'GMV', ...money((f) => f.gmv) },
  { title: 'Orders', ...counted((f) => f.orders) },
  { title: 'Net revenue', ...money((f) => f.net_revenue) },
  {
    title: 'Refund rate',
    value: (f) => f.refund_rate ?? 0,
    text: (f) => formatRate(f.refund_rate),
    axis: formatRate,
  },
  { title: 'New buyers', ...counted((f) => f.new_buyers) },
  { title: 'Active sellers', ...counted((f) => f.active_sellers) },
];

/** The totals of the span, one card each. */
function Totals({ totals }: { totals: Figures }) {
  const cards: [string, string][] = [
    ['GMV', formatMoney(totals.gmv)],
    ['Net revenue', formatMoney(totals.net_revenue)],
    ['Orders', count(totals.orders)],
    ['Average order', totals.average_order_value ? formatMoney(totals.average_order_value) : '—'],
    ['Refunds', formatMoney(totals.refunds)],
    ['Refund rate', formatRate(totals.refund_rate)],
    ['Disputes', count(totals.disputes)],
    ['New buyers', count(totals.new_buyers)],
    ['Active sellers', count(totals.active_sellers)],
  ];
  return (
    <dl className="balance-cards" aria-label="Totals">
      {cards.map(([label, value]) => (
        <div className="card" key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function MetricChart({ metric, data, interval }: { metric: Metric; data: Period[]; interval: Interval }) {
  const first = data[0];
  const last = data.at(-1);
  const unit = INTERVALS[interval].toLowerCase();
  return (
    <section className="card" aria-label={metric.title}>
      <h3>{metric.title}</h3>
      <BarChart
        summary={`${metric.title} per ${unit}, ${first ? periodLabel(first.period, interval) : ''} to ${last ? periodLabel(last.period, interval) : ''}.`}
        bars={data.map((period) => ({
          key: period.period,
          value: metric.value(period),
          label: `${periodLabel(period.period, interval)}: ${metric.text(period)}`,
        }))}
        axisLabel={(maximum) => metric.axis(maximum, first?.gmv.currency ?? 'USD')}
        edges={[
          first ? periodLabel(first.period, interval) : '',
          last ? periodLabel(last.period, interval) : '',
        ]}
        table={{
          caption: `${metric.title} per ${unit}`,
          columns: [INTERVALS[interval], metric.title],
          rows: data.map((period) => ({
            key: period.period,
            cells: [periodLabel(period.period, interval), metric.text(period)],
          })),
        }}
      />
    </section>
  );
}

/** The marketplace's figures over a span, by day, ISO week or month (UTC), kept in the URL. */
export function AdminDashboardPage() {
  const [params, setParams] = useSearchParams();
  const interval = (params.get('interval') ?? 'day') as Interval;
  const from = params.get('from') ?? '';
  const to = params.get('to') ?? '';
  const [draft, setDraft] = useState({ interval, from, to });
  const analytics = useApi(
    () =>
      call(
        api.GET('/v1/admin/analytics', {
          params: { query: { interval, ...(from ? { from } : {}), ...(to ? { to } : {}) } },
        }),
      ),
    [interval, from, to],
  );
  const apply = (event: FormEvent) => {
    event.preventDefault();
    const next = new URLSearchParams({ interval: draft.interval });
    if (draft.from) next.set('from', draft.from);
    if (draft.to) next.set('to', draft.to);
    setParams(next);
  };
  return (
    <AdminPage title="Dashboard">
      <form className="row audit-filters" onSubmit={apply} aria-label="Choose the period">
        <div className="field">
          <label htmlFor="dashboard-interval">Per</label>
          <select
            id="dashboard-interval"
            value={draft.interval}
            onChange={(event) => setDraft({ ...draft, interval: event.target.value as Interval })}
          >
            {Object.entries(INTERVALS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="dashboard-from">From</label>
          <input
            id="dashboard-from"
            type="date"
            value={draft.from}
            onChange={(event) => setDraft({ ...draft, from: event.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor="dashboard-to">To</label>
          <input
            id="dashboard-to"
            type="date"
            value={draft.to}
            onChange={(event) => setDraft({ ...draft, to: event.target.value })}
          />
        </div>
        <button type="submit">Show</button>
      </form>
      <p className="muted">
        In UTC, the marketplace currency; weeks start on Monday. GMV is what buyers paid (shipping and tax
        included); net revenue the commission less platform-funded discounts.
      </p>
      <Async value={analytics}>
        {(data) => (
          <>
            <h2>Totals</h2>
            <Totals totals={data.totals} />
            <h2>Over time</h2>
            {CHARTS.map((metric) => (
              <MetricChart key={metric.title} metric={metric} data={data.data} interval={interval} />
            ))}
          </>
        )}
      </Async>
    </AdminPage>
  );
}
