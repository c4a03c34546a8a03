import { z } from 'zod';
import type { JobRunner } from '../../platform/jobs.js';
import type { OrdersService } from './orders.service.js';

/** The orders module's durable jobs, by name, and the payload they are scheduled with. */
export const orderJobs = {
  expire: 'orders.expire',
  autoDeliver: 'orders.auto-deliver',
} as const;
export const OrderJobPayload = z.object({ orderId: z.string() });
export type OrderJobPayload = z.infer<typeof OrderJobPayload>;

/** Expiry and auto-delivery run as durable jobs; both are conditional transitions, so idempotent. */
export function registerOrderJobs(jobs: JobRunner, orders: OrdersService): void {
  jobs.register(orderJobs.expire, async (payload) => {
    await orders.expire(OrderJobPayload.parse(payload).orderId);
  });
  jobs.register(orderJobs.autoDeliver, async (payload) => {
    await orders.autoDeliver(OrderJobPayload.parse(payload).orderId);
  });
}
