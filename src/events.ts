import { catalogEvents } from './modules/catalog/index.js';
import { disputeEvents } from './modules/disputes/index.js';
import { identityEvents } from './modules/identity/index.js';
import { orderEvents } from './modules/orders/index.js';
import { paymentEvents } from './modules/payments/index.js';
import { returnEvents } from './modules/returns/index.js';
import { reviewEvents } from './modules/reviews/index.js';
import { webhookEvents } from './modules/webhooks/index.js';

/** Every module's event catalogue: what this app may append, and what /v1/events/schemas publishes. */
export const eventCatalogues = [
  identityEvents,
  catalogEvents,
  orderEvents,
  paymentEvents,
  returnEvents,
  reviewEvents,
  disputeEvents,
  webhookEvents,
];
