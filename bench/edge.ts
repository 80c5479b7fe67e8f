// The edge's numbers (issue 6): authenticated GET /v1/sessions on loopback with wrk (requests
// a second and p99), and the time the edge's own checks take per request (client address, IP
// rules, ban, rate limits, Origin, token check) measured on the gate alone.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { IncomingMessage } from 'node:http';
import { makeHome } from '../test/fixtures/home.ts';
import { TestRunner } from '../test/edge/helpers.ts';
import { configSchema } from '../src/config/schema.ts';
import { openStore } from '../src/store/db.ts';
import { Sessions } from '../src/sessions/store.ts';
import { TokenStore } from '../src/edge/tokens.ts';
import { startGateway } from '../src/edge/server.ts';
import { Authenticator } from '../src/edge/auth.ts';
import { EdgeGate } from '../src/edge/gate.ts';
import { OriginPolicy } from '../src/edge/origin.ts';
import { BrowserSessions } from '../src/edge/browser-sessions.ts';
import { median, report } from './stats.ts';

const WRK = '/usr/bin/wrk';

export async function benchEdge(): Promise<{ requestsPerSec?: number; p99Ms?: number; checkMedianUs: number }> {
  const home = await makeHome();
  const store = openStore(join(home.home, 'hardshell.db'));
  try {
    // Limits raised out of the way so every request is served; every check still runs.
    const config = configSchema.parse({ security: { rateLimit: { requests: 1_000_000_000, window: 1000 } } });
    const tokens = new TokenStore(store);
    const token = tokens.create('bench', ['operator']);
    const sessions = new Sessions(store);
    for (let i = 0; i < 20; i++) sessions.open('main', `bench-${i}`);

    const out: { requestsPerSec?: number; p99Ms?: number; checkMedianUs: number } = { checkMedianUs: gateCost(config, tokens, store, token) };
    report('edge checks per request (gate.admit with a bearer token, median)', `${out.checkMedianUs.toFixed(1)} µs (target: < 100 µs)`);

    if (!existsSync(WRK)) {
      report('authenticated GET /v1/sessions', `skipped: ${WRK} is not installed (scripts/system-deps.sh installs it)`);
      return out;
    }
    const gw = await startGateway({ config, runner: new TestRunner(sessions), sessions, tokens }, { port: 0, host: '127.0.0.1' });
    try {
      // wrk runs as its own process; the gateway has this process to itself.
      const result = await wrkAsync(['-t1', '-c16', '-d5s', '--latency', '-H', `Authorization: Bearer ${token}`, `${gw.url}/v1/sessions`]);
      const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(result)?.[1]);
      const p99 = parseLatency(/\s99%\s+([\d.]+\w+)/.exec(result)?.[1]);
      const bad = Number(/Non-2xx or 3xx responses: (\d+)/.exec(result)?.[1] ?? 0);
      out.requestsPerSec = Math.round(rps);
      out.p99Ms = p99;
      report('authenticated GET /v1/sessions, loopback, wrk 16 connections 5 s', `${out.requestsPerSec} requests/s, p99 ${p99.toFixed(2)} ms${bad ? `, ${bad} non-2xx` : ''} (target: > 10 000/s, p99 < 10 ms)`);
    } finally {
      await gw.close();
    }
    return out;
  } finally {
    store.close();
    await home.cleanup();
  }
}

/** Median cost of one gate.admit() (everything the edge checks before a route runs). */
function gateCost(config: ReturnType<typeof configSchema.parse>, tokens: TokenStore, store: ReturnType<typeof openStore>, token: string): number {
  const auth = new Authenticator([], tokens, false);
  const gate = new EdgeGate({ config, auth, store, origins: new OriginPolicy([], []), browserSessions: new BrowserSessions(), tls: false, log: () => {} });
  const req = {
    method: 'GET', url: '/v1/sessions',
    headers: { host: '127.0.0.1:18789', authorization: `Bearer ${token}`, 'user-agent': 'bench' },
    socket: { remoteAddress: '::ffff:127.0.0.1' },
  } as unknown as IncomingMessage;
  for (let i = 0; i < 5000; i++) gate.admit(req, 'required');
  const batches: number[] = [];
  for (let b = 0; b < 50; b++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < 1000; i++) gate.admit(req, 'required');
    batches.push(Number(process.hrtime.bigint() - start) / 1000 / 1000);
  }
  return median(batches);
}

function wrkAsync(args: string[]): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(WRK, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('close', () => resolve(out));
  });
}

function parseLatency(text: string | undefined): number {
  const m = /^([\d.]+)(us|ms|s)$/.exec(text ?? '');
  if (!m) return NaN;
  return Number(m[1]) * (m[2] === 'us' ? 0.001 : m[2] === 's' ? 1000 : 1);
}

if (import.meta.url === `file://${process.argv[1]}`) await benchEdge();
