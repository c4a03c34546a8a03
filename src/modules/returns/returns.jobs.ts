import { z } from 'zod';
import type { JobRunner } from '../../platform/jobs.js';
import type { ReturnsService } from './returns.service.js';

/** The returns module's durable jobs, by name, and the payload they are scheduled with. */
export const returnJobs = {
  autoApprove: 'returns.auto-approve',
} as const;
export const ReturnJobPayload = z.object({ returnId: z.string() });
export type ReturnJobPayload = z.infer<typeof ReturnJobPayload>;

/** Auto-approval is a conditional transition from `requested`: a rerun, or a second worker, changes nothing. */
export function registerReturnJobs(jobs: JobRunner, returns: ReturnsService): void {
  jobs.register(returnJobs.autoApprove, async (payload) => {
    await returns.autoApprove(ReturnJobPayload.parse(payload).returnId);
  });
}
