import type { FastifyBaseLogger } from 'fastify';
import type { Services } from './app.js';
import { cartJobs } from './modules/cart/index.js';
import { identityJobs } from './modules/identity/index.js';
import { inventoryJobs, releaseExpiredHolds } from './modules/inventory/index.js';
import { paymentJobs } from './modules/payments/index.js';
import { recommendationJobs } from './modules/recommendations/index.js';
import { idempotencyJobs } from './platform/idempotency.js';

const IDLE_SESSION_PURGE_SECONDS = 60 * 60;
const IDEMPOTENCY_PURGE_SECONDS = 60 * 60;
const PAYMENT_RECONCILE_SECONDS = 60;
const EXPIRED_HOLDS_RELEASE_SECONDS = 30;

/**
 * Background work of this process: the job runner and the outbox relay that modules registered
 * their handlers and subscribers on. Any number of workers may run at once; each job and event
 * is claimed by one of them at a time.
 */
export function startWorker(services: Services, log: Pick<FastifyBaseLogger, 'info'>) {
  services.jobs.every(identityJobs.purgeIdleSessions, IDLE_SESSION_PURGE_SECONDS, async () => {
    const purged = await services.identity.purgeExpiredSessions();
    if (purged > 0) log.info({ purged }, 'purged expired sessions');
  });
  services.jobs.every(identityJobs.purgeStaleAccountTokens, IDLE_SESSION_PURGE_SECONDS, async () => {
    const purged = await services.account.purgeStaleTokens();
    if (purged > 0) log.info({ purged }, 'purged stale account tokens');
  });
  services.jobs.every(cartJobs.purgeIdleGuestCarts, IDLE_SESSION_PURGE_SECONDS, async () => {
    const purged = await services.cart.purgeIdleGuestCarts();
    if (purged > 0) log.info({ purged }, 'purged idle guest carts');
  });
  services.jobs.every(idempotencyJobs.purgeExpired, IDEMPOTENCY_PURGE_SECONDS, async () => {
    const purged = await services.idempotency.purgeExpired();
    if (purged > 0) log.info({ purged }, 'purged expired idempotency keys');
  });
  services.jobs.every(inventoryJobs.releaseExpiredHolds, EXPIRED_HOLDS_RELEASE_SECONDS, async () => {
    const released = await releaseExpiredHolds(services.db);
    if (released > 0) log.info({ released }, 'released stock held by checkouts that never completed');
  });
  services.jobs.every(paymentJobs.reconcile, PAYMENT_RECONCILE_SECONDS, async () => {
    const settled = await services.payments.reconcile();
    if (settled > 0) log.info({ settled }, 'reconciled payments stuck in processing');
  });
  services.jobs.every(recommendationJobs.refresh, services.config.recsRefreshSeconds, async () => {
    const { coPurchase, content } = await services.recommendations.refresh();
    if (coPurchase.length + content.length > 0)
      log.info({ coPurchase: coPurchase.length, content: content.length }, 'refreshed recommendation lists');
  });
  services.jobs.start();
  services.outbox.start();
  return {
    async stop() {
      await Promise.all([services.jobs.stop(), services.outbox.stop()]);
    },
  };
}
