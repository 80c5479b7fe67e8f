// The gateway's only way to make outbound HTTP requests. Model providers are handed this
// fetch instead of reaching the network on their own, so that the egress rules (allowlists,
// audit) apply to model traffic too as they are added.
import { request as httpsRequest } from 'node:https';
import { rootCertificates } from 'node:tls';

export const egressFetch: typeof fetch = (input, init) => fetch(input, init);

/** Asks a local service whether it answers, without waiting long. */
export async function probe(url: string, timeoutMs: number): Promise<Response | null> {
  try {
    return await egressFetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch {
    return null;
  }
}

/** What a probed service said: its status and the start of its body. */
export interface ProbeAnswer { status: number; body: string }

const PROBE_BODY_LIMIT = 64 * 1024;

/**
 * Like probe, and for an HTTPS service whose certificate the system does not know (hardshell's
 * own gateway with a self-signed pair): `ca` is that certificate, trusted on top of the system's
 * roots for this one request. The certificate is still checked, so a different server on the
 * port is not mistaken for it.
 */
export async function probeText(url: string, timeoutMs: number, opts: { ca?: string } = {}): Promise<ProbeAnswer | null> {
  if (!opts.ca || !url.startsWith('https:')) {
    const res = await probe(url, timeoutMs);
    return res ? { status: res.status, body: (await res.text().catch(() => '')).slice(0, PROBE_BODY_LIMIT) } : null;
  }
  return new Promise((resolve) => {
    const req = httpsRequest(url, { ca: [...rootCertificates, opts.ca!], timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { if (body.length < PROBE_BODY_LIMIT) body += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: body.slice(0, PROBE_BODY_LIMIT) }));
      res.on('error', () => resolve(null));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', () => resolve(null));
    req.end();
  });
}
