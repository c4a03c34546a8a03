import { z } from 'zod';
import { MoneySchema, money } from '../../platform/money.js';
import { CreatedPosition, PageQuery } from '../../platform/pagination.js';
import { ENTRY_KINDS, PLATFORM_ACCOUNTS, SHOP_ACCOUNTS } from './ledger.policy.js';
import type { LedgerLineRow } from './ledger.repo.js';

export const Balance = z.object({ pending: MoneySchema, available: MoneySchema, paid_out: MoneySchema });
export type BalanceView = z.infer<typeof Balance>;

export const LedgerLine = z.object({
  id: z.string(),
  entry_id: z.string(),
  account: z.enum(SHOP_ACCOUNTS),
  amount: MoneySchema.describe('positive = a credit to the shop'),
  kind: z.enum(ENTRY_KINDS),
  reference: z.string().describe('what caused the entry: a payment, order, refund or payout id'),
  order_id: z.string().nullable(),
  created_at: z.string(),
});

export const LedgerQuery = PageQuery.strict();
export const LedgerCursor = CreatedPosition;

export const SalesQuery = z.strictObject({ days: z.coerce.number().int().min(1).max(366).default(30) });
export const Sales = z.object({
  data: z.array(
    z.object({
      date: z.string().describe('a UTC day, YYYY-MM-DD; one row per day of the window, oldest first'),
      orders: z.number().int().describe('orders paid that day'),
      gross: MoneySchema.describe('the totals of the orders paid that day'),
      net: MoneySchema.describe("the shop's proceeds that day: sales after commission, less refunds"),
    }),
  ),
});

export const TrialBalance = z.object({
  accounts: z.array(
    z.object({
      account: z.enum([...PLATFORM_ACCOUNTS, ...SHOP_ACCOUNTS]),
      debits: MoneySchema,
      credits: MoneySchema,
      balance: MoneySchema.describe('debits − credits'),
    }),
  ),
  totals: z.object({ debits: MoneySchema, credits: MoneySchema }),
});
export type TrialBalanceView = z.infer<typeof TrialBalance>;

export const presentLine = (line: LedgerLineRow) => ({
  id: line.id,
  entry_id: line.entryId,
  account: line.account as (typeof SHOP_ACCOUNTS)[number],
  amount: money(line.amount, line.currency),
  kind: line.kind,
  reference: line.reference,
  order_id: line.orderId,
  created_at: line.createdAt.toISOString(),
});
