import { LRUCache } from 'lru-cache';
import { ChangeFeed } from './change-feed';

export interface ChangeAwareCacheOptions {
  /** Entries kept (least recently used go first). */
  max: number;
  /** A ceiling on staleness should a notification never come (a writer outside the triggers). */
  maxAgeMs: number;
}

/**
 * An in-process cache whose entries a PostgreSQL notification on `channel` evicts: the payload is
 * the key that changed. While the change feed is not listening, nothing is cached (every read
 * loads). A load that raced with any change on the channel is returned but not kept, so an entry
 * never holds data older than the last notification. Concurrent loads of one key share one query.
 */
export class ChangeAwareCache<V extends object> {
  private readonly entries: LRUCache<string, V>;
  private readonly loading = new Map<string, { generation: number; value: Promise<V> }>();
  private generation = 0;

  constructor(
    private readonly feed: ChangeFeed,
    channel: string,
    options: ChangeAwareCacheOptions,
  ) {
    this.entries = new LRUCache<string, V>({ max: options.max, ttl: options.maxAgeMs });
    feed.subscribe(channel, (key) => {
      this.generation++;
      this.loading.clear();
      // null: notifications may have been missed; '': the change is not about one key.
      if (key === null || key === '') this.entries.clear();
      else this.entries.delete(key);
    });
  }

  /** `keep`: whether a loaded value may be cached (e.g. not an empty answer anyone can provoke). */
  async get(
    key: string,
    load: () => Promise<V>,
    keep: (value: V) => boolean = () => true,
  ): Promise<V> {
    if (!(await this.feed.ensureListening())) return load();
    const cached = this.entries.get(key);
    if (cached) return cached;
    const pending = this.loading.get(key);
    if (pending && pending.generation === this.generation) return pending.value;

    const generation = this.generation;
    const value = load();
    this.loading.set(key, { generation, value });
    try {
      const loaded = await value;
      if (generation === this.generation && this.feed.isListening() && keep(loaded)) {
        this.entries.set(key, loaded);
      }
      return loaded;
    } finally {
      if (this.loading.get(key)?.value === value) this.loading.delete(key);
    }
  }

  /** Many keys at once: the misses are loaded together by one call. */
  async getMany(
    keys: string[],
    loadMany: (missing: string[]) => Promise<Map<string, V>>,
  ): Promise<Map<string, V>> {
    const listening = await this.feed.ensureListening();
    const found = new Map<string, V>();
    const missing: string[] = [];
    for (const key of keys) {
      const cached = listening ? this.entries.get(key) : undefined;
      if (cached) found.set(key, cached);
      else missing.push(key);
    }
    if (!missing.length) return found;
    const generation = this.generation;
    const loaded = await loadMany(missing);
    const keep = listening && generation === this.generation && this.feed.isListening();
    for (const [key, value] of loaded) {
      found.set(key, value);
      if (keep) this.entries.set(key, value);
    }
    return found;
  }

  /** The cached value, without loading: undefined when absent (or when changes cannot be heard). */
  peek(key: string): V | undefined {
    return this.feed.isListening() ? this.entries.get(key) : undefined;
  }

  /** For the writer's own process: evict at once rather than when the notification arrives. */
  forget(key: string): void {
    this.generation++;
    this.loading.delete(key);
    this.entries.delete(key);
  }
}
