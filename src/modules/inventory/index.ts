/**
 * Inventory: on-hand and reserved stock per variant, and the movement log of why it changed.
 * Owns the tables stock_levels, stock_movements and stock_holds. Reservations are single
 * conditional statements taken in variant-id order, so stock is never oversold and checkouts never
 * deadlock; a hot variant's checkouts hold their units together first (group commit, StockHolds).
 */
export { inventoryErrors, type Shortage, shortageDetail } from './inventory.errors.js';
export type { StockLine } from './inventory.repo.js';
export { inventory, normaliseLines, type StockLevel } from './inventory.service.js';
export {
  type GroupCommitOptions,
  HeldStockStale,
  HOLD_TTL_SECONDS,
  HOT_AT_ONCE,
  releaseExpiredHolds,
  StockHolds,
  sameLines,
  takeHolds,
} from './stock-holds.js';

/** The inventory module's durable jobs, by name. */
export const inventoryJobs = {
  /** Periodic, no payload: holds of checkouts that never took them (their process died). */
  releaseExpiredHolds: 'inventory.release-expired-holds',
} as const;
