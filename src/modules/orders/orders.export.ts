import { type CsvColumn, moneyCell } from '../../platform/csv.js';
import type { OrderView } from './orders.schemas.js';

/** One row per order, amounts in major units: what an accountant's spreadsheet wants. */
export const ORDER_CSV_COLUMNS: readonly CsvColumn<OrderView>[] = [
  { header: 'order_id', value: (order) => order.id },
  { header: 'number', value: (order) => order.number },
  { header: 'created_at', value: (order) => order.created_at },
  { header: 'status', value: (order) => order.status },
  { header: 'shop_id', value: (order) => order.shop.id },
  { header: 'shop', value: (order) => order.shop.name },
  { header: 'buyer_id', value: (order) => order.buyer_id },
  {
    header: 'items',
    value: (order) => order.items.map((item) => `${item.quantity} × ${item.title} (${item.sku})`).join('; '),
  },
  { header: 'subtotal', value: moneyCell((order: OrderView) => order.subtotal) },
  { header: 'shipping', value: moneyCell((order: OrderView) => order.shipping_total) },
  { header: 'discount', value: moneyCell((order: OrderView) => order.discount_total) },
  { header: 'tax', value: moneyCell((order: OrderView) => order.tax_total) },
  { header: 'total', value: moneyCell((order: OrderView) => order.total) },
  { header: 'refunded', value: moneyCell((order: OrderView) => order.refunded) },
  { header: 'currency', value: (order) => order.currency },
  { header: 'paid_at', value: (order) => order.paid_at },
  { header: 'shipped_at', value: (order) => order.shipped_at },
  { header: 'delivered_at', value: (order) => order.delivered_at },
  { header: 'cancelled_at', value: (order) => order.cancelled_at },
];
