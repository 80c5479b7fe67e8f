// The corpus of deliberately insecure setups: each raises the checks it names; --fix then
// leaves no fixable finding, changes nothing but its targets, and keeps a backup of every
// file whose content it changed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { runAudit } from '../../src/posture/runner.ts';
import { allChecks } from '../../src/posture/checks/index.ts';
import { applyFixes } from '../../src/posture/fixes.ts';
import { build, contextFor, loadCases, snapshot } from './harness.ts';

const cases = loadCases();
const known = new Set(allChecks.map((c) => c.id));

test('the corpus has at least 40 setups and names only real checks', () => {
  assert.ok(cases.length >= 40, `${cases.length} cases`);
  for (const c of cases) for (const id of [...c.expect, ...(c.notExpect ?? [])]) assert.ok(known.has(id), `${c.name} names unknown check ${id}`);
});

for (const c of cases) {
  test(`corpus ${c.name}: ${c.description}`, (t) => {
    const b = build(c);
    t.after(b.cleanup);
    const report = runAudit(contextFor(b));
    const ids = new Set(report.findings.map((f) => f.id));
    const missing = c.expect.filter((id) => !ids.has(id));
    assert.deepEqual(missing, [], `${c.name} should raise ${missing.join(', ')}; it raised ${[...ids].join(', ')}`);
    const unwanted = (c.notExpect ?? []).filter((id) => ids.has(id));
    assert.deepEqual(unwanted, [], `${c.name} should not raise ${unwanted.join(', ')}`);
    for (const f of report.findings) {
      assert.ok(f.message && f.why && f.fix, `${f.id} says what, why and how to fix`);
    }
  });
}

for (const c of cases) {
  test(`--fix on corpus ${c.name}`, (t) => {
    const b = build(c);
    t.after(b.cleanup);
    const before = snapshot(b.root);
    const first = runAudit(contextFor(b));
    const fixes = applyFixes(first.findings);
    assert.deepEqual(fixes.filter((f) => f.error), [], 'every offered fix applies');
    const after = runAudit(contextFor(b));
    const stillFixable = after.findings.filter((f) => f.action).map((f) => f.id);
    assert.deepEqual(stillFixable, [], 'no fixable finding is left');

    // Nothing changed but the targets of the fixes, plus the backups.
    const targets = new Set(first.findings.flatMap((f) => f.action ? [f.action.kind === 'chmod' ? f.action.path : f.action.file] : []));
    const now = snapshot(b.root);
    for (const [p, was] of before) {
      if (targets.has(p)) continue;
      assert.equal(now.get(p), was, `${p} changed though no fix targets it`);
    }
    for (const p of now.keys()) {
      if (before.has(p) || targets.has(p)) continue;
      assert.match(p, /\.bak-\d{4}-\d\d-\d\dT[\d-]+Z$/, `${p} is new and not a backup`);
    }
    // Every file whose content changed has a backup holding the old content.
    for (const f of fixes) {
      if (!f.backup) continue;
      const original = f.target.split(' ')[0];
      assert.equal(readFileSync(f.backup, 'utf8').length > 0 || before.has(original), true);
      assert.match(now.get(f.backup)!, /^file 600 /, 'backups are private');
    }
    for (const f of fixes.filter((x) => x.backup)) {
      const original = f.target.split(' ')[0];
      const was = before.get(original)!.split(' ').pop();
      const backupHash = now.get(f.backup!)!.split(' ').pop();
      assert.equal(backupHash, was, `the backup of ${original} holds its old content`);
    }
  });
}

test('tools.elevated: with exec the finding says approved commands run on the host; other tools only ask', (t) => {
  const message = (elevated: string[]) => {
    const b = build({ name: 'elevated', description: '', config: { tools: { elevated } }, expect: [] });
    t.after(b.cleanup);
    return runAudit(contextFor(b)).findings.find((f) => f.id === 'tools.elevated.nonempty')?.message ?? '';
  };
  assert.match(message(['exec', 'write']), /includes exec, so every command a person approves under it runs on the host, unsandboxed/);
  assert.match(message(['write']), /every call to these tools asks a person; none of them runs outside the sandbox/);
  assert.equal(message([]), '');
});
