// Sending replies: split to each platform's message size, and paced so a long answer or a
// busy agent stays inside the platform's rate limits instead of getting the bot throttled.
import type { ChannelName } from '../config/schema.ts';

/** Characters per message each platform accepts. */
export const MESSAGE_LIMITS: Record<ChannelName, number> = {
  telegram: 4096,
  slack: 40_000,
  discord: 2000,
  webhook: 1_000_000,
};

/** Least time between two messages to the same chat (the platforms' documented pace). */
export const MIN_INTERVAL_MS: Record<ChannelName, number> = {
  telegram: 1000,
  slack: 1000,
  discord: 1000,
  webhook: 0,
};

/**
 * Splits text into pieces of at most `limit` characters (code points never cut in half),
 * preferring a paragraph break, then a line break, then a space, in the last half of a piece.
 */
export function chunkText(text: string, limit: number): string[] {
  if (limit < 1) throw new RangeError('limit must be at least 1');
  const chunks: string[] = [];
  let rest = text;
  while ([...rest].length > limit) {
    const window = [...rest].slice(0, limit).join('');
    let cut = -1;
    for (const sep of ['\n\n', '\n', ' ']) {
      const at = window.lastIndexOf(sep);
      if (at >= window.length / 2) { cut = at + sep.length; break; }
    }
    if (cut <= 0) cut = window.length;
    chunks.push(rest.slice(0, cut).trimEnd() || rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^\s+/, '');
  }
  if (rest.length > 0 || chunks.length === 0) chunks.push(rest);
  return chunks;
}

/** One queue per chat: sends run one after another, at least minIntervalMs apart. */
export class Pacer {
  private readonly minIntervalMs: number;
  private readonly chains = new Map<string, { tail: Promise<void>; last: number }>();
  constructor(minIntervalMs: number) {
    this.minIntervalMs = minIntervalMs;
  }

  run<T>(key: string, job: () => Promise<T>): Promise<T> {
    const entry = this.chains.get(key) ?? { tail: Promise.resolve(), last: 0 };
    const result = entry.tail.then(async () => {
      const wait = entry.last + this.minIntervalMs - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      try {
        return await job();
      } finally {
        entry.last = Date.now();
      }
    });
    entry.tail = result.then(() => undefined, () => undefined);
    this.chains.set(key, entry);
    // Forget idle chats so the map does not grow with every sender ever seen.
    void entry.tail.then(() => { if (this.chains.get(key)?.tail === entry.tail) setTimeout(() => { if (this.chains.get(key)?.tail === entry.tail) this.chains.delete(key); }, this.minIntervalMs).unref(); });
    return result;
  }
}
