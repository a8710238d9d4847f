// Issue #12 rules on their own: placeholders of the template's kind only, sign-off read in the
// forms people write it. The whole-plan variants are in variants.test.ts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parsePlan } from '../../../server/src/plan';
import { isPlaceholderText } from '../../../server/src/plan/facts';
import { computeDiagnostics, isApproval } from '../../../server/src/features/diagnostics';
import { DEFAULT_SETTINGS } from '../../../shared/settings';

const filled = fs.readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'filled.plan.md'), 'utf8');
const codes = (text: string) => computeDiagnostics(parsePlan(text, { uri: 'file:///p.plan.md' }), DEFAULT_SETTINGS).map((d) => String(d.code));

describe('placeholders are the template\'s shapes only', () => {
  for (const text of ['Name', 'YYYY-MM-DD', 'What this phase will accomplish', 'e.g., React, Express', 'Jest, Mocha, etc.', 'Phase Name', 'X', 'table', 'How to prevent/handle']) {
    test(`[${text}] is a placeholder`, () => assert.ok(isPlaceholderText(text)));
  }
  for (const text of ['WIP', 'Blocked', 'optional', '1, 2, 3', 'In Progress', 'P1', 'a, b', 'API']) {
    test(`[${text}] is not`, () => assert.ok(!isPlaceholderText(text)));
  }
  test('tags in prose give no finding', () => {
    const text = filled.replace('Let people sign up,', 'Let people [WIP] sign up [optional] in steps [1, 2, 3] [Blocked],');
    assert.deepEqual(codes(text), []);
  });
});

describe('sign-off', () => {
  for (const value of ['Yes', 'yes', 'Y', '✅', '✅ Yes', 'Yes (2026-03-20)', 'Approved']) {
    test(`"${value}" is an approval`, () => assert.ok(isApproval(value)));
  }
  for (const value of ['No', 'Yes/No', '[Yes/No]', '❌ No', 'Pending', '']) {
    test(`"${value}" is not`, () => assert.ok(!isApproval(value)));
  }
  const unreviewed = filled.replace('**Reviewed By:** Grace Hopper\n', '');
  test('**Approved:** ✅ Yes with no reviewer is caught', () => {
    assert.deepEqual(codes(unreviewed.replace('**Approved:** Yes', '**Approved:** ✅ Yes')), ['approved-unreviewed']);
  });
  test('bullets without bold are read', () => {
    const text = filled.replace(/\*\*(Created By|Reviewed By|Approved|Last Updated):\*\*/g, '- $1:');
    assert.deepEqual(codes(text), []);
    assert.deepEqual(codes(text.replace('- Reviewed By: Grace Hopper', '- Reviewed By: TBD')), ['approved-unreviewed']);
  });
  test('a sign-off table is read', () => {
    const footer = /\*\*Created By:\*\*[\s\S]*$/;
    const table = (reviewer: string) =>
      `| Role | Value |\n|---|---|\n| Created By | Ada Lovelace |\n| Reviewed By | ${reviewer} |\n| Approved | ✅ Yes |\n| Last Updated | 2026-03-06 |\n`;
    assert.deepEqual(codes(filled.replace(footer, table('Grace Hopper'))), []);
    assert.deepEqual(codes(filled.replace(footer, table(''))), ['approved-unreviewed']);
    const wide = '| Created By | Reviewed By | Approved | Last Updated |\n|---|---|---|---|\n| Ada | [Name] | Yes | 2026-03-06 |\n';
    assert.deepEqual(codes(filled.replace(footer, wide)).filter((c) => c !== 'placeholder'), ['approved-unreviewed']);
  });
});
