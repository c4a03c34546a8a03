import { z } from 'zod';
import type { JobRunner } from '../../platform/jobs.js';
import type { OrdersService } from './orders.service.js';

export const EXPIRE_ORDER_JOB = 'orders.expire';
export const AUTO_DELIVER_JOB = 'orders.auto-deliver';

const OrderJob = z.object({ orderId: z.string() });

/** Expiry and auto-delivery run as durable jobs; both are conditional transitions, so idempotent. */
export function registerOrderJobs(jobs: JobRunner, orders: OrdersService): void {
  jobs.register(EXPIRE_ORDER_JOB, async (payload) => {
    await orders.expire(OrderJob.parse(payload).orderId);
  });
  jobs.register(AUTO_DELIVER_JOB, async (payload) => {
    await orders.autoDeliver(OrderJob.parse(payload).orderId);
  });
}
