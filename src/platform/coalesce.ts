interface Waiting<Ask, Answer> {
  ask: Ask;
  resolve(answer: Answer): void;
  reject(error: unknown): void;
}

export interface CoalescedOptions {
  /** How many runs may be out at once. */
  concurrency: number;
  /** The most asks one run takes. */
  maxAsks: number;
  /**
   * When a run of several asks fails, each ask is run again alone, so that one ask's bad value
   * fails only its own request (for writes, whose statement either applied to every ask or, having
   * failed, to none).
   */
  aloneOnFailure?: boolean;
}

/**
 * Runs asks of one kind many at a time, one statement for all: asks made in the same turn of the
 * event loop share a run, and asks made while `concurrency` runs are out wait for the next, which
 * takes every ask made meanwhile. Without contention an ask runs at once (no timer); under a burst
 * one round trip answers many requests (and PostgreSQL commits a batch of writes once). A run
 * always starts after the asks it answers were made, so each answer reflects every commit made
 * before its ask. `run` answers its asks in their order.
 */
export class Coalesced<Ask, Answer> {
  private queued: Waiting<Ask, Answer>[] = [];
  private running = 0;
  private startScheduled = false;
  /** Runs made and asks they answered (tests read them). */
  readonly counts = { runs: 0, asks: 0 };

  constructor(
    private readonly run: (asks: Ask[]) => Promise<readonly Answer[]>,
    private readonly options: CoalescedOptions,
  ) {}

  ask(ask: Ask): Promise<Answer> {
    const answer = this.enqueue(ask);
    this.start();
    return answer;
  }

  /** Several asks, queued together so that they share a run. */
  askAll(asks: readonly Ask[]): Promise<Answer[]> {
    const answers = Promise.all(asks.map((ask) => this.enqueue(ask)));
    this.start();
    return answers;
  }

  private enqueue(ask: Ask): Promise<Answer> {
    return new Promise<Answer>((resolve, reject) => {
      this.queued.push({ ask, resolve, reject });
    });
  }

  /** Starts a run once the asks made in this turn are queued (say, one per item of a list). */
  private start(): void {
    if (this.startScheduled) return;
    this.startScheduled = true;
    queueMicrotask(() => {
      this.startScheduled = false;
      // Each drain takes its batch before its first await, so this starts one run per batch.
      while (this.running < this.options.concurrency && this.queued.length > 0) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running++;
    try {
      while (this.queued.length > 0) {
        const batch = this.queued.splice(0, this.options.maxAsks);
        this.counts.runs++;
        this.counts.asks += batch.length;
        try {
          this.answer(batch, await this.run(batch.map((waiting) => waiting.ask)));
        } catch (error) {
          if (this.options.aloneOnFailure && batch.length > 1) await this.runAlone(batch);
          else for (const waiting of batch) waiting.reject(error);
        }
      }
    } finally {
      this.running--;
    }
  }

  private async runAlone(batch: readonly Waiting<Ask, Answer>[]): Promise<void> {
    for (const waiting of batch) {
      try {
        this.answer([waiting], await this.run([waiting.ask]));
      } catch (error) {
        waiting.reject(error);
      }
    }
  }

  private answer(batch: readonly Waiting<Ask, Answer>[], answers: readonly Answer[]): void {
    if (answers.length !== batch.length)
      throw new Error(`a coalesced run answered ${answers.length} of ${batch.length} asks`);
    for (const [i, waiting] of batch.entries()) waiting.resolve(answers[i]!);
  }
}

/**
 * Answers reads of single keys with one query for many (see Coalesced): a key asked several times
 * in one batch is read once. Live data (stock) at a fraction of a query per request.
 */
export class CoalescedReads<V> {
  private readonly reads: Coalesced<string, V | undefined>;

  constructor(
    query: (keys: string[]) => Promise<ReadonlyMap<string, V>>,
    options: { concurrency: number; maxKeys: number } = { concurrency: 2, maxKeys: 500 },
  ) {
    this.reads = new Coalesced(
      async (keys) => {
        const values = await query([...new Set(keys)]);
        return keys.map((key) => values.get(key));
      },
      { concurrency: options.concurrency, maxAsks: options.maxKeys },
    );
  }

  read(key: string): Promise<V | undefined> {
    return this.reads.ask(key);
  }

  /** Reads of several keys, queued together so that they share a query. */
  readAll(keys: readonly string[]): Promise<(V | undefined)[]> {
    return this.reads.askAll(keys);
  }
}
