// Regular expressions on user text, against adversarial input: 100,000-character lines of the
// characters that make backtracking patterns blow up, fed through the public functions (every
// feature, in every place of a plan where a pattern reads a line) and through the exported
// patterns and helpers directly. Each case runs in a worker with a generous hang guard; linear
// code handles every case here in well under a second.
import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { FIXTURE_TEXTS } from './generators';
import { failures, runIsolated, type ProbeCase } from './isolated';
import type { ProbeName } from './probes';

const LENGTH = 100_000;
/** A hang guard in CPU time (isolated.ts), not a speed budget: the slowest case here takes under 2 s
 * of CPU, quadratic work on 100,000 characters takes minutes. */
const LIMIT_MS = 20_000;

/** The characters the issue names, and a few more that patterns here treat specially. */
const UNITS = ['*', '_', '[', '|', '\\', '`', '<!--', '**', 'TASK_', ' ', '# ', '>', '- ', '\t', '~', 'x_y ', '<!-- planmark-disable '];

function line(unit: string): string {
  // A non-matching character at the end is what makes a backtracking pattern retry everything.
  return unit.repeat(Math.ceil(LENGTH / unit.length)).slice(0, LENGTH) + 'x';
}

const FILLED = FIXTURE_TEXTS.find((f) => f.name === 'filled.plan.md')!.text;

function lineIndexOf(text: string, offset: number): number {
  let n = 0;
  for (let i = 0; i < offset; i++) if (text[i] === '\n') n++;
  return n;
}

/** `block` inserted before `marker` in the filled plan, and the line the adversarial text starts on. */
function insertBefore(marker: string, block: string): { text: string; line: number } {
  const at = FILLED.indexOf(marker);
  assert.ok(at >= 0, marker);
  return { text: FILLED.slice(0, at) + block + FILLED.slice(at), line: lineIndexOf(FILLED, at) };
}

/** Every place of a plan where a pattern reads one line of user text. */
const CONTEXTS: Record<string, (l: string) => { text: string; line: number }> = {
  paragraph: (l) => insertBefore('## Technical Strategy', `${l}\n\n`),
  heading: (l) => insertBefore('## Technical Strategy', `## ${l}\n\n`),
  field: (l) => insertBefore('- **Target End:**', `- **Target Start:** ${l}\n`),
  'task table cells': (l) => {
    const row = FILLED.indexOf('| TASK_005 |');
    return { text: FILLED.slice(0, row) + `| TASK_009 | TASK_001 | ${l} |\n` + FILLED.slice(row), line: lineIndexOf(FILLED, row) };
  },
  'endpoint table cell': (l) => insertBefore('| GET |', `| ${l} | /x | y | No |\n`),
  'mermaid line': (l) => insertBefore('    D --> E', `    ${l}\n`),
  'headings in an unclosed fence': (l) => ({ text: `${FILLED}\n~~~\n# a${l}\n## ${l}\n`, line: lineIndexOf(FILLED, FILLED.length) + 2 }),
};

const CONTEXT_NAMES = Object.keys(CONTEXTS);

describe('regular expressions on 100,000-character adversarial lines', () => {
  test(`every feature, with the line in ${CONTEXT_NAMES.length} places of a plan (${UNITS.length} kinds of line)`, async (t: TestContext) => {
    const cases: ProbeCase[] = [];
    for (const unit of UNITS) {
      const l = line(unit);
      cases.push({ name: `${JSON.stringify(unit)} alone`, probe: 'features', args: [l, 0], limitMs: LIMIT_MS });
      for (const name of CONTEXT_NAMES) {
        const caseName = `${JSON.stringify(unit)} in ${name}`;
        const { text, line: at } = CONTEXTS[name](l);
        cases.push({ name: caseName, probe: 'features', args: [text, at], limitMs: LIMIT_MS });
      }
    }
    const results = await runIsolated(cases, 2);
    const slowest = [...results].sort((a, b) => (b.cpuMs ?? b.ms) - (a.cpuMs ?? a.ms)).slice(0, 3);
    t.diagnostic(`${results.length} cases; slowest: ${slowest.map((r) => `${r.name} ${r.ms} ms (${r.cpuMs ?? "?"} ms CPU)`).join(', ')}`);
    assert.deepEqual(failures(results), []);
  });

  test('the exported patterns and the helpers that hold the others', async () => {
    const probes: ProbeName[] = ['taskIds', 'tableRow', 'planTitle', 'settings', 'mermaid', 'titles', 'date', 'jsonComments', 'eol'];
    const cases: ProbeCase[] = [];
    for (const unit of [...UNITS, '[](', '((', '-->', '&', '%%', ',', '/*', '//', '"\\', '\n', '#', '<', '-', ':', 'TASK_1']) {
      for (const probe of probes) cases.push({ name: `${probe} on ${JSON.stringify(unit)}`, probe, args: [line(unit)], limitMs: LIMIT_MS });
    }
    const results = await runIsolated(cases);
    assert.deepEqual(failures(results), []);
  });

  // Each of these took from 30 seconds to minutes (or overflowed the stack) before the fix in
  // the feature named; sizes are chosen so that the old quadratic code trips the hang guard.
  test('the inputs that were quadratic in the language features', async () => {
    const n = 300_000;
    const blanks = ' '.repeat(n);
    const cases: [string, ProbeName, unknown[]][] = [
      ['completion on "## " + 300,000 blanks + "#x" (completion.ts heading)', 'completion', [`## ${blanks}#x\n`, 0, n + 3]],
      ['completion on "## " + 300,000 blanks + "x" (completion.ts title end)', 'completion', [`## ${blanks}x\n`, 0, 3]],
      ['Estimated Hours "a" + 200,000 backticks (diagnostics.ts stripInline)', 'parse', [`| Task | Depends On | Estimated Hours |\n|---|---|---|\n| TASK_001 | None | a${'`'.repeat(200_000)}x |\n`]],
      ['Method "a" + 200,000 backticks (diagnostics.ts stripInline)', 'parse', [`| Endpoint | Method |\n|---|---|\n| /x | a${'`'.repeat(200_000)}x |\n`]],
      ['"# a # # # ...x" (200,000 characters) in an unclosed fence (diagnostics.ts swallowedHeadings)', 'parse', [`# Implementation Plan\n\n~~~\n# a${' #'.repeat(100_000)}x\n`]],
      ['10,000 placeholders and 10,000 disable/enable comments (diagnostics.ts disabledFilter)', 'parse', ['# Implementation Plan\n\n' + '[a] <!-- planmark-enable placeholder -->\n\n'.repeat(10_000)]],
      ['130,000 nested fence openings (diagnostics.ts: Math.min over a spread)', 'parse', ['```\n' + '```js\n'.repeat(130_000)]],
      ['insert a section after 100,000 "---" lines (planEdits.ts footer rule)', 'insertSection', ['# Implementation Plan\n\n**Approved:** No\n\n' + '---\n'.repeat(100_000), 'Review Checklist']],
      ['insert a section after 200,000 blank lines (planEdits.ts blank-line test)', 'insertSection', ['# Implementation Plan\n' + ' \n'.repeat(200_000) + 'x', 'Overview']],
    ];
    const results = await runIsolated(cases.map(([name, probe, args]) => ({ name, probe, args, limitMs: LIMIT_MS })));
    assert.deepEqual(failures(results), []);
  });

  // Regression (server/src/plan/blocks.ts findHostileSegments once counted only `_` and `*`, so
  // remark got long runs of brackets and tildes, on which its parser is quadratic). The inline
  // `<!--` lines are in the test above, in every place of a plan. Linear work takes well under a
  // second on each; the guard here is 5 s.
  test('100,000-character lines that remark parses in quadratic time (links, references, strikethrough)', async () => {
    const cases: ProbeCase[] = ['](', '[a]', '~a'].map((unit) => ({
      name: `parsePlan on ${JSON.stringify(unit)} x ${Math.floor(LENGTH / unit.length)}`,
      probe: 'parse',
      args: [unit.repeat(Math.floor(LENGTH / unit.length))],
      limitMs: 5_000,
    }));
    const results = await runIsolated(cases, 2);
    assert.deepEqual(failures(results), []);
  });

  // Regression (server/src/plan/blocks.ts parseBlocks once spread every block of a stretch as
  // call arguments, which overflows the stack past ~120,000 blocks once a hostile segment follows).
  test('150,000 blocks before a hostile segment', async () => {
    const text = '---\n'.repeat(150_000) + '\n' + '_'.repeat(4001) + '\n';
    const results = await runIsolated([{ name: 'parsePlan on 150,000 "---" lines, a blank line and 4,001 "_"', probe: 'parse', args: [text], limitMs: 30_000 }]);
    assert.deepEqual(failures(results), []);
  });

  // Not a pattern on document text but on a setting (server/src/settings.ts). Regression:
  // validateTaskIdPattern compiled the pattern, but V8 reports "regular expression too large"
  // only when it first runs, which was outside the try, so a 100,000-character
  // planmark.taskIdPattern threw instead of being refused.
  test('validating a 100,000-character planmark.taskIdPattern answers instead of throwing', async () => {
    const results = await runIsolated([
      { name: 'validateTaskIdPattern("\\(" + "a*" x 50,000)', probe: 'taskIdPatternSetting', args: ['\\(' + 'a*'.repeat(LENGTH / 2)], limitMs: LIMIT_MS },
      { name: 'validateTaskIdPattern("TASK_" + "a" x 100,000)', probe: 'taskIdPatternSetting', args: ['TASK_' + 'a'.repeat(LENGTH)], limitMs: LIMIT_MS },
    ]);
    assert.deepEqual(failures(results), []);
  });
});
