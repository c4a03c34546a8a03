/**
 * Ledger: the marketplace's double-entry books (accounts, journal entries, postings) and the seller
 * money views built on them. Owns the tables ledger_accounts, ledger_entries and ledger_postings;
 * the database refuses unbalanced entries and any change to posted ones.
 */
export { ledgerErrors } from './ledger.errors.js';
export type { OrderDiscounts } from './ledger.policy.js';
export { ledgerRoutes } from './ledger.routes.js';
export {
  LedgerService,
  type OrderOfShop,
  type PostingListener,
  type RefundFunder,
} from './ledger.service.js';
