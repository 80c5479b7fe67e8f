// The seccomp filter every sandboxed process runs under, built here as classic BPF bytes
// (struct sock_filter[]) so no libseccomp is needed. Everything is allowed except the calls
// that reach the kernel's attack surface or help an escape: those fail with EPERM, clone3
// fails with ENOSYS (libc then falls back to clone, whose flags can be checked), and a
// syscall made with another architecture's numbers kills the process.

export type SeccompArch = 'x64' | 'arm64';

const EPERM = 1;
const ENOSYS = 38;

const RET_KILL_PROCESS = 0x80000000;
const RET_ERRNO = 0x00050000;
const RET_ALLOW = 0x7fff0000;

// BPF opcodes (linux/bpf_common.h).
const LD_W_ABS = 0x20;
const JEQ_K = 0x15;
const JGE_K = 0x35;
const JSET_K = 0x45;
const RET_K = 0x06;

// struct seccomp_data offsets: nr, arch, instruction_pointer, args[6] (little-endian: low word first).
const OFF_NR = 0;
const OFF_ARCH = 4;
const OFF_ARG0_LOW = 16;

const AUDIT_ARCH: Record<SeccompArch, number> = { x64: 0xc000003e, arm64: 0xc00000b7 };
/** x32 syscalls on x86_64 carry this bit; none of them is needed. */
const X32_SYSCALL_BIT = 0x40000000;

/** Namespace flags that clone() must not carry (CLONE_NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET). */
export const CLONE_NAMESPACE_FLAGS = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000;

/** personality() values that are harmless (PER_LINUX, PER_LINUX32, UNAME26 variants, query). */
export const ALLOWED_PERSONAS = [0x0, 0x8, 0x20000, 0x20008, 0xffffffff];

/** Denied with EPERM, with why (for `hardshell sandbox explain`). */
export const DENIED_SYSCALLS: Record<string, string> = {
  ptrace: 'tracing other processes',
  process_vm_readv: 'reading another process\'s memory',
  process_vm_writev: 'writing another process\'s memory',
  kcmp: 'comparing kernel objects of other processes',
  pidfd_getfd: 'stealing another process\'s file descriptors',
  mount: 'mounting file systems',
  umount2: 'unmounting file systems',
  mount_setattr: 'changing mount flags',
  open_tree: 'new mount API',
  open_tree_attr: 'new mount API',
  move_mount: 'new mount API',
  fsopen: 'new mount API',
  fsconfig: 'new mount API',
  fsmount: 'new mount API',
  fspick: 'new mount API',
  pivot_root: 'changing the root file system',
  chroot: 'changing the root file system',
  unshare: 'creating namespaces',
  setns: 'entering namespaces',
  bpf: 'loading BPF programs',
  keyctl: 'the kernel keyring',
  add_key: 'the kernel keyring',
  request_key: 'the kernel keyring',
  io_uring_setup: 'io_uring (bypasses seccomp)',
  io_uring_enter: 'io_uring (bypasses seccomp)',
  io_uring_register: 'io_uring (bypasses seccomp)',
  kexec_load: 'loading a new kernel',
  kexec_file_load: 'loading a new kernel',
  init_module: 'loading kernel modules',
  finit_module: 'loading kernel modules',
  delete_module: 'unloading kernel modules',
  perf_event_open: 'performance counters (kernel attack surface)',
  userfaultfd: 'userfaultfd (used to win kernel races)',
  swapon: 'swap',
  swapoff: 'swap',
  reboot: 'rebooting',
  acct: 'process accounting',
  open_by_handle_at: 'opening files by handle (escapes bind mounts)',
  name_to_handle_at: 'file handles',
  lookup_dcookie: 'kernel profiling',
  syslog: 'the kernel log',
  quotactl: 'disk quotas',
  vhangup: 'hanging up terminals',
  settimeofday: 'setting the clock',
  clock_settime: 'setting the clock',
  clock_adjtime: 'setting the clock',
  adjtimex: 'setting the clock',
  iopl: 'raw I/O ports',
  ioperm: 'raw I/O ports',
  uselib: 'obsolete',
  create_module: 'obsolete',
  get_kernel_syms: 'obsolete',
  query_module: 'obsolete',
  nfsservctl: 'obsolete',
  _sysctl: 'obsolete',
  sysfs: 'obsolete',
  ustat: 'obsolete',
};

/** Syscall numbers per architecture (from the kernel's unistd tables). */
const NUMBERS: Record<SeccompArch, Record<string, number>> = {
  x64: {
    ptrace: 101, process_vm_readv: 310, process_vm_writev: 311, kcmp: 312, pidfd_getfd: 438,
    mount: 165, umount2: 166, mount_setattr: 442, open_tree: 428, open_tree_attr: 467, move_mount: 429,
    fsopen: 430, fsconfig: 431, fsmount: 432, fspick: 433, pivot_root: 155, chroot: 161,
    unshare: 272, setns: 308, bpf: 321, keyctl: 250, add_key: 248, request_key: 249,
    io_uring_setup: 425, io_uring_enter: 426, io_uring_register: 427, kexec_load: 246, kexec_file_load: 320,
    init_module: 175, finit_module: 313, delete_module: 176, perf_event_open: 298, userfaultfd: 323,
    swapon: 167, swapoff: 168, reboot: 169, acct: 163, open_by_handle_at: 304, name_to_handle_at: 303,
    lookup_dcookie: 212, syslog: 103, quotactl: 179, vhangup: 153, settimeofday: 164, clock_settime: 227,
    clock_adjtime: 305, adjtimex: 159, iopl: 172, ioperm: 173, uselib: 134, create_module: 174,
    get_kernel_syms: 177, query_module: 178, nfsservctl: 180, _sysctl: 156, sysfs: 139, ustat: 136,
    clone: 56, clone3: 435, personality: 135,
  },
  arm64: {
    ptrace: 117, process_vm_readv: 270, process_vm_writev: 271, kcmp: 272, pidfd_getfd: 438,
    mount: 40, umount2: 39, mount_setattr: 442, open_tree: 428, open_tree_attr: 467, move_mount: 429,
    fsopen: 430, fsconfig: 431, fsmount: 432, fspick: 433, pivot_root: 41, chroot: 51,
    unshare: 97, setns: 268, bpf: 280, keyctl: 219, add_key: 217, request_key: 218,
    io_uring_setup: 425, io_uring_enter: 426, io_uring_register: 427, kexec_load: 104, kexec_file_load: 294,
    init_module: 105, finit_module: 273, delete_module: 106, perf_event_open: 241, userfaultfd: 282,
    swapon: 224, swapoff: 225, reboot: 142, acct: 89, open_by_handle_at: 265, name_to_handle_at: 264,
    lookup_dcookie: 18, syslog: 116, quotactl: 60, vhangup: 58, settimeofday: 170, clock_settime: 112,
    clock_adjtime: 266, adjtimex: 171, nfsservctl: 42,
    clone: 220, clone3: 435, personality: 92,
  },
};

/** Maps Node's process.arch onto a filter architecture, or says why there is none. */
export function seccompArch(arch: string = process.arch): SeccompArch {
  if (arch === 'x64' || arch === 'arm64') return arch;
  throw new Error(`hardshell's seccomp filter is built for x86_64 and arm64 only, and this machine is ${arch}: sandboxed commands cannot run here`);
}

export function syscallNumbers(arch: SeccompArch): Readonly<Record<string, number>> {
  return NUMBERS[arch];
}

interface Insn { code: number; jt: number | string; jf: number | string; k: number; label?: string }

/** Builds the filter program for `arch`: 8 bytes per instruction, native (little-endian) order. */
export function buildSeccompFilter(arch: SeccompArch = seccompArch()): Buffer {
  const nr = NUMBERS[arch];
  const prog: Insn[] = [];
  const op = (code: number, k: number, jt: number | string = 0, jf: number | string = 0) => prog.push({ code, jt, jf, k });
  const label = (name: string) => { prog.push({ code: -1, jt: 0, jf: 0, k: 0, label: name }); };

  op(LD_W_ABS, OFF_ARCH);
  op(JEQ_K, AUDIT_ARCH[arch], 1, 0);
  op(RET_K, RET_KILL_PROCESS);
  op(LD_W_ABS, OFF_NR);
  if (arch === 'x64') op(JGE_K, X32_SYSCALL_BIT, 'eperm', 0);
  op(JEQ_K, nr.clone, 'clone', 0);
  op(JEQ_K, nr.personality, 'personality', 0);
  op(JEQ_K, nr.clone3, 'enosys', 0);
  for (const name of Object.keys(DENIED_SYSCALLS)) {
    if (nr[name] !== undefined) op(JEQ_K, nr[name], 'eperm', 0);
  }
  op(RET_K, RET_ALLOW);

  label('clone');
  op(LD_W_ABS, OFF_ARG0_LOW);
  op(JSET_K, CLONE_NAMESPACE_FLAGS, 'eperm', 'allow');

  label('personality');
  op(LD_W_ABS, OFF_ARG0_LOW);
  for (const persona of ALLOWED_PERSONAS) op(JEQ_K, persona, 'allow', 0);
  op(RET_K, RET_ERRNO | EPERM);

  label('eperm');
  op(RET_K, RET_ERRNO | EPERM);
  label('enosys');
  op(RET_K, RET_ERRNO | ENOSYS);
  label('allow');
  op(RET_K, RET_ALLOW);

  return assemble(prog);
}

/** Resolves label jumps into relative offsets and writes the instructions out. */
function assemble(prog: Insn[]): Buffer {
  const labels = new Map<string, number>();
  const real: Insn[] = [];
  for (const insn of prog) {
    if (insn.label) labels.set(insn.label, real.length);
    else real.push(insn);
  }
  const buf = Buffer.alloc(real.length * 8);
  real.forEach((insn, i) => {
    const offset = (target: number | string) => {
      if (typeof target === 'number') return target;
      const at = labels.get(target);
      if (at === undefined) throw new Error(`seccomp: no label ${target}`);
      const rel = at - (i + 1);
      if (rel < 0 || rel > 255) throw new Error(`seccomp: jump to ${target} out of range (${rel})`);
      return rel;
    };
    buf.writeUInt16LE(insn.code, i * 8);
    buf.writeUInt8(offset(insn.jt), i * 8 + 2);
    buf.writeUInt8(offset(insn.jf), i * 8 + 3);
    buf.writeUInt32LE(insn.k >>> 0, i * 8 + 4);
  });
  return buf;
}

/** The policy in words, for `hardshell sandbox explain`. */
export function describeSeccomp(arch: SeccompArch): { default: string; denied: Record<string, string>; rules: string[] } {
  const denied: Record<string, string> = {};
  for (const [name, why] of Object.entries(DENIED_SYSCALLS)) if (NUMBERS[arch][name] !== undefined) denied[name] = why;
  return {
    default: 'allow',
    denied,
    rules: [
      'denied calls fail with EPERM',
      'clone with any namespace flag (CLONE_NEWUSER, CLONE_NEWNS, ...) fails with EPERM',
      'clone3 fails with ENOSYS, so libc falls back to clone, whose flags can be checked',
      `personality only with ${ALLOWED_PERSONAS.map((p) => `0x${p.toString(16)}`).join(', ')}; anything else fails with EPERM`,
      ...(arch === 'x64' ? ['x32 system calls fail with EPERM'] : []),
      'a system call made with another architecture\'s numbers kills the process',
    ],
  };
}
