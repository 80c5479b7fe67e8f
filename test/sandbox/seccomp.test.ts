// The generated seccomp program, run through a small classic-BPF interpreter: every denied
// call, the clone flag check, clone3, personality, x32 and a foreign architecture, for both
// x86_64 and arm64. (The escape tests run the same bytes in the kernel.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  buildSeccompFilter, syscallNumbers, DENIED_SYSCALLS, CLONE_NAMESPACE_FLAGS, ALLOWED_PERSONAS, describeSeccomp, type SeccompArch,
} from '../../src/sandbox/seccomp.ts';

const ALLOW = 0x7fff0000;
const KILL = 0x80000000;
const errno = (n: number) => 0x00050000 | n;
const AUDIT: Record<SeccompArch, number> = { x64: 0xc000003e, arm64: 0xc00000b7 };

/** Runs a seccomp classic-BPF program against one syscall (only the opcodes the generator uses). */
function evaluate(prog: Buffer, data: { nr: number; arch: number; args?: number[] }): number {
  const word = (off: number): number => {
    if (off === 0) return data.nr >>> 0;
    if (off === 4) return data.arch >>> 0;
    if (off >= 16 && off < 64) {
      const i = Math.floor((off - 16) / 8);
      const v = BigInt(data.args?.[i] ?? 0);
      return Number(off % 8 === 0 ? v & 0xffffffffn : (v >> 32n) & 0xffffffffn);
    }
    throw new Error(`load from ${off}`);
  };
  let a = 0;
  for (let pc = 0; pc * 8 < prog.length;) {
    const code = prog.readUInt16LE(pc * 8);
    const jt = prog.readUInt8(pc * 8 + 2);
    const jf = prog.readUInt8(pc * 8 + 3);
    const k = prog.readUInt32LE(pc * 8 + 4);
    pc++;
    switch (code) {
      case 0x20: a = word(k); break;
      case 0x15: pc += a === k ? jt : jf; break;
      case 0x35: pc += a >= k ? jt : jf; break;
      case 0x45: pc += (a & k) >>> 0 ? jt : jf; break;
      case 0x06: return k;
      default: throw new Error(`opcode 0x${code.toString(16)}`);
    }
  }
  throw new Error('fell off the end of the program');
}

for (const arch of ['x64', 'arm64'] as const) {
  const prog = buildSeccompFilter(arch);
  const nr = syscallNumbers(arch);
  const call = (name: string, args: number[] = []) => evaluate(prog, { nr: nr[name], arch: AUDIT[arch], args });

  test(`${arch}: every denied call fails with EPERM`, () => {
    const denied = Object.keys(DENIED_SYSCALLS).filter((n) => nr[n] !== undefined);
    assert.ok(denied.length > 40);
    for (const name of denied) assert.equal(call(name), errno(1), name);
    for (const must of ['ptrace', 'mount', 'unshare', 'setns', 'bpf', 'keyctl', 'io_uring_setup', 'kexec_load', 'init_module', 'perf_event_open', 'userfaultfd', 'open_by_handle_at']) {
      assert.equal(call(must), errno(1), must);
    }
  });

  test(`${arch}: clone with a namespace flag is refused, a plain fork or thread is not; clone3 gets ENOSYS`, () => {
    const SIGCHLD = 17;
    const THREAD = 0x00010000 | 0x00000100 | 0x00000200 | 0x00000400 | 0x00000800 | 0x00080000 | 0x00100000 | 0x00200000 | 0x01000000;
    assert.equal(call('clone', [SIGCHLD]), ALLOW);
    assert.equal(call('clone', [THREAD]), ALLOW);
    assert.equal(call('clone', [0x10000000 | SIGCHLD]), errno(1), 'CLONE_NEWUSER');
    assert.equal(call('clone', [0x00020000 | SIGCHLD]), errno(1), 'CLONE_NEWNS');
    assert.equal(call('clone', [0x40000000]), errno(1), 'CLONE_NEWNET');
    assert.equal(call('clone3'), errno(38));
  });

  test(`${arch}: personality only with harmless values`, () => {
    for (const p of ALLOWED_PERSONAS) assert.equal(call('personality', [p]), ALLOW, p.toString(16));
    assert.equal(call('personality', [0x0040000]), errno(1), 'ADDR_NO_RANDOMIZE');
    assert.equal(call('personality', [0x0400000]), errno(1), 'READ_IMPLIES_EXEC');
  });

  test(`${arch}: ordinary calls pass; a foreign architecture is killed`, () => {
    for (const n of [0, 1, 2, 3, 59, 60, 63, 64, 93, 221, 231]) {
      if (Object.values(nr).includes(n)) continue;
      assert.equal(evaluate(prog, { nr: n, arch: AUDIT[arch] }), ALLOW, String(n));
    }
    assert.equal(evaluate(prog, { nr: 0, arch: 0x40000003 }), KILL, 'i386');
    assert.equal(evaluate(prog, { nr: 0, arch: arch === 'x64' ? AUDIT.arm64 : AUDIT.x64 }), KILL);
  });

  test(`${arch}: any syscall number and clone flags get exactly the expected verdict (property)`, () => {
    const byNumber = new Map(Object.entries(nr).map(([name, n]) => [n, name]));
    fc.assert(fc.property(fc.integer({ min: 0, max: 0x7fffffff }), fc.integer({ min: 0, max: 0xffffffff }), (n, arg) => {
      const got = evaluate(prog, { nr: n, arch: AUDIT[arch], args: [arg] });
      const name = byNumber.get(n);
      let want = ALLOW;
      if (arch === 'x64' && n >= 0x40000000) want = errno(1);
      else if (name === 'clone') want = (arg & CLONE_NAMESPACE_FLAGS) ? errno(1) : ALLOW;
      else if (name === 'clone3') want = errno(38);
      else if (name === 'personality') want = ALLOWED_PERSONAS.includes(arg) ? ALLOW : errno(1);
      else if (name && DENIED_SYSCALLS[name]) want = errno(1);
      assert.equal(got, want);
    }), { numRuns: 3000 });
  });

  test(`${arch}: the policy in words names the denied calls`, () => {
    const d = describeSeccomp(arch);
    assert.equal(d.default, 'allow');
    assert.ok('ptrace' in d.denied && 'unshare' in d.denied);
    assert.ok(d.rules.some((r) => /CLONE_NEWUSER/.test(r)));
  });
}

test('x86_64: x32 system calls are refused', () => {
  const prog = buildSeccompFilter('x64');
  assert.equal(evaluate(prog, { nr: 0x40000000 + 1, arch: AUDIT.x64 }), errno(1));
});
