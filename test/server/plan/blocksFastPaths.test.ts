// The block-level fast paths of server/src/plan/blocks.ts against a full parse, edit by edit:
// rows a blank line split off a table joined to it again, keystrokes in fenced code (the mermaid
// graph) and in prose. After every edit the blocks and the diagnostics must equal those of a
// fresh parse of the same text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PlanDocument } from '../../../server/src/plan';
import { computeDiagnostics } from '../../../server/src/features/diagnostics';
import { DEFAULT_SETTINGS } from '../../../shared/settings';

const settings = { ...DEFAULT_SETTINGS, requiredSections: [] };

interface Edit {
  start: number;
  end: number;
  text: string;
}

function diagnostics(doc: PlanDocument): string[] {
  return computeDiagnostics(doc.plan, settings).map((d) => `${String(d.code)} ${d.range.start.line}:${d.range.start.character} ${d.message}`);
}

function blocks(doc: PlanDocument) {
  return doc.blockList.map((b) => ({ start: b.start, end: b.end, facts: b.facts }));
}

/** Applies each edit (a function of the current text) in turn, comparing with a full parse after each. */
function run(text: string, steps: ((text: string) => Edit)[], what: string): PlanDocument {
  const doc = new PlanDocument('file:///p.plan.md', text, 1);
  steps.forEach((step, i) => {
    const edit = step(doc.text);
    doc.applyEdits([edit], doc.version + 1);
    const full = new PlanDocument('file:///p.plan.md', doc.text, doc.version);
    assert.deepStrictEqual(blocks(doc), blocks(full), `${what}, step ${i + 1} (${JSON.stringify(edit.text)}): blocks of a full parse`);
    assert.deepEqual(diagnostics(doc), diagnostics(full), `${what}, step ${i + 1}: diagnostics of a full parse`);
  });
  return doc;
}

const id = (n: number) => `TASK_${String(n).padStart(3, '0')}`;

function table(rows: number, eol = '\n'): string {
  let out = `| Task | Depends On | Estimated Hours |${eol}|------|-----------|----------------|${eol}`;
  for (let i = 1; i <= rows; i++) out += `| ${id(i)} | ${i > 1 ? id(i - 1) : 'None'} | ${(i % 5) + 1} |${eol}`;
  return out;
}

function plan(rows: number, eol = '\n'): string {
  return [`# Implementation Plan: Phase 1 - T`, '', '## Task Breakdown with Dependencies', '', table(rows, eol), 'After the table TASK_002.', '', '## Risk Mitigation', ''].join(eol);
}

const rowStart = (text: string, n: number) => text.indexOf(`| ${id(n)} |`);
const lineEnd = (text: string, at: number) => {
  const lf = text.indexOf('\n', at);
  return lf < 0 ? text.length : text[lf - 1] === '\r' ? lf - 1 : lf;
};
const insertAt = (at: (text: string) => number, insert: string) => (text: string): Edit => {
  const p = at(text);
  return { start: p, end: p, text: insert };
};
const endOfRow = (n: number) => (text: string) => lineEnd(text, rowStart(text, n));
/** The start of the first blank line after row n. */
const blankAfter = (n: number) => (text: string) => {
  const e = lineEnd(text, rowStart(text, n));
  return e + (text[e] === '\r' ? 2 : 1);
};

test('Enter at the end of a row mid-table, then `|`: the split-off rows join the table again, as in a full parse', () => {
  for (const eol of ['\n', '\r\n']) {
    const text = plan(60, eol);
    const before = new PlanDocument('file:///p.plan.md', text, 1);
    const lastRow = before.blockList.find((b) => b.facts.table)!.facts.table!.rows.at(-1);
    const doc = run(text, [insertAt(endOfRow(20), eol), insertAt(blankAfter(20), '|')], `split and join (${JSON.stringify(eol)})`);
    assert.equal(doc.plan.tasks.length, before.plan.tasks.length, "every task is back");
    assert.equal(doc.lastUpdate, 'table-row', 'the join is read on the table fast path');
    // (Run on a document of its own: the rows taken back are those read before the split.)
    const own = new PlanDocument('file:///p.plan.md', text, 1);
    const rows = () => own.blockList.find((b) => b.facts.table)!.facts.table!.rows;
    const kept = rows().at(-1);
    own.applyEdits([insertAt(endOfRow(20), eol)(own.text)], 2);
    own.applyEdits([insertAt(blankAfter(20), '|')(own.text)], 3);
    assert.equal(rows().at(-1), kept, 'the split-off rows are taken back, not read again');
    assert.deepStrictEqual(rows().at(-1), lastRow);
    // Again, on the same document: the rows taken back are split off once more.
    run(doc.text, [insertAt(endOfRow(40), eol), insertAt(blankAfter(40), '| TASK_900 | TASK_001 | 2 |'), insertAt(endOfRow(10), eol), insertAt(blankAfter(10), '|')], `twice (${JSON.stringify(eol)})`);
  }
});

test('split-off rows joined again after the table or the rows changed in between', () => {
  const text = plan(40);
  const split = [insertAt(endOfRow(20), '\n')];
  const join = insertAt(blankAfter(20), '|');
  // The header renamed: the rows are read under new columns.
  run(text, [...split, (t) => ({ start: t.indexOf('Depends On'), end: t.indexOf('Depends On') + 10, text: 'Notes' }), join], 'header changed');
  // A row typed into, inserted into and deleted from the split-off rows.
  run(text, [...split, insertAt(endOfRow(30), ' x'), join], 'typed in a split-off row');
  run(text, [...split, insertAt((t) => rowStart(t, 25), `| ${id(901)} | ${id(1)} | 2 |\n`), join], 'row inserted there');
  run(text, [...split, (t) => ({ start: rowStart(t, 25), end: rowStart(t, 26), text: '' }), join], 'row deleted there');
  // A second blank line: the rows stay a paragraph after the typed row.
  run(text, [...split, insertAt(endOfRow(20), '\n'), insertAt(blankAfter(20), '|')], 'two blank lines');
  // Split twice, then both joined.
  run(text, [...split, insertAt(endOfRow(30), '\n'), join, insertAt(blankAfter(30), '|')], 'split twice');
  // The paragraph after the split-off rows is pulled in with them.
  run(plan(10).replace('TASK_010 | TASK_009 | 1 |\n', 'TASK_010 | TASK_009 | 1 |\n\n| TASK_011 | x | 1 |\nplain'), [insertAt(endOfRow(5), '\n'), insertAt(blankAfter(5), '|')], 'pulled-in text');
  // `|` then deleted (the table splits again), then typed again.
  run(text, [...split, join, (t) => ({ start: blankAfter(20)(t), end: blankAfter(20)(t) + 1, text: '' }), join], 'joined, split, joined');
});

function mermaidPlan(eol: string): string {
  const graph = ['```mermaid', 'graph TD', `    ${id(1)}[${id(1)}: Task 1]`];
  for (let i = 2; i <= 30; i++) graph.push(`    ${id(i - 1)} --> ${id(i)}`);
  graph.push('```');
  return ['# Implementation Plan: Phase 1 - T', '', '## Task Breakdown with Dependencies', '', ...graph, '', table(30, eol) + 'After.', '', '## Risk Mitigation', ''].join(eol);
}

/** Typing `text` one character at a time at the end of the line holding `marker` (then further along). */
function typeAt(marker: string, text: string, offset = 0): ((t: string) => Edit)[] {
  return [...text].map((c, i) => (t: string) => {
    const at = lineEnd(t, t.indexOf(marker)) + offset + i;
    return { start: at, end: at, text: c };
  });
}

test('typing in the mermaid graph, character by character, equals a full parse after every keystroke', () => {
  for (const eol of ['\n', '\r\n']) {
    const text = mermaidPlan(eol);
    const what = (s: string) => `${s} (${JSON.stringify(eol)})`;
    const doc = run(text, typeAt(`${id(2)} --> ${id(3)}`, ' & TASK_0002 & TASK_404'), what('an edge typed'));
    assert.equal(doc.lastUpdate, 'code');
    run(text, typeAt(`${id(4)} --> ${id(5)}`, '[Label TASK_007] -.-> B', -`${id(5)}`.length), what('a label typed after an alias'));
    run(text, typeAt(`${id(6)} --> ${id(7)}`, ' -->'), what('an arrow with its target on the next line'));
    run(text, typeAt(`${id(8)} --> ${id(9)}`, ' %% note'), what('a comment'));
    run(text, typeAt(`${id(8)} --> ${id(9)}`, '["quoted'), what('a string left open'));
    run(text, typeAt(`${id(8)} --> ${id(9)}`, '@{ shape: rect'), what('shape data left open'));
    run(text, [...typeAt(`${id(10)} --> ${id(11)}`, eol), ...typeAt(`${id(10)} --> ${id(11)}`, '~~~ x', eol.length), ...typeAt(`${id(10)} --> ${id(11)}`, '```', eol.length)], what('a line opening, then closing the fence'));
    // Characters deleted one by one from the end of a line, and a whole line emptied.
    // (The line after the one holding `marker`.)
    const backspace = (marker: string) => (t: string) => {
      const end = lineEnd(t, t.indexOf(marker));
      const at = lineEnd(t, end + (t[end] === '\r' ? 2 : 1));
      return { start: at - 1, end: at, text: '' };
    };
    const doc2 = run(text, Array.from({ length: 14 }, () => backspace(`${id(11)} --> ${id(12)}`)), what('backspace'));
    assert.ok(doc2.text.includes(`${id(11)} --> ${id(12)}${eol}${`    ${id(12)} --> ${id(13)}`.slice(0, -14)}${eol}`), what('backspace: the line typed in'));
    // Typed between the CR and the LF of a line ending: a lone CR then ends the line, as a LF does.
    const betweenCrLf = (t: string) => {
      const at = lineEnd(t, t.indexOf(`${id(14)} --> ${id(15)}`)) + (eol === '\r\n' ? 1 : 0);
      return { start: at, end: at, text: 'x' };
    };
    run(text, [...typeAt(`${id(14)} --> ${id(15)}`, ' &'), betweenCrLf, betweenCrLf], what('typed after a CR'));
    run(text, [(t) => ({ start: t.indexOf(`    ${id(1)}[`), end: lineEnd(t, t.indexOf(`    ${id(1)}[`)), text: '' })], what('the labelled node removed'));
  }
});

test('typing **x** and a disable comment into a row, character by character, equals a full parse after every keystroke', () => {
  for (const eol of ['\n', '\r\n']) {
    const what = (s: string) => `${s} (${JSON.stringify(eol)})`;
    const text = plan(40, eol);
    // (Typed `back` characters before the row's end: each character after the one before.)
    const inRow = (n: number, typed: string, back = 2) => [...typed].map((c) => (t: string) => {
      const at = lineEnd(t, rowStart(t, n)) - back;
      return { start: at, end: at, text: c };
    });
    let doc = run(text, inRow(13, ' **x**'), what('**x** in a cell'));
    assert.equal(doc.lastUpdate, 'table-row', what('read on the row fast path'));
    doc = run(doc.text, inRow(14, ' <!-- planmark-disable-line unknown-task -->', 0), what('a disable comment after a row'));
    assert.equal(doc.lastUpdate, 'table-row', what('read on the row fast path'));
    // Typed again into rows next to those: other rows now hold comments.
    run(doc.text, [...inRow(15, ' <!-- planmark-disable-line unknown-task -->', 0), ...inRow(13, '**Owner:** me', 0)], what('more comments and fields'));
    // Backspace through a comment, one character at a time.
    const backspace = (n: number) => (t: string) => {
      const at = lineEnd(t, rowStart(t, n));
      return { start: at - 1, end: at, text: '' };
    };
    run(doc.text, Array.from({ length: 20 }, () => backspace(14)), what('backspace in a comment'));
    // A comment opened in one row and closed in a later one; a field line in the table.
    run(text, [...inRow(20, ' <!-- planmark-disable unknown-task', 0), ...inRow(25, ' -->', 0), ...inRow(22, ' x', 0), ...inRow(20, ' -->', 0)], what('a comment over rows'));
    const fieldLine = (typed: string) => [...typed].map((c) => (t: string) => {
      const at = lineEnd(t, t.indexOf('**Phase:**'));
      return { start: at, end: at, text: c };
    });
    const withField = text.replace(`| ${id(30)} |`, `**Phase:** 3${eol}| ${id(30)} |`).replace(`| ${id(33)} |`, `Approved${eol}| ${id(33)} |`);
    doc = run(withField, [...inRow(29, ' **y**'), ...inRow(31, ' **z:** 1'), ...fieldLine(' more | x')], what('a field line among the rows'));
    assert.equal(doc.lastUpdate, 'table-row', what('read on the row fast path'));
    const approved = (t: string) => {
      const at = t.indexOf('Approved') + 'Approved'.length;
      return { start: at, end: at, text: ':' };
    };
    run(withField, [approved, (t) => ({ start: t.indexOf('Approved:') + 9, end: t.indexOf('Approved:') + 9, text: ' yes' })], what('a sign-off typed in a row'));
  }
});
