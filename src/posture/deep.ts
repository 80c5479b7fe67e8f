// `security audit --deep`: asks the running gateway (on this machine, through egress's probe)
// whether what the config promises holds on the wire: auth enforced, /healthz saying nothing.
import { probeText } from '../egress/fetch.ts';
import type { AuditContext } from './context.ts';
import type { Check, Finding } from './types.ts';

const F = 'gateway' as const;

export const deepChecks: Check[] = [
  {
    id: 'gateway.deep.not_running', family: F, severity: 'info',
    title: 'No gateway answered (deep checks skipped)',
    why: '--deep probes the running gateway; none answered on the configured port.',
    fix: 'Start it (hardshell gateway) and run the audit again with --deep.',
    run: () => undefined,
  },
  {
    id: 'gateway.deep.auth_not_enforced', family: F, severity: 'critical',
    title: 'The running gateway answers without a token',
    why: 'Anyone who reaches the port can use the agent.',
    fix: 'Restart the gateway from this version of hardshell; if it persists, report it as a bug.',
    run: () => undefined,
  },
  {
    id: 'gateway.deep.healthz_leaks', family: F, severity: 'medium',
    title: '/healthz says more than "ok"',
    why: '/healthz needs no token; anything in it (versions, paths, config) is public.',
    fix: 'Keep /healthz to {"ok":true}; details belong behind auth in /readyz.',
    run: () => undefined,
  },
];

function finding(id: string, message: string, file?: string): Finding {
  const c = deepChecks.find((x) => x.id === id)!;
  return { id, family: c.family, severity: c.severity, title: c.title, why: c.why, fix: c.fix, message, file };
}

export async function runDeepChecks(ctx: AuditContext, timeoutMs = 2000): Promise<Finding[]> {
  const config = ctx.cfg();
  const tls = config.gateway.tls.enabled;
  const scheme = tls ? 'https' : 'http';
  const host = ['0.0.0.0', '::', '[::]'].includes(config.gateway.bind) ? '127.0.0.1' : config.gateway.bind;
  const base = `${scheme}://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${config.gateway.port}`;
  // Over TLS the gateway's own certificate is trusted for these requests (it is often
  // self-signed); without it a running gateway would look like none at all.
  const ca = tls && config.gateway.tls.cert ? ctx.read(config.gateway.tls.cert) ?? undefined : undefined;
  const health = await probeText(`${base}/healthz`, timeoutMs, { ca });
  if (!health) {
    const why = tls && !ca ? ` (and its certificate gateway.tls.cert could not be read, so an HTTPS answer could not be checked)` : '';
    return [finding('gateway.deep.not_running', `nothing answered at ${base}/healthz${why}`)];
  }
  const out: Finding[] = [];
  const body = health.body;
  let parsed: unknown = null;
  try { parsed = JSON.parse(body); } catch { /* not JSON: say so below */ }
  const keys = parsed && typeof parsed === 'object' ? Object.keys(parsed as object) : [];
  if (keys.some((k) => k !== 'ok') || (!parsed && body.trim() !== '' && body.trim().toLowerCase() !== 'ok')) {
    out.push(finding('gateway.deep.healthz_leaks', `${base}/healthz returned ${body.slice(0, 120)}`));
  }
  const sessions = await probeText(`${base}/v1/sessions`, timeoutMs, { ca });
  if (sessions && sessions.status >= 200 && sessions.status < 300) {
    out.push(finding('gateway.deep.auth_not_enforced', `GET ${base}/v1/sessions without a token returned ${sessions.status}`));
  }
  return out;
}
