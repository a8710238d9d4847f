// Which Markdown documents are plans: the planmark.files globs and the title rule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasPlanTitle, isPlanDocument, pathForGlobs } from '../../shared/planFiles';
import { DEFAULT_SETTINGS } from '../../shared/settings';

const globs = DEFAULT_SETTINGS.files;

test('files matching the default globs are plans, other Markdown is not', () => {
  assert.equal(isPlanDocument('/repo/docs/phase-1.plan.md', '# Notes', globs, ['/repo']), true);
  assert.equal(isPlanDocument('/repo/plans/phase-1.md', '# Notes', globs, ['/repo']), true);
  assert.equal(isPlanDocument('/repo/plans/2026/q1/phase-1.md', '# Notes', globs, ['/repo']), true);
  assert.equal(isPlanDocument('/repo/README.md', '# Notes', globs, ['/repo']), false);
});

test('a folder named "plans" above the workspace does not make its files plans', () => {
  assert.equal(pathForGlobs('/home/ada/plans/repo/README.md', ['/home/ada/plans/repo']), 'README.md');
  assert.equal(isPlanDocument('/home/ada/plans/repo/README.md', '# Read me', globs, ['/home/ada/plans/repo']), false);
  // The innermost folder wins in a multi-root workspace.
  assert.equal(pathForGlobs('/w/a/b/plans/x.md', ['/w', '/w/a/b']), 'plans/x.md');
});

test('a document whose first heading starts with "Implementation Plan" is a plan wherever it is', () => {
  assert.equal(isPlanDocument('/repo/notes.md', '# Implementation Plan: Phase 3 - Billing\n', globs, ['/repo']), true);
  assert.equal(hasPlanTitle('```\n# Implementation Plan\n```\n# Notes\n'), false, 'a heading inside a code block does not count');
  assert.equal(hasPlanTitle('# Notes\n\n# Implementation Plan\n'), false, 'only the first heading counts');
});
