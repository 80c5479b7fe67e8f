// `hardshell doctor`: is everything this install needs here and working — Node, the config,
// the state folder's modes, the store, a sandbox backend (live test), the model provider,
// disk space — with the fix for each failure. Unlike the audit it may take a second or two:
// it starts a sandbox and asks the provider whether it answers.
import { statfsSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { loadConfig, type LoadedConfig } from '../config/load.ts';
import { resolveHome, statePaths } from '../config/paths.ts';
import { migrations } from '../store/migrations.ts';
import { backendStatus, browserUnavailable, resolveSandbox, MAIN_AGENT } from '../sandbox/index.ts';
import { probe } from '../egress/fetch.ts';
import { resolveSecretRefs } from '../secrets/refs.ts';
import { buildContext } from './context.ts';
import { runAudit } from './runner.ts';
import { fsChecks } from './checks/fs.ts';

export type DoctorStatus = 'ok' | 'warn' | 'fail' | 'skip';

export interface DoctorItem {
  id: string;
  status: DoctorStatus;
  title: string;
  detail: string;
  fix?: string;
}

export interface DoctorOptions {
  env?: NodeJS.ProcessEnv;
  /** Skip what needs the network (the provider probe). */
  offline?: boolean;
  timeoutMs?: number;
}

export async function runDoctor(opts: DoctorOptions = {}): Promise<DoctorItem[]> {
  const env = opts.env ?? process.env;
  const home = resolveHome(env);
  const paths = statePaths(home);
  const items: DoctorItem[] = [];
  const add = (item: DoctorItem) => items.push(item);

  const major = Number(process.versions.node.split('.')[0]);
  add(major >= 24
    ? { id: 'node.version', status: 'ok', title: 'Node.js', detail: `${process.version}` }
    : { id: 'node.version', status: 'fail', title: 'Node.js', detail: `${process.version} is too old`, fix: 'Install Node.js 24 LTS or newer.' });

  let loaded: LoadedConfig | null = null;
  try {
    loaded = loadConfig({ env, home });
    add({ id: 'config.loads', status: 'ok', title: 'Configuration', detail: loaded.exists ? `${paths.config} loads` : `no ${paths.config}: built-in defaults` });
  } catch (err) {
    add({ id: 'config.loads', status: 'fail', title: 'Configuration', detail: (err as Error).message.split('\n')[0], fix: 'Run hardshell config validate and fix each problem it names.' });
  }

  const modes = runAudit(buildContext({ env, home }), { checks: fsChecks }).findings.filter((f) => f.family === 'fs' && f.action);
  add(modes.length === 0
    ? { id: 'state.modes', status: 'ok', title: 'State folder modes', detail: `${home} and its files are private` }
    : { id: 'state.modes', status: 'fail', title: 'State folder modes', detail: modes.map((f) => f.message).join('; '), fix: 'hardshell security audit --fix (or: ' + modes.map((f) => f.fix).join('; ') + ')' });

  add(checkStore(paths.store));
  add(await checkSandbox(loaded));
  if (loaded?.config.browser.mode === 'sandboxed') add(await checkBrowser(loaded));
  for (const item of await checkProvider(loaded, env, opts)) add(item);
  add(checkDisk(home));
  return items;
}

function checkStore(file: string): DoctorItem {
  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(file, { readOnly: true });
    const ok = (db.prepare('PRAGMA quick_check').get() as { quick_check: string }).quick_check;
    const version = (db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null }).v ?? 0;
    if (ok !== 'ok') return { id: 'store.opens', status: 'fail', title: 'Store', detail: `${file} is damaged: ${ok}`, fix: 'Restore the store from a backup (hardshell backup), or move it away and run hardshell init.' };
    if (version > migrations.length) return { id: 'store.opens', status: 'fail', title: 'Store', detail: `written by a newer hardshell (schema ${version}, this one knows ${migrations.length})`, fix: 'Upgrade hardshell.' };
    return { id: 'store.opens', status: 'ok', title: 'Store', detail: `${file} opens (schema ${version}${version < migrations.length ? `, upgraded to ${migrations.length} on next start` : ''})` };
  } catch (err) {
    const missing = /unable to open|no such file/i.test((err as Error).message);
    return { id: 'store.opens', status: 'fail', title: 'Store', detail: missing ? `${file} does not exist` : `${file} cannot be opened: ${(err as Error).message}`, fix: missing ? 'Run hardshell init.' : 'Check the file\'s owner and mode (600), or restore it from a backup.' };
  } finally {
    db?.close();
  }
}

async function checkSandbox(loaded: LoadedConfig | null): Promise<DoctorItem> {
  const provider = loaded?.config.agents.defaults.sandbox?.provider ?? 'auto';
  const mode = loaded?.config.agents.defaults.sandbox?.mode ?? 'all';
  let status;
  try {
    status = await backendStatus();
  } catch (err) {
    return { id: 'sandbox.backend', status: 'fail', title: 'Sandbox', detail: `the backends could not be checked: ${(err as Error).message}`, fix: 'Report this as a bug in hardshell.' };
  }
  const summary = status.filter((s) => s.name !== 'none').map((s) => `${s.name} ${s.ok ? 'works' : `no (${s.why})`}`).join('; ');
  if (mode === 'off' || provider === 'none') {
    return { id: 'sandbox.backend', status: 'warn', title: 'Sandbox', detail: `the sandbox is off (mode "${mode}", provider "${provider}"); backends here: ${summary}`, fix: 'Set agents.defaults.sandbox.mode to "all" and provider to "auto".' };
  }
  const usable = status.filter((s) => s.ok && s.name !== 'none' && (provider === 'auto' || s.name === provider));
  if (usable.length > 0) return { id: 'sandbox.backend', status: 'ok', title: 'Sandbox', detail: `provider "${provider}": ${usable[0].name} started a sandbox (live test); ${summary}` };
  const wanted = status.find((s) => s.name === provider) ?? status.find((s) => s.name === 'bwrap');
  return { id: 'sandbox.backend', status: 'fail', title: 'Sandbox', detail: `provider "${provider}" cannot start a sandbox here: ${summary}`, fix: wanted?.install ?? 'Install bubblewrap (apt-get install bubblewrap).' };
}

/** Whether the browser tool can start for the main agent (it checks; it starts nothing). */
async function checkBrowser(loaded: LoadedConfig): Promise<DoctorItem> {
  const why = await browserUnavailable(resolveSandbox(MAIN_AGENT, loaded.config.agents.defaults.sandbox));
  return why
    ? { id: 'browser.starts', status: 'fail', title: 'Browser', detail: why, fix: 'Install what it names, or set browser.mode to "off".' }
    : { id: 'browser.starts', status: 'ok', title: 'Browser', detail: 'browser.mode is "sandboxed": Chromium and the bwrap sandbox are here' };
}

async function checkProvider(loaded: LoadedConfig | null, env: NodeJS.ProcessEnv, opts: DoctorOptions): Promise<DoctorItem[]> {
  if (!loaded) return [{ id: 'provider.configured', status: 'skip', title: 'Model provider', detail: 'the configuration did not load' }];
  const config = loaded.config;
  const model = config.agents.defaults.model;
  if (!model) {
    return [{ id: 'provider.configured', status: 'fail', title: 'Model provider', detail: 'agents.defaults.model is not set, so no agent can answer', fix: 'Add models.providers.<id> = { api, baseUrl, apiKey: "${secret:NAME}" } and set agents.defaults.model to "<id>/<model>".' }];
  }
  const id = model.split('/')[0];
  const provider = config.models.providers[id];
  if (!provider) {
    return [{ id: 'provider.configured', status: 'fail', title: 'Model provider', detail: `agents.defaults.model is "${model}" but models.providers has no "${id}"`, fix: `Add models.providers.${id} = { api, baseUrl, apiKey }.` }];
  }
  const items: DoctorItem[] = [];
  try {
    if (provider.apiKey) resolveSecretRefs(provider.apiKey, config, env);
    items.push({ id: 'provider.configured', status: 'ok', title: 'Model provider', detail: `${model} (${provider.api}${provider.baseUrl ? `, ${provider.baseUrl}` : ''})` });
  } catch (err) {
    items.push({ id: 'provider.configured', status: 'fail', title: 'Model provider', detail: (err as Error).message, fix: 'Set the secret the provider\'s apiKey names.' });
  }
  const url = provider.baseUrl ?? (provider.api === 'anthropic-messages' ? 'https://api.anthropic.com' : 'https://api.openai.com/v1');
  if (opts.offline) {
    items.push({ id: 'provider.reachable', status: 'skip', title: 'Provider reachable', detail: `not tried (--offline): ${url}` });
  } else {
    const res = await probe(url, opts.timeoutMs ?? 5000);
    await res?.body?.cancel().catch(() => {});
    items.push(res
      ? { id: 'provider.reachable', status: 'ok', title: 'Provider reachable', detail: `${url} answered (HTTP ${res.status})` }
      : { id: 'provider.reachable', status: 'fail', title: 'Provider reachable', detail: `${url} did not answer within ${opts.timeoutMs ?? 5000} ms`, fix: 'Check the network, DNS and the baseUrl; the egress allowlist must allow the provider\'s host.' });
  }
  return items;
}

function checkDisk(home: string): DoctorItem {
  try {
    const s = statfsSync(home);
    const free = s.bavail * s.bsize;
    const gib = (free / 1024 ** 3).toFixed(1);
    if (free < 100 * 1024 ** 2) return { id: 'disk.space', status: 'fail', title: 'Disk space', detail: `${gib} GiB free where ${home} is`, fix: 'Free some space: the store and the audit log need room to write (writes fail closed).' };
    if (free < 1024 ** 3) return { id: 'disk.space', status: 'warn', title: 'Disk space', detail: `${gib} GiB free where ${home} is`, fix: 'Free some space soon.' };
    return { id: 'disk.space', status: 'ok', title: 'Disk space', detail: `${gib} GiB free` };
  } catch (err) {
    return { id: 'disk.space', status: 'warn', title: 'Disk space', detail: `could not check (${(err as Error).message})`, fix: 'Run hardshell init to create the state folder.' };
  }
}
