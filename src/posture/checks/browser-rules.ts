// The browser's own rules as written: allowedDomains entries and blockPatterns the browser
// cannot read, and a browser that may open sites with no block patterns at all. The browser
// reads these only when a session first opens it, so the audit is where a mistake shows early.
import type { Check } from '../types.ts';
import { compileBlockPattern, entryProblem } from '../../egress/allowlist.ts';
import { at, isWildcard, plural } from './util.ts';

const F = 'browser' as const;

export const browserRuleChecks: Check[] = [
  {
    id: 'browser.block_patterns.invalid', family: F, severity: 'low',
    title: 'A browser block pattern cannot be read',
    why: 'The browser refuses to start while any pattern in browser.blockPatterns is malformed (it fails closed rather than run without the block), so the agent has no browser until it is fixed.',
    fix: 'Write each pattern as scheme://host/path with * as wildcard, e.g. "*://admin.*" or "https://example.com/admin/*".',
    run: (ctx) => {
      const b = ctx.cfg().browser;
      if (b.mode === 'off') return [];
      return b.blockPatterns.flatMap((p, i) => {
        try {
          compileBlockPattern(p);
          return [];
        } catch (err) {
          return [at(ctx, ['browser', 'blockPatterns', i], `browser.blockPatterns[${i}]: ${(err as Error).message}`)];
        }
      });
    },
  },
  {
    id: 'browser.domains.invalid', family: F, severity: 'low',
    title: 'A browser allowlist entry matches nothing',
    why: 'An entry that is not a host name, an IP address or "*.domain" (a URL, a path, a bare "*") never matches, so the site it meant stays closed and the list is not what someone thinks it is.',
    fix: 'Write host names only, e.g. "docs.example.com" or "*.example.com".',
    run: (ctx) => {
      const b = ctx.cfg().browser;
      if (b.mode === 'off') return [];
      // "*" and its kin are browser.domains.wildcard's finding, said more strongly there.
      return b.allowedDomains.flatMap((d, i) => {
        const problem = isWildcard(d) ? null : entryProblem(d);
        return problem ? [at(ctx, ['browser', 'allowedDomains', i], `browser.allowedDomains[${i}]: ${problem}`)] : [];
      });
    },
  },
  {
    id: 'browser.block_patterns.none', family: F, severity: 'low',
    title: 'Browser may open sites with no block patterns',
    why: 'Seed 004 keeps "*://admin.*" and "*://internal.*" blocked even where an allowed domain would match them: admin panels and internal pages under an allowed name are where a tricked browser does the most harm.',
    fix: 'Add browser.blockPatterns, e.g. ["*://admin.*", "*://internal.*"].',
    run: (ctx) => {
      const b = ctx.cfg().browser;
      if (b.mode === 'sandboxed' && b.allowedDomains.length > 0 && b.blockPatterns.length === 0) {
        return at(ctx, ['browser', 'allowedDomains'], `browser.mode is "sandboxed" with ${plural(b.allowedDomains.length, 'allowed domain')} and browser.blockPatterns is empty`);
      }
    },
  },
];
