// fast-check generators of hostile plan text: generated plans and real fixtures, mutated with
// truncations, broken tables and fences, unbalanced mermaid, nesting, control characters, lone
// surrogates, BOMs, line-ending changes and non-Latin text around task IDs.
import fc from 'fast-check';
import { generatePlan } from '../../bench/generatePlan';
import { loadFixtures } from './harness';

const generated = new Map<number, string>();
export function generatedPlanText(n: number): string {
  let text = generated.get(n);
  if (text === undefined) {
    text = generatePlan(n).text;
    generated.set(n, text);
  }
  return text;
}

export const FIXTURE_TEXTS = loadFixtures();

/** Characters and short strings that break naive text handling. */
export const HOSTILE_CHARS = [
  '\u0000', // NUL
  '\uD83D', // lone high surrogate
  '\uDE00', // lone low surrogate
  '\uFEFF', // BOM / zero-width no-break space
  '\t',
  '\r',
  '\r\n',
  '\n',
  '\u2028', // line separator (not a line break for LSP)
  '\u0085', // next line
  '😀', // astral emoji
  '👩‍👩‍👧', // ZWJ sequence
  '𝒯', // astral letter
  '中文任务',
  '日本語',
  'עברית', // right-to-left
  'العربية',
  '\u202E', // right-to-left override
  '\u200F', // right-to-left mark
  '\u0301', // combining mark
  '\u00A0', // no-break space
  '\u3000', // ideographic space
  '\\',
  '`',
  '|',
];

/** Markdown and mermaid fragments that are truncated, unbalanced or nested. */
export const HOSTILE_SNIPPETS = [
  '```',
  '```mermaid\n',
  '```mermaid\ngraph TD\n  A[(((\n',
  '~~~',
  '````\n',
  '| Task | Depends On | Estimated Hours |\n|---|---|---|\n| TASK_',
  '| TASK_001 | TASK_',
  '| TASK_0',
  '|---|',
  '| a | b |\n',
  '|',
  '||||',
  '\\|',
  '[',
  ']',
  '](',
  '[[[',
  ']]]',
  '((',
  '))',
  '{{',
  '}}',
  'A[',
  'B{{TASK_001',
  'C>]',
  'TASK_001 --> ',
  '--> TASK_002',
  ' -- text ',
  '-.->',
  '==>',
  '&',
  'subgraph X\n',
  'end\n',
  '"',
  '%%',
  '@{ label: "x',
  'graph TD\n',
  'flowchart LR\n',
  '<!--',
  '-->',
  '<!-- planmark-disable',
  '<!-- planmark-disable-next-line unknown-task -->\n',
  '**',
  '**Tasks:** [',
  '**Tasks:** TASK_001, TASK_',
  '**Approved:** Yes\n',
  '**Created:** 2026-02-30\n',
  '*',
  '_',
  '__',
  '# ',
  '## ',
  '## Implementation Sequence\n',
  '### Step 1: ',
  '> ',
  '> > > > ',
  '- ',
  '- - - - - - ',
  '  - ',
  '1. ',
  '- [ ] ',
  '- [x] ',
  '---\n',
  '<div>',
  '</div>',
  '    ',
  '\n\n',
  'TASK_',
  'TASK_999',
  'TASK-1',
  'TASK_00000000000000000001',
  '[X]',
  '[Yes/No]',
];

/** A base text: a generated plan of 1..12 tasks or a fixture. */
export const baseText = fc.oneof(
  fc.integer({ min: 1, max: 12 }).map((n) => ({ name: `generatePlan(${n})`, text: generatedPlanText(n) })),
  fc.constantFrom(...FIXTURE_TEXTS),
);

export type Mutation =
  | { kind: 'insert'; at: number; lineStart: boolean; text: string }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'truncate-line'; nth: number; keep: number; pattern: 'table' | 'fence' | 'mermaid' }
  | { kind: 'eol'; style: 'crlf' | 'cr' | 'mixed'; seed: number }
  | { kind: 'bom' }
  | { kind: 'before-ids'; text: string; every: number }
  | { kind: 'task-names'; text: string }
  | { kind: 'mermaid'; nth: number; text: string }
  | { kind: 'nest'; at: number; prefix: string; depth: number; lines: number }
  | { kind: 'duplicate-lines'; at: number; count: number };

const hostileString = fc.oneof(
  fc.constantFrom(...HOSTILE_CHARS),
  fc.constantFrom(...HOSTILE_SNIPPETS),
  fc.array(fc.constantFrom(...HOSTILE_CHARS, ...HOSTILE_SNIPPETS), { minLength: 1, maxLength: 6 }).map((a) => a.join('')),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
);

/** Text put before task IDs and in task names: never ASCII word characters, which would change the ID. */
const nonLatin = fc.oneof(
  fc.constantFrom('😀', '😀 ', '👩‍👩‍👧', '𝒯𝒜𝒮𝒦', '中文', '中文 ', 'עברית ', 'العربية', '\u202E', '\u200F', '\t', '\u0000', '\uD83D', '\uDE00', '\uFEFF', '\u0301', '𝟘𝟙'),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }).map((s) => s.replace(/[A-Za-z0-9_]/g, '·')),
);

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), lineStart: fc.boolean(), text: hostileString }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.nat({ max: 200 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('truncate-line' as const),
      nth: fc.nat({ max: 40 }),
      keep: fc.nat({ max: 30 }),
      pattern: fc.constantFrom('table' as const, 'fence' as const, 'mermaid' as const),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('eol' as const), style: fc.constantFrom('crlf' as const, 'cr' as const, 'mixed' as const), seed: fc.nat() }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'bom' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('before-ids' as const), text: nonLatin, every: fc.integer({ min: 1, max: 4 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('task-names' as const), text: nonLatin }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('mermaid' as const), nth: fc.nat({ max: 30 }), text: hostileString }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('nest' as const),
      at: fc.nat(),
      prefix: fc.constantFrom('> ', '- ', '* ', '1. ', '  ', '\t', '>', '- [ ] '),
      depth: fc.integer({ min: 1, max: 60 }),
      lines: fc.integer({ min: 1, max: 5 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('duplicate-lines' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 20 }) }) },
);

function lineStartAtOrBefore(text: string, at: number): number {
  let i = at;
  while (i > 0 && text[i - 1] !== '\n' && text[i - 1] !== '\r') i--;
  return i;
}

/** Start offsets of the lines matching `test`. */
function lineStarts(text: string, test: (line: string) => boolean): number[] {
  const out: number[] = [];
  let pos = 0;
  for (const line of text.split('\n')) {
    if (test(line.replace(/\r$/, ''))) out.push(pos);
    pos += line.length + 1;
  }
  return out;
}

export function applyMutation(text: string, m: Mutation): string {
  const n = text.length;
  switch (m.kind) {
    case 'insert': {
      let at = m.at % (n + 1);
      if (m.lineStart) at = lineStartAtOrBefore(text, at);
      return text.slice(0, at) + m.text + text.slice(at);
    }
    case 'delete': {
      const at = m.at % (n + 1);
      return text.slice(0, at) + text.slice(Math.min(n, at + m.length));
    }
    case 'truncate':
      return text.slice(0, m.at % (n + 1));
    case 'truncate-line': {
      const test =
        m.pattern === 'table'
          ? (l: string) => l.trimStart().startsWith('|')
          : m.pattern === 'fence'
            ? (l: string) => /^\s*(```|~~~)/.test(l)
            : (l: string) => /-->|\[|\{/.test(l) && !l.startsWith('|');
      const starts = lineStarts(text, test);
      if (!starts.length) return text;
      const start = starts[m.nth % starts.length];
      let end = text.indexOf('\n', start);
      if (end < 0) end = n;
      // Cut the line short: the rest of it disappears (a fence line loses its backticks).
      return text.slice(0, Math.min(end, start + m.keep)) + text.slice(end);
    }
    case 'eol': {
      const lf = text.replace(/\r\n?/g, '\n');
      if (m.style === 'crlf') return lf.replace(/\n/g, '\r\n');
      if (m.style === 'cr') return lf.replace(/\n/g, '\r');
      let i = m.seed;
      return lf.replace(/\n/g, () => ['\n', '\r\n', '\r'][(i = (i * 1103515245 + 12345) >>> 0) % 3]);
    }
    case 'bom':
      return '\uFEFF' + text;
    case 'before-ids': {
      let i = 0;
      return text.replace(/TASK[_-]\d+/g, (id) => (i++ % m.every === 0 ? m.text + id : id));
    }
    case 'task-names':
      // Mermaid labels "TASK_0001: Task 1" and table cells that follow the ID.
      return text.replace(/(TASK[_-]\d+): [^\]\n]*\]/g, `$1: ${m.text}]`).replace(/^(\| *TASK[_-]\d+) \|/gm, `$1 ${m.text} |`);
    case 'mermaid': {
      const starts = lineStarts(text, (l) => /-->|graph|flowchart|\[/.test(l) && !l.startsWith('|'));
      if (!starts.length) return text;
      const start = starts[m.nth % starts.length];
      let end = text.indexOf('\n', start);
      if (end < 0) end = n;
      const at = start + ((m.nth * 7) % (end - start + 1));
      return text.slice(0, at) + m.text + text.slice(at);
    }
    case 'nest': {
      const at = lineStartAtOrBefore(text, m.at % (n + 1));
      const block = Array.from({ length: m.lines }, (_, i) => m.prefix.repeat(m.depth + i) + 'TASK_001 nested').join('\n') + '\n';
      return text.slice(0, at) + block + text.slice(at);
    }
    case 'duplicate-lines': {
      const at = lineStartAtOrBefore(text, m.at % (n + 1));
      let end = at;
      for (let i = 0; i < m.count && end < n; i++) {
        const next = text.indexOf('\n', end);
        end = next < 0 ? n : next + 1;
      }
      return text.slice(0, end) + text.slice(at, end) + text.slice(end);
    }
  }
}

/** A base text and the mutations applied to it. */
export const mutatedPlan = fc
  .record({ base: baseText, mutations: fc.array(mutation, { minLength: 1, maxLength: 6 }) })
  .map(({ base, mutations }) => {
    let text = base.text;
    for (const m of mutations) text = applyMutation(text, m);
    const description = `${base.name} with ${JSON.stringify(mutations)}`;
    // Reports show how to rebuild the text, not the whole text.
    return { name: base.name, mutations, text, [fc.toStringMethod]: () => description };
  });
