// `hardshell init --preset personal|team|strict`: seed 003's three tiers written as config.
// Each preset is the commented default template with its values tightened in place (the
// same in-place edit --fix uses), so every line keeps its explanation.
import { defaultConfigText } from '../config/template.ts';
import { replaceValue } from './fixes.ts';
import type { Tier } from './tiers.ts';

export const PRESETS = ['personal', 'team', 'strict'] as const;
export type Preset = (typeof PRESETS)[number];

export const PRESET_TIER: Record<Preset, Tier> = { personal: 'basic', team: 'standard', strict: 'defence-in-depth' };

interface Edit { path: string[]; value: string }

const AGENT_DEFAULTS: Record<Preset, string> = {
  personal: `{
      // Every agent runs its tools sandboxed, one sandbox per conversation.
      sandbox: { mode: "all", scope: "session" },
      // A runaway loop stops here instead of at your provider's bill (seed 000).
      budgets: { maxTokensPerTurn: 200000, maxTokensPerDay: 2000000 },
    }`,
  team: `{
      // Every agent sandboxed, one sandbox per conversation; sandboxed code reads the
      // workspace but its writes are thrown away.
      sandbox: { mode: "all", scope: "session", workspaceAccess: "ro" },
      // New people who message the agent need your approval first.
      dm: { policy: "pairing" },
      groups: { policy: "allowlist", allowFrom: [], requireMention: true },
      budgets: { maxTokensPerTurn: 200000, maxTokensPerDay: 5000000, maxConcurrentTurns: 8, maxRepeatedCalls: 5 },
      maxSteps: 40,
    }`,
  strict: `{
      // A fresh sandbox for every command, with no view of the workspace's real files.
      sandbox: { mode: "all", scope: "invocation", workspaceAccess: "ro" },
      // Nobody may message the agent on chat apps until you list them here.
      dm: { policy: "allowlist", allowFrom: [] },
      groups: { policy: "disabled" },
      budgets: { maxTokensPerTurn: 100000, maxTokensPerDay: 1000000, maxConcurrentTurns: 2, maxRepeatedCalls: 3 },
      maxSteps: 20,
    }`,
};

const EDITS: Record<Preset, Edit[]> = {
  personal: [],
  team: [
    { path: ['security', 'auth', 'maxAgeDays'], value: '90' },
  ],
  strict: [
    // Weekly rotation (seed 003, tier 3).
    { path: ['security', 'auth', 'maxAgeDays'], value: '7' },
    { path: ['security', 'rateLimit'], value: '{ enabled: true, requests: 5, window: 1000 }' },
    // Untrusted content in a session: side effects are refused outright, not asked about.
    { path: ['security', 'injection', 'mode'], value: '"deny"' },
    { path: ['tools', 'profile'], value: '"files"' },
    { path: ['tools', 'exec', 'approvalTimeout'], value: '120000' },
    { path: ['logging', 'redactSensitive'], value: '"all"' },
  ],
};

export function isPreset(name: string): name is Preset {
  return (PRESETS as readonly string[]).includes(name);
}

export function presetConfigText(preset: Preset): string {
  let text = defaultConfigText();
  for (const edit of [{ path: ['agents', 'defaults'], value: AGENT_DEFAULTS[preset] }, ...EDITS[preset]]) {
    const next = replaceValue(text, edit.path, edit.value);
    if (!next) throw new Error(`the config template has no ${edit.path.join('.')} to set for the ${preset} preset`);
    text = next.text;
  }
  return text.replace(/^\/\/ Every value below is the built-in secure default, so deleting a line changes nothing\.\n/m,
    `// Preset "${preset}": seed 003's ${PRESET_TIER[preset]} tier. Values tightened beyond the built-in\n// defaults are written here; \`hardshell security audit\` says which tier this install meets.\n`);
}
