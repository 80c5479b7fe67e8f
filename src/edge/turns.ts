// The turns the gateway has started, so that a client going away cancels its turn and closing
// the gateway cancels all of them and waits until they have stopped writing to the store.
import type { AgentRunner, TurnRequest, TurnResult } from '../agent/events.ts';

export class TurnTracker {
  private readonly runner: AgentRunner;
  private readonly running = new Set<{ controller: AbortController; done: Promise<unknown> }>();
  private closing = false;

  constructor(runner: AgentRunner) {
    this.runner = runner;
  }

  get closed(): boolean {
    return this.closing;
  }

  /** Runs a turn that is cancelled when any of `cancelOn` fires or the gateway closes. */
  run(request: Omit<TurnRequest, 'signal'>, cancelOn: AbortSignal[] = []): Promise<TurnResult> {
    if (this.closing) return Promise.reject(new Error('the gateway is shutting down'));
    const controller = new AbortController();
    const abort = () => controller.abort();
    for (const s of cancelOn) {
      if (s.aborted) controller.abort();
      else s.addEventListener('abort', abort, { once: true });
    }
    const promise = Promise.resolve().then(() => this.runner.runTurn({ ...request, signal: controller.signal }));
    const entry = { controller, done: promise.catch(() => {}) };
    this.running.add(entry);
    return promise.finally(() => {
      this.running.delete(entry);
      for (const s of cancelOn) s.removeEventListener('abort', abort);
    });
  }

  /** Cancels every running turn and waits (up to `waitMs`) for them to finish. */
  async closeAll(waitMs = 5000): Promise<void> {
    this.closing = true;
    const entries = [...this.running];
    for (const e of entries) e.controller.abort();
    if (entries.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(entries.map((e) => e.done)),
      new Promise<void>((resolve) => { timer = setTimeout(resolve, waitMs); timer.unref(); }),
    ]);
    clearTimeout(timer);
  }
}
