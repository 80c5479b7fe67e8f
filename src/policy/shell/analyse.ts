// From a parsed command line to every program it would run. Each simple command in every
// pipeline, list, subshell, substitution and here-doc is visited; wrappers (env, xargs,
// sh -c, find -exec, …) are looked through to the program they start; programs that can run
// other programs through an option (git -c core.sshCommand, tar --to-command, ssh -o
// ProxyCommand, …) are reported. Whatever cannot be fully accounted for becomes a Finding.
import { NotUnderstood, staticValue, type Redirect, type Script, type Simple, type Word } from './ast.ts';
import { parseShell } from './parse.ts';
import { readOptions, abbreviates, OptionError, type Arg } from './options.ts';

export interface Invocation {
  /** The program as written, after quote removal: `/usr/bin/rm`, `./rm`, `rm`. */
  written: string;
  /** What it names: the last path component (`rm`). */
  name: string;
  /** The whole argument vector; null where a value is only known at run time. */
  argv: Arg[];
  /** Wrappers it was reached through, outermost first (`xargs`, `sh -c`, `find -exec`). */
  via: string[];
  /** A wrapper is looked through: the program it runs is what must be allowed. */
  wrapper: boolean;
  /** Written as a path outside the system program folders (`./ls`, `/tmp/ls`): not the allowed program. */
  untrustedPath: boolean;
}

export type FindingKind = 'not-understood' | 'inline-code' | 'privilege' | 'network' | 'environment';

export interface Finding {
  kind: FindingKind;
  message: string;
  program?: string;
}

export interface ExecAnalysis {
  invocations: Invocation[];
  findings: Finding[];
}

export interface AnalyseOptions {
  /** Interpreters allowed to run code given on their command line (`tools.exec.inlineCode`). */
  inlineCode?: readonly string[];
}

const MAX_INVOCATIONS = 512;

export function analyseCommand(command: string, options: AnalyseOptions = {}): ExecAnalysis {
  const out: ExecAnalysis = { invocations: [], findings: [] };
  const a = new Analyser(out, options.inlineCode ?? []);
  a.text(command, []);
  return out;
}

const SYSTEM_DIRS = ['/bin/', '/usr/bin/', '/usr/local/bin/', '/sbin/', '/usr/sbin/', '/usr/local/sbin/'];

/** Variables that change which program runs or make a program run another one. */
const DANGEROUS_ENV = new Set(['PATH', 'BASH_ENV', 'ENV', 'SHELLOPTS', 'BASHOPTS', 'PS4', 'PROMPT_COMMAND', 'IFS', 'PAGER', 'MANPAGER', 'MANOPT',
  'EDITOR', 'VISUAL', 'LESSOPEN', 'LESSCLOSE', 'BROWSER', 'PYTHONSTARTUP', 'PYTHONPATH', 'PYTHONHOME', 'NODE_OPTIONS', 'PERL5OPT', 'PERL5LIB',
  'PERLLIB', 'RUBYOPT', 'RUBYLIB', 'TAR_OPTIONS', 'GLOBIGNORE', 'JAVA_TOOL_OPTIONS', '_JAVA_OPTIONS', 'HOSTALIASES', 'RSYNC_RSH', 'RSYNC_CONNECT_PROG', 'SSH_ASKPASS', 'HOME', 'XDG_CONFIG_HOME', 'ZDOTDIR', 'GCONV_PATH']);
const DANGEROUS_ENV_PREFIXES = ['LD_', 'GIT_', 'BASH_FUNC_', 'DYLD_'];

export function dangerousEnvName(name: string): boolean {
  return DANGEROUS_ENV.has(name) || DANGEROUS_ENV_PREFIXES.some((p) => name.startsWith(p));
}

const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'ash', 'mksh', 'yash', 'posh', 'rbash', 'lksh', 'oksh', 'pdksh']);
const OTHER_SHELLS = new Set(['fish', 'csh', 'tcsh', 'nu', 'elvish', 'xonsh', 'pwsh', 'powershell', 'rc', 'es']);
const PRIVILEGE = new Set(['sudo', 'doas', 'su', 'pkexec', 'run0', 'sudoedit', 'calife', 'super']);
/** Programs that run commands given to them in ways this analyser does not follow. */
const RUNNERS = new Set(['watch', 'parallel', 'flock', 'chroot', 'unshare', 'nsenter', 'strace', 'ltrace', 'gdb', 'lldb', 'script', 'runuser',
  'taskset', 'ionice', 'chrt', 'systemd-run', 'at', 'batch', 'crontab', 'expect', 'tmux', 'screen', 'firejail', 'fakeroot', 'proot', 'bwrap',
  'setpriv', 'capsh', 'prlimit', 'numactl', 'cpulimit', 'entr', 'inotifywait', 'dbus-launch', 'xvfb-run', 'catchsegv', 'valgrind', 'perf',
  'faketime', 'torsocks', 'proxychains', 'proxychains4', 'sg', 'newgrp', 'chpst', 'daemonize', 'start-stop-daemon', 'unbuffer', 'tclsh', 'wish',
  'socat', 'ncat', 'busybox-extras', 'pexec', 'rlwrap', 'time-limit']);
/** Builtins that keep a string to run later, or change what a name runs. */
const STRING_RUNNERS = new Set(['trap', 'alias', 'hash', 'enable', 'complete', 'compgen', 'bind', 'let', 'fc', 'dc', 'ed', 'shopt', 'declare-f']);
/** Builtins that assign variables from their arguments (or, for `read`-like ones, from input). */
const ASSIGNING_BUILTINS = new Set(['export', 'declare', 'typeset', 'local', 'readonly', 'read', 'printf', 'unset', 'mapfile', 'readarray', 'getopts', 'test', '[', 'wait']);
const READS_NAMES = new Set(['read', 'getopts', 'mapfile', 'readarray']);
/** Builtins that run nothing and change nothing outside the shell: allowed wherever exec is. */
export const INERT_BUILTINS = new Set(['cd', 'true', 'false', ':', 'pwd', 'echo', 'test', '[']);

interface Interpreter {
  /** Short option letters that take code (any bundle containing one counts). */
  shortCode: string;
  longCode: readonly string[];
}
const INTERPRETERS: Record<string, Interpreter> = {
  python: { shortCode: 'c', longCode: [] },
  node: { shortCode: 'ep', longCode: ['eval', 'print'] },
  deno: { shortCode: '', longCode: [] },
  bun: { shortCode: 'e', longCode: ['eval', 'print'] },
  perl: { shortCode: 'eE', longCode: [] },
  ruby: { shortCode: 'e', longCode: [] },
  php: { shortCode: 'rBRE', longCode: [] },
  lua: { shortCode: 'e', longCode: [] },
  luajit: { shortCode: 'e', longCode: [] },
  rscript: { shortCode: 'e', longCode: [] },
  r: { shortCode: 'e', longCode: [] },
  osascript: { shortCode: 'e', longCode: [] },
  jshell: { shortCode: '', longCode: [] },
  irb: { shortCode: '', longCode: [] },
  ghci: { shortCode: 'e', longCode: [] },
  julia: { shortCode: 'eE', longCode: ['eval', 'print'] },
  guile: { shortCode: 'c', longCode: [] },
  racket: { shortCode: 'e', longCode: ['eval'] },
  sbcl: { shortCode: '', longCode: ['eval'] },
  gawk: { shortCode: '', longCode: [] },
};

/** The interpreter family a program name belongs to (`python3.12` → `python`). */
function interpreterOf(name: string): string | null {
  const lower = name.toLowerCase();
  if (/^python[0-9.]*$/.test(lower) || lower === 'pypy' || lower === 'pypy3') return 'python';
  if (lower === 'nodejs') return 'node';
  if (/^perl[0-9.]*$/.test(lower)) return 'perl';
  if (/^ruby[0-9.]*$/.test(lower)) return 'ruby';
  if (/^php[0-9.]*$/.test(lower)) return 'php';
  if (/^lua[0-9.]*$/.test(lower)) return 'lua';
  if (lower in INTERPRETERS && lower !== 'gawk') return lower;
  return null;
}

const GIT_COMMANDS = new Set(`add am annotate apply archive bisect blame branch bundle cat-file check-attr check-ignore
  check-mailmap check-ref-format checkout cherry cherry-pick clean clone column commit commit-graph commit-tree config
  count-objects describe diff diff-files diff-index diff-tree fetch fmt-merge-msg for-each-ref format-patch fsck gc
  get-tar-commit-id grep hash-object help index-pack init interpret-trailers log ls-files ls-remote ls-tree mailinfo
  mailsplit maintenance merge merge-base merge-file merge-tree mktree mv name-rev notes pack-objects patch-id prune
  prune-packed pull push range-diff read-tree rebase reflog remote repack replace rerere reset restore rev-list rev-parse
  revert rm shortlog show show-branch show-ref sparse-checkout stash status stripspace submodule switch symbolic-ref tag
  unpack-objects update-index update-ref var verify-commit verify-pack verify-tag version whatchanged worktree write-tree`.split(/\s+/));
const AWKS = new Set(['awk', 'gawk', 'mawk', 'nawk', 'busybox-awk']);

class Analyser {
  readonly out: ExecAnalysis;
  readonly inlineCode: readonly string[];
  constructor(out: ExecAnalysis, inlineCode: readonly string[]) {
    this.out = out;
    this.inlineCode = inlineCode;
  }

  /** The here-doc or here-string of the simple command being read, when its text is fixed. */
  stdinScript: string | null = null;

  find(kind: FindingKind, message: string, program?: string): void {
    this.out.findings.push({ kind, message, program });
  }

  /** A command line as text: parsed, then every command in it visited. */
  text(command: string, via: string[]): void {
    let script: Script;
    try {
      script = parseShell(command);
    } catch (err) {
      // A stack overflow on hostile nesting is "not understood" too: never a crash, never allow.
      if (!(err instanceof NotUnderstood) && !(err instanceof RangeError)) throw err;
      this.find('not-understood', `the command could not be fully read: ${err instanceof RangeError ? 'it nests too deeply' : err.message}`);
      this.scanWords(command, via);
      return;
    }
    this.script(script, via);
  }

  /**
   * When the parser gives up, every word that names a program is still reported, so a denied
   * program is denied (not merely asked about) even inside a construct hardshell does not model.
   */
  scanWords(command: string, via: string[]): void {
    for (const token of command.split(/[^A-Za-z0-9_.+/\\'"-]+/)) {
      const bare = token.replace(/['"\\]/g, '');
      if (!bare) continue;
      const name = bare.slice(bare.lastIndexOf('/') + 1);
      if (name && this.out.invocations.length < MAX_INVOCATIONS) this.record(bare, name, [bare], via, false);
    }
  }

  script(script: Script, via: string[]): void {
    for (const item of script.items) {
      for (const pipeline of item.pipelines) {
        for (const cmd of pipeline.commands) {
          if (cmd.kind === 'simple') this.simple(cmd, via);
          else {
            this.script(cmd.body, via);
            this.redirects(cmd.redirects, via);
          }
        }
      }
    }
  }

  nested(word: Word, via: string[]): void {
    for (const s of word.nested) this.script(s, [...via, '$(…)']);
  }

  redirects(redirects: Redirect[], via: string[]): void {
    for (const r of redirects) {
      this.nested(r.target, via);
      if (r.heredoc) for (const s of r.heredoc.nested) this.script(s, [...via, 'here-doc']);
      const target = staticValue(r.target);
      if (target !== null && /^\/dev\/(tcp|udp)\//.test(target)) {
        this.find('network', `the redirection to ${target} opens a network connection`);
      }
      if (target === null && r.op !== '<<' && r.op !== '<<-' && r.target.parts.some((p) => p.t === 'proc')) {
        // process substitution as a redirect target: its body was visited through nested
      }
    }
  }

  simple(cmd: Simple, via: string[]): void {
    for (const { name, value } of cmd.assigns) {
      this.nested(value, via);
      if (dangerousEnvName(name)) this.find('environment', `setting ${name} changes which program runs or what it runs`);
    }
    for (const w of cmd.words) this.nested(w, via);
    this.redirects(cmd.redirects, via);
    if (cmd.words.length === 0) return;
    const argv = cmd.words.map(staticValue);
    const input = cmd.redirects.filter((r) => r.op === '<<' || r.op === '<<-' || r.op === '<<<');
    const stdinCode = input.length > 0;
    // A shell fed a script on its input (`bash <<EOF … EOF`) runs that script: read it too.
    const saved = this.stdinScript;
    this.stdinScript = input.length === 1 ? staticInput(input[0]) : null;
    try {
      this.argv(argv, via, stdinCode);
    } finally {
      this.stdinScript = saved;
    }
  }

  record(written: string, name: string, argv: Arg[], via: string[], wrapper: boolean): Invocation {
    if (this.out.invocations.length >= MAX_INVOCATIONS) {
      throw new NotUnderstood(`the command runs more than ${MAX_INVOCATIONS} programs`);
    }
    const untrustedPath = written.includes('/') && !SYSTEM_DIRS.some((d) => written.startsWith(d) && !written.slice(d.length).includes('/'));
    const inv: Invocation = { written, name, argv, via, wrapper, untrustedPath };
    this.out.invocations.push(inv);
    return inv;
  }

  /** One argument vector: the program it names, and through wrappers, the programs they run. */
  argv(argv: Arg[], via: string[], stdinCode: boolean): void {
    if (this.out.invocations.length >= MAX_INVOCATIONS) {
      if (!this.out.findings.some((f) => f.message.startsWith('the command runs more than'))) {
        this.find('not-understood', `the command runs more than ${MAX_INVOCATIONS} programs`);
      }
      return;
    }
    const written = argv[0];
    if (written === null) {
      this.find('not-understood', 'the program name is only known when the command runs (it comes from an expansion or substitution)');
      return;
    }
    if (written === '' ) {
      this.find('not-understood', 'the program name is empty');
      return;
    }
    const name = written.slice(written.lastIndexOf('/') + 1);
    if (!name) {
      this.find('not-understood', `"${written}" is not a program`);
      return;
    }
    const before = this.out.invocations.length;
    try {
      this.program(written, name, argv, via, stdinCode);
    } catch (err) {
      // The program is still reported, so a denied wrapper is denied even when its options were not understood.
      if (this.out.invocations.length === before && this.out.invocations.length < MAX_INVOCATIONS) this.record(written, name, argv, via, false);
      if (err instanceof OptionError) this.find('not-understood', err.message, name);
      else if (err instanceof NotUnderstood) this.find('not-understood', err.message, name);
      else throw err;
    }
  }

  /** Record the wrapper, then continue with the command it runs. */
  wrap(written: string, name: string, argv: Arg[], via: string[], next: number, stdinCode: boolean, label = name): void {
    this.record(written, name, argv, via, true);
    if (next >= argv.length) return;
    this.argv(argv.slice(next), [...via, label], stdinCode);
  }

  program(written: string, name: string, argv: Arg[], via: string[], stdinCode: boolean): void {
    switch (name) {
      case 'env': {
        const o = readOptions('env', argv, 1, {
          flags: '0iv', withValue: 'uCS',
          long: ['ignore-environment', 'null', 'debug', 'list-signal-handling', 'help', 'version'],
          longWithValue: ['unset', 'chdir', 'split-string'],
          longOptionalValue: ['block-signal', 'default-signal', 'ignore-signal'],
        });
        if (o.seen.some(([k]) => k === 'S' || k === 'split-string')) {
          this.record(written, name, argv, via, true);
          this.find('not-understood', 'env -S splits a string into a command line at run time', 'env');
          return;
        }
        let i = o.next;
        for (; i < argv.length; i++) {
          const a = argv[i];
          if (a === null) throw new OptionError('an argument of env is only known when the command runs');
          const m = /^([^=]+)=/.exec(a);
          if (!m) break;
          if (dangerousEnvName(m[1])) this.find('environment', `setting ${m[1]} changes which program runs or what it runs`);
        }
        return this.wrap(written, name, argv, via, i, stdinCode);
      }
      case 'command': {
        const o = readOptions('command', argv, 1, { flags: 'pvV' });
        return this.wrap(written, name, argv, via, o.next, stdinCode);
      }
      case 'builtin':
        return this.wrap(written, name, argv, via, argv[1] === '--' ? 2 : 1, stdinCode);
      case 'exec': {
        const o = readOptions('exec', argv, 1, { flags: 'cl', withValue: 'a' });
        return this.wrap(written, name, argv, via, o.next, stdinCode);
      }
      case 'nohup': {
        const o = readOptions('nohup', argv, 1, { long: ['help', 'version'] });
        return this.wrap(written, name, argv, via, o.next, stdinCode);
      }
      case 'nice': {
        let start = 1;
        if (typeof argv[1] === 'string' && /^-\d+$/.test(argv[1])) start = 2;
        const o = readOptions('nice', argv, start, { withValue: 'n', longWithValue: ['adjustment'], long: ['help', 'version'] });
        return this.wrap(written, name, argv, via, o.next, stdinCode);
      }
      case 'timeout': {
        const o = readOptions('timeout', argv, 1, { flags: 'v', withValue: 'sk', long: ['preserve-status', 'foreground', 'verbose', 'help', 'version'], longWithValue: ['signal', 'kill-after'] });
        return this.wrap(written, name, argv, via, o.next + 1, stdinCode);
      }
      case 'stdbuf': {
        const o = readOptions('stdbuf', argv, 1, { withValue: 'ioe', longWithValue: ['input', 'output', 'error'], long: ['help', 'version'] });
        return this.wrap(written, name, argv, via, o.next, stdinCode);
      }
      case 'time': {
        const o = readOptions('time', argv, 1, { flags: 'apqvV', withValue: 'fo', long: ['append', 'portability', 'verbose', 'quiet', 'help', 'version'], longWithValue: ['format', 'output'] });
        return this.wrap(written, name, argv, via, o.next, stdinCode);
      }
      case 'setsid': {
        const o = readOptions('setsid', argv, 1, { flags: 'cfw', long: ['ctty', 'fork', 'wait', 'help', 'version'] });
        return this.wrap(written, name, argv, via, o.next, stdinCode);
      }
      case 'xargs':
        return this.xargs(written, name, argv, via);
      case 'busybox': {
        if (argv.length < 2) return void this.record(written, name, argv, via, true);
        if (argv[1] === null || argv[1].startsWith('-')) {
          this.record(written, name, argv, via, true);
          this.find('not-understood', 'busybox options are not supported', 'busybox');
          return;
        }
        return this.wrap(written, name, argv, via, 1, stdinCode);
      }
      case 'eval':
        this.record(written, name, argv, via, false);
        this.find('not-understood', 'eval runs a string as a command, which hardshell does not allow', 'eval');
        return;
      case 'source':
      case '.':
        this.record(written, name, argv, via, false);
        this.find('not-understood', `${name} runs the commands in a file, which hardshell cannot check`, name);
        return;
      case 'find':
        return this.findCommand(written, name, argv, via);
    }
    if (SHELLS.has(name)) return this.shell(written, name, argv, via, stdinCode);
    const inv = this.record(written, name, argv, via, false);
    if (STRING_RUNNERS.has(name)) return this.find('not-understood', `${name} can run a string as a command later, which hardshell does not allow`, name);
    if (ASSIGNING_BUILTINS.has(name)) this.assigningBuiltin(name, argv);
    if (PRIVILEGE.has(name)) return this.find('privilege', `${name} runs a command with other privileges`, name);
    if (OTHER_SHELLS.has(name)) return this.find('not-understood', `${name} scripts are not understood by hardshell`, name);
    if (RUNNERS.has(name)) return this.find('not-understood', `${name} runs other commands in a way hardshell cannot follow`, name);
    const interp = interpreterOf(name);
    if (interp) return this.interpreter(inv, interp, stdinCode);
    if (AWKS.has(name)) return this.awk(inv);
    switch (name) {
      case 'git': return this.git(argv);
      case 'tar': case 'gtar': case 'bsdtar': return this.tar(argv);
      case 'rsync': return this.rsync(argv);
      case 'ssh': case 'scp': case 'sftp': return this.ssh(name, argv);
      case 'sed': case 'gsed': return this.sed(argv);
      case 'vi': case 'vim': case 'nvim': case 'ex': case 'view': case 'vimdiff': return this.vim(name, argv);
      case 'man': return this.man(argv);
      case 'zip': return this.dangerousLong('zip', argv, ['unzip-command'], 'TT');
      case 'sort': return this.dangerousLong('sort', argv, ['compress-program'], '');
      case 'split': return this.dangerousLong('split', argv, ['filter'], '');
      case 'sdiff': case 'diff3': return this.dangerousLong(name, argv, ['diff-program'], '');
      case 'wp': return this.wp(inv);
      case 'rg': return this.dangerousLong('rg', argv, ['pre', 'pre-glob', 'search-zip'], '');
      case 'fd': case 'fdfind': return this.fd(name, argv);
    }
  }

  xargs(written: string, name: string, argv: Arg[], via: string[]): void {
    const o = readOptions('xargs', argv, 1, {
      flags: '0prtxo', withValue: 'aEdILnPs', optionalValue: 'eil',
      long: ['null', 'interactive', 'no-run-if-empty', 'verbose', 'exit', 'open-tty', 'show-limits', 'help', 'version'],
      longWithValue: ['arg-file', 'delimiter', 'max-lines', 'max-args', 'max-procs', 'max-chars', 'process-slot-var'],
      longOptionalValue: ['eof', 'replace'],
    });
    const replace = o.seen.filter(([k]) => k === 'I' || k === 'i' || k === 'replace').map(([k, v]) => v ?? (k === 'I' ? '' : '{}'));
    this.record(written, name, argv, via, true);
    const inner = o.next < argv.length ? argv.slice(o.next) : ['echo'];
    const program = inner[0];
    if (program !== null && replace.some((r) => r && program.includes(r))) {
      this.find('not-understood', 'xargs takes the program name from its input', 'xargs');
      return;
    }
    this.argv(inner, [...via, 'xargs'], true);
  }

  findCommand(written: string, name: string, argv: Arg[], via: string[]): void {
    this.record(written, name, argv, via, false);
    for (let i = 1; i < argv.length; i++) {
      const a = argv[i];
      if (a === '-delete') {
        // Removes files just as rm would: a denied or unlisted rm covers it too.
        this.record('find -delete', 'rm', ['rm'], [...via, 'find -delete'], false);
        continue;
      }
      if (a === '-exec' || a === '-execdir' || a === '-ok' || a === '-okdir') {
        let j = i + 1;
        while (j < argv.length && argv[j] !== ';' && argv[j] !== '+') j++;
        const inner = argv.slice(i + 1, j);
        if (inner.length === 0) { this.find('not-understood', `find ${a} names no program`, 'find'); return; }
        if (typeof inner[0] === 'string' && inner[0].includes('{}')) {
          this.find('not-understood', `find ${a} takes the program name from the files it finds`, 'find');
        } else {
          this.argv(inner, [...via, `find ${a}`], false);
        }
        i = j;
      }
    }
  }

  shell(written: string, name: string, argv: Arg[], via: string[], stdinCode: boolean): void {
    this.record(written, name, argv, via, true);
    let command: string | null | undefined;
    let hasC = false;
    let i = 1;
    for (; i < argv.length; i++) {
      const a = argv[i];
      if (a === null) throw new OptionError(`an argument of ${name} is only known when the command runs`);
      if (a === '--' || a === '-') { i++; break; }
      if (a.startsWith('--')) {
        if (['--norc', '--noprofile', '--posix', '--noediting', '--restricted'].includes(a)) continue;
        throw new OptionError(`${name} ${a} is not supported by hardshell`);
      }
      if (!(a.startsWith('-') || a.startsWith('+'))) break;
      const letters = a.slice(1);
      if (/[^ceuxvfnaBbCEhHkmPpTtor]/.test(letters)) throw new OptionError(`${name} ${a} is not supported by hardshell (login and interactive shells run start-up files)`);
      if (letters.includes('c')) hasC = true;
      if (letters.includes('o')) i++; // -o option-name
    }
    if (!hasC && stdinCode && i >= argv.length && this.stdinScript !== null) {
      const script = this.stdinScript;
      this.stdinScript = null;
      this.text(script, [...via, `${name} <<`]);
      return;
    }
    if (!hasC) {
      this.find('not-understood', `${name} without -c runs a script file or reads commands from its input, which hardshell cannot check`, name);
      return;
    }
    command = argv[i];
    if (command === undefined) throw new OptionError(`${name} -c needs a command string`);
    if (command === null) {
      this.find('not-understood', `the command given to ${name} -c is only known when it runs`, name);
      return;
    }
    this.text(command, [...via, `${name} -c`]);
  }

  interpreter(inv: Invocation, family: string, stdinCode: boolean): void {
    const spec = INTERPRETERS[family];
    const argv = inv.argv;
    let code: string | null = null;
    let operand = false;
    for (let i = 1; i < argv.length; i++) {
      const a = argv[i];
      if (a === null) { operand = true; continue; }
      if (a.startsWith('--')) {
        const n = a.slice(2).split('=')[0];
        if (spec.longCode.includes(n)) code = a;
        continue;
      }
      if (a.startsWith('-') && a.length > 1) {
        if ([...a.slice(1)].some((c) => spec.shortCode.includes(c))) code = a;
        continue;
      }
      operand = true;
    }
    if (family === 'deno' && argv[1] === 'eval') code = 'eval';
    if (family === 'python' && argv.some((a) => a === '-' )) operand = false;
    const inline = code !== null || !operand || stdinCode;
    if (!inline) return;
    if (this.inlineCode.includes(inv.name) || this.inlineCode.includes(family)) return;
    const how = code !== null ? `${inv.name} ${code}` : `${inv.name} reading code from its input`;
    this.find('inline-code', `${how} runs code written on the command line; allow it with tools.exec.inlineCode`, inv.name);
  }

  awk(inv: Invocation): void {
    const argv = inv.argv;
    let program: Arg | undefined;
    for (let i = 1; i < argv.length; i++) {
      const a = argv[i];
      if (a === null) { program = null; break; }
      if (a === '-l' || a.startsWith('--load') || (a.startsWith('-l') && !a.startsWith('--'))) {
        throw new OptionError(`${inv.name} -l loads a compiled extension`);
      }
      if (a === '-f' || a.startsWith('--file') || a.startsWith('-f')) return; // program from a file, like any script
      if (a === '-F' || a === '-v' || a === '-W' || a === '-e' || a === '--source') {
        if (a === '-e' || a === '--source') { program = argv[i + 1]; break; }
        i++;
        continue;
      }
      if (a === '--') { program = argv[i + 1]; break; }
      if (a.startsWith('-')) continue;
      program = a;
      break;
    }
    if (program === undefined) return;
    if (program !== null && !/system|\||getline|@load|\bexec\b|ENVIRON|>/.test(program)) return;
    if (this.inlineCode.includes(inv.name) || this.inlineCode.includes('awk')) return;
    this.find('inline-code', `the ${inv.name} program can run commands (system, pipes or getline); allow it with tools.exec.inlineCode`, inv.name);
  }

  git(argv: Arg[]): void {
    const SAFE_KEYS = /^(user\.|color\.|advice\.|i18n\.|status\.|column\.|core\.(quotepath|autocrlf|safecrlf|filemode|ignorecase)$|init\.defaultbranch$|pull\.rebase$|push\.default$|log\.(date|decorate|showsignature)$|merge\.conflictstyle$|diff\.(renames|algorithm|colormoved)$|commit\.verbose$|fetch\.prune$|rebase\.autostash$)/i;
    const checkKey = (kv: string, where: string) => {
      const key = kv.split('=')[0];
      if (!SAFE_KEYS.test(key)) throw new OptionError(`git ${where} ${key} may make git run another program`);
    };
    let i = 1;
    for (; i < argv.length; i++) {
      const a = argv[i];
      if (a === null) throw new OptionError('an argument of git is only known when the command runs');
      if (!a.startsWith('-')) break;
      if (a === '-c') { const v = argv[++i]; if (typeof v !== 'string') throw new OptionError('git -c needs a static key=value'); checkKey(v, '-c'); continue; }
      if (a.startsWith('-c')) { checkKey(a.slice(2), '-c'); continue; }
      if (a === '-C') { i++; continue; }
      if (a.startsWith('--config-env')) throw new OptionError('git --config-env sets configuration that may run another program');
      if (a.startsWith('--exec-path')) {
        if (a.includes('=')) throw new OptionError('git --exec-path=… makes git run its commands from another folder');
        continue;
      }
      if (/^--(git-dir|work-tree|namespace|attr-source|list-cmds)(=|$)/.test(a)) { if (!a.includes('=')) i++; continue; }
      if (/^(-p|-P|--paginate|--no-pager|--bare|--no-replace-objects|--literal-pathspecs|--glob-pathspecs|--noglob-pathspecs|--icase-pathspecs|--no-optional-locks|--version|--help|--html-path|--man-path|--info-path|--no-advice|--no-lazy-fetch)$/.test(a)) continue;
      throw new OptionError(`git ${a} is not an option hardshell knows`);
    }
    const sub = argv[i];
    if (sub === undefined) return;
    if (sub === null) throw new OptionError('the git subcommand is only known when the command runs');
    // Only git's own commands: anything else is an alias or an external git-* program, and an
    // alias in the repository's config (which the agent can write) can run any command.
    if (!GIT_COMMANDS.has(sub)) throw new OptionError(`"git ${sub}" is not one of git's own commands (it may be an alias or an external program)`);
    const rest = argv.slice(i + 1);
    const FLAGGED = new Set(['difftool', 'mergetool', 'filter-branch', 'filter-repo', 'send-email', 'instaweb', 'web--browse', 'daemon', 'shell', 'remote-ext', 'remote-fd', 'fsmonitor--daemon', 'credential', 'upload-pack', 'receive-pack', 'imap-send']);
    if (FLAGGED.has(sub)) throw new OptionError(`git ${sub} runs other programs`);
    for (const r of rest) {
      if (r === null) continue;
      if (/^(ext|fd)::/.test(r)) throw new OptionError(`git with the "${r.split('::')[0]}::" transport runs a command`);
      if (r === '--text' || r === '--no-textconv' || r === '--no-ext-diff') continue; // exact options of their own, not abbreviations
      const danger = abbreviates(r, ['upload-pack', 'receive-pack', 'exec', 'template', 'config', 'open-files-in-pager', 'ext-diff', 'textconv', 'extcmd', 'tool', 'gpg-sign', 'sequence-editor', 'editor']);
      if (danger) throw new OptionError(`git ${sub} --${danger} may run another program`);
    }
    if ((sub === 'clone' || sub === 'fetch' || sub === 'pull' || sub === 'ls-remote' || sub === 'archive') && rest.some((r) => r === '-u')) {
      throw new OptionError(`git ${sub} -u runs another program as the upload pack`);
    }
    if (sub === 'clone' && rest.some((r) => r === '-c')) throw new OptionError('git clone -c sets configuration that may run another program');
    if (sub === 'rebase' && rest.some((r) => r === '-x' || (typeof r === 'string' && /^-[a-zA-Z]*x/.test(r)))) throw new OptionError('git rebase -x runs a command after each commit');
    if (sub === 'grep' && rest.some((r) => typeof r === 'string' && /^-[a-zA-Z]*O/.test(r))) throw new OptionError('git grep -O opens a pager program');
    if (sub === 'submodule' && rest.includes('foreach')) throw new OptionError('git submodule foreach runs a command in each submodule');
    if (sub === 'bisect' && rest.includes('run')) throw new OptionError('git bisect run runs a command');
    if (sub === 'config' || sub === 'alias') {
      for (const r of rest) if (typeof r === 'string' && !r.startsWith('-') && /^[A-Za-z][\w-]*\./.test(r)) checkKey(r, 'config');
    }
  }

  tar(argv: Arg[]): void {
    const DANGER = ['to-command', 'use-compress-program', 'checkpoint-action', 'info-script', 'new-volume-script', 'rsh-command', 'rmt-command', 'compress-program'];
    for (let i = 1; i < argv.length; i++) {
      const a = argv[i];
      if (a === null) continue;
      const d = abbreviates(a, DANGER);
      if (d) throw new OptionError(`tar --${d} runs another program`);
      const shortBundle = a.startsWith('-') && !a.startsWith('--');
      const oldStyle = i === 1 && !a.startsWith('-');
      if ((shortBundle || oldStyle) && /[IF]/.test(a)) throw new OptionError('tar -I/-F runs another program');
    }
  }

  rsync(argv: Arg[]): void {
    for (const a of argv.slice(1)) {
      if (a === null) continue;
      const d = abbreviates(a, ['rsh', 'rsync-path', 'remote-option', 'config']);
      if (d) throw new OptionError(`rsync --${d} runs another program`);
      if (a.startsWith('-') && !a.startsWith('--') && /[eM]/.test(a)) throw new OptionError('rsync -e runs another program as the remote shell');
    }
  }

  ssh(name: string, argv: Arg[]): void {
    const DANGER = /^(proxycommand|localcommand|permitlocalcommand|knownhostscommand|match|include|securitykeyprovider|pkcs11provider|remotecommand)/i;
    for (let i = 1; i < argv.length; i++) {
      const a = argv[i];
      if (a === null) continue;
      let opt: Arg | undefined;
      if (a === '-o') opt = argv[++i];
      else if (a.startsWith('-o')) opt = a.slice(2);
      if (opt === null || (typeof opt === 'string' && DANGER.test(opt.trim()))) throw new OptionError(`${name} -o ${opt ?? '…'} runs a local program`);
      if (/^-[a-zA-Z]*[FS]/.test(a) && !a.startsWith('--')) throw new OptionError(`${name} -F/-S reads a config or runs a program that hardshell cannot check`);
    }
  }

  sed(argv: Arg[]): void {
    const scripts: string[] = [];
    let operand = false;
    for (let i = 1; i < argv.length; i++) {
      const a = argv[i];
      if (a === null) throw new OptionError('a sed argument is only known when the command runs');
      if (a === '-e' || a === '--expression') { const v = argv[++i]; if (typeof v === 'string') scripts.push(v); continue; }
      if (a.startsWith('--expression=')) { scripts.push(a.slice(13)); continue; }
      if (a === '-f' || a.startsWith('--file')) return;
      if (a.startsWith('-')) continue;
      if (!operand && scripts.length === 0) scripts.push(a);
      operand = true;
    }
    for (const s of scripts) {
      if (/(^|[;\n{}!0-9$/])\s*e(\s|;|$)/.test(s) || /\/[gpIiMm0-9]*e[gpIiMm0-9]*\s*(;|$|\n|\})/.test(s) || /(^|[;\n{}])\s*[wW]\s+\/dev\//.test(s)) {
        throw new OptionError('the sed script runs a command (the e command or flag)');
      }
    }
  }

  vim(name: string, argv: Arg[]): void {
    for (const a of argv.slice(1)) {
      if (a === null || a === '-c' || a === '--cmd' || a === '-S' || a.startsWith('+')) throw new OptionError(`${name} with commands on its command line can run programs`);
    }
  }

  man(argv: Arg[]): void {
    for (const a of argv.slice(1)) {
      if (a === null) continue;
      if (/^-[a-zA-Z]*[PHp]/.test(a) && !a.startsWith('--')) throw new OptionError('man -P/-H/-p runs another program');
      const d = abbreviates(a, ['pager', 'html', 'preprocessor']);
      if (d) throw new OptionError(`man --${d} runs another program`);
    }
  }

  dangerousLong(name: string, argv: Arg[], long: string[], short: string): void {
    for (const a of argv.slice(1)) {
      if (a === null) continue;
      if (abbreviates(a, long) || (short && a === `-${short}`)) throw new OptionError(`${name} ${a} runs another program`);
    }
  }

  /**
   * Builtins that set variables: `export PATH=.` changes what later commands run, and an
   * array subscript in a name (`a[$(rm x)]`) is evaluated by bash, running the substitution.
   */
  assigningBuiltin(name: string, argv: Arg[]): void {
    for (const a of argv.slice(1)) {
      if (a === null) continue;
      if (/\$\(|`/.test(a)) throw new OptionError(`${name} would evaluate the substitution in "${a}"`);
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(\+?=|$)/.exec(a);
      if (m && (m[2] || READS_NAMES.has(name)) && dangerousEnvName(m[1])) {
        this.find('environment', `${name} ${m[1]} changes which program runs or what it runs`, name);
      }
    }
  }

  /** fd -x / -X run a command for each result: not followed, so not understood. */
  fd(name: string, argv: Arg[]): void {
    for (const a of argv.slice(1)) {
      if (a === null) continue;
      if (abbreviates(a, ['exec', 'exec-batch']) || (/^-[a-zA-Z]*[xX]/.test(a) && !a.startsWith('--'))) throw new OptionError(`${name} -x/--exec runs a command for each file found`);
    }
  }

  /** WP-CLI runs PHP given on its command line: `wp eval`, `wp shell`, `--exec=<php>`. */
  wp(inv: Invocation): void {
    const argv = inv.argv;
    const sub = argv.slice(1).find((a) => a === null || !a.startsWith('-'));
    const exec = argv.some((a) => typeof a === 'string' && abbreviates(a, ['exec']));
    if (!(sub === 'eval' || sub === 'shell' || sub === null || exec)) return;
    if (this.inlineCode.includes('wp')) return;
    this.find('inline-code', `wp ${exec ? '--exec' : sub ?? '…'} runs PHP code written on the command line; allow it with tools.exec.inlineCode`, 'wp');
  }
}

/** The text a here-doc or here-string feeds, when nothing in it expands at run time. */
function staticInput(r: Redirect): string | null {
  if (r.heredoc) return !r.heredoc.expands || !/[$`\\]/.test(r.heredoc.body) ? r.heredoc.body : null;
  const v = staticValue(r.target);
  return v === null ? null : `${v}\n`;
}

