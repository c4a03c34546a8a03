/**
 * Inventory: on-hand and reserved stock per variant, and the movement log of why it changed.
 * Owns the tables stock_levels and stock_movements. Reservations are single conditional
 * statements taken in variant-id order, so stock is never oversold and checkouts never deadlock.
 */
export { inventoryErrors, type Shortage, shortageDetail } from './inventory.errors.js';
export type { StockLine } from './inventory.repo.js';
export { inventory, normaliseLines, type StockLevel } from './inventory.service.js';
