import { silentLog, type WorkerLog } from '../../platform/background.js';
import type { Database } from '../../platform/db.js';
import * as repo from './recommendations.repo.js';

/** A view says less than a purchase: the offline data has no views, so this is a judgement. */
export const VIEW_WEIGHT = 0.25;
/** Views wait this long in memory, so a product page never waits for their insert. */
const VIEW_FLUSH_MS = 1_000;
/** Beyond this many unflushed views (a database outage), further ones are dropped. */
const MAX_PENDING_VIEWS = 10_000;

/**
 * Signed-in users' product views, an interest recommendations learn from. The catalog reports
 * them as it serves product pages; this needs nothing of the catalog, so the composition root
 * makes it first and hands it to both.
 */
export class ProductViews {
  private readonly pending = new Map<string, repo.ViewRow>();
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Database,
    private readonly log: WorkerLog = silentLog,
  ) {}

  /** Notes a signed-in user's product view; written within a second, never on the request's path. */
  recordView(userId: string, productId: string): void {
    const key = `${userId}\u0000${productId}`;
    if (this.pending.has(key) || this.pending.size >= MAX_PENDING_VIEWS) return;
    this.pending.set(key, { userId, productId, occurredAt: new Date() });
    this.flushTimer ??= setTimeout(() => void this.flush(), VIEW_FLUSH_MS).unref();
  }

  /** Writes the views noted so far (and on close, the last of them). */
  async flush(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const views = [...this.pending.values()];
    this.pending.clear();
    await repo.insertViews(this.db, views, VIEW_WEIGHT).catch((error: unknown) => {
      this.log.warn({ err: error, views: views.length }, 'dropped product views');
    });
  }
}
