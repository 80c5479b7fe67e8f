// `npm run bench`: every benchmark, each printing its figures. Tests never assert on time;
// these numbers go into docs/benchmarks.md and the issues' closing notes.
import { benchCore } from './core.ts';
import { benchEgress } from './egress.ts';

process.stdout.write(`hardshell benchmarks — node ${process.version}, ${new Date().toISOString()}\n`);
await benchCore();
await benchEgress();
