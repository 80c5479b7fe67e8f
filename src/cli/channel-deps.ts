// What the channels room needs from a running hardshell, assembled from the runtime: egress's
// fetch (the only way out), the secrets room's resolver and redactor, the audit sink and the log.
import type { Runtime } from './runtime.ts';
import type { ChannelDeps } from '../channels/manager.ts';
import { egressFetch } from '../egress/fetch.ts';
import { resolveSecretRefs } from '../secrets/refs.ts';
import { ApprovalStore } from '../approvals/store.ts';
import { notAnswered } from './approvals.ts';

export function channelDeps(runtime: Runtime): ChannelDeps {
  const { loaded, config } = runtime;
  return {
    config,
    references: loaded.references,
    file: loaded.paths.config,
    home: runtime.home,
    store: runtime.store,
    runner: runtime.runner,
    fetch: egressFetch,
    resolveSecret: (value) => resolveSecretRefs(value, config, loaded.env, runtime.home),
    redact: (text) => runtime.redactor.message(text),
    audit: runtime.audit,
    log: runtime.log,
    approvals: chatAnswers(new ApprovalStore(runtime.store)),
  };
}

/** How an owner's "/approve ID" from chat reaches the approvals store: as the CLI's answer does. */
export function chatAnswers(store: ApprovalStore): NonNullable<ChannelDeps['approvals']> {
  return {
    answer(id, choice, by) {
      const result = store.answer(id, choice, by);
      return result.ok ? { ok: true } : { ok: false, reason: notAnswered(id, result) };
    },
  };
}
