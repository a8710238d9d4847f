// Property and fuzz tests of the model builder and every language feature on hostile input.
//
// Fixed seeds by default, so a run is reproducible; then one time-boxed run with a random seed:
//   PLANMARK_FUZZ_SECONDS  length of the box (default 20 s; 300 s under `npm run fuzz`; 0 skips it)
//   PLANMARK_FUZZ_SEED     replay a random-seed run (printed with the number of cases tried)
//   PLANMARK_FUZZ_PATH     with the seed and PLANMARK_FUZZ_PROPERTY (the property's index),
//                          replay exactly the failing case (all three are printed on failure)
import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Diagnostic } from 'vscode-languageserver-types';
import { PlanDocument, parsePlan, type Plan } from '../../server/src/plan';
import { codeActions } from '../../server/src/features/codeActions';
import { findDefinition } from '../../server/src/features/definition';
import { computeDiagnostics } from '../../server/src/features/diagnostics';
import { documentSymbols } from '../../server/src/features/documentSymbols';
import { hoverTask } from '../../server/src/features/hover';
import { findReferences } from '../../server/src/features/references';
import { prepareRename, renameTask } from '../../server/src/features/rename';
import { DEFAULT_SETTINGS, ALL_DIAGNOSTIC_CODES } from '../../shared/settings';
import { FIXTURE_TEXTS, HOSTILE_CHARS, HOSTILE_SNIPPETS, baseText, generatedPlanText, mutatedPlan, mutation, applyMutation } from './generators';
import { applyEdits, assertEditsValid, assertRange, editsOf, exercise, lineTable, rangeText } from './harness';
import { failures, runIsolated, type ProbeCase } from './isolated';

// Put the property's own error message in the report (node's reporter does not print a cause).
fc.configureGlobal({ includeErrorInReport: true });

const FIXED_SEED = 20261124;
const RUNS = { mutated: 60, astral: 200, incremental: 80, codeActionData: 100 };

// ---- Properties (shared by the fixed-seed tests and the time-boxed random run) ----

/** A JS string literal with every non-ASCII or invisible character escaped, to paste into a test. */
export function escapeText(text: string): string {
  return `'${text.replace(/[^\x20-\x7e]|['\\]/g, (c) => (c === "'" || c === '\\' ? '\\' + c : c === '\n' ? '\\n' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`))}'`;
}

/** Every feature on a mutated plan: nothing throws, every range is inside, every edit applies. */
const mutatedProperty = () =>
  fc.property(mutatedPlan, fc.nat(), (c, salt) => {
    exercise(c.text, { salt, positions: 10, mentions: 16 });
  });

/** Text that must not change a task ID but may trip UTF-16 arithmetic: astral, CJK, RTL, controls. */
// U+2028 and U+2029 are in: JavaScript ends a line at them, Markdown and LSP do not.
const PREFIX_CHARS = ['\u2028', '\u2029', '😀', '👩‍👩‍👧', '𝒯𝒜', '中文', '日本語', 'עברית', 'العربية', '\u202E', '\u200F', '\u0301', '\u00A0', '\u3000', '\uFEFF', '\u0000', '\uD83D', '\uDE00', '\t', '🇺🇳', '\u0085'];
const prefixText = fc.oneof(
  fc.array(fc.constantFrom(...PREFIX_CHARS), { minLength: 1, maxLength: 4 }).map((a) => a.join('')),
  // Any graphemes, without ASCII (which could end a cell or a label, or extend the ID).
  // eslint-disable-next-line no-control-regex -- every ASCII character, control characters included
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }).map((s) => s.replace(/[\x00-\x7f]/g, '') || '😀'),
);

interface AstralCase {
  text: string;
  /** Mentions of each ID the text holds (all of them are mentions). */
  expected: Record<string, number>;
}

const astralCase: fc.Arbitrary<AstralCase> = fc
  .record({ p: prefixText, q: prefixText, name: prefixText, eol: fc.constantFrom('\n', '\r\n') })
  .map(({ p, q, name, eol }) => {
    const lines = [
      `# Implementation Plan: ${p}Phase ${name}`,
      '',
      '## Implementation Sequence',
      '',
      `### Step 1: ${name}`,
      `**Tasks:** [${p}TASK_001, ${q}TASK_002]`,
      '',
      `### Step 2: ${q}Later`,
      `**Tasks:** ${p}TASK_003, ${q}TASK_098`,
      '',
      '## Task Breakdown with Dependencies',
      '',
      '```mermaid',
      'graph TD',
      `    A[${p}TASK_001: ${name}] --> B[${q} TASK_002]`,
      '    B --> TASK_003',
      `    C[${p}TASK_097] -.-> TASK_003`,
      '```',
      '',
      '| Task | Depends On | Estimated Hours |',
      '|------|------------|-----------------|',
      `| ${p}TASK_001 ${name} | None | 3 |`,
      `| ${q} TASK_002 | ${p}TASK_001 | 4 |`,
      `| TASK_003 ${name} | ${q}TASK_002, ${p}TASK_099 | 2 |`,
      '',
      // Not at the line start: a leading tab would make the line an indented code block.
      `Prose ${p}about ${q}TASK_001 and ${name}${p}TASK_003.`,
      '',
    ];
    const text = lines.join(eol);
    return { text, expected: { TASK_001: 5, TASK_002: 4, TASK_003: 5 }, [fc.toStringMethod]: () => escapeText(text) };
  });

/** Positions are UTF-16 offsets: after astral characters every range still holds exactly the ID. */
function checkAstral({ text, expected }: AstralCase): void {
  const plan = parsePlan(text, { uri: 'file:///a.plan.md' });
  const lines = lineTable(text);
  const holds = (range: Parameters<typeof rangeText>[2], id: string, what: string) => {
    assertRange(lines, range, what);
    assert.equal(rangeText(text, lines, range), id, `${what}: the range does not hold ${id}`);
  };
  for (const [id, count] of Object.entries(expected)) {
    const task = plan.taskById.get(id);
    assert.ok(task, `${id} has no row (a prefix hid it)`);
    const at = plan.lines.positionAt(task.idSpan.start + 1);
    const refs = findReferences(plan, at, true);
    assert.equal(refs.length, count, `${id}: ${refs.length} references, expected ${count}`);
    for (const r of refs) {
      holds(r.range, id, `reference to ${id}`);
      // From each reference: definition, hover and rename all name this ID.
      const inside = { line: r.range.start.line, character: r.range.start.character + 1 };
      const defs = findDefinition(plan, inside);
      assert.equal(defs.length, 1, `definition of ${id} from ${JSON.stringify(inside)}`);
      holds(defs[0].range, id, `definition of ${id}`);
      holds(hoverTask(plan, inside)!.range!, id, `hover on ${id}`);
      holds(prepareRename(plan, inside)!.range, id, `prepareRename of ${id}`);
    }
  }
  for (const s of documentSymbols(plan).flatMap(function all(x): { name: string; selectionRange: Diagnostic['range'] }[] {
    return [x, ...(x.children ?? []).flatMap(all)];
  })) {
    if (/^TASK_\d+$/.test(s.name)) holds(s.selectionRange, s.name, `symbol ${s.name}`);
  }
  // Diagnostics about one task ID point at it.
  const diagnostics = computeDiagnostics(plan, DEFAULT_SETTINGS);
  const about = diagnostics.filter((d) => ['unknown-task', 'step-unknown-task', 'graph-unknown-task'].includes(String(d.code)));
  assert.deepEqual(about.map((d) => (d.data as { id: string }).id).sort(), ['TASK_097', 'TASK_098', 'TASK_099']);
  for (const d of about) holds(d.range, (d.data as { id: string }).id, `${String(d.code)} diagnostic`);
  // Rename: exactly the IDs change, every other character (the prefixes) stays.
  const edits = editsOf(renameTask(plan, plan.lines.positionAt(plan.taskById.get('TASK_001')!.idSpan.start), 'TASK_7'), plan.uri);
  assertEditsValid(text, lines, edits, 'rename');
  assert.equal(applyEdits(text, edits), text.replace(/TASK_001/g, 'TASK_7'), 'rename changed more or less than the IDs');
}

const astralProperty = () => fc.property(astralCase, checkAstral);

/** Edits with hostile text applied one by one: no text lost, the model equals a full parse. */
const incrementalCase = fc
  .record({
    base: baseText,
    pre: fc.array(mutation, { maxLength: 2 }),
    edits: fc.array(
      fc.record({
        at: fc.nat(),
        length: fc.nat({ max: 80 }),
        text: fc.oneof(fc.constantFrom(...HOSTILE_CHARS, ...HOSTILE_SNIPPETS), fc.string({ unit: 'binary', maxLength: 8 })),
      }),
      { minLength: 1, maxLength: 8 },
    ),
  })
  .map((c) => ({ ...c, [fc.toStringMethod]: () => `${c.base.name} with ${JSON.stringify({ pre: c.pre, edits: c.edits })}` }));

function blocksOf(doc: PlanDocument) {
  return doc.blockList.map((b) => ({ start: b.start, end: b.end, facts: b.facts }));
}

function diagnosticKeys(plan: Plan): string[] {
  return computeDiagnostics(plan, DEFAULT_SETTINGS).map((d) => `${String(d.code)} ${JSON.stringify(d.range)} ${d.message}`);
}

const incrementalProperty = () =>
  fc.property(incrementalCase, (c) => {
    let text = c.base.text;
    for (const m of c.pre) text = applyMutation(text, m);
    const doc = new PlanDocument('file:///p.plan.md', text, 1);
    let expected = text;
    for (const e of c.edits) {
      const start = e.at % (expected.length + 1);
      const end = Math.min(expected.length, start + e.length);
      expected = expected.slice(0, start) + e.text + expected.slice(end);
      doc.applyEdits([{ start, end, text: e.text }], doc.version + 1);
      assert.equal(doc.text, expected, 'the document text differs from the text the edits make');
    }
    const full = new PlanDocument('file:///p.plan.md', doc.text, doc.version);
    assert.deepStrictEqual(blocksOf(doc), blocksOf(full), 'the incremental blocks differ from a full parse');
    assert.deepEqual(diagnosticKeys(doc.plan), diagnosticKeys(full.plan), 'the diagnostics differ from a full parse');
  });

/** Diagnostics come back from the client in code action requests: any data must be survivable. */
const codeActionDataProperty = () =>
  fc.property(
    fc.constantFrom(...FIXTURE_TEXTS.filter((f) => f.name.startsWith('defects/')).slice(0, 8), { name: 'filled', text: generatedPlanText(4) }),
    fc.array(
      fc.record({
        code: fc.oneof(fc.constantFrom(...ALL_DIAGNOSTIC_CODES), fc.string(), fc.integer()),
        source: fc.constantFrom('planmark', 'other', undefined),
        data: fc.oneof(
          fc.anything(),
          fc.record({
            id: fc.oneof(fc.constantFrom('TASK_001', 'TASK_002', 'TASK_099', ''), fc.anything()),
            from: fc.oneof(fc.constantFrom('TASK_001', 'TASK_002'), fc.anything()),
            to: fc.oneof(fc.constantFrom('TASK_003', 'TASK_004'), fc.anything()),
            section: fc.oneof(fc.constantFrom('Overview', 'Rollback Plan', 'Nope'), fc.anything()),
            remove: fc.oneof(fc.record({ start: fc.integer({ min: -5, max: 20000 }), end: fc.integer({ min: -5, max: 20000 }) }), fc.anything()),
          }),
        ),
      }),
      { maxLength: 6 },
    ),
    (fixture, sent) => {
      const plan = parsePlan(fixture.text, { uri: 'file:///d.plan.md' });
      const lines = lineTable(fixture.text);
      const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } };
      const diagnostics = sent.map((s) => ({ range, message: 'm', code: s.code, source: s.source, data: s.data }) as Diagnostic);
      for (const action of codeActions(plan, diagnostics)) {
        const edits = editsOf(action.edit, plan.uri);
        assertEditsValid(fixture.text, lines, edits, `quick fix "${action.title}"`);
        parsePlan(applyEdits(fixture.text, edits));
      }
    },
  );

// Each property has its own value type; the runner only needs to hand them to fast-check.
type AnyProperty = () => fc.IProperty<any>;
const PROPERTIES: { name: string; property: AnyProperty; runs: number }[] = [
  { name: 'every feature on mutated plans and fixtures', property: mutatedProperty, runs: RUNS.mutated },
  { name: 'UTF-16 positions after astral, CJK and RTL text', property: astralProperty, runs: RUNS.astral },
  { name: 'incremental edits with hostile text equal a full parse', property: incrementalProperty, runs: RUNS.incremental },
  { name: 'quick fixes on diagnostics with arbitrary data', property: codeActionDataProperty, runs: RUNS.codeActionData },
];

describe('fuzz: fixed seed', () => {
  for (const p of PROPERTIES) {
    test(`${p.name} (${p.runs} cases)`, () => {
      fc.assert(p.property(), { seed: FIXED_SEED, numRuns: p.runs });
    });
  }
});

// ---- Dedicated hostile cases, each run once in a worker with a generous hang guard ----

const FILLED = FIXTURE_TEXTS.find((f) => f.name === 'filled.plan.md')!.text;

/** `block` put into the filled plan, after the Objectives paragraph. */
function inPlan(block: string): string {
  const at = FILLED.indexOf('## Technical Strategy');
  return FILLED.slice(0, at) + block + '\n\n' + FILLED.slice(at);
}

function inGraph(lines: string): string {
  const at = FILLED.indexOf('```mermaid');
  const body = FILLED.indexOf('\n', FILLED.indexOf('graph', at)) + 1;
  return FILLED.slice(0, body) + lines + FILLED.slice(body);
}

const DEPTH = 10_000;

describe('fuzz: dedicated hostile cases', () => {
  test(`nesting ${DEPTH.toLocaleString('en')} deep (lists, block quotes, brackets, emphasis, HTML, mermaid)`, async (t: TestContext) => {
    const nested: [string, string][] = [
      ['list markers on one line', '- '.repeat(DEPTH) + 'TASK_001'],
      ['block quotes on one line', '> '.repeat(DEPTH) + 'TASK_001'],
      ['block quote markers without spaces', '>'.repeat(DEPTH) + ' TASK_001'],
      ['block quotes and lists mixed', '> - '.repeat(DEPTH / 2) + 'TASK_001'],
      ['a 10,000-deep block quote continued lazily over 1,000 lines', '>'.repeat(DEPTH) + ' TASK_001\n' + 'lazy TASK_002\n'.repeat(1000)],
      ['an indented list 1,000 levels deep over 1,000 lines', Array.from({ length: 1000 }, (_, i) => '  '.repeat(i) + `- TASK_${i}`).join('\n')],
      ['block quotes deepening line by line (32 levels, 1,000 lines)', Array.from({ length: 1000 }, (_, i) => '> '.repeat(i % 32) + 'x').join('\n')],
      ['unclosed brackets', '['.repeat(DEPTH) + 'TASK_001'],
      ['emphasis', '*_'.repeat(DEPTH / 2) + 'TASK_001' + '_*'.repeat(DEPTH / 2)],
      ['inline HTML', '<span>'.repeat(DEPTH) + 'TASK_001' + '</span>'.repeat(DEPTH)],
      ['HTML blocks', '<div>\n'.repeat(DEPTH) + 'TASK_001\n' + '</div>\n'.repeat(DEPTH)],
      ['a table cell', '| Task | Depends On | Estimated Hours |\n|---|---|---|\n| TASK_009 | ' + '['.repeat(DEPTH) + 'TASK_001 | ' + '('.repeat(DEPTH) + ' |'],
    ];
    const graph: [string, string][] = [
      ['mermaid subgraphs', 'subgraph S\n'.repeat(DEPTH) + '    A --> E\n' + 'end\n'.repeat(DEPTH)],
      ['mermaid unclosed subgraphs', 'subgraph S\n'.repeat(DEPTH) + '    A --> E\n'],
      ['mermaid brackets', '    X' + '['.repeat(DEPTH) + 'TASK_001' + ']'.repeat(DEPTH) + ' --> A\n'],
      ['mermaid unbalanced shapes', '    X' + '(['.repeat(DEPTH / 2) + '{'.repeat(DEPTH) + 'TASK_001 --> A\n'],
      ['mermaid arrow chain', '    A' + ' --> A'.repeat(DEPTH) + '\n'],
      ['mermaid fan-out', '    ' + Array.from({ length: 300 }, (_, i) => `N${i}`).join(' & ') + ' --> ' + Array.from({ length: 300 }, (_, i) => `M${i}`).join(' & ') + '\n'],
    ];
    const cases: ProbeCase[] = [
      // Every feature; applying edits (a re-parse each) is left to the fuzz properties above.
      ...nested.map(([name, block]): ProbeCase => ({ name, probe: 'exercise', args: [inPlan(block), { positions: 6, applyEdits: false }], limitMs: 30_000 })),
      ...graph.map(([name, lines]): ProbeCase => ({ name, probe: 'exercise', args: [inGraph(lines), { positions: 6, applyEdits: false }], limitMs: 30_000 })),
    ];
    const results = await runIsolated(cases);
    t.diagnostic(results.map((r) => `${r.name}: ${r.ms} ms`).join('; '));
    assert.deepEqual(failures(results), []);
  });

  // Regression (server/src/plan/blocks.ts findHostileSegments once counted neither ordered-list
  // markers as nesting nor brackets as delimiters, and remark took quadratic time on these).
  // Each case takes milliseconds in linear time.
  test(`nesting ${DEPTH.toLocaleString('en')} deep that remark parses in quadratic time (ordered lists, links)`, async () => {
    const results = await runIsolated([
      { name: 'ordered list markers on one line ("1. " x 10,000)', probe: 'parse', args: ['1. '.repeat(DEPTH) + 'TASK_001'], limitMs: 10_000 },
      { name: 'links ("[" x 10,000, "x", "](x)" x 10,000)', probe: 'parse', args: ['['.repeat(DEPTH) + 'x' + '](x)'.repeat(DEPTH)], limitMs: 10_000 },
    ], 2);
    assert.deepEqual(failures(results), []);
  });

  test('a single 5 MB line', async (t: TestContext) => {
    const size = 5 * 1024 * 1024;
    const unit = 'TASK_001 needs 😀 中文 עברית `TASK_002` | [x] TASK_0 ';
    const line = unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
    const [result] = await runIsolated([
      { name: 'parse and every feature', probe: 'exercise', args: [inPlan(line), { positions: 4, mentions: 8, applyEdits: false }], limitMs: 60_000 },
    ]);
    t.diagnostic(`5 MB line: ${result.ms} ms`);
    assert.deepEqual(failures([result]), []);
  });

  test('every hostile character before every task ID and at every line start', () => {
    for (const c of HOSTILE_CHARS) {
      for (const [where, text, applyEdits] of [
        ['before every task ID', FILLED.replace(/TASK_\d+/g, (id) => c + id), false],
        ['at every line start', FILLED.replace(/^/gm, c), false],
      ] as const) {
        try {
          exercise(text, { positions: 2, mentions: 6, applyEdits });
        } catch (error) {
          throw new Error(`${escapeText(c)} ${where}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    }
  });

  test('a generated plan truncated at every 211th offset', () => {
    const text = generatedPlanText(3);
    for (let at = 0; at <= text.length; at += 211) exercise(text.slice(0, at), { positions: 2, mentions: 4, applyEdits: false, salt: at });
  });
});

// ---- Line endings and byte order marks: the same plan, the same answers ----

function withEol(text: string, eol: string): string {
  return text.replace(/\r\n?|\n/g, eol);
}

/** Diagnostics as code, message and range: a CRLF plan must give what its LF twin gives. */
function diagnosticSignature(text: string): string[] {
  return computeDiagnostics(parsePlan(text), DEFAULT_SETTINGS).map((d) => `${String(d.code)} ${JSON.stringify(d.range)} ${d.message}`);
}

const LINE_ENDING_FIXTURES = [...FIXTURE_TEXTS.map((f) => f.name), 'generatePlan(12)'];
const textOf = (name: string) => (name === 'generatePlan(12)' ? generatedPlanText(12) : FIXTURE_TEXTS.find((f) => f.name === name)!.text);
/** The signature of a text, computed once: every line-ending variant is compared with its LF twin. */
const signatures = new Map<string, string[]>();
function signatureOnce(text: string): string[] {
  let signature = signatures.get(text);
  if (!signature) signatures.set(text, (signature = diagnosticSignature(text)));
  return signature;
}

describe('fuzz: line endings and byte order marks', () => {
  test('CRLF line endings give the same diagnostics (codes, ranges, messages) as LF', () => {
    for (const name of LINE_ENDING_FIXTURES) {
      const lf = withEol(textOf(name), '\n');
      assert.deepEqual(diagnosticSignature(withEol(lf, '\r\n')), signatureOnce(lf), name);
    }
  });

  test('mixed CRLF and LF line endings give the same diagnostics as LF', () => {
    for (const name of LINE_ENDING_FIXTURES) {
      const lf = withEol(textOf(name), '\n');
      let i = 0;
      const mixed = lf.replace(/\n/g, () => (i++ % 3 === 0 ? '\r\n' : '\n'));
      assert.deepEqual(diagnosticSignature(mixed), signatureOnce(lf), name);
    }
  });

  // Regression (server/src/plan/facts.ts read table rows, fields and mermaid lines split at \n
  // only, while LSP, remark and LineIndex also end lines at a lone \r).
  test('lone CR line endings give the same diagnostics as LF', () => {
    const minimal = '| Task | Depends On |\r|---|---|\r| TASK_001 | TASK_002 |\r';
    assert.deepEqual(parsePlan(minimal).tasks.map((t) => t.id), ['TASK_001'], `minimal input: ${JSON.stringify(minimal)}`);
    for (const name of LINE_ENDING_FIXTURES) {
      const lf = withEol(textOf(name), '\n');
      assert.deepEqual(diagnosticSignature(withEol(lf, '\r')), signatureOnce(lf), name);
    }
  });

  // Regression (server/src/plan/blocks.ts: remark drops a leading U+FEFF and its offsets then
  // missed the text by one, so every span was shifted).
  test('a leading byte order mark gives the same model as without it', () => {
    const minimal = '\uFEFF| Task | Depends On |\n|---|---|\n| TASK_001 | TASK_002 |\n';
    assert.deepEqual(parsePlan(minimal).tasks.map((t) => t.id), ['TASK_001'], `minimal input: ${JSON.stringify(minimal)}`);
    for (const name of LINE_ENDING_FIXTURES) {
      const text = textOf(name);
      const shifted = diagnosticSignature('\uFEFF' + text).map((s) => s.replace(/"line":0,"character":(\d+)/g, (_, c) => `"line":0,"character":${Number(c) - 1}`));
      assert.deepEqual(shifted, signatureOnce(text), name);
    }
  });

  // Regression (server/src/plan/blocks.ts: findHostileSegments judges runs of non-blank lines,
  // and an incremental reparse once judged only the region it reparsed, so an edit that pushed a
  // multi-block run over the limit left it parsed by remark).
  test('an edit that pushes a run of blocks over the delimiter limit gives the same blocks as a full parse', () => {
    const para = 'x_y '.repeat(1300).trim();
    const text = [para, '---', para, '---', para, '---', 'end'].join('\n') + '\n';
    const doc = new PlanDocument('file:///p.plan.md', text, 1);
    const at = text.lastIndexOf('end');
    doc.applyEdits([{ start: at, end: at, text: 'x_y '.repeat(200) }], 2);
    const full = new PlanDocument('file:///p.plan.md', doc.text, 2);
    const kinds = (d: PlanDocument) => d.blockList.map((b) => `${b.facts.type}${b.facts.plain ? ' (plain)' : ''} ${b.start}-${b.end}`);
    assert.deepEqual(kinds(doc), kinds(full), 'minimal input: three setext headings of 1,300 `_` each, then typing 200 more into the last paragraph');
  });
});

describe('fuzz: incremental fast paths', () => {
  // Regression (server/src/plan/blocks.ts tryTableRowEdit: the table-row fast path kept the block's
  // directives and fields from before the edit, so a planmark-disable comment typed into a row was
  // ignored until something reparsed the table). Found by the random-seed run (seed 328401416).
  test('a planmark-disable comment typed into a table row takes effect', () => {
    const text = '| Risk | Impact |\n|---|---|\n| a | High |\n| b | Critical |\n';
    const doc = new PlanDocument('file:///p.plan.md', text, 1);
    const at = text.indexOf('Critical') + 'Critical'.length;
    doc.applyEdits([{ start: at, end: at, text: ' <!-- planmark-disable-line invalid-impact -->' }], 2);
    const full = new PlanDocument('file:///p.plan.md', doc.text, 2);
    const codes = (d: PlanDocument) => computeDiagnostics(d.plan, { ...DEFAULT_SETTINGS, requiredSections: [] }).map((x) => String(x.code));
    assert.deepEqual(codes(doc), codes(full), `minimal input: ${escapeText(text)}, then type the comment after "Critical"`);
    assert.deepEqual(blocksOf(doc), blocksOf(full));
  });

  // Regression: the same fast path left a disable comment in a later row at its old offset when an
  // edit changed the length of an earlier row. Found by the random-seed run (seed 549825541).
  test('a disable comment in a later row moves with the text when an earlier row is edited', () => {
    const text = '| Risk | Impact |\n|---|---|\n| a | High |\n| b | Critical <!-- planmark-disable-line invalid-impact --> |\n';
    const doc = new PlanDocument('file:///p.plan.md', text, 1);
    const at = text.indexOf('| a');
    doc.applyEdits([{ start: at, end: at + 2, text: '\u0000' }], 2);
    assert.equal(doc.lastUpdate, 'table-row', 'the edit takes the table-row fast path');
    const full = new PlanDocument('file:///p.plan.md', doc.text, 2);
    assert.deepEqual(blocksOf(doc), blocksOf(full), `minimal input: ${escapeText(text)}, then replace the "| " of row a with NUL`);
  });
});

describe('fuzz: line and paragraph separators', () => {
  // Regression (server/src/plan/facts.ts: FIELD_LINE ended in (.*)$, and `.` stops at U+2028 and
  // U+2029, which JavaScript counts as line terminators but Markdown and LSP do not).
  test('a **Tasks:** or metadata line holding U+2028 or U+2029 is still read as a field', () => {
    const minimal = '## Implementation Sequence\n### Step 1: A\n**Tasks:** TASK_001, \u2028TASK_002\n';
    assert.deepEqual(parsePlan(minimal).steps[0].tasks.map((t) => t.id), ['TASK_001', 'TASK_002'], `minimal input: ${escapeText(minimal)}`);
    const created = parsePlan('## Overview\n- **Created:** 2026-01-01\u2029\n');
    assert.equal(created.metadata.get('Created')?.value, '2026-01-01');
  });
});

// ---- Time-boxed run with a random seed ----

function fuzzSeconds(): number {
  const raw = process.env.PLANMARK_FUZZ_SECONDS;
  if (raw !== undefined && raw !== '') return Math.max(0, Number(raw) || 0);
  return process.env.npm_lifecycle_event === 'fuzz' ? 300 : 20;
}

describe('fuzz: random seed, time-boxed', () => {
  const seconds = fuzzSeconds();
  const replaySeed = process.env.PLANMARK_FUZZ_SEED;
  const seed = replaySeed !== undefined && replaySeed !== '' ? Number(replaySeed) : (Date.now() ^ (Math.random() * 0x7fffffff)) | 0;
  const path = process.env.PLANMARK_FUZZ_PATH || undefined;
  test(`random seed for ${seconds} s (PLANMARK_FUZZ_SECONDS)`, { skip: seconds === 0 ? 'PLANMARK_FUZZ_SECONDS=0' : false }, (t: TestContext) => {
    const share = (seconds * 1000) / PROPERTIES.length;
    const problems: string[] = [];
    let total = 0;
    const only = process.env.PLANMARK_FUZZ_PROPERTY;
    for (const [index, p] of PROPERTIES.entries()) {
      if (only !== undefined && only !== '' && Number(only) !== index) continue;
      let details = fc.check(p.property(), { seed, path, numRuns: path ? 1 : Number.MAX_SAFE_INTEGER, interruptAfterTimeLimit: share, markInterruptAsFailure: false });
      total += details.numRuns;
      t.diagnostic(`${p.name}: seed ${seed}, ${details.numRuns} cases`);
      if (details.failed && details.counterexamplePath) {
        // The time box may have cut the shrinking short: go on from the failure found, for twice
        // the property's share of the box (10 s to a minute).
        const tried = details.numRuns;
        const limit = Math.max(10_000, Math.min(60_000, share * 2));
        const shrunk = fc.check(p.property(), { seed, path: details.counterexamplePath, interruptAfterTimeLimit: limit, markInterruptAsFailure: false });
        if (shrunk.failed) details = { ...shrunk, numRuns: tried };
      }
      if (details.failed) {
        problems.push(
          `${p.name} failed with seed ${seed} after ${details.numRuns} cases. Replay: PLANMARK_FUZZ_SEED=${seed} PLANMARK_FUZZ_PROPERTY=${index} PLANMARK_FUZZ_PATH=${details.counterexamplePath} ` +
            `node --import tsx --test test/robustness/fuzz.test.ts\n${fc.defaultReportMessage(details)}`,
        );
      }
    }
    t.diagnostic(`random-seed fuzz: seed ${seed}, ${total} cases in ${seconds} s (replay with PLANMARK_FUZZ_SEED=${seed})`);
    assert.deepEqual(problems, []);
  });
});
