import type { SQL } from 'drizzle-orm';
import type { Database, Queryable } from '../../platform/db.js';
import type { StockLine } from './inventory.repo.js';
import * as repo from './inventory.repo.js';
import { normaliseLines, shortageOf } from './inventory.service.js';

/** How long a hold outlives a checkout that never took it (its process died): then it is released. */
export const HOLD_TTL_SECONDS = 60;
/**
 * A variant is hot when this many checkouts of one process reserve it at once: two carts meeting on
 * a variant happens by chance in busy trading (and would make every checkout read its cart first
 * for a while, see readsCartFirst); three at once is a run on it.
 */
export const HOT_AT_ONCE = 3;
/** A variant stays hot this long after its checkouts last contended. */
const HOT_FOR_MS = 1000;
/** The most asks one statement grants: the walk over them is linear, the batch's wait is not. */
const MAX_BATCH = 256;
/**
 * More checkouts than this in flight in one process are a burst: each reads its cart before its
 * transaction, so that contention shows before the transactions queue on a row (a busy shop front's
 * checkouts stay below it and pay nothing).
 */
const BURST_CHECKOUTS = 64;
/** Times a batch is asked again when the row changed between its lock and its update (never seen). */
const STALE_RETRIES = 3;

export interface GroupCommitOptions {
  /** Off: every checkout reserves in its own transaction, as before group commit. */
  enabled: boolean;
  /** How long a hot variant's batch waits for more asks when none is running (0: none). */
  windowMs: number;
}

/** A checkout's holds stopped matching it (its cart changed, or they expired): it reserves in-line. */
export class HeldStockStale extends Error {
  constructor(checkoutId: string) {
    super(`the stock held for checkout ${checkoutId} no longer matches it`);
  }
}

interface Waiting extends repo.HoldAsk {
  resolve(grant: repo.HoldGrant): void;
  reject(error: unknown): void;
}

interface VariantQueue {
  waiting: Waiting[];
  /** A batch is running or about to: new asks wait for the next one. */
  busy: boolean;
}

/**
 * Group commit for hot variants, per process. Checkouts of this process that reserve the same
 * variant at the same time are noticed (`enter`), which makes the variant hot for a moment; a
 * checkout of a hot variant holds its units before its transaction opens (`hold`), and the holds
 * asked while one batch of a variant runs are granted together by the next: one short statement
 * for many buyers instead of one transaction each queueing on the row's lock. The database stays
 * the arbiter: the statement grants only what the row has, and several processes' batches queue on
 * the row like any writers. Without contention nothing is batched, so nothing waits.
 */
export class StockHolds {
  private readonly queues = new Map<string, VariantQueue>();
  private readonly reserving = new Map<string, number>();
  private readonly hotUntil = new Map<string, number>();
  private checkoutsInFlight = 0;
  /** Batches run and asks they answered, since the process started (tests and logs read them). */
  readonly counts = { batches: 0, asks: 0 };

  constructor(
    private readonly db: Database,
    private readonly options: GroupCommitOptions,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** A checkout of this process starts; call the answer when it ends. */
  checkoutStarted(): () => void {
    this.checkoutsInFlight++;
    let ended = false;
    return () => {
      if (!ended) this.checkoutsInFlight--;
      ended = true;
    };
  }

  /**
   * Whether a checkout should read its cart before its transaction, to `enter` its variants and
   * hold them if hot: while any variant is hot, or in a burst.
   */
  readsCartFirst(): boolean {
    return this.options.enabled && (this.checkoutsInFlight > BURST_CHECKOUTS || this.anyHot());
  }

  /** Whether any variant is hot. */
  anyHot(): boolean {
    if (!this.options.enabled) return false;
    const now = this.now();
    for (const [variantId, until] of this.hotUntil) {
      if (until > now) return true;
      this.hotUntil.delete(variantId);
    }
    return false;
  }

  isHot(variantIds: readonly string[]): boolean {
    const now = this.now();
    return this.options.enabled && variantIds.some((id) => (this.hotUntil.get(id) ?? 0) > now);
  }

  /**
   * A checkout starts reserving these variants; call the answer when its transaction ends. A
   * variant that many checkouts of this process reserve at once becomes hot (never with group
   * commit off).
   */
  enter(variantIds: readonly string[]): () => void {
    for (const id of variantIds) {
      const count = (this.reserving.get(id) ?? 0) + 1;
      if (count >= HOT_AT_ONCE && this.options.enabled) this.hotUntil.set(id, this.now() + HOT_FOR_MS);
      this.reserving.set(id, count);
    }
    let left = false;
    return () => {
      if (left) return;
      left = true;
      for (const id of variantIds) {
        const count = this.reserving.get(id)! - 1;
        if (count === 0) this.reserving.delete(id);
        else this.reserving.set(id, count);
      }
    };
  }

  /**
   * Holds every line for the checkout or none: a short line throws insufficient_stock naming every
   * short line, after giving back what the others got.
   */
  async hold(checkoutId: string, lines: readonly StockLine[]): Promise<void> {
    const wanted = normaliseLines(lines);
    const answers = await Promise.allSettled(
      wanted.map((line) => this.ask(line.variantId, { checkoutId, quantity: line.quantity })),
    );
    const refused = wanted.flatMap((line, i) => {
      const answer = answers[i]!;
      return answer.status === 'fulfilled' && !answer.value.granted
        ? [{ ...line, available: answer.value.unitsLeft }]
        : [];
    });
    const failed = answers.find((answer) => answer.status === 'rejected');
    if (refused.length === 0 && !failed) return;
    if (answers.some((answer) => answer.status === 'fulfilled' && answer.value.granted))
      await this.release(checkoutId);
    if (failed) throw failed.reason;
    throw shortageOf(refused);
  }

  /** Gives back whatever the checkout still holds (it failed, or reserves in-line instead). */
  async release(checkoutId: string): Promise<void> {
    await repo.releaseHolds(this.db, { checkoutId });
  }

  private ask(variantId: string, ask: repo.HoldAsk): Promise<repo.HoldGrant> {
    return new Promise((resolve, reject) => {
      let queue = this.queues.get(variantId);
      if (!queue) {
        queue = { waiting: [], busy: false };
        this.queues.set(variantId, queue);
      }
      queue.waiting.push({ ...ask, resolve, reject });
      if (!queue.busy) this.schedule(variantId, queue);
    });
  }

  /**
   * The next batch starts after the window while the variant is hot (more asks are surely coming),
   * else on the next turn of the event loop: asks made in the same turn share it, and no ask waits
   * on a timer without contention.
   */
  private schedule(variantId: string, queue: VariantQueue): void {
    queue.busy = true;
    const run = () => void this.runBatch(variantId, queue);
    if (this.options.windowMs > 0 && this.isHot([variantId])) setTimeout(run, this.options.windowMs);
    else setImmediate(run);
  }

  private async runBatch(variantId: string, queue: VariantQueue): Promise<void> {
    const batch = queue.waiting.splice(0, MAX_BATCH);
    this.counts.batches++;
    this.counts.asks += batch.length;
    if (batch.length > 1) this.hotUntil.set(variantId, this.now() + HOT_FOR_MS);
    try {
      const grants = await this.grant(variantId, batch);
      for (const [i, waiting] of batch.entries()) waiting.resolve(grants[i]!);
    } catch (error) {
      for (const waiting of batch) waiting.reject(error);
    }
    if (queue.waiting.length > 0) {
      // The asks that came while this batch ran form the next one at once: they already waited.
      setImmediate(() => void this.runBatch(variantId, queue));
    } else {
      queue.busy = false;
      this.queues.delete(variantId);
    }
  }

  private async grant(variantId: string, batch: readonly repo.HoldAsk[]): Promise<repo.HoldGrant[]> {
    for (let attempt = 0; ; attempt++) {
      const { grants, applied } = await repo.holdUnits(this.db, variantId, batch, HOLD_TTL_SECONDS);
      if (applied || attempt >= STALE_RETRIES) return grants;
    }
  }
}

/** Gives back the units of holds that expired (checkouts whose process died before taking them). */
export const releaseExpiredHolds = (db: Queryable, now: Date = new Date()): Promise<number> =>
  repo.releaseHolds(db, { expiredBy: now });

/**
 * In the checkout's transaction: takes its holds, which must be exactly its lines (else the
 * checkout reserves in-line, after the holds are released), in one statement with the checkout's
 * `alongside` writes (see allAtOnce).
 */
export async function takeHolds(
  tx: Queryable,
  checkoutId: string,
  lines: readonly StockLine[],
  alongside: readonly SQL[] = [],
): Promise<void> {
  const taken = normaliseLines(await repo.takeHolds(tx, checkoutId, alongside));
  if (!sameLines(taken, normaliseLines(lines))) throw new HeldStockStale(checkoutId);
}

export const sameLines = (a: readonly StockLine[], b: readonly StockLine[]): boolean =>
  a.length === b.length &&
  a.every((line, i) => line.variantId === b[i]!.variantId && line.quantity === b[i]!.quantity);
