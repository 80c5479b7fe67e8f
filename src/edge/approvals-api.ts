// GET /v1/approvals and POST /v1/approvals/:id: the web page and other apps answer the
// requests agents wait on. Operator scope only: approving is running a command.
import type { Context } from 'hono';
import { ApiError } from './errors.ts';
import { readJsonLimited } from './body.ts';
import type { EdgeContext, EdgeEnv } from './context.ts';
import type { ApprovalChoice } from '../approvals/types.ts';

const CHOICES: readonly ApprovalChoice[] = ['once', 'always', 'deny'];

function desk(edge: EdgeContext) {
  if (!edge.approvals) throw new ApiError(404, 'not_found', 'approvals are not available on this gateway');
  return edge.approvals;
}

export function listApprovals(c: Context<EdgeEnv>, edge: EdgeContext): Response {
  const all = c.req.query('all');
  return c.json({ approvals: desk(edge).list(all === 'true' || all === '1' ? {} : { status: 'pending' }) });
}

export async function answerApproval(c: Context<EdgeEnv>, edge: EdgeContext): Promise<Response> {
  const approvals = desk(edge);
  const id = c.req.param('id') ?? '';
  const body = await readJsonLimited(c.req.raw, edge.maxBodyBytes) as { decision?: unknown } | null;
  const decision = body && typeof body === 'object' ? body.decision : undefined;
  if (typeof decision !== 'string' || !CHOICES.includes(decision as ApprovalChoice)) {
    throw new ApiError(400, 'invalid_request_error', 'the body must be {"decision": "once" | "always" | "deny"}');
  }
  const principal = c.get('principal');
  const result = approvals.answer(id, decision as ApprovalChoice, `token:${principal.name}`);
  if (!result.ok) {
    if (result.reason === 'unknown') throw new ApiError(404, 'not_found', `there is no approval request "${id}"; GET /v1/approvals lists them`);
    throw new ApiError(400, 'invalid_request_error', result.reason === 'expired' ? `the request ${id} expired before it was answered` : `the request ${id} was already answered (${result.record?.status})`);
  }
  edge.log({ level: 'info', msg: 'approval answered', id, decision, by: principal.name });
  return c.json({ approval: result.record });
}
