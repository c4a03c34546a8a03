/**
 * Disputes: card disputes (chargebacks) the payment provider tells of, their lifecycle as data
 * (open → won | lost), what each holds of its payment's orders, and the sellers' evidence. Payments
 * hands it the provider's news in the webhook's transaction (DisputeReports); the money is held,
 * released or taken back through the ledger, and the orders keep what disputes hold of them. Owns
 * the tables disputes, dispute_orders and dispute_evidence.
 */
export { disputesErrors } from './disputes.errors.js';
export { disputeEvents } from './disputes.events.js';
export { disputesRoutes } from './disputes.routes.js';
export { Dispute, type DisputeEventView, type DisputeView } from './disputes.schemas.js';
export { type DisputesDeps, DisputesService } from './disputes.service.js';
