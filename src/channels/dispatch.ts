// What happens to every inbound message, whatever platform it came from: access decision,
// pairing, owner commands, then one agent turn and the reply. A message that is not accepted
// is audited and goes no further: it never reaches a model, a session or a log line's text.
import type { Config } from '../config/schema.ts';
import { effectiveAgent } from '../config/agents.ts';
import type { AuditSink } from '../audit/types.ts';
import type { AgentRunner } from '../agent/events.ts';
import { decideAccess, senderNarrowing } from './access.ts';
import { PairingError, type PairingStore } from './pairing.ts';
import { routeAgent, sessionKeyFor } from './router.ts';
import type { InboundMessage, InboundOutcome } from './types.ts';
import { APPROVAL_COMMAND, type ChatApprovals } from './chat-approvals.ts';

/** Longer inbound text is refused rather than cut: a cut message could change its meaning. */
export const MAX_INBOUND_CHARS = 32_000;

export interface DispatchDeps {
  config: Config;
  home: string;
  runner: AgentRunner;
  pairing: PairingStore;
  audit?: AuditSink;
  log?: (line: Record<string, unknown>) => void;
  /** Fires when the channels stop: running turns end (as `aborted`) instead of outliving the store. */
  signal?: AbortSignal;
  /** Tells a channel's owners about a pairing request (only the sender id and the code, never the stranger's text). */
  notifyOwners?: (channel: InboundMessage['channel'], text: string) => Promise<void>;
  /** Owners answer approval requests from their chat ("/approve ID", "/deny ID"). */
  approvals?: Pick<ChatApprovals, 'answer'>;
}

export type Send = (text: string) => Promise<void>;

/**
 * An owner's answer to a pairing or approval request. Adapters that run a chat's messages one
 * at a time let these through at once: the turn they answer is waiting in that same chat.
 */
export function isOwnerCommand(text: string): boolean {
  const t = text.trim();
  return OWNER_COMMAND.test(t) || APPROVAL_COMMAND.test(t);
}

const OWNER_COMMAND = /^\/pair(?:ing)?\s+(approve|deny)\s+([A-Za-z0-9]{4,12})\s*$/i;

export function createDispatcher(deps: DispatchDeps): (message: InboundMessage, send: Send) => Promise<InboundOutcome> {
  const { config, pairing } = deps;
  const log = deps.log ?? (() => {});
  const who = (m: InboundMessage) => ({ channel: m.channel, account: m.account, sender: m.sender, chat: m.chat, chatId: m.chatId });

  const dropped = (m: InboundMessage, reason: string, rule: string, agentId?: string): InboundOutcome => {
    deps.audit?.({ kind: 'message', action: 'dropped', agentId, ...who(m), reason, rule });
    log({ level: 'info', msg: 'channel message dropped', ...who(m), reason });
    return { status: 'dropped', reason };
  };

  return async (message, send) => {
    if (message.text.trim() === '') return dropped(message, 'the message has no text', 'text');
    if (message.text.length > MAX_INBOUND_CHARS) return dropped(message, `the message is longer than ${MAX_INBOUND_CHARS} characters`, 'text');

    const agentId = routeAgent(config, message);
    const agent = effectiveAgent(config, agentId, deps.home);
    const owners = config.channels[message.channel].owner;
    const decision = decideAccess({ message, agent, owners, approved: pairing.isApproved(message.channel, message.sender) });

    if (decision.action === 'drop') return dropped(message, decision.reason, decision.rule, agentId);
    if (decision.action === 'pair') {
      const request = pairing.request(message.channel, message.sender, message.chatId);
      if (request.status === 'full') return dropped(message, 'unknown sender, and this channel already has the most pending pairing codes', 'pairing', agentId);
      if (request.status === 'pending') return dropped(message, 'unknown sender with a pairing code still waiting for the owner', 'pairing', agentId);
      deps.audit?.({ kind: 'message', action: 'pairing_requested', agentId, ...who(message), code: request.code });
      const notice = `This agent only talks to people its owner approved. Your pairing code is ${request.code}; ask the owner to run "hardshell pairing approve ${request.code}". The code expires in one hour.`;
      await send(notice);
      await deps.notifyOwners?.(message.channel, `${message.sender} asks to talk to the agent. Reply "/pair approve ${request.code}" or "/pair deny ${request.code}" (or run "hardshell pairing approve ${request.code}"). The code expires in one hour.`)
        .catch((err: Error) => log({ level: 'warn', msg: 'could not tell the owner about a pairing request', channel: message.channel, error: err.message }));
      return { status: 'pairing', code: request.code, notice };
    }

    if (decision.provenance === 'owner') {
      const command = OWNER_COMMAND.exec(message.text.trim());
      if (command) return ownerCommand(message, command[1].toLowerCase() as 'approve' | 'deny', command[2], send);
      const approval = APPROVAL_COMMAND.exec(message.text.trim());
      if (approval && deps.approvals) {
        const reply = deps.approvals.answer(message, approval[1].toLowerCase() as 'approve' | 'deny', approval[2], Boolean(approval[3]));
        await send(reply);
        return { status: 'answered', reply };
      }
    }

    deps.audit?.({ kind: 'message', action: 'accepted', agentId, ...who(message), provenance: decision.provenance, rule: decision.rule });
    const trust = senderNarrowing(agent, message, decision.provenance);
    const result = await deps.runner.runTurn({
      agentId, sessionKey: sessionKeyFor(config, message), message: message.text, provenance: decision.provenance, signal: deps.signal, ...(trust ? { trust } : {}),
    });
    const reply = result.reply.trim() !== '' ? result.reply : result.error ?? '';
    if (reply !== '') await send(reply);
    return { status: 'answered', reply };
  };

  /** The owner answers a pairing request from chat; only for requests made on this channel. */
  async function ownerCommand(message: InboundMessage, verb: 'approve' | 'deny', code: string, send: Send): Promise<InboundOutcome> {
    const pending = pairing.pending().find((p) => p.code === code.toUpperCase());
    let text: string;
    if (pending && pending.channel !== message.channel) {
      text = `The code ${code.toUpperCase()} was requested on ${pending.channel}; answer it there or with "hardshell pairing ${verb}".`;
    } else {
      try {
        const p = verb === 'approve' ? pairing.approve(code, message.sender) : pairing.deny(code, message.sender);
        deps.audit?.({ kind: 'message', action: `pairing_${p.status}`, ...who(message), code: p.code, subject: p.sender });
        text = `${p.sender} is ${p.status}.`;
      } catch (err) {
        if (!(err instanceof PairingError)) throw err;
        text = err.message;
      }
    }
    await send(text);
    return { status: 'answered', reply: text };
  }
}
