import { useRef } from 'react';
import { ApiError, newIdempotencyKey } from './client';

/**
 * One Idempotency-Key per attempt at a non-repeatable action (checkout, payment, refund, payout).
 * `send(request)` runs the request with the current attempt's key and ends the attempt unless the
 * request may not have run (no answer, or a 5xx, which the API does not store): the next click then
 * retries the same attempt with the same key. `reset()` starts a new attempt (the body changed).
 */
export function useAttemptKey() {
  const current = useRef<string | null>(null);
  return {
    async send<T>(request: (key: string) => Promise<T>): Promise<T> {
      current.current ??= newIdempotencyKey();
      try {
        const answer = await request(current.current);
        current.current = null;
        return answer;
      } catch (error) {
        const unanswered = error instanceof ApiError && (error.status === 0 || error.status >= 500);
        if (!unanswered) current.current = null;
        throw error;
      }
    },
    reset(): void {
      current.current = null;
    },
  };
}
