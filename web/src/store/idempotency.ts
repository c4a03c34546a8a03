import { useRef } from 'react';
import { ApiError, newIdempotencyKey } from '../api/client';

/**
 * One Idempotency-Key per attempt: `key()` hands out the current attempt's key; `settle(error?)` ends
 * the attempt unless the request may not have run (no answer, or a 5xx, which the API does not store),
 * in which case the next click retries the same attempt with the same key.
 */
export function useAttemptKey() {
  const current = useRef<string | null>(null);
  return {
    key(): string {
      current.current ??= newIdempotencyKey();
      return current.current;
    },
    settle(error?: unknown): void {
      const unanswered = error instanceof ApiError && (error.status === 0 || error.status >= 500);
      if (!unanswered) current.current = null;
    },
    /** A new attempt starts with the next request (its body changed). */
    reset(): void {
      current.current = null;
    },
  };
}
