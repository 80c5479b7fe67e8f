// The host, where readable: SSH, firewall, fail2ban, who hardshell runs as, and whether the
// gateway port is already open to the network. Files only (under ctx.hostRoot); no commands.
import { join } from 'node:path';
import type { Check, FindingDraft } from '../types.ts';
import type { AuditContext } from '../context.ts';

const F = 'host' as const;

/** sshd_config with its Include files, first value of each keyword winning (sshd's rule). */
function sshd(ctx: AuditContext): { file: string; get(key: string): { value: string; line: number; file: string } | undefined } | null {
  const main = ctx.host('etc/ssh/sshd_config');
  const text = ctx.read(main);
  if (text === null) return null;
  const values = new Map<string, { value: string; line: number; file: string }>();
  const visit = (file: string, body: string, depth: number) => {
    body.split(/\r?\n/).forEach((raw, i) => {
      const l = raw.trim();
      if (!l || l.startsWith('#')) return;
      if (/^match\s/i.test(l)) return; // Match blocks apply to some users only; the global value stays
      const m = /^(\S+)\s*=?\s*(.*)$/.exec(l);
      if (!m) return;
      const key = m[1].toLowerCase();
      if (key === 'include' && depth < 3) {
        for (const pattern of m[2].split(/\s+/)) {
          const abs = pattern.startsWith('/') ? pattern : `/etc/ssh/${pattern}`;
          const dir = abs.slice(0, abs.lastIndexOf('/'));
          const glob = new RegExp(`^${abs.slice(abs.lastIndexOf('/') + 1).replace(/\./g, '\\.').replace(/\*/g, '.*')}$`);
          for (const n of ctx.list(ctx.host(dir.slice(1))).filter((x) => glob.test(x)).sort()) {
            const f = ctx.host(join(dir, n).slice(1));
            visit(f, ctx.read(f) ?? '', depth + 1);
          }
        }
        return;
      }
      if (!values.has(key)) values.set(key, { value: m[2].trim().toLowerCase(), line: i + 1, file });
    });
  };
  visit(main, text, 0);
  return { file: main, get: (k) => values.get(k.toLowerCase()) };
}

function listeningOn(ctx: AuditContext, port: number): string[] {
  const out: string[] = [];
  for (const [file, v6] of [['proc/net/tcp', false], ['proc/net/tcp6', true]] as const) {
    const text = ctx.read(ctx.host(file));
    if (!text) continue;
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 4 || cols[3] !== '0A') continue; // 0A = LISTEN
      const [addr, portHex] = cols[1].split(':');
      if (parseInt(portHex, 16) !== port) continue;
      const any = v6 ? /^0+$/.test(addr) : addr === '00000000';
      if (any) out.push(v6 ? `[::]:${port}` : `0.0.0.0:${port}`);
    }
  }
  return out;
}

export const hostChecks: Check[] = [
  {
    id: 'host.ssh.password_auth', family: F, severity: 'high',
    title: 'SSH accepts passwords',
    why: 'Password logins can be brute-forced; keys only (seeds 000, 003).',
    fix: 'Set PasswordAuthentication no in /etc/ssh/sshd_config (after installing your key) and reload sshd.',
    run: (ctx) => {
      const c = sshd(ctx);
      if (!c) return;
      const v = c.get('PasswordAuthentication');
      if (!v) return { message: 'PasswordAuthentication is not set, and sshd\'s default is yes', file: c.file };
      if (v.value === 'yes') return { message: 'PasswordAuthentication yes', file: v.file, line: v.line };
    },
  },
  {
    id: 'host.ssh.root_login', family: F, severity: 'high',
    title: 'SSH allows root to log in',
    why: 'Root is the account every attacker tries first.',
    fix: 'Set PermitRootLogin no in /etc/ssh/sshd_config and reload sshd.',
    run: (ctx) => {
      const v = sshd(ctx)?.get('PermitRootLogin');
      if (v && v.value === 'yes') return { message: 'PermitRootLogin yes', file: v.file, line: v.line };
    },
  },
  {
    id: 'host.ssh.empty_passwords', family: F, severity: 'critical',
    title: 'SSH accepts empty passwords',
    why: 'An account without a password can log in from anywhere.',
    fix: 'Set PermitEmptyPasswords no and reload sshd.',
    run: (ctx) => {
      const v = sshd(ctx)?.get('PermitEmptyPasswords');
      if (v && v.value === 'yes') return { message: 'PermitEmptyPasswords yes', file: v.file, line: v.line };
    },
  },
  {
    id: 'host.ssh.default_port', family: F, severity: 'low',
    title: 'SSH on the default port',
    why: 'Port 22 attracts constant automated guessing (seed 000 suggests a non-default port; keys matter more).',
    fix: 'Optionally set Port to another number; use keys and fail2ban either way.',
    run: (ctx) => {
      const c = sshd(ctx);
      if (!c) return;
      const v = c.get('Port');
      if (!v || v.value === '22') return { message: v ? 'Port 22' : 'Port is not set (22)', file: v?.file ?? c.file, line: v?.line };
    },
  },
  {
    id: 'host.firewall.none', family: F, severity: 'medium',
    title: 'No active firewall found',
    why: 'Seeds 000 and 003: a firewall with only the ports you need open stops services you forgot about from being reachable.',
    fix: 'Enable one: ufw default deny incoming && ufw allow OpenSSH && ufw enable (or nftables/firewalld).',
    run: (ctx) => {
      const ufw = ctx.read(ctx.host('etc/ufw/ufw.conf'));
      if (ufw && /^\s*ENABLED\s*=\s*yes/mi.test(ufw)) return;
      const nft = ctx.read(ctx.host('etc/nftables.conf')) ?? ctx.read(ctx.host('etc/sysconfig/nftables.conf'));
      if (nft && /\bhook\s+input\b/.test(nft) && /policy\s+drop|\bdrop\b|\breject\b/.test(nft)) return;
      if (ctx.stat(ctx.host('etc/firewalld/firewalld.conf')) && ctx.stat(ctx.host('etc/systemd/system/multi-user.target.wants/firewalld.service'))) return;
      if (ctx.stat(ctx.host('etc/iptables/rules.v4')) && /-P INPUT DROP|:INPUT DROP|-j (DROP|REJECT)/.test(ctx.read(ctx.host('etc/iptables/rules.v4')) ?? '')) return;
      if (ctx.host('') !== '/' && !ctx.stat(ctx.host('etc'))) return; // nothing to read under this root
      return { message: 'no enabled ufw, nftables input policy, firewalld or saved iptables rules were found', file: ctx.host('etc') };
    },
  },
  {
    id: 'host.fail2ban.missing', family: F, severity: 'low',
    title: 'fail2ban is not installed',
    why: 'It bans addresses that keep failing to log in over SSH (seeds 000, 003).',
    fix: 'apt install fail2ban (its sshd jail is on by default).',
    run: (ctx) => {
      if (!ctx.stat(ctx.host('etc/ssh/sshd_config'))) return; // no SSH server to protect
      if (!ctx.stat(ctx.host('etc/fail2ban'))) return { message: 'no /etc/fail2ban', file: ctx.host('etc/fail2ban') };
    },
  },
  {
    id: 'host.process.root', family: F, severity: 'high',
    title: 'hardshell runs as root',
    why: 'If the agent is ever turned, the attacker is root (seed 003: run it as a dedicated user).',
    fix: 'Create a user (useradd -m hardshell) and run hardshell as that user.',
    run: (ctx) => {
      if (ctx.uid === 0) return { message: 'this process runs as uid 0 (root)' };
    },
  },
  {
    id: 'host.gateway.public_listener', family: F, severity: 'high',
    title: 'The gateway port is open on every interface',
    why: 'Something listens on the gateway\'s port on 0.0.0.0 or ::, reachable from the network.',
    fix: 'Bind the gateway (or the container port) to 127.0.0.1.',
    run: (ctx): FindingDraft | undefined => {
      const port = ctx.cfg().gateway.port;
      const open = port ? listeningOn(ctx, port) : [];
      if (open.length) return { message: `a socket listens on ${open.join(' and ')}`, file: ctx.host('proc/net/tcp') };
    },
  },
  {
    id: 'host.kernel.aslr', family: F, severity: 'low',
    title: 'Address space randomisation is reduced',
    why: 'ASLR makes memory-corruption exploits much harder.',
    fix: 'sysctl -w kernel.randomize_va_space=2 (and persist it in /etc/sysctl.d).',
    run: (ctx) => {
      const v = ctx.read(ctx.host('proc/sys/kernel/randomize_va_space'))?.trim();
      if (v !== undefined && v !== '2') return { message: `kernel.randomize_va_space is ${v}`, file: ctx.host('proc/sys/kernel/randomize_va_space') };
    },
  },
];
