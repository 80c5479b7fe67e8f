// Picking the backend a provider setting names. `auto` takes the first usable of bwrap,
// docker, podman; a named one is used only if it works. Nothing usable: SandboxUnavailable,
// whose message says what to install. `none` (the host) is never chosen by `auto`.
import { BwrapBackend } from './bwrap.ts';
import { ContainerBackend } from './container.ts';
import { HostBackend } from './host.ts';
import { SandboxUnavailable, type BackendName, type ProviderName, type SandboxBackend } from './types.ts';

const AUTO_ORDER: BackendName[] = ['bwrap', 'docker', 'podman'];

let backends: Map<BackendName, SandboxBackend> | undefined;

/** The process's backends, made once so each probes its engine only once. */
export function backendsByName(): Map<BackendName, SandboxBackend> {
  backends ??= new Map<BackendName, SandboxBackend>([
    ['bwrap', new BwrapBackend()],
    ['docker', new ContainerBackend({ engine: 'docker' })],
    ['podman', new ContainerBackend({ engine: 'podman' })],
    ['none', new HostBackend()],
  ]);
  return backends;
}

export async function selectBackend(provider: ProviderName, all: Map<BackendName, SandboxBackend> = backendsByName()): Promise<SandboxBackend> {
  if (provider !== 'auto') {
    const backend = all.get(provider);
    if (!backend) throw new SandboxUnavailable(`there is no sandbox provider "${provider}" (use auto, bwrap, docker, podman or none)`, 'fix sandbox.provider in hardshell.json');
    const ok = await backend.available();
    if (!ok.ok) {
      throw new SandboxUnavailable(
        `commands cannot run: the configured sandbox provider "${provider}" is not usable here (${ok.why}). To fix: ${ok.install}; or set sandbox.provider to "auto" to use any sandbox that works here. Nothing was run.`,
        ok.install,
      );
    }
    return backend;
  }
  const why: string[] = [];
  for (const name of AUTO_ORDER) {
    const backend = all.get(name);
    if (!backend) continue;
    const ok = await backend.available();
    if (ok.ok) return backend;
    why.push(`${name}: ${ok.why}`);
  }
  const bwrap = await all.get('bwrap')?.available();
  const install = bwrap && !bwrap.ok ? bwrap.install : 'apt-get install bubblewrap';
  throw new SandboxUnavailable(
    `commands cannot run: no sandbox is usable on this machine (${why.join('; ')}). To fix: ${install}. Nothing was run: hardshell never runs commands on the host unless sandbox.provider is "none".`,
    install,
  );
}

export interface BackendStatus {
  name: BackendName;
  ok: boolean;
  why?: string;
  install?: string;
}

/** Every backend and whether it works here (for `hardshell sandbox status`). */
export async function backendStatus(all: Map<BackendName, SandboxBackend> = backendsByName()): Promise<BackendStatus[]> {
  const out: BackendStatus[] = [];
  for (const name of [...AUTO_ORDER, 'none'] as BackendName[]) {
    const backend = all.get(name);
    if (!backend) continue;
    const ok = await backend.available();
    out.push(ok.ok ? { name, ok: true, ...(name === 'none' ? { why: 'runs commands on the host, unsandboxed; used only when sandbox.provider is "none"' } : {}) } : { name, ok: false, why: ok.why, install: ok.install });
  }
  return out;
}
