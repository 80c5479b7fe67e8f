// Gateway and TLS: where it listens, whether traffic is encrypted, the certificate and key.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { isIP } from 'node:net';
import { isLoopback } from '../../edge/bind.ts';
import type { Check, FindingDraft } from '../types.ts';
import type { AuditContext } from '../context.ts';
import { at, isPrivateV4, isPrivateV6, isWildcard, mode, octal } from './util.ts';

const F = 'gateway' as const;
const DAY = 86_400_000;

function cert(ctx: AuditContext): { x509: X509Certificate | null; error?: string } | null {
  const tls = ctx.cfg().gateway.tls;
  if (!tls.enabled || !tls.cert) return null;
  const pem = ctx.read(tls.cert);
  if (pem === null) return null;
  try {
    return { x509: new X509Certificate(pem) };
  } catch (err) {
    return { x509: null, error: (err as Error).message };
  }
}

export const gatewayChecks: Check[] = [
  {
    id: 'gateway.bind.public_no_tls', family: F, severity: 'critical',
    title: 'Gateway listens beyond loopback without TLS',
    why: 'Bearer tokens and every message would cross the network in the clear; anyone on the path can take over the agent.',
    fix: 'Set gateway.bind to "127.0.0.1" (reach it through an SSH tunnel or a TLS reverse proxy), or enable gateway.tls with a certificate.',
    run: (ctx) => {
      const bind = ctx.bind();
      if (!isLoopback(bind) && !ctx.cfg().gateway.tls.enabled) {
        return at(ctx, ['gateway', 'bind'], `gateway.bind is "${bind}" and gateway.tls.enabled is false`);
      }
    },
  },
  {
    id: 'gateway.bind.all_interfaces', family: F, severity: 'medium',
    title: 'Gateway listens on every interface',
    why: 'Listening on 0.0.0.0 or :: exposes the gateway on every network the host joins, including ones added later (VPNs, docker bridges).',
    fix: 'Bind to the one address clients use, or to 127.0.0.1 behind a reverse proxy.',
    run: (ctx) => {
      const bind = ctx.bind();
      if (['0.0.0.0', '::', '[::]', '*'].includes(bind) && ctx.cfg().gateway.tls.enabled) return at(ctx, ['gateway', 'bind'], `gateway.bind is "${bind}"`);
    },
  },
  {
    id: 'gateway.tls.cert_missing', family: F, severity: 'high',
    title: 'TLS is enabled but the certificate is missing',
    why: 'The gateway cannot serve HTTPS without its certificate, so it will not start (or a proxy in front serves something else).',
    fix: 'Set gateway.tls.cert to the path of a PEM certificate that exists and hardshell can read.',
    run: (ctx) => {
      const tls = ctx.cfg().gateway.tls;
      if (!tls.enabled) return;
      if (!tls.cert) return at(ctx, ['gateway', 'tls'], 'gateway.tls.enabled is true but gateway.tls.cert is not set');
      if (!ctx.stat(tls.cert)?.isFile()) return at(ctx, ['gateway', 'tls', 'cert'], `the certificate ${tls.cert} does not exist or is not a file`);
    },
  },
  {
    id: 'gateway.tls.key_missing', family: F, severity: 'high',
    title: 'TLS is enabled but the private key is missing',
    why: 'Without its key the gateway cannot serve HTTPS.',
    fix: 'Set gateway.tls.key to the path of the PEM private key matching the certificate.',
    run: (ctx) => {
      const tls = ctx.cfg().gateway.tls;
      if (!tls.enabled) return;
      if (!tls.key) return at(ctx, ['gateway', 'tls'], 'gateway.tls.enabled is true but gateway.tls.key is not set');
      if (!ctx.stat(tls.key)?.isFile()) return at(ctx, ['gateway', 'tls', 'key'], `the private key ${tls.key} does not exist or is not a file`);
    },
  },
  {
    id: 'gateway.tls.key_permissions', family: F, severity: 'high',
    title: 'TLS private key readable by other users',
    why: 'Anyone who can read the key can impersonate the gateway and read its traffic.',
    fix: 'chmod 600 the key file.',
    run: (ctx) => {
      const key = ctx.cfg().gateway.tls.key;
      const s = key ? ctx.stat(key) : null;
      if (key && s?.isFile() && (s.mode & 0o077)) {
        return { message: `${key} has mode ${octal(mode(s))}`, file: key, fix: `chmod 600 ${key}`, action: { kind: 'chmod', path: key, mode: 0o600 } };
      }
    },
  },
  {
    id: 'gateway.tls.cert_unparseable', family: F, severity: 'medium',
    title: 'TLS certificate cannot be read as PEM',
    why: 'A file that is not a certificate means TLS will fail at start, or the wrong file is configured.',
    fix: 'Point gateway.tls.cert at a PEM certificate (-----BEGIN CERTIFICATE-----).',
    run: (ctx) => {
      const c = cert(ctx);
      if (c && !c.x509) return at(ctx, ['gateway', 'tls', 'cert'], `${ctx.cfg().gateway.tls.cert} is not a PEM certificate (${c.error})`);
    },
  },
  {
    id: 'gateway.tls.cert_expired', family: F, severity: 'high',
    title: 'TLS certificate has expired',
    why: 'Clients will refuse the connection, or worse, be taught to click through certificate warnings.',
    fix: 'Renew the certificate (e.g. certbot renew) and restart the gateway.',
    run: (ctx) => {
      const x = cert(ctx)?.x509;
      if (x && new Date(x.validTo).getTime() < ctx.now.getTime()) return at(ctx, ['gateway', 'tls', 'cert'], `the certificate expired on ${x.validTo}`);
    },
  },
  {
    id: 'gateway.tls.cert_expiring', family: F, severity: 'medium',
    title: 'TLS certificate expires within 30 days',
    why: 'An expiring certificate soon breaks every client.',
    fix: 'Renew the certificate now, and automate renewal.',
    run: (ctx) => {
      const x = cert(ctx)?.x509;
      if (!x) return;
      const left = new Date(x.validTo).getTime() - ctx.now.getTime();
      if (left >= 0 && left < 30 * DAY) return at(ctx, ['gateway', 'tls', 'cert'], `the certificate expires on ${x.validTo}`);
    },
  },
  {
    id: 'gateway.tls.self_signed', family: F, severity: 'low',
    title: 'TLS certificate is self-signed',
    why: 'Clients cannot verify a self-signed certificate unless it is pinned, which invites accepting any certificate.',
    fix: 'Use a certificate from a CA (e.g. Let\'s Encrypt), or pin this one in every client.',
    run: (ctx) => {
      const x = cert(ctx)?.x509;
      if (x && x.subject === x.issuer) return at(ctx, ['gateway', 'tls', 'cert'], `the certificate's issuer is its own subject (${x.subject.replace(/\n/g, ', ')})`);
    },
  },
  {
    id: 'gateway.tls.weak_key', family: F, severity: 'medium',
    title: 'TLS certificate uses a weak key',
    why: 'RSA keys under 2048 bits can be factored by a motivated attacker.',
    fix: 'Issue a new certificate with an RSA-3072 or ECDSA P-256 key.',
    run: (ctx) => {
      const x = cert(ctx)?.x509;
      const bits = x?.publicKey.asymmetricKeyDetails?.modulusLength;
      if (bits !== undefined && bits < 2048) return at(ctx, ['gateway', 'tls', 'cert'], `the certificate's RSA key has ${bits} bits`);
    },
  },
  {
    id: 'gateway.tls.key_mismatch', family: F, severity: 'high',
    title: 'TLS key does not match the certificate',
    why: 'The gateway cannot complete a TLS handshake with a key that is not the certificate\'s.',
    fix: 'Point gateway.tls.key at the private key the certificate was issued for.',
    run: (ctx) => {
      const x = cert(ctx)?.x509;
      const keyPath = ctx.cfg().gateway.tls.key;
      const pem = keyPath ? ctx.read(keyPath) : null;
      if (!x || !pem) return;
      try {
        if (!x.checkPrivateKey(createPrivateKey(pem))) return at(ctx, ['gateway', 'tls', 'key'], `${keyPath} is not the key of ${ctx.cfg().gateway.tls.cert}`);
      } catch {
        return at(ctx, ['gateway', 'tls', 'key'], `${keyPath} is not a PEM private key hardshell can read`);
      }
    },
  },
  {
    id: 'gateway.proxy.trusted_any', family: F, severity: 'high',
    title: 'Every address is a trusted proxy',
    why: 'A trusted proxy may set X-Forwarded-For; trusting everyone lets any client pick its own IP and walk past IP allowlists, rate limits and bans.',
    fix: 'List only your reverse proxy\'s address in gateway.trustedProxies (e.g. "127.0.0.1").',
    run: (ctx) => ctx.cfg().gateway.trustedProxies.flatMap((p, i) =>
      isWildcard(p) || p === '::/0' ? [at(ctx, ['gateway', 'trustedProxies', i], `gateway.trustedProxies contains "${p}"`)] : []),
  },
  {
    id: 'gateway.proxy.trusted_public', family: F, severity: 'medium',
    title: 'A public address is a trusted proxy',
    why: 'A reverse proxy normally runs on this host or its private network; a public address there lets that host spoof client IPs.',
    fix: 'Remove public addresses from gateway.trustedProxies unless that host is truly your proxy.',
    run: (ctx) => ctx.cfg().gateway.trustedProxies.flatMap((p, i) => {
      const ip = p.replace(/\/\d+$/, '');
      const kind = isIP(ip);
      const pub = (kind === 4 && !isPrivateV4(ip)) || (kind === 6 && !isPrivateV6(ip));
      return pub && !isWildcard(p) && p !== '::/0' ? [at(ctx, ['gateway', 'trustedProxies', i], `gateway.trustedProxies contains the public address "${p}"`)] : [];
    }),
  },
  {
    id: 'gateway.body.large', family: F, severity: 'low',
    title: 'Very large request bodies accepted',
    why: 'Large bodies let one client use a lot of memory per request.',
    fix: 'Keep gateway.maxBodyBytes at 1 MiB (1048576) unless you upload large files.',
    run: (ctx) => {
      const n = ctx.cfg().gateway.maxBodyBytes;
      if (n > 16 * 1024 * 1024) return at(ctx, ['gateway', 'maxBodyBytes'], `gateway.maxBodyBytes is ${n}`);
    },
  },
  {
    id: 'gateway.port.privileged', family: F, severity: 'low',
    title: 'Gateway port needs root',
    why: 'Ports under 1024 need root or CAP_NET_BIND_SERVICE, which tempts running the gateway as root.',
    fix: 'Use a port of 1024 or more (default 18789) and put a reverse proxy on 443.',
    run: (ctx) => {
      const p = ctx.cfg().gateway.port;
      if (p > 0 && p < 1024) return at(ctx, ['gateway', 'port'], `gateway.port is ${p}`);
    },
  },
];

export type { FindingDraft };
