interface Waiter<V> {
  resolve(value: V | undefined): void;
  reject(error: unknown): void;
}

/**
 * Answers reads of single keys with one query for many: reads asked in the same turn of the event
 * loop share a query, and requests that arrive while `concurrency` queries are running wait for
 * the next query, which takes every key asked for meanwhile. A query always starts after the reads
 * it answers were asked, so each answer reflects every commit made before its read: live data
 * (stock) at a fraction of a query per request.
 */
export class CoalescedReads<V> {
  private queued = new Map<string, Waiter<V>[]>();
  private running = 0;
  private startScheduled = false;

  constructor(
    private readonly query: (keys: string[]) => Promise<ReadonlyMap<string, V>>,
    private readonly options: { concurrency: number; maxKeys: number } = { concurrency: 2, maxKeys: 500 },
  ) {}

  read(key: string): Promise<V | undefined> {
    const answer = this.enqueue(key);
    this.start();
    return answer;
  }

  /** Reads of several keys, queued together so that they share a query. */
  readAll(keys: readonly string[]): Promise<(V | undefined)[]> {
    const answers = Promise.all(keys.map((key) => this.enqueue(key)));
    this.start();
    return answers;
  }

  private enqueue(key: string): Promise<V | undefined> {
    return new Promise<V | undefined>((resolve, reject) => {
      const waiters = this.queued.get(key);
      if (waiters) waiters.push({ resolve, reject });
      else this.queued.set(key, [{ resolve, reject }]);
    });
  }

  /** Starts a query once the reads asked in this turn are queued (say, one per item of a list). */
  private start(): void {
    if (this.startScheduled) return;
    this.startScheduled = true;
    queueMicrotask(() => {
      this.startScheduled = false;
      // Each drain takes its batch before its first await, so this starts one query per batch.
      while (this.running < this.options.concurrency && this.queued.size > 0) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running++;
    try {
      while (this.queued.size > 0) {
        const batch = new Map<string, Waiter<V>[]>();
        for (const [key, waiters] of this.queued) {
          if (batch.size >= this.options.maxKeys) break;
          batch.set(key, waiters);
          this.queued.delete(key);
        }
        try {
          const values = await this.query([...batch.keys()]);
          for (const [key, waiters] of batch) for (const waiter of waiters) waiter.resolve(values.get(key));
        } catch (error) {
          for (const waiters of batch.values()) for (const waiter of waiters) waiter.reject(error);
        }
      }
    } finally {
      this.running--;
    }
  }
}
