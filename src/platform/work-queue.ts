/** Thrown by `WorkQueue.run` when as many tasks wait as the queue may hold. */
export class QueueFull extends Error {
  constructor() {
    super('the work queue is full');
    this.name = 'QueueFull';
  }
}

/**
 * Runs at most `concurrency` tasks at once; up to `maxWaiting` more wait their turn in arrival
 * order, and past that `run` refuses at once (QueueFull) instead of letting the wait grow without
 * bound.
 */
export class WorkQueue {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly concurrency: number,
    private readonly maxWaiting = Number.POSITIVE_INFINITY,
  ) {
    if (!(concurrency >= 1)) throw new RangeError('a work queue runs at least one task at a time');
  }

  /** Neither running nor holding any task. */
  get idle(): boolean {
    return this.running === 0 && this.waiting.length === 0;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running < this.concurrency) this.running++;
    else if (this.waiting.length >= this.maxWaiting) throw new QueueFull();
    // A finishing task hands its place over to the next waiter, so `running` stays as it was.
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}

/** One WorkQueue per key (say, per account), made when a key gets work and dropped when idle. */
export class KeyedWorkQueues {
  private readonly queues = new Map<string, WorkQueue>();

  constructor(private readonly concurrencyPerKey: number) {}

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    let queue = this.queues.get(key);
    if (!queue) {
      queue = new WorkQueue(this.concurrencyPerKey);
      this.queues.set(key, queue);
    }
    try {
      return await queue.run(task);
    } finally {
      if (queue.idle && this.queues.get(key) === queue) this.queues.delete(key);
    }
  }

  /** Keys with work running or waiting. */
  get size(): number {
    return this.queues.size;
  }
}
