import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';

const INVALIDATION_CHANNEL = 'bazaar:cache:invalidate';
const SHARED_KEY_PREFIX = 'bazaar:cache:';

export interface CacheSpaceOptions {
  /** Entries kept in this process. */
  max: number;
  /** How long an entry lives; the bound on staleness when an invalidation message is lost. */
  ttlMs: number;
  /**
   * Past its TTL an entry is served while one background load replaces it, and each entry lives a
   * random part of the TTL (half to all of it), so that entries loaded together (a warm-up, a
   * refresh) neither make their next readers wait nor all reload at once. Staleness is still
   * bounded by the TTL plus one load; an invalidation still drops entries at once.
   */
  serveStaleWhileReloading?: boolean;
}

/**
 * Values under keys that never change meaning (the key names a version of the content), kept in
 * this process and, when Redis is configured, in Redis for every process. Never stale, so never
 * invalidated: a new version is a new key.
 */
export interface VersionedCache<V> {
  get(key: string, load: () => Promise<V>): Promise<V>;
}

/**
 * Values that may go stale, kept in this process. `invalidate()` empties the space here and, through
 * Redis pub/sub, in every other process; the TTL bounds staleness if a message is lost.
 */
export interface InvalidatedCache<V> {
  get(key: string, load: () => Promise<V>): Promise<V>;
  invalidate(): Promise<void>;
}

/** Concurrent misses of one key share one load; a load that raced an invalidation is not kept. */
class LocalSpace<V extends {}> {
  private readonly entries: LRUCache<string, V>;
  private readonly loading = new Map<string, Promise<V>>();
  private epoch = 0;

  constructor(options: CacheSpaceOptions) {
    const serveStale = options.serveStaleWhileReloading ?? false;
    this.entries = new LRUCache<string, V>({
      max: options.max,
      ttl: options.ttlMs,
      allowStale: serveStale,
      noDeleteOnStaleGet: serveStale,
    });
  }

  async get(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.entries.get(key);
    if (hit === undefined) return this.load(key, load);
    if (this.entries.allowStale && this.entries.getRemainingTTL(key) <= 0) {
      // The failure is the next reader's to see: the stale entry is gone by then.
      this.load(key, load).catch(() => {});
    }
    return hit;
  }

  private load(key: string, load: () => Promise<V>): Promise<V> {
    const pending = this.loading.get(key);
    if (pending) return pending;
    const epoch = this.epoch;
    const loaded = load().then(
      (value) => {
        if (this.epoch === epoch) {
          const { ttl, allowStale } = this.entries;
          this.entries.set(key, value, { ttl: allowStale ? ttl * (0.5 + Math.random() / 2) : ttl });
          this.loading.delete(key);
        }
        return value;
      },
      (error: unknown) => {
        if (this.epoch === epoch) {
          this.loading.delete(key);
          this.entries.delete(key);
        }
        throw error;
      },
    );
    this.loading.set(key, loaded);
    return loaded;
  }

  clear(): void {
    this.epoch++;
    this.entries.clear();
    this.loading.clear();
  }
}

/**
 * The process's caches. Without Redis every cache is this process's alone; with Redis, versioned
 * values are shared and invalidations reach every process subscribed to the channel.
 */
export class Caches {
  private readonly spaces = new Map<string, { clear(): void }>();
  private readonly subscriber: Redis | undefined;

  constructor(private readonly redis?: Redis) {
    if (!redis) return;
    const subscriber = redis.duplicate();
    subscriber.on('error', () => {});
    subscriber.on('ready', () => {
      subscriber.subscribe(INVALIDATION_CHANNEL).catch(() => {});
    });
    subscriber.on('message', (_channel: string, name: string) => this.spaces.get(name)?.clear());
    this.subscriber = subscriber;
  }

  private newSpace<V extends {}>(name: string, options: CacheSpaceOptions): LocalSpace<V> {
    if (this.spaces.has(name)) throw new Error(`cache space "${name}" exists already`);
    const space = new LocalSpace<V>(options);
    this.spaces.set(name, space);
    return space;
  }

  /** Values under keys that never change meaning, kept in this process only. */
  local<V extends {}>(name: string, options: CacheSpaceOptions): VersionedCache<V> {
    return this.newSpace(name, options);
  }

  /** `V` must survive JSON, since Redis holds it as JSON. */
  versioned<V extends {}>(name: string, options: CacheSpaceOptions): VersionedCache<V> {
    const space = this.newSpace<V>(name, options);
    const redis = this.redis;
    if (!redis) return space;
    const ttlSeconds = Math.max(1, Math.ceil(options.ttlMs / 1000));
    return {
      get: (key, load) =>
        space.get(key, async () => {
          const sharedKey = `${SHARED_KEY_PREFIX}${name}:${key}`;
          // Redis is an optimisation: while it does not answer, the database does.
          const shared = await redis.get(sharedKey).catch(() => null);
          if (shared !== null) return JSON.parse(shared) as V;
          const value = await load();
          await redis.set(sharedKey, JSON.stringify(value), 'EX', ttlSeconds).catch(() => {});
          return value;
        }),
    };
  }

  invalidated<V extends {}>(name: string, options: CacheSpaceOptions): InvalidatedCache<V> {
    const space = this.newSpace<V>(name, options);
    return {
      get: (key, load) => space.get(key, load),
      invalidate: async () => {
        space.clear();
        await this.redis?.publish(INVALIDATION_CHANNEL, name).catch(() => {});
      },
    };
  }

  close(): void {
    this.subscriber?.disconnect();
  }
}
