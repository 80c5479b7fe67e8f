// The configuration as a whole: does it load, and which seed spellings it uses.
import type { Check } from '../types.ts';

const F = 'config' as const;

export const configChecks: Check[] = [
  {
    id: 'config.invalid', family: F, severity: 'critical',
    title: 'Configuration does not load',
    why: 'The gateway refuses to start with an invalid configuration, and the checks that read it cannot run.',
    fix: 'Run hardshell config validate and fix each problem it names.',
    run: (ctx) => {
      if (ctx.configError) return { message: ctx.configError.message.split('\n').slice(0, 5).join('; '), file: ctx.paths.config };
    },
  },
  {
    id: 'config.missing', family: F, severity: 'info',
    title: 'No configuration file: built-in defaults apply',
    why: 'The defaults are secure; this only says nothing was customised.',
    fix: 'Run hardshell init to write the commented defaults.',
    run: (ctx) => {
      if (ctx.loaded && !ctx.loaded.exists) return { message: `${ctx.paths.config} does not exist`, file: ctx.paths.config };
    },
  },
  {
    id: 'config.aliases', family: F, severity: 'info',
    title: 'Configuration uses seed spellings',
    why: 'They work (they are aliases), but the canonical keys are what the docs describe.',
    fix: 'Rename them to the canonical keys (hardshell config validate lists each).',
    run: (ctx) => (ctx.loaded?.aliases ?? []).map((a) => ({ message: `${a.from} is read as ${a.to}`, file: a.file, line: a.line, key: a.from })),
  },
];
