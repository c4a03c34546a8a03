import { z } from 'zod';
import { type Money, MoneySchema, money, proportionOf } from '../../platform/money.js';
import type { Figures } from './analytics.figures.js';
import { INTERVALS } from './analytics.periods.js';

const Day = z.iso.date().describe('a day, YYYY-MM-DD (UTC)');

export const AnalyticsQuery = z.strictObject({
  from: Day.optional().describe(
    'the first day: its whole week or month when the interval is one (default: 30 days, 12 weeks or 12 months before `to`)',
  ),
  to: Day.optional().describe(
    'the last day, included: its whole week or month when the interval is one (default: today)',
  ),
  interval: z
    .enum(INTERVALS)
    .default('day')
    .describe('day, ISO week (starting Monday) or calendar month, in UTC'),
});
export type AnalyticsQuery = z.infer<typeof AnalyticsQuery>;

const AnalyticsFigures = z.object({
  gmv: MoneySchema.describe("the paid orders' totals, shipping and tax included"),
  net_revenue: MoneySchema.describe(
    'the commission less platform-funded discounts, net of what refunds and lost disputes gave back',
  ),
  orders: z.number().int().describe('orders paid'),
  average_order_value: MoneySchema.nullable().describe('gmv / orders, rounded half up; null without orders'),
  refunds: MoneySchema.describe('money refunded to buyers (shop- or platform-funded)'),
  refund_rate: z.number().nullable().describe('refunds / gmv (0.05 is 5%); null when gmv is zero'),
  disputes: z.number().int().describe('card disputes opened'),
  new_buyers: z
    .number()
    .int()
    .describe('buyers whose first paid order is in the period (a guest counts once per email address)'),
  active_sellers: z.number().int().describe('distinct shops with a paid order in the period'),
});

export const Analytics = z.object({
  data: z.array(
    AnalyticsFigures.extend({ period: z.string().describe("the period's first day, YYYY-MM-DD") }),
  ),
  totals: AnalyticsFigures.describe(
    'the figures of all the periods together (active sellers distinct over them)',
  ),
});
export type Analytics = z.infer<typeof Analytics>;

export function presentFigures(figures: Figures, currency: string): z.infer<typeof AnalyticsFigures> {
  const inCurrency = (amount: number): Money => money(amount, currency);
  return {
    gmv: inCurrency(figures.gmv),
    net_revenue: inCurrency(figures.commission - figures.promotionsExpense),
    orders: figures.orders,
    average_order_value:
      figures.orders === 0 ? null : inCurrency(proportionOf(figures.gmv, 1, figures.orders)),
    refunds: inCurrency(figures.refunds),
    refund_rate: figures.gmv === 0 ? null : figures.refunds / figures.gmv,
    disputes: figures.disputes,
    new_buyers: figures.newBuyers,
    active_sellers: figures.activeSellers,
  };
}
