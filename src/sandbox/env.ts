// The environment a sandboxed command gets: a fixed base plus the variables the call asked
// for, never the gateway's own. Names that change how programs load code or start shells
// are refused, not dropped silently, so the caller learns why.
import { RELAY_PORT, SANDBOX_WORKSPACE, SandboxSpecError, type NetworkSpec } from './types.ts';

export const SANDBOX_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const MAX_VALUE = 32 * 1024;
const MAX_VARS = 64;

/** Exact names refused: they make the loader, the shell or an interpreter run code the command did not name. */
const DENIED = new Set([
  'LD_PRELOAD', 'LD_LIBRARY_PATH', 'LD_AUDIT', 'LD_DEBUG', 'LD_PROFILE', 'BASH_ENV', 'ENV', 'PROMPT_COMMAND',
  'SHELLOPTS', 'BASHOPTS', 'IFS', 'PS4', 'GLOBIGNORE', 'CDPATH', 'PYTHONSTARTUP', 'PYTHONPATH', 'PYTHONHOME',
  'PERL5OPT', 'PERL5LIB', 'PERLLIB', 'RUBYOPT', 'RUBYLIB', 'NODE_OPTIONS', 'GCONV_PATH', 'HOSTALIASES',
  'LOCALDOMAIN', 'RES_OPTIONS', 'MALLOC_CHECK_', 'JAVA_TOOL_OPTIONS', '_JAVA_OPTIONS', 'GIT_EXEC_PATH',
  'GIT_SSH_COMMAND', 'GIT_CONFIG_PARAMETERS',
]);
/** Prefixes refused for the same reason, and the names hardshell sets itself. */
const DENIED_PREFIXES = ['LD_', 'BASH_FUNC_', 'DYLD_'];
const RESERVED = new Set(['HARDSHELL_WORKSPACE', 'PATH', 'HOME', 'TERM', 'LANG', 'PWD', 'OLDPWD', 'HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy', 'ALL_PROXY', 'all_proxy', 'NO_PROXY', 'no_proxy']);

/** Why a variable name may not be set from a call, or null when it may. */
export function envNameProblem(name: string): string | null {
  if (!NAME.test(name)) return 'is not a valid variable name (letters, digits and _, not starting with a digit)';
  if (DENIED.has(name) || DENIED_PREFIXES.some((p) => name.startsWith(p))) return 'changes how programs load code, so it may not be set';
  if (RESERVED.has(name)) return 'is set by hardshell inside the sandbox';
  return null;
}

/** Checks the call's variables; throws SandboxSpecError naming the first bad one. */
export function checkCallEnv(env: Record<string, string>): void {
  const entries = Object.entries(env);
  if (entries.length > MAX_VARS) throw new SandboxSpecError(`env has ${entries.length} variables; at most ${MAX_VARS} may be set`);
  for (const [name, value] of entries) {
    const problem = envNameProblem(name);
    if (problem) throw new SandboxSpecError(`env: ${JSON.stringify(name)} ${problem}`);
    if (typeof value !== 'string') throw new SandboxSpecError(`env: ${name} must be a string`);
    if (value.includes('\0')) throw new SandboxSpecError(`env: ${name} contains a NUL character`);
    if (value.length > MAX_VALUE) throw new SandboxSpecError(`env: ${name} is longer than ${MAX_VALUE} characters`);
  }
}

/** The command's whole environment: the fixed base, the proxy variables when it has network, then the call's own. */
export function sandboxEnv(callEnv: Record<string, string>, network: NetworkSpec, where: { home: string; workspace: string } = { home: '/tmp', workspace: SANDBOX_WORKSPACE }): Record<string, string> {
  checkCallEnv(callEnv);
  const env: Record<string, string> = { PATH: SANDBOX_PATH, HOME: where.home, LANG: 'C.UTF-8', TERM: 'dumb' };
  if (where.workspace) env.HARDSHELL_WORKSPACE = where.workspace;
  if (network !== 'none') {
    const proxy = `http://127.0.0.1:${RELAY_PORT}`;
    for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy', 'ALL_PROXY', 'all_proxy']) env[name] = proxy;
    env.NO_PROXY = env.no_proxy = '';
  }
  return { ...env, ...callEnv };
}
