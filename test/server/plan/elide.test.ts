// The blocks of a plan parsed with long table bodies and code contents left out of remark's
// input (server/src/plan/elide.ts) equal those of one remark parse of the whole text: over the
// generated plans, every fixture plan (cutting wherever a cut may go), and random documents of
// runs of pipe lines, fences and everything that could end, open or interrupt them.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { generateChain, generatePlan } from '../../../bench/generatePlan';
import { findHostileSegments, parseBlocks, parseMarkdown, withLineFeeds } from '../../../server/src/plan/blocks';
import { cutSettings, findCuts } from '../../../server/src/plan/elide';
import { extractBlockFacts } from '../../../server/src/plan/facts';
import { loadFixtures } from '../../robustness/harness';

const ctx = { taskIdPattern: String.raw`TASK_\d+|T\d{3}` };

/** Blocks as one remark parse of the whole text gives them. */
function wholeParse(text: string) {
  const source = withLineFeeds(text);
  return parseMarkdown(source, true).children.map((node) => {
    const start = node.position!.start.offset!;
    return { start, end: node.position!.end.offset!, facts: extractBlockFacts(node, source, start, ctx) };
  });
}

function assertSameAsWholeParse(text: string, name: string): void {
  // (Texts remark is not given whole, hostile ones, are outside this property.)
  if (text.charCodeAt(0) === 0xfeff || findHostileSegments(text, 0, text.length).length > 0) return;
  assert.deepStrictEqual(parseBlocks(text, 0, text.length, ctx), wholeParse(text), name);
}

function withMinLines<T>(minLines: number, fn: () => T): T {
  const saved = cutSettings.minLines;
  cutSettings.minLines = minLines;
  try {
    return fn();
  } finally {
    cutSettings.minLines = saved;
  }
}

describe('parsing with long runs left out of remark equals one whole parse', () => {
  test('generated plans and chains, LF and CRLF', () => {
    for (const eol of ['\n', '\r\n', '\r']) {
      const { text } = generatePlan(120, { eol });
      assert.ok(findCuts(withLineFeeds(text), 0).some((c) => c.rows), 'the task table is cut');
      assertSameAsWholeParse(text, `plan ${JSON.stringify(eol)}`);
    }
    assertSameAsWholeParse(generateChain(300, true), 'chain');
  });

  test('every fixture plan, cut wherever a cut may go', () => {
    const fixtures = loadFixtures();
    assert.ok(fixtures.length > 20);
    let cut = 0;
    withMinLines(1, () => {
      for (const { name, text } of fixtures) {
        cut += findCuts(withLineFeeds(text), 0).length;
        assertSameAsWholeParse(text, name);
      }
    });
    assert.ok(cut > fixtures.length, 'the fixtures have runs to cut');
    for (const { name, text } of fixtures) assertSameAsWholeParse(text, name);
  });

  const LINES = [
    '',
    '   ',
    '| Task | Depends On | Estimated Hours |',
    '|------|-----------|----------------|',
    '| --- | --- |',
    '|---|',
    '| TASK_001 | TASK_002 | 3 |',
    '| TASK_003 | [Name] | X |',
    '|',
    '||',
    '| a',
    '   | indented three |',
    '    | indented four |',
    '\t| tab |',
    '| <!-- |',
    '| --> |',
    '| ``` |',
    '| ~~~ |',
    '| \\| escaped | `code | x` |',
    '| **bold** | _em_ | <b>x</b> |',
    '| http://x.y www.z.com a@b.co |',
    'Task | Depends On',
    '--- | ---',
    'a | b',
    'plain paragraph text TASK_004',
    '```',
    '````',
    '```mermaid',
    '~~~',
    '~~~~ js',
    '   ```',
    '    ```',
    '\t```',
    '``` not ` closing',
    'graph TD',
    '    TASK_001 --> TASK_002',
    '<!--',
    '-->',
    '<!-- planmark-disable-line unknown-task -->',
    '<div>',
    '</div>',
    '<pre>',
    '</pre>',
    '<?php',
    '?>',
    '# Heading',
    '## Task Breakdown with Dependencies',
    '---',
    '===',
    '***',
    '- item',
    '- | listed pipe |',
    '  | continuation |',
    '1. item',
    '> quote',
    '> | quoted pipe |',
    '[Name]: /url',
    '[^1]: note',
    '**Tasks:** [TASK_001, TASK_002]',
    '    indented code',
    'title: x',
    '+++',
  ];
  const line = fc.constantFrom(...LINES);
  // A document: runs of one line repeated (long enough to cut) and single lines between them.
  const segment = fc.oneof(
    { weight: 2, arbitrary: line.map((l) => [l]) },
    { weight: 3, arbitrary: fc.tuple(line, fc.integer({ min: 2, max: 14 })).map(([l, n]) => Array<string>(n).fill(l)) },
    { weight: 2, arbitrary: fc.array(line, { minLength: 2, maxLength: 12 }) },
  );
  const document = fc.tuple(fc.array(segment, { minLength: 1, maxLength: 12 }), fc.constantFrom('\n', '\r\n', '\r'), fc.boolean()).map(
    ([segments, eol, finalEol]) => segments.flat().join(eol) + (finalEol ? eol : ''),
  );

  test('random documents of pipe runs, fences and what interrupts them', () => {
    withMinLines(1, () => {
      fc.assert(
        fc.property(document, (text) => assertSameAsWholeParse(text, JSON.stringify(text))),
        { seed: 20261203, numRuns: 800 },
      );
    });
  });

  test('random table rows with any characters inside a long table', () => {
    const cell = fc.string({ unit: fc.constantFrom(...'|\\`*_~[]()<>!&:@#-=+.!? aTASK_0019wx'.split(''), '<!--', '-->', 'www.', '```', '\t'), maxLength: 12 });
    const row = fc.array(cell, { minLength: 1, maxLength: 4 }).map((cells) => `| ${cells.join(' | ')} |`);
    const table = fc.tuple(fc.array(row, { minLength: 1, maxLength: 30 }), fc.array(line, { maxLength: 3 })).map(
      ([rows, after]) => ['| Task | Depends On | Estimated Hours |', '|---|---|---|', ...rows, ...after].join('\n'),
    );
    withMinLines(1, () => {
      fc.assert(
        fc.property(table, (text) => assertSameAsWholeParse(text, JSON.stringify(text))),
        { seed: 20261204, numRuns: 400 },
      );
    });
  });
});
