// A bounded load test against 127.0.0.1 (wrk, 3 seconds): behind a trusted proxy, an
// unauthenticated flood from one address and from thousands of made-up addresses, while
// well-behaved token holders keep asking. The holders are all served, the flood is limited
// and banned, and what the edge remembers stays under security.rateLimit.maxClients.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestGateway } from './helpers.ts';
import { listBans } from '../../src/edge/bans.ts';

const WRK = '/usr/bin/wrk';

function wrk(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(WRK, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('error', reject);
    child.on('close', () => resolve(out));
  });
}

test('under an unauthenticated flood, token holders are served, the flood is limited and banned, memory stays bounded', { timeout: 60_000 }, async (t) => {
  if (!existsSync(WRK)) {
    t.skip(`${WRK} is not installed (scripts/system-deps.sh installs Debian's wrk)`);
    return;
  }
  const maxClients = 500;
  const gw = await startTestGateway(t, {
    gateway: { trustedProxies: ['127.0.0.1'] },
    security: { rateLimit: { requests: 10, window: 1000, maxClients } },
  });
  // Every request of the many-address flood comes "from" a new address.
  const script = join(gw.home.home, 'many.lua');
  writeFileSync(script, `
    local n = 0
    request = function()
      n = n + 1
      return wrk.format("GET", "/v1/sessions", { ["X-Forwarded-For"] = "10." .. (n % 250) .. "." .. math.random(0, 255) .. "." .. math.random(0, 255), ["Authorization"] = "Bearer hs_guess" .. n })
    end
  `);
  const rssBefore = process.memoryUsage().rss;
  const oneAddress = wrk(['-t1', '-c8', '-d3s', '-H', 'X-Forwarded-For: 203.0.113.66', '-H', 'Authorization: Bearer hs_wrong', `${gw.url}/v1/sessions`]);
  const manyAddresses = wrk(['-t1', '-c8', '-d3s', '-s', script, `${gw.url}/v1/sessions`]);

  // Three well-behaved token holders, each with its own token (a token has its own limit, so
  // three clients sharing one would be 15 a second against 10), 5 requests a second each, for
  // the same 3 seconds.
  const statuses: number[] = [];
  const latencies: number[] = [];
  const holders = [1, 2, 3].map(async (n) => {
    const token = gw.tokens.create(`holder-${n}`, ['operator']);
    for (let i = 0; i < 15; i++) {
      const started = performance.now();
      const res = await gw.call('/v1/sessions', { token, headers: { 'x-forwarded-for': `198.51.100.${n}` } });
      latencies.push(performance.now() - started);
      statuses.push(res.status);
      await res.arrayBuffer();
      await new Promise((r) => setTimeout(r, 200));
    }
  });
  await Promise.all(holders);
  const [one, many] = await Promise.all([oneAddress, manyAddresses]);
  const total = (out: string) => Number(/(\d+) requests in/.exec(out)?.[1] ?? 0);
  const non2xx = (out: string) => Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);

  assert.deepEqual([...new Set(statuses)], [200], `token holders got ${statuses.join(',')}`);
  assert.ok(total(one) > 100, `the flood ran: ${one}`);
  assert.equal(non2xx(one), total(one), 'every flood request was refused');
  assert.equal(non2xx(many), total(many));
  const bans = listBans(gw.store).map((b) => b.key);
  assert.ok(bans.includes('203.0.113.66'), 'the flooding address is banned');
  const stats = gw.gateway.stats();
  assert.ok(stats.clients <= maxClients && stats.failingClients <= maxClients && stats.activeBans <= maxClients, JSON.stringify(stats));
  const grown = (process.memoryUsage().rss - rssBefore) / 1024 / 1024;
  assert.ok(grown < 150, `RSS grew by ${grown.toFixed(0)} MiB`);
  latencies.sort((a, b) => a - b);
  t.diagnostic(`flood: ${total(one)} + ${total(many)} requests in 3 s, all refused; holders: ${statuses.length} served, p50 ${latencies[latencies.length >> 1].toFixed(1)} ms, max ${latencies.at(-1)!.toFixed(1)} ms; edge memory ${JSON.stringify(stats)}; RSS +${grown.toFixed(0)} MiB`);
});
