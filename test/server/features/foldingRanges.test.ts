import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FoldingRangeKind } from 'vscode-languageserver-types';
import { parsePlan } from '../../../server/src/plan';
import { foldingRanges } from '../../../server/src/features/foldingRanges';
import { FILLED, URI } from '../testUtil';


/** Folding ranges as "start-end" with 1-based lines, as the editor's gutter shows them. */
function folds(text: string): string[] {
  const ranges = foldingRanges(parsePlan(text, { uri: URI }));
  for (const r of ranges) {
    assert.equal(r.kind, FoldingRangeKind.Region);
    assert.ok(r.endLine > r.startLine, 'a fold spans lines');
  }
  return ranges.map((r) => `${r.startLine + 1}-${r.endLine + 1}`);
}

describe('folding ranges', () => {
  const ranges = folds(FILLED);

  it('gives one range per section, from its heading to its last non-blank line', () => {
    const lines = FILLED.split('\n');
    const headings = lines.flatMap((l, i) => (/^#{1,6} /.test(l) ? [i + 1] : []));
    assert.equal(ranges.length, headings.length, 'every section of the fixture has content');
    assert.deepEqual(
      ranges.map((r) => Number(r.split('-')[0])),
      headings,
    );
    for (const r of ranges) {
      const end = Number(r.split('-')[1]);
      assert.notEqual(lines[end - 1].trim(), '', `fold ${r} ends on a blank line`);
      assert.ok(!/^#{1,6} /.test(lines[end - 1]) || r.startsWith(`${end}-`), `fold ${r} swallows the next heading`);
    }
  });

  it('ends each section right before the next heading of its level or higher', () => {
    for (const expected of [
      '1-247', // the title: the whole plan, sign-off included
      '3-8', // Overview
      '10-11', // Objectives
      '13-30', // Technical Strategy, through its sub-sections
      '15-17', // Architecture Decisions
      '22-30', // Code Organization, ending on its code fence
      '80-98', // Implementation Sequence
      '82-86', // Step 1
      '100-118', // Task Breakdown: the graph and the table
      '214-217', // Rollback Plan
      '238-247', // Review Checklist, with the sign-off footer
    ]) {
      assert.ok(ranges.includes(expected), `expected a fold ${expected}; got ${ranges.join(' ')}`);
    }
  });

  it('gives no range to a heading with nothing under it, and handles CRLF', () => {
    assert.deepEqual(folds('# Implementation Plan\n\n## Overview\n\n## Objectives\nShip it.\n\n\n'), ['1-6', '5-6']);
    assert.deepEqual(folds('# Implementation Plan\r\n\r\n## Overview\r\n- **Phase:** 1\r\n\r\n## Objectives\r\nShip it.\r\n'), ['1-7', '3-4', '6-7']);
  });

  it('does not treat a # line inside a code block as a section', () => {
    assert.deepEqual(folds('# Implementation Plan\n\n## Deployment\n```bash\n# build\nnpm run build\n```\n'), ['1-7', '3-7']);
  });
});
