// Deployment files in the audited folder: Dockerfile, docker-compose, systemd units.
// Seeds 000 and 001: non-root, read-only root, cap_drop ALL, no-new-privileges, ports on
// 127.0.0.1, no docker socket, resource limits, health checks.
import type { Check, FindingDraft } from '../types.ts';
import type { AuditContext } from '../context.ts';
import { isMap, type ComposeService, type Yaml } from '../compose.ts';
import { mode, octal } from './util.ts';

const F = 'deploy' as const;

interface Instr { line: number; op: string; args: string }

function instructions(text: string): Instr[] {
  const out: Instr[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    let l = lines[i];
    const start = i + 1;
    if (/^\s*(#|$)/.test(l)) continue;
    while (l.trimEnd().endsWith('\\') && i + 1 < lines.length) l = l.trimEnd().slice(0, -1) + ' ' + lines[++i];
    const m = /^\s*([A-Za-z]+)\s+(.*)$/.exec(l);
    if (m) out.push({ line: start, op: m[1].toUpperCase(), args: m[2].trim() });
  }
  return out;
}

/** Instructions of the final stage only: earlier build stages do not run in production. */
function finalStage(instrs: Instr[]): Instr[] {
  const last = instrs.map((x) => x.op).lastIndexOf('FROM');
  return last < 0 ? instrs : instrs.slice(last);
}

function dockerCheck(id: string, severity: Check['severity'], title: string, why: string, fix: string, test: (instrs: Instr[], file: string) => FindingDraft[]): Check {
  return { id, family: F, severity, title, why, fix, run: (ctx) => ctx.dockerfiles().flatMap((file) => test(instructions(ctx.read(file) ?? ''), file)) };
}

const ROOT_USERS = /^(root|0)(:.*)?$/;
const SECRET_NAME = /(KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL)S?\b/i;

/** The services that run hardshell (or OpenClaw): a proxy beside it may publish 443, etc. */
function isAgentService(s: ComposeService, all: ComposeService[]): boolean {
  if (all.length === 1) return true;
  const build = isMap(s.spec.build) ? str(s.spec.build.context) : str(s.spec.build);
  return /hardshell|openclaw|clawdbot|clawd/i.test(`${s.name} ${str(s.spec.image)} ${build} ${str(s.spec.container_name)}`);
}

/** Checks that matter for every service (anyService) or only the agent's own. */
function composeCheck(id: string, severity: Check['severity'], title: string, why: string, fix: string, test: (s: ComposeService, file: string) => string | string[] | undefined, anyService = false): Check {
  return {
    id, family: F, severity, title, why, fix,
    run: (ctx) => ctx.composeFiles().flatMap((cf) => cf.services.filter((s) => anyService || isAgentService(s, cf.services)).flatMap((s) => {
      const r = test(s, cf.file);
      const list = r === undefined ? [] : Array.isArray(r) ? r : [r];
      return list.map((message) => ({ message: `${s.name}: ${message}`, file: cf.file, line: s.line }));
    })),
  };
}

const str = (v: Yaml | undefined): string => (v === null || v === undefined ? '' : typeof v === 'string' ? v : String(v));
const list = (v: Yaml | undefined): string[] => (Array.isArray(v) ? v.map((x) => (isMap(x) ? JSON.stringify(x) : str(x))) : v === undefined || v === null ? [] : [str(v)]);

function envEntries(v: Yaml | undefined): Array<[string, string]> {
  if (isMap(v)) return Object.entries(v).map(([k, x]) => [k, str(x)]);
  return list(v).map((e) => { const i = e.indexOf('='); return i < 0 ? [e, ''] : [e.slice(0, i), e.slice(i + 1)]; });
}

/** A literal value, not a ${VAR} taken from the host environment or a secrets file. */
const literal = (value: string) => value !== '' && !/^\$\{?[A-Za-z_]/.test(value) && !/_FILE$/.test(value);

function portBindsPublic(p: Yaml): boolean {
  if (isMap(p)) {
    const hostIp = str(p.host_ip);
    return p.published !== undefined && !/^(127\.|::1|localhost)/.test(hostIp);
  }
  const spec = str(p).replace(/\/(tcp|udp)$/, '');
  const parts = spec.startsWith('[') ? [spec.slice(1, spec.indexOf(']')), ...spec.slice(spec.indexOf(']') + 2).split(':')] : spec.split(':');
  if (parts.length <= 1) return true; // "18789": a random public host port
  if (parts.length === 2) return true; // "18789:18789": all interfaces
  return !/^(127\.|::1$|localhost$)/.test(parts[0]);
}

const SENSITIVE_MOUNTS = [/^\/$/, /^\/etc\/?$/, /^\/root\b/, /^\/home\/?$/, /^\/proc\b/, /^\/sys\b/, /^\/boot\b/, /^\/dev\/?$/, /(^|\/)\.ssh\b/, /^~\/?$/, /^\/var\/lib\/docker\b/];

function mounts(s: ComposeService): string[] {
  return (Array.isArray(s.spec.volumes) ? s.spec.volumes : []).map((v) => isMap(v) ? str(v.source) : str(v).split(':')[0]);
}

function unitChecks(): Check[] {
  const directive = (text: string, name: string): string | undefined => {
    const m = [...text.matchAll(new RegExp(`^\\s*${name}\\s*=\\s*(.*)$`, 'gm'))];
    return m.length ? m[m.length - 1][1].trim() : undefined;
  };
  const unit = (id: string, severity: Check['severity'], title: string, why: string, fix: string, test: (text: string, ctx: AuditContext, file: string) => string | FindingDraft | undefined): Check => ({
    id, family: F, severity, title, why, fix,
    run: (ctx) => ctx.systemdUnits().flatMap((file) => {
      const text = ctx.read(file);
      if (text === null) return [];
      const r = test(text, ctx, file);
      return r === undefined ? [] : [typeof r === 'string' ? { message: r, file } : { file, ...r }];
    }),
  });
  return [
    unit('deploy.systemd.no_user', 'high', 'systemd unit runs as root',
      'Without User= (or with User=root) the gateway runs as root: a compromise owns the machine.',
      'Add User=hardshell (a dedicated account) under [Service].',
      (t) => { const u = directive(t, 'User'); return !u || ROOT_USERS.test(u) ? (u ? `User=${u}` : 'no User= line: the service runs as root') : undefined; }),
    unit('deploy.systemd.no_new_privileges', 'medium', 'systemd unit allows privilege gain',
      'NoNewPrivileges=yes stops setuid programs from raising privileges.',
      'Add NoNewPrivileges=yes under [Service].',
      (t) => /^(yes|true|1|on)$/i.test(directive(t, 'NoNewPrivileges') ?? '') ? undefined : 'NoNewPrivileges is not yes'),
    unit('deploy.systemd.protect_system', 'medium', 'systemd unit can write system files',
      'ProtectSystem=strict makes /usr, /boot and /etc read-only for the service.',
      'Add ProtectSystem=strict and ReadWritePaths= for the state folder.',
      (t) => /^(strict|full|yes|true)$/i.test(directive(t, 'ProtectSystem') ?? '') ? undefined : 'ProtectSystem is not set'),
    unit('deploy.systemd.private_tmp', 'low', 'systemd unit shares /tmp',
      'PrivateTmp=yes gives the service its own /tmp, out of reach of other users.',
      'Add PrivateTmp=yes.',
      (t) => /^(yes|true|1|on)$/i.test(directive(t, 'PrivateTmp') ?? '') ? undefined : 'PrivateTmp is not yes'),
    unit('deploy.systemd.protect_home', 'low', 'systemd unit can read every home folder',
      'ProtectHome=read-only or yes keeps other users\' homes out of reach.',
      'Add ProtectHome=read-only (with ReadWritePaths= for the state folder).',
      (t) => directive(t, 'ProtectHome') && !/^(no|false|0|off)$/i.test(directive(t, 'ProtectHome')!) ? undefined : 'ProtectHome is not set'),
    unit('deploy.systemd.capabilities', 'low', 'systemd unit keeps all capabilities',
      'An empty CapabilityBoundingSet= removes every capability the gateway never needs.',
      'Add CapabilityBoundingSet= (empty).',
      (t) => directive(t, 'CapabilityBoundingSet') === undefined ? 'CapabilityBoundingSet is not set' : undefined),
    unit('deploy.systemd.secret_env', 'high', 'Secret written in the systemd unit',
      'Unit files are world-readable (systemctl show prints Environment=).',
      'Move it to an EnvironmentFile= with mode 600, or to hardshell\'s secrets.',
      (t) => { const m = [...t.matchAll(/^\s*Environment\s*=\s*"?([A-Za-z_][A-Za-z0-9_]*)=([^"\s]+)/gm)].find((x) => SECRET_NAME.test(x[1]) && literal(x[2])); return m ? `Environment= sets ${m[1]} to a literal value` : undefined; }),
    unit('deploy.systemd.environment_file_permissions', 'high', 'systemd EnvironmentFile readable by other users',
      'It usually holds the keys the unit needs.',
      'chmod 600 the EnvironmentFile.',
      (t, ctx, unitFile) => {
        const f = directive(t, 'EnvironmentFile')?.replace(/^-/, '');
        // A unit installed under the host root names host paths; one in the project, real ones.
        const path = f ? (unitFile.startsWith(ctx.host('')) && ctx.host('') !== '/' ? ctx.host(f.slice(1)) : f) : '';
        const s = path ? ctx.stat(path) : null;
        return s?.isFile() && (s.mode & 0o077) ? { message: `${path} has mode ${octal(mode(s))}`, fix: `chmod 600 ${path}`, action: { kind: 'chmod', path, mode: 0o600 } } : undefined;
      }),
  ];
}

export const deployChecks: Check[] = [
  dockerCheck('deploy.dockerfile.no_user', 'high', 'Dockerfile never leaves root',
    'Without a USER line the container runs as root; an escape or a mounted path is then root on the host (seeds 000, 001, 003).',
    'Add a user and switch to it: RUN adduser -D hardshell and USER hardshell.',
    (ins, file) => finalStage(ins).some((i) => i.op === 'FROM') && !finalStage(ins).some((i) => i.op === 'USER') ? [{ message: `${file} has no USER instruction in its final stage`, file }] : []),
  dockerCheck('deploy.dockerfile.user_root', 'high', 'Dockerfile runs as root',
    'The last USER is root, so the container runs as root.',
    'End with USER <non-root user>.',
    (ins, file) => { const u = finalStage(ins).filter((i) => i.op === 'USER').pop(); return u && ROOT_USERS.test(u.args) ? [{ message: `USER ${u.args}`, file, line: u.line }] : []; }),
  dockerCheck('deploy.dockerfile.latest_tag', 'low', 'Base image not pinned',
    'An unpinned or :latest base image changes under you; a compromised tag flows straight in.',
    'Pin the base image to a version (node:24-alpine) or a digest.',
    (ins, file) => ins.filter((i) => i.op === 'FROM').flatMap((i) => {
      const img = i.args.replace(/^--platform=\S+\s+/, '').split(/\s+/)[0];
      return img !== 'scratch' && !img.includes('@') && (!/:[^/]+$/.test(img) || img.endsWith(':latest')) && !/^\$/.test(img) ? [{ message: `FROM ${img}`, file, line: i.line }] : [];
    })),
  dockerCheck('deploy.dockerfile.secret_env', 'high', 'Secret baked into the image',
    'ENV and ARG values are stored in the image layers and history, readable by anyone who pulls it.',
    'Pass secrets at run time (docker secrets or an env file), never in the Dockerfile.',
    (ins, file) => ins.filter((i) => (i.op === 'ENV' || i.op === 'ARG')).flatMap((i) => {
      const pairs = [...i.args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)(?:=|\s+)("[^"]*"|\S+)/g)];
      return pairs.filter((p) => SECRET_NAME.test(p[1]) && literal(p[2].replace(/"/g, ''))).map((p) => ({ message: `${i.op} ${p[1]} has a literal value`, file, line: i.line }));
    })),
  dockerCheck('deploy.dockerfile.copies_env', 'high', 'Image contains the .env file',
    'COPY .env (or COPY . . without a .dockerignore) puts every key into the image.',
    'Remove it from the build and add .env to .dockerignore.',
    (ins, file) => ins.filter((i) => (i.op === 'COPY' || i.op === 'ADD') && /(^|\s|\/)\.env(\s|$)/.test(i.args)).map((i) => ({ message: `${i.op} ${i.args}`, file, line: i.line }))),
  dockerCheck('deploy.dockerfile.add_url', 'medium', 'ADD fetches from a URL',
    'ADD <url> downloads without any checksum check.',
    'Use RUN curl with a checksum check, or COPY a vendored file.',
    (ins, file) => ins.filter((i) => i.op === 'ADD' && /https?:\/\//.test(i.args)).map((i) => ({ message: `ADD ${i.args}`, file, line: i.line }))),
  dockerCheck('deploy.dockerfile.curl_pipe_sh', 'medium', 'Script piped from the network into a shell',
    'curl | sh runs whatever the server (or anyone in the middle) sends at build time.',
    'Download, verify a checksum, then run.',
    (ins, file) => ins.filter((i) => i.op === 'RUN' && /(curl|wget)[^|]*\|\s*(sudo\s+)?(ba|z|da)?sh\b/.test(i.args)).map((i) => ({ message: 'RUN pipes a download into a shell', file, line: i.line }))),
  dockerCheck('deploy.dockerfile.no_healthcheck', 'low', 'Dockerfile has no HEALTHCHECK',
    'Without a health check a hung gateway keeps "running" (seed 001: enable health checks).',
    'Add HEALTHCHECK CMD wget -qO- http://127.0.0.1:18789/healthz || exit 1 (or one in compose).',
    (ins, file) => ins.some((i) => i.op === 'FROM') && !ins.some((i) => i.op === 'HEALTHCHECK') ? [{ message: `${file} has no HEALTHCHECK`, file }] : []),
  dockerCheck('deploy.dockerfile.sudo', 'low', 'Image installs sudo',
    'sudo in the image gives a way back to root.',
    'Do not install sudo; do root work in RUN steps before USER.',
    (ins, file) => ins.filter((i) => i.op === 'RUN' && /\b(apt-get|apt|apk|dnf|yum)\b.*\binstall\b.*\bsudo\b/.test(i.args)).map((i) => ({ message: 'RUN installs sudo', file, line: i.line }))),

  {
    id: 'deploy.compose.unparseable', family: F, severity: 'medium',
    title: 'Compose file could not be read',
    why: 'Its services could not be checked.',
    fix: 'Check it with docker compose config; hardshell reads plain block YAML (no anchors or merge keys).',
    run: (ctx) => ctx.composeFiles().filter((c) => c.error).map((c) => ({ message: `${c.file}: ${c.error}`, file: c.file })),
  },
  composeCheck('deploy.compose.no_user', 'high', 'Compose service runs as root',
    'Without user: the container runs as the image\'s user, usually root (seed 000: user "1000:1000").',
    'Add user: "1000:1000" to the service.',
    (s) => s.spec.user === undefined ? 'no user: set' : ROOT_USERS.test(str(s.spec.user)) ? `user: ${str(s.spec.user)}` : undefined),
  composeCheck('deploy.compose.not_read_only', 'medium', 'Compose service has a writable root file system',
    'A read-only root stops an attacker from changing the installed code (seeds 000, 001).',
    'Add read_only: true and tmpfs: [/tmp].',
    (s) => s.spec.read_only === true ? undefined : 'read_only is not true'),
  composeCheck('deploy.compose.no_cap_drop_all', 'medium', 'Compose service keeps Linux capabilities',
    'cap_drop: [ALL] removes the kernel privileges a container never needs.',
    'Add cap_drop: [ALL] (and cap_add only what is needed).',
    (s) => list(s.spec.cap_drop).some((c) => c.toUpperCase() === 'ALL') ? undefined : 'cap_drop does not include ALL'),
  composeCheck('deploy.compose.no_new_privileges', 'medium', 'Compose service allows privilege gain',
    'no-new-privileges stops setuid binaries from raising privileges (seed 001).',
    'Add security_opt: ["no-new-privileges:true"].',
    (s) => list(s.spec.security_opt).some((o) => /^no-new-privileges(:true)?$/.test(o.replace(/=/, ':'))) ? undefined : 'security_opt lacks no-new-privileges:true'),
  composeCheck('deploy.compose.privileged', 'critical', 'Compose service is privileged',
    'privileged: true gives the container every capability and device: it is root on the host.',
    'Remove privileged: true.',
    (s) => s.spec.privileged === true ? 'privileged: true' : undefined, true),
  composeCheck('deploy.compose.port_public', 'high', 'Compose publishes the port on every interface',
    'Seed 001: "18789:18789" is reachable from any network; bind to 127.0.0.1 and put a TLS proxy in front.',
    'Write ports as "127.0.0.1:18789:18789".',
    (s) => list(s.spec.ports).length === 0 ? undefined : (Array.isArray(s.spec.ports) ? s.spec.ports : []).filter(portBindsPublic).map((p) => `port ${isMap(p) ? JSON.stringify(p) : str(p)} is published on all interfaces`)),
  composeCheck('deploy.compose.docker_socket', 'critical', 'Docker socket mounted into the container',
    'Access to /var/run/docker.sock is root on the host: the container can start a privileged one.',
    'Remove the docker.sock volume; use a socket proxy with a narrow allowlist if you must.',
    (s) => mounts(s).some((m) => /docker\.sock$/.test(m)) ? 'mounts the docker socket' : undefined, true),
  composeCheck('deploy.compose.no_limits', 'medium', 'Compose service has no resource limits',
    'A runaway agent or a fork bomb takes the whole host down (seeds 000, 001).',
    'Add deploy.resources.limits (cpus, memory) or mem_limit/cpus, and pids_limit.',
    (s) => {
      const limits = isMap(s.spec.deploy) && isMap(s.spec.deploy.resources) && isMap(s.spec.deploy.resources.limits) ? s.spec.deploy.resources.limits : null;
      const mem = limits?.memory ?? s.spec.mem_limit;
      return mem === undefined ? 'no memory limit' : undefined;
    }),
  composeCheck('deploy.compose.no_healthcheck', 'low', 'Compose service has no health check',
    'Without one a hung gateway is never restarted (seed 001).',
    'Add healthcheck: with a test against /healthz.',
    (s) => s.spec.healthcheck === undefined ? 'no healthcheck' : undefined),
  composeCheck('deploy.compose.network_host', 'high', 'Compose service uses the host network',
    'network_mode: host skips Docker\'s network isolation: loopback-only services on the host become reachable.',
    'Remove network_mode: host and publish the port on 127.0.0.1.',
    (s) => str(s.spec.network_mode) === 'host' ? 'network_mode: host' : undefined),
  composeCheck('deploy.compose.host_namespaces', 'high', 'Compose service shares host namespaces',
    'pid: host or ipc: host lets the container see and signal host processes.',
    'Remove pid: host / ipc: host.',
    (s) => ['pid', 'ipc', 'userns_mode', 'uts'].filter((k) => str(s.spec[k]) === 'host').map((k) => `${k}: host`)),
  composeCheck('deploy.compose.cap_add_dangerous', 'high', 'Compose service adds dangerous capabilities',
    'SYS_ADMIN, NET_ADMIN, SYS_PTRACE, SYS_MODULE or ALL come close to root on the host.',
    'Remove them from cap_add.',
    (s) => list(s.spec.cap_add).filter((c) => /^(CAP_)?(SYS_ADMIN|NET_ADMIN|SYS_PTRACE|SYS_MODULE|DAC_READ_SEARCH|ALL)$/i.test(c)).map((c) => `cap_add: ${c}`)),
  composeCheck('deploy.compose.secret_env', 'high', 'Secret written in the compose file',
    'Compose files are committed and shared; use env_file (mode 600, git-ignored) or docker secrets (seed 000).',
    'Replace the value with ${VAR} from a git-ignored .env, or use secrets:.',
    (s) => envEntries(s.spec.environment).filter(([k, v]) => SECRET_NAME.test(k) && literal(v)).map(([k]) => `environment sets ${k} to a literal value`), true),
  composeCheck('deploy.compose.sensitive_mount', 'high', 'Compose service mounts a sensitive host path',
    'Mounting /, /etc, /root, ~/.ssh, /proc or /sys hands the agent the host.',
    'Mount only the state folder (and a workspace).',
    (s) => mounts(s).filter((m) => SENSITIVE_MOUNTS.some((re) => re.test(m))).map((m) => `mounts ${m}`), true),
  composeCheck('deploy.compose.unconfined', 'high', 'Compose service turns off seccomp or AppArmor',
    'seccomp:unconfined / apparmor:unconfined removes the kernel filters that contain a container.',
    'Remove the unconfined security_opt entries.',
    (s) => list(s.spec.security_opt).filter((o) => /(seccomp|apparmor)[:=]unconfined/.test(o)).map((o) => `security_opt: ${o}`)),
  composeCheck('deploy.compose.latest_image', 'low', 'Compose image not pinned',
    'An unpinned image changes under you.',
    'Pin the image to a version or digest.',
    (s) => { const img = str(s.spec.image); return img && !img.includes('@') && (!/:[^/]+$/.test(img) || img.endsWith(':latest')) ? `image ${img}` : undefined; }),
  composeCheck('deploy.compose.no_log_limits', 'low', 'Compose service logs without size limits',
    'Unbounded json-file logs fill the disk (seed 001: max-size, max-file).',
    'Add logging: { driver: json-file, options: { max-size: "10m", max-file: "3" } }.',
    (s) => isMap(s.spec.logging) && isMap(s.spec.logging.options) && s.spec.logging.options['max-size'] !== undefined ? undefined : 'no logging max-size'),
  ...unitChecks(),
];
