import type { BaseLogger } from 'pino';

/** What background workers log through: a pino logger, or anything shaped like its calls. */
export type WorkerLog = Pick<BaseLogger, 'info' | 'warn' | 'error'>;

export const silentLog: WorkerLog = { info() {}, warn() {}, error() {} };

const LAST_ERROR_MAX_CHARS = 2000;

/** A failure's message as kept in a `last_error` column. */
export const lastErrorOf = (error: unknown): string =>
  (error instanceof Error ? error.message : String(error)).slice(0, LAST_ERROR_MAX_CHARS);

/** Seconds to wait before retry number `attempt + 1`: doubling from `baseSeconds`, capped. */
export function retryDelaySeconds(attempt: number, baseSeconds: number, maxSeconds: number): number {
  return Math.min(maxSeconds, baseSeconds * 2 ** Math.max(0, attempt - 1));
}

/** `instant` plus `seconds`, as a parameter PGlite and PostgreSQL both read as timestamptz. */
export const isoAfter = (instant: Date, seconds: number): string =>
  new Date(instant.getTime() + seconds * 1000).toISOString();

/**
 * Runs `pass` again and again once started: at once while it finds work (it answers how many items
 * it took), after `pollMs` when it found none or failed. Passes may also be run directly
 * (`runOnce`); `stop()` waits for every pass under way, which see `stopping` and take on no more.
 */
export class PollLoop {
  private timer: NodeJS.Timeout | undefined;
  private polling = false;
  private readonly passes = new Set<Promise<number>>();
  private stopRequested = false;

  constructor(
    private readonly pass: () => Promise<number>,
    private readonly pollMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  get stopping(): boolean {
    return this.stopRequested;
  }

  start(): void {
    if (this.polling) return;
    this.polling = true;
    this.schedule(0);
  }

  runOnce(): Promise<number> {
    const pass = this.pass();
    this.passes.add(pass);
    const forget = () => this.passes.delete(pass);
    pass.then(forget, forget);
    return pass;
  }

  async stop(): Promise<void> {
    this.stopRequested = true;
    this.polling = false;
    clearTimeout(this.timer);
    try {
      while (this.passes.size > 0) await Promise.allSettled([...this.passes]);
    } finally {
      this.stopRequested = false;
    }
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => void this.tick(), delayMs);
  }

  private async tick(): Promise<void> {
    let taken = 0;
    try {
      taken = await this.runOnce();
    } catch (error) {
      this.onError(error);
    }
    if (this.polling) this.schedule(taken > 0 ? 0 : this.pollMs);
  }
}
