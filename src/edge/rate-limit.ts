// Token buckets per key (client address or token name). A bucket holds up to `capacity`
// requests and refills at capacity/windowMs; a request takes one. The map is an LRU capped at
// `maxKeys`, so a flood from many addresses costs bounded memory: the least recently seen
// client is forgotten first (and starts again with a full bucket, which is the safe way round
// for a stranger, because bans are kept separately in the store).

export interface Take {
  ok: boolean;
  /** Seconds until one request would be allowed again (0 when ok). */
  retryAfter: number;
}

interface Bucket { tokens: number; at: number }

export class RateLimiter {
  private readonly capacity: number;
  private readonly perMs: number;
  private readonly maxKeys: number;
  private readonly buckets = new Map<string, Bucket>();

  constructor(capacity: number, windowMs: number, maxKeys: number) {
    this.capacity = capacity;
    this.perMs = capacity / windowMs;
    this.maxKeys = maxKeys;
  }

  get size(): number {
    return this.buckets.size;
  }

  /** Takes one request from `key`'s bucket. */
  take(key: string, now = Date.now()): Take {
    const b = this.refill(key, now);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { ok: true, retryAfter: 0 };
    }
    return { ok: false, retryAfter: Math.max(1, Math.ceil((1 - b.tokens) / this.perMs / 1000)) };
  }

  /** Whether `key` has a request left, without taking it. */
  peek(key: string, now = Date.now()): Take {
    const b = this.buckets.get(key);
    if (!b) return { ok: true, retryAfter: 0 };
    const tokens = Math.min(this.capacity, b.tokens + (now - b.at) * this.perMs);
    return tokens >= 1 ? { ok: true, retryAfter: 0 } : { ok: false, retryAfter: Math.max(1, Math.ceil((1 - tokens) / this.perMs / 1000)) };
  }

  forget(key: string): void {
    this.buckets.delete(key);
  }

  private refill(key: string, now: number): Bucket {
    let b = this.buckets.get(key);
    if (b) {
      // Re-insert to mark it most recently used (Map keeps insertion order).
      this.buckets.delete(key);
      b.tokens = Math.min(this.capacity, b.tokens + (now - b.at) * this.perMs);
      b.at = now;
    } else {
      b = { tokens: this.capacity, at: now };
      if (this.buckets.size >= this.maxKeys) {
        const oldest = this.buckets.keys().next().value;
        if (oldest !== undefined) this.buckets.delete(oldest);
      }
    }
    this.buckets.set(key, b);
    return b;
  }
}
