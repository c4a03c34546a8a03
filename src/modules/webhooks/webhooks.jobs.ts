import { z } from 'zod';
import type { JobRunner } from '../../platform/jobs.js';
import type { WebhooksService } from './webhooks.service.js';

/** The webhooks module's durable jobs, by name, and the payload they are scheduled with. */
export const webhookJobs = {
  deliver: 'webhooks.deliver',
} as const;

/**
 * One attempt at a delivery, expecting `attempts` made before it: a job left over from an earlier
 * schedule (the delivery moved on) takes nothing, so jobs need no dedupe key.
 */
export const DeliverJobPayload = z.object({ deliveryId: z.string(), attempts: z.number().int().min(0) });
export type DeliverJobPayload = z.infer<typeof DeliverJobPayload>;

export function registerWebhookJobs(jobs: JobRunner, webhooks: WebhooksService): void {
  jobs.register(webhookJobs.deliver, async (payload, context) => {
    await webhooks.deliver(DeliverJobPayload.parse(payload), context);
  });
}
