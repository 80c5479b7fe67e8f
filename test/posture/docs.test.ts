// docs/security-audit.md lists every check with its severity, and check IDs are well formed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allChecks } from '../../src/posture/checks/index.ts';
import { deepChecks } from '../../src/posture/deep.ts';
import { openclawChecks } from '../../src/posture/openclaw.ts';

const doc = readFileSync(join(import.meta.dirname, '../../docs/security-audit.md'), 'utf8');

test('at least 120 checks, unique dotted ids that start with their family', () => {
  const checks = [...allChecks, ...deepChecks, ...openclawChecks];
  assert.ok(allChecks.length >= 120, `${allChecks.length}`);
  assert.equal(new Set(checks.map((c) => c.id)).size, checks.length);
  for (const c of checks) {
    assert.match(c.id, /^[a-z]+(\.[a-z0-9_]+){1,}$/, c.id);
    assert.equal(c.id.split('.')[0], c.family, c.id);
    assert.ok(c.title && c.why && c.fix, `${c.id} has a title, a why and a fix`);
  }
});

test('docs/security-audit.md documents every check id with its severity', () => {
  for (const c of [...allChecks, ...deepChecks, ...openclawChecks]) {
    assert.ok(doc.includes(`| \`${c.id}\` | ${c.severity} |`), `${c.id} (${c.severity}) is in docs/security-audit.md`);
  }
});
