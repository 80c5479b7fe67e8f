// `message` (OpenClaw's name and parameters: action "send", target, message, optional channel):
// the agent sends a chat message on its own. Always a side effect, so the rule of two gates it
// in a session that holds untrusted content. Where it may go is not decided here: the channels'
// outbox sends only to chats the access policy lists for the agent, and says why otherwise.
import { z } from 'zod';
import { ToolError, type ToolDef } from './types.ts';
import { withAliases } from './file-common.ts';

/** Longer text is refused rather than cut: one call is one message, split only at the platform's size. */
export const MAX_MESSAGE_CHARS = 16_000;

const input = withAliases({ to: 'target', text: 'message', content: 'message' }, z.strictObject({
  action: z.literal('send').optional().describe('What to do; only "send" (the default) is supported'),
  target: z.string().min(1).max(300).describe('The chat to send to, as <channel>:<id>, e.g. telegram:123456789 or slack:C0123ABCD. Only chats the owner listed for this agent can be reached.'),
  channel: z.string().min(1).max(40).optional().describe('The channel (telegram, slack, discord), when target is a bare id'),
  message: z.string().min(1).max(MAX_MESSAGE_CHARS).describe('The text to send'),
}));

/** `<channel>:<id>`: a bare target (or OpenClaw's `channel:<id>` / `user:<id>`) takes the channel given. */
function chatOf(target: string, channel: string | undefined): string {
  const t = target.trim();
  if (channel === undefined) return t;
  const name = channel.trim().toLowerCase();
  const bare = t.replace(/^(channel|user):/i, '');
  return bare.toLowerCase().startsWith(`${name}:`) ? bare : `${name}:${bare}`;
}

export const messageTool: ToolDef<typeof input> = {
  name: 'message',
  description: 'Send a chat message on your own (not as the reply to the current conversation) to one chat: target "<channel>:<id>", e.g. telegram:123456789. Only the owner\'s chats and chats the owner listed for this agent can be reached; anything else is refused with the reason.',
  input,
  sideEffect: true,
  async run(args, ctx) {
    if (!ctx.message) {
      throw new ToolError('message is not available here: no chat channel is running. It works in "hardshell gateway" with a channel enabled (channels.<name>.enabled)');
    }
    const to = chatOf(args.target, args.channel);
    const sent = await ctx.message.send(ctx.agentId, to, args.message);
    if (!sent.ok) throw new ToolError(`message not sent: ${sent.reason}`);
    return { ok: true, output: `Sent to ${to} (${args.message.length} characters; allowed by ${sent.rule}).` };
  },
};
