import { z } from 'zod';

/** The notifications module's durable jobs, by name, and the payload they are scheduled with. */
export const notificationJobs = {
  /** Hands one email to SMTP; retried with backoff, recorded as failed when the relay refuses it. */
  sendEmail: 'notifications.send-email',
} as const;

export const SendEmailPayload = z.object({ emailId: z.string() });
