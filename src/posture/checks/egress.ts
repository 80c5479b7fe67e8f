// Egress: which hosts web_fetch and model providers reach, and how.
import type { Check } from '../types.ts';
import { isLoopback } from '../../edge/bind.ts';
import { isIP } from 'node:net';
import { at, isInternalHost, isSuffixWildcard, isWildcard, dropWildcards } from './util.ts';

const F = 'egress' as const;
const fetchPath = ['tools', 'web', 'fetch', 'allowedDomains'];

function hostOf(url: string): string | null {
  try {
    return new URL(url).hostname;
  } catch {
    return null;
  }
}

export const egressChecks: Check[] = [
  {
    id: 'egress.web_fetch.wildcard', family: F, severity: 'medium',
    title: 'web_fetch allowlist has a "*" entry, which matches no host',
    why: 'hardshell does not read "*" as "everything": it matches nothing, so this entry opens nothing (fail closed). If "everything" was meant, that is what hardshell will not do. An allowlist that reached every host would let a prompt-injected agent send your data anywhere in a URL.',
    fix: 'Replace it with the hosts the agent needs in tools.web.fetch.allowedDomains, or "*.example.com" for one domain.',
    run: (ctx) => ctx.cfg().tools.web.fetch.allowedDomains.flatMap((d, i, all) => isWildcard(d) ? [at(ctx, [...fetchPath, i], `tools.web.fetch.allowedDomains contains "${d}"`, dropWildcards(ctx, fetchPath, all))] : []),
  },
  {
    id: 'egress.web_fetch.internal_host', family: F, severity: 'high',
    title: 'web_fetch may reach internal hosts',
    why: 'localhost, private ranges and the cloud metadata address (169.254.169.254) expose services that trust the host (SSRF).',
    fix: 'Remove internal hosts from tools.web.fetch.allowedDomains.',
    run: (ctx) => ctx.cfg().tools.web.fetch.allowedDomains.flatMap((d, i) => isInternalHost(d) ? [at(ctx, [...fetchPath, i], `tools.web.fetch.allowedDomains contains the internal host "${d}"`)] : []),
  },
  {
    id: 'egress.web_fetch.suffix_wildcard', family: F, severity: 'high',
    title: 'web_fetch allowlist covers a whole top-level domain',
    why: '"*.com" lets the agent reach millions of hosts, including any an attacker registers.',
    fix: 'Use full host names or *.yourdomain.com.',
    run: (ctx) => ctx.cfg().tools.web.fetch.allowedDomains.flatMap((d, i) => isSuffixWildcard(d) && !isInternalHost(d) ? [at(ctx, [...fetchPath, i], `tools.web.fetch.allowedDomains contains "${d}"`)] : []),
  },
  {
    id: 'egress.web_fetch.ip_literal', family: F, severity: 'medium',
    title: 'web_fetch allowlist contains a public IP address',
    why: 'An IP entry is not tied to a name or certificate; hosts change hands.',
    fix: 'Use the host name the service is published under.',
    run: (ctx) => ctx.cfg().tools.web.fetch.allowedDomains.flatMap((d, i) => isIP(d) && !isInternalHost(d) ? [at(ctx, [...fetchPath, i], `tools.web.fetch.allowedDomains contains the address "${d}"`)] : []),
  },
  {
    id: 'egress.provider.plaintext_http', family: F, severity: 'high',
    title: 'Model provider reached over plain HTTP',
    why: 'The API key and every prompt cross the network unencrypted.',
    fix: 'Use an https:// baseUrl (plain http is fine only for a model server on this machine).',
    run: (ctx) => Object.entries(ctx.cfg().models.providers).flatMap(([id, p]) => {
      const host = p.baseUrl ? hostOf(p.baseUrl) : null;
      return p.baseUrl?.startsWith('http://') && host && !isLoopback(host)
        ? [at(ctx, ['models', 'providers', id, 'baseUrl'], `models.providers.${id}.baseUrl is ${p.baseUrl}`)] : [];
    }),
  },
  {
    id: 'egress.provider.credentials_in_url', family: F, severity: 'high',
    title: 'Credentials inside a provider URL',
    why: 'user:password@ or ?key= in a URL ends up in logs and error messages.',
    fix: 'Move the credential to models.providers.<id>.apiKey as ${secret:NAME}.',
    run: (ctx) => Object.entries(ctx.cfg().models.providers).flatMap(([id, p]) => {
      if (!p.baseUrl) return [];
      let bad = false;
      try {
        const u = new URL(p.baseUrl);
        bad = Boolean(u.username || u.password) || [...u.searchParams.keys()].some((k) => /key|token|secret|password/i.test(k));
      } catch { /* the schema already checked it is a URL */ }
      return bad ? [at(ctx, ['models', 'providers', id, 'baseUrl'], `models.providers.${id}.baseUrl carries a credential`)] : [];
    }),
  },
  {
    id: 'egress.provider.private_address', family: F, severity: 'info',
    title: 'Model provider on a private network',
    why: 'Fine for a self-hosted model; listed so egress rules can be reviewed with it in mind.',
    fix: 'Nothing, if the model server is yours.',
    run: (ctx) => Object.entries(ctx.cfg().models.providers).flatMap(([id, p]) => {
      const host = p.baseUrl ? hostOf(p.baseUrl) : null;
      return host && isInternalHost(host) && !isLoopback(host) ? [at(ctx, ['models', 'providers', id, 'baseUrl'], `models.providers.${id} is at ${host}`)] : [];
    }),
  },
];
