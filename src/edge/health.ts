// /healthz says only whether the process answers. /readyz says whether it can do its work:
// the store answers, a model is configured for the main agent, and whatever else the caller
// registered (the sandbox backend, when the CLI wires it). Strangers get ok/not only; the
// details (which part failed, and why) are for authenticated callers.
import type { Config } from '../config/schema.ts';
import type { Store } from '../store/db.ts';

export interface CheckResult { ok: boolean; detail: string }

export interface ReadinessCheck {
  name: string;
  check(): CheckResult | Promise<CheckResult>;
}

export function storeCheck(store: Store): ReadinessCheck {
  return {
    name: 'store',
    check() {
      try {
        store.prepare('SELECT 1').get();
        return { ok: true, detail: 'the store answers' };
      } catch (err) {
        return { ok: false, detail: `the store does not answer: ${(err as Error).message}` };
      }
    },
  };
}

/** The main agent's model names a configured provider (no network call: config only). */
export function modelCheck(config: Config): ReadinessCheck {
  return {
    name: 'model',
    check() {
      const model = config.agents.list.find((a) => a.id === 'main')?.model ?? config.agents.defaults.model;
      if (!model) return { ok: false, detail: 'no model is configured: set agents.defaults.model to "<provider>/<model>"' };
      const provider = model.split('/', 1)[0];
      if (!config.models.providers[provider]) {
        return { ok: false, detail: `agents.defaults.model is "${model}", but models.providers has no "${provider}"` };
      }
      return { ok: true, detail: `model ${model}` };
    },
  };
}

export async function runChecks(checks: ReadinessCheck[]): Promise<{ ok: boolean; checks: Array<{ name: string } & CheckResult> }> {
  const results = await Promise.all(checks.map(async (c) => {
    try {
      return { name: c.name, ...(await c.check()) };
    } catch (err) {
      return { name: c.name, ok: false, detail: `the check failed: ${(err as Error).message}` };
    }
  }));
  return { ok: results.every((r) => r.ok), checks: results };
}
