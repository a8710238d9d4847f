// updateFlowchartLine (server/src/plan/mermaid.ts) against parseMermaidFlowchart: after an edit
// inside one line of a flowchart, the chart it gives (when it gives one) equals a parse of the
// whole new text, field by field; random charts of every statement form, random edits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseMermaidFlowchart, updateFlowchartLine } from '../../../server/src/plan/mermaid';

const PATTERN = String.raw`TASK[_-]\d+`;

const ALIASES = ['A', 'B', 'C', 'TASK_001', 'TASK_002', 'TASK_010', 'x', 'o', 'end', 'Node-1'];
const LINES = [
  (a: string, b: string) => `    ${a} --> ${b}`,
  (a: string, b: string) => `${a} & ${b} --> C`,
  (a: string, b: string) => `  ${a}[${b}: label TASK_003] --- ${b}`,
  (a: string, b: string) => `${a} -->|yes| ${b}(round)`,
  (a: string, b: string) => `${a} -- text --> ${b}`,
  (a: string, b: string) => `${a} -.-> ${b} ==> C`,
  (a: string) => `${a}[${a}]`,
  (a: string) => `${a}{{hex}}`,
  (a: string, b: string) => `${a}["quoted ${b}"] --> ${b}`,
  (a: string) => `${a}@{ shape: rect, label: "TASK_004" }`,
  (a: string, b: string) => `${a} --> ${b};`,
  (a: string) => `${a} -->`,
  (_a: string, b: string) => `--> ${b}`,
  (a: string) => `style ${a} fill:#f9f`,
  (a: string) => `class ${a},B crit`,
  (a: string) => `click ${a} href "x"`,
  () => 'subgraph S [Title]',
  () => 'end',
  () => '%% a comment',
  () => '',
  () => '   ',
  (a: string) => `${a}:::cls --> B`,
  (a: string, b: string) => `${a} --x ${b}\r`,
  (a: string) => `| ${a} |`,
  (a: string) => `# ${a}`,
  // Strings and shape data running over lines.
  (a: string) => `${a}["opened`,
  (_a: string, b: string) => `closed"] --> ${b}`,
  () => 'closed"]',
  (a: string) => `${a}@{ shape: rect,`,
  () => '  label: x }',
];

/** Lines whose strings, shape data, comments or joins reach past them: fewer, so that some charts have none. */
const CROSSING = /["{}%;]|^\s*-->|-->$/;
const form = (tricky: boolean) =>
  fc
    .tuple(fc.constantFrom(...LINES.filter((l) => CROSSING.test(l('A', 'B')) === tricky)), fc.constantFrom(...ALIASES), fc.constantFrom(...ALIASES))
    .map(([l, a, b]) => l(a, b));
const line = fc.oneof({ weight: 12, arbitrary: form(false) }, { weight: 1, arbitrary: form(true) });
const chart = fc.tuple(fc.constantFrom('graph TD', 'flowchart LR', 'graph', 'graph TD;', '%% first'), fc.array(line, { minLength: 1, maxLength: 14 })).map(([h, ls]) => [h, ...ls].join('\n') + '\n');

const TYPED = ['x', ' ', '&', '-', '>', '-->', ' --> TASK_002', ' & TASK_001', '[', ']', 'TASK_0', '"', '{', '}', '%', ';', '|', '#', '`', 'o', ':::', 'end', 'A[lbl]', '\r'];

test('an edit inside one line of a flowchart: the updated chart equals a parse of the new text', () => {
  let updated = 0;
  let edits = 0;
  fc.assert(
    fc.property(chart, fc.nat(), fc.nat(), fc.nat(60), fc.constantFrom(...TYPED), fc.boolean(), (source, lineChoice, at, length, typed, remove) => {
      const old = parseMermaidFlowchart(source, PATTERN);
      if (!old) return;
      const starts = [0];
      for (let i = 0; i < source.length; i++) if (source[i] === '\n') starts.push(i + 1);
      const lineStart = starts[lineChoice % (starts.length - 1)];
      const lineEnd = source.indexOf('\n', lineStart);
      const oldLine = source.slice(lineStart, lineEnd);
      const start = lineStart + (at % (oldLine.length + 1));
      const end = remove ? Math.min(lineEnd, start + (length % 8)) : start;
      const text = remove ? '' : typed;
      const next = source.slice(0, start) + text + source.slice(end);
      const newLineEnd = lineEnd + text.length - (end - start);
      edits++;
      const chartAfter = updateFlowchartLine(old, next, lineStart, oldLine, newLineEnd, PATTERN);
      if (!chartAfter) return;
      updated++;
      assert.deepStrictEqual(chartAfter, parseMermaidFlowchart(next, PATTERN), `${JSON.stringify(source)} -> ${JSON.stringify(next)}`);
      // And again from the updated chart: it carries what the next update needs.
      const again = next.slice(0, start) + 'Q' + next.slice(start);
      const twice = updateFlowchartLine(chartAfter, again, lineStart, next.slice(lineStart, newLineEnd), newLineEnd + 1, PATTERN);
      if (twice) assert.deepStrictEqual(twice, parseMermaidFlowchart(again, PATTERN), `${JSON.stringify(next)} -> ${JSON.stringify(again)}`);
    }),
    { numRuns: 4000, seed: 16 },
  );
  // The shortcut is taken for a good part of the edits (else this test would show nothing).
  assert.ok(updated > edits / 10, `updated ${updated} of ${edits}`);
});

test('typing a node and an edge into a long chart, character by character, equals a parse each time', () => {
  const lines = ['graph TD'];
  for (let i = 1; i <= 300; i++) lines.push(i % 7 === 0 ? `    TASK_${i}[TASK_${i}: Task ${i}]` : `    TASK_${i} --> TASK_${i + 1}`);
  let source = lines.join('\n') + '\n';
  let chart = parseMermaidFlowchart(source, PATTERN)!;
  const lineStart = source.indexOf('    TASK_3 -->');
  let taken = 0;
  for (const [i, c] of [...' & TASK_0002[New TASK_0002] --> TASK_299'].entries()) {
    const lineEnd = source.indexOf('\n', lineStart);
    const oldLine = source.slice(lineStart, lineEnd);
    const next = source.slice(0, lineEnd) + c + source.slice(lineEnd);
    const updated = updateFlowchartLine(chart, next, lineStart, oldLine, lineEnd + 1, PATTERN);
    const full = parseMermaidFlowchart(next, PATTERN)!;
    if (updated) {
      taken++;
      assert.deepStrictEqual(updated, full, `after ${i + 1} characters`);
    }
    chart = updated ?? full;
    source = next;
  }
  assert.ok(taken > 30, `taken ${taken}`);
});

test('constructs reaching over the edited line (strings, shape data, directives, joined lines, keyword targets) give a parse of the new text', () => {
  // Each case: a chart and the line (marked with »«) edited: every character deleted, and
  // characters typed at every position.
  const cases = [
    'graph TD\nA["opened\n»B --> C«\nclosed"]\n',
    'graph TD\nA@{ shape: rect,\n»B --> C«\n  label: x }\n',
    'graph TD\n%%{init: {"theme":\n»B --> C«\n}}%%\nD --> E\n',
    'graph TD\naccDescr {\n»B --> C«\n}\n',
    'graph TD\nA -->\n\n»B --> C«\n',
    'graph TD\nA -->\n%% comment\n»B --> C«\n',
    'graph TD\nA --> B %% c -->\n»B --> C«\n',
    'graph TD\nA -->\n»:::x«\n',
    'graph TD\nA --> %% c\n»:::x«\n',
    'graph TD\n»A & B«\n--> C\n',
    'graph TD\n»A & B«\n%% c\n--> C\n',
    'graph TD\n»A & B«\n\n  -.-> C\n',
    'graph TD\nstyle Q fill:#f00\n»A --> B«\nclick R call x()\n',
    'graph TD\nclass Q,B crit\n»A --> B«\n',
    'graph TD\n»A --> B«\nstyle B fill:#f00\n',
    'graph TD\n»A[x TASK_001] --> B«\nA[y TASK_002] --> B[TASK_003]\n',
    'graph TD\nB\n»A --> B[TASK_004]«\nA[y TASK_002]\n',
    'graph TD\n»A --> B«\nB --> C\nC --> B\n',
    'graph TD\r\n»A --> TASK_001\r«\nTASK_001 --> B\r\n',
    'graph TD; A -->\n»B --> C«\n',
    'graph TD\n»e1@--> B«\ne1@{ animate: true }\n',
    'graph TD\nsubgraph S\n»A --> S«\nend\n',
  ];
  const typed = ['x', ' ', '&', '-', '>', '"', '{', '}', '%', ';', '[', ']', '|', 'o', 'Q', 'R', '1', '@', ':'];
  let taken = 0;
  for (const marked of cases) {
    const lineStart = marked.indexOf('»');
    const source = marked.replace('»', '').replace('«', '');
    const lineEnd = marked.indexOf('«') - 1;
    const oldLine = source.slice(lineStart, lineEnd);
    const old = parseMermaidFlowchart(source, PATTERN)!;
    const edits: [number, number, string][] = [];
    for (let i = lineStart; i < lineEnd; i++) edits.push([i, i + 1, '']);
    for (let i = lineStart; i <= lineEnd; i++) for (const t of typed) edits.push([i, i, t]);
    for (const [start, end, text] of edits) {
      const next = source.slice(0, start) + text + source.slice(end);
      const updated = updateFlowchartLine(old, next, lineStart, oldLine, lineEnd + text.length - (end - start), PATTERN);
      if (!updated) continue;
      taken++;
      assert.deepStrictEqual(updated, parseMermaidFlowchart(next, PATTERN), `${JSON.stringify(source)} -> ${JSON.stringify(next)}`);
    }
  }
  assert.ok(taken > 100, `taken ${taken}`);
});
