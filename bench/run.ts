// `npm run bench [-- NAME…]`: every benchmark (or the named ones), each printing its figures.
// Tests never assert on time; these numbers go into docs/benchmarks.md and the closing notes.
import { benchBrowser } from './browser.ts';
import { benchCore } from './core.ts';
import { benchEdge } from './edge.ts';
import { benchEgress } from './egress.ts';
import { benchPolicy } from './policy.ts';
import { benchPosture } from './posture.ts';
import { benchRuleOfTwo } from './rule-of-two.ts';
import { benchSandbox } from './sandbox.ts';
import { benchSecrets } from './secrets.ts';
import { report } from './stats.ts';

const ALL: Record<string, () => Promise<unknown>> = {
  core: benchCore,
  edge: benchEdge,
  sandbox: benchSandbox,
  egress: benchEgress,
  browser: benchBrowser,
  policy: benchPolicy,
  secrets: async () => {
    const r = await benchSecrets();
    report('redaction, 10 MB against 100 known secrets', `${r.redactKnownMBps} MB/s known values, ${r.redactToolMBps} MB/s with key patterns (target: > 100 MB/s)`);
    report('audit append, durable in batches', `${r.auditAppendPerSec} events/s (target: > 20 000/s)`);
    report('audit verify', `${r.verifyEvents} events in ${r.verifySeconds} s (target: 1 000 000 in < 3 s)`);
  },
  posture: benchPosture,
  'rule-of-two': benchRuleOfTwo,
};

const asked = process.argv.slice(2);
const unknown = asked.filter((name) => !(name in ALL));
if (unknown.length) {
  process.stderr.write(`no benchmark named ${unknown.join(', ')}; the benchmarks are: ${Object.keys(ALL).join(', ')}\n`);
  process.exit(2);
}
process.stdout.write(`hardshell benchmarks — node ${process.version}, ${new Date().toISOString()}\n`);
for (const name of asked.length ? asked : Object.keys(ALL)) {
  process.stdout.write(`\n# ${name}\n`);
  await ALL[name]();
}
