// The few lines that run first inside every sandbox, before the command: set the limits
// (rlimits are set from inside, so the process count is per sandbox, not per host user),
// copy a read-only workspace into its scratch layer, start the relay to the egress proxy,
// change to the working folder, and exec the command. A setup failure exits 125.
import type { Limits } from './types.ts';
import { RELAY_PORT, SANDBOX_WORKSPACE } from './types.ts';

/** Where the real workspace is mounted (read-only) when the command gets a scratch copy. */
export const WORKSPACE_SOURCE = '/run/hardshell/workspace-src';
/** Where the egress proxy's unix socket appears inside the sandbox. */
export const PROXY_SOCKET = '/run/hardshell/proxy.sock';
/** Exit code of a sandbox whose setup failed (the command never started). */
export const SETUP_FAILED = 125;

export interface InnerOptions {
  /** Set the rlimits here (false when the container engine sets them). */
  setLimits: boolean;
  limits: Limits;
  /**
   * How limits.memoryBytes is applied: RLIMIT_AS (the default), or RLIMIT_DATA for programs
   * that reserve far more address space than they use (V8 in Chromium fails at start under
   * RLIMIT_AS; RLIMIT_DATA still caps what each process actually allocates).
   */
  memoryRlimit?: 'address-space' | 'data';
  /** Copy the workspace from WORKSPACE_SOURCE into the (tmpfs) workspace first. */
  scratchCopy: boolean;
  /** Start the relay 127.0.0.1:RELAY_PORT → PROXY_SOCKET with this socat. */
  relay: string | null;
  /** Absolute working folder inside the sandbox. */
  cwd: string;
  argv: string[];
}

const fail = (what: string) => `{ echo "hardshell: ${what}" >&2; exit ${SETUP_FAILED}; }`;

export function innerArgv(o: InnerOptions): string[] {
  const lines: string[] = [];
  const l = o.limits;
  // Soft limit: SIGXCPU (which tells why it stopped); the hard limit a second later: SIGKILL.
  const cpu = Math.max(1, Math.ceil(l.cpuSeconds));
  if (o.setLimits) {
    // The shell's own ulimit costs no extra exec. dash calls the process limit -p, bash -u.
    lines.push(`ulimit -c 0 && ulimit -S -t ${cpu} && ulimit -H -t ${cpu + 1} && ulimit -${o.memoryRlimit === 'data' ? 'd' : 'v'} ${Math.floor(l.memoryBytes / 1024)} && ulimit -n ${l.openFiles} && { ulimit -p ${l.processes} 2>/dev/null || ulimit -u ${l.processes}; } || ${fail('could not set the sandbox limits')}`);
  }
  if (o.scratchCopy) {
    lines.push(`cp -RPp ${WORKSPACE_SOURCE}/. ${SANDBOX_WORKSPACE}/ 2>/dev/null || ${fail(`the workspace could not be copied into the sandbox's scratch layer (it must fit in ${l.tmpBytes} bytes, limits.tmpBytes)`)}`);
  }
  if (o.relay) {
    // nodelay: without it, small proxy handshakes wait on Nagle's algorithm. The relay does not
    // keep fds 3 and 4 (the browser's DevTools pipe): they must close when the command ends.
    const portHex = RELAY_PORT.toString(16).toUpperCase().padStart(4, '0');
    lines.push(`${o.relay} TCP-LISTEN:${RELAY_PORT},bind=127.0.0.1,reuseaddr,fork,nodelay UNIX-CONNECT:${PROXY_SOCKET} </dev/null >/dev/null 2>&1 3<&- 4>&- &`);
    lines.push(`n=0; while ! grep -q ' 0100007F:${portHex} 00000000:0000 0A' /proc/net/tcp 2>/dev/null; do n=$((n+1)); [ $n -gt 300 ] && ${fail('the relay to the egress proxy did not start')}; sleep 0.01; done`);
  }
  lines.push(`cd -- "$1" 2>/dev/null || ${fail('the working folder does not exist in the sandbox')}`);
  lines.push('unset OLDPWD; shift');
  const shell = o.argv.length === 3 && o.argv[0] === '/bin/sh' && o.argv[1] === '-c';
  if (shell) {
    // A shell command runs in this shell (one exec less); the eval'd text clears its own $1 first.
    lines.push('eval "shift; $1"');
    return ['/bin/sh', '-c', lines.join('\n'), 'sh', o.cwd, o.argv[2]];
  }
  lines.push('exec "$@"');
  return ['/bin/sh', '-c', lines.join('\n'), 'hardshell-sandbox', o.cwd, ...o.argv];
}
