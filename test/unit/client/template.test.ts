import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { hasPlanTitle } from '../../../shared/planFiles';
import { fillTemplate, isoDate, slugify, suggestedPlanPath, validatePhase, validatePhaseName } from '../../../client/src/logic/template';

const template = fs.readFileSync(path.resolve(__dirname, '../../../templates/plan-template.md'), 'utf8');

describe('New Plan template filling', () => {
  const filled = fillTemplate(template, { phase: '3', name: 'Billing & Invoices', date: '2026-05-04' });

  it('fills the title, Phase, Phase Name, Created and Last Updated', () => {
    const lines = filled.split('\n');
    assert.equal(lines[0], '# Implementation Plan: Phase 3 - Billing & Invoices');
    assert.ok(lines.includes('- **Phase:** 3'));
    assert.ok(lines.includes('- **Phase Name:** Billing & Invoices'));
    assert.ok(lines.includes('- **Created:** 2026-05-04'));
    assert.ok(lines.includes('**Last Updated:** 2026-05-04'));
    assert.ok(hasPlanTitle(filled));
  });

  it('leaves every other placeholder as the template has it', () => {
    assert.ok(filled.includes('- **Target Start:** [YYYY-MM-DD]'));
    assert.ok(filled.includes('- **Target End:** [YYYY-MM-DD]'));
    assert.ok(filled.includes('**Created By:** [Name]'));
    const changed = template.split('\n').filter((line, i) => line !== filled.split('\n')[i]);
    assert.equal(changed.length, 5);
    assert.equal(filled.split('\n').length, template.split('\n').length);
  });

  it('keeps "$" sequences in names literal', () => {
    const out = fillTemplate(template, { phase: '1', name: "Cost $& $1 $'", date: '2026-01-01' });
    assert.ok(out.startsWith("# Implementation Plan: Phase 1 - Cost $& $1 $'\n"));
  });

  it('works on CRLF templates', () => {
    const out = fillTemplate(template.replace(/\n/g, '\r\n'), { phase: '2', name: 'X', date: '2026-01-01' });
    assert.ok(out.startsWith('# Implementation Plan: Phase 2 - X\r\n'));
    assert.ok(out.includes('- **Phase:** 2\r\n'));
  });
});

describe('New Plan inputs', () => {
  it('formats local dates as YYYY-MM-DD', () => {
    assert.equal(isoDate(new Date(2026, 0, 5)), '2026-01-05');
    assert.match(isoDate(), /^\d{4}-\d{2}-\d{2}$/);
  });

  it('validates the phase and name', () => {
    assert.equal(validatePhase('1'), undefined);
    assert.equal(validatePhase('2b'), undefined);
    assert.ok(validatePhase(''));
    assert.ok(validatePhase('1 2'));
    assert.ok(validatePhase('[X]'));
    assert.equal(validatePhaseName('User Accounts'), undefined);
    assert.ok(validatePhaseName('  '));
    assert.ok(validatePhaseName('a\nb'));
    assert.ok(validatePhaseName('[Name]'));
  });

  it('suggests a file under plans/', () => {
    assert.equal(slugify('User Auth & SSO'), 'user-auth-sso');
    assert.equal(slugify('Überprüfung'), 'uberprufung');
    assert.equal(slugify('!!!'), 'plan');
    assert.equal(suggestedPlanPath(' 1 ', 'Authentication'), 'plans/phase-1-authentication.md');
  });
});
