// Edit sequences that look like real, careless editing of a plan, as fast-check data: each edit
// is a few numbers and choices that are read against the text it applies to, so that fast-check
// can shrink a failing sequence to a short one. Shared by the differential test through the
// language server (differential.test.ts) and the benchmark's edit kinds.
import fc from 'fast-check';

/** One change in the coordinates of the text left by the previous one (the LSP convention). */
export interface Change {
  start: number;
  end: number;
  text: string;
}

export type EditKind =
  | 'type-cell'
  | 'type-depends'
  | 'type-mermaid'
  | 'type-tasks'
  | 'type-heading'
  | 'type-date'
  | 'enter-row'
  | 'pipe-under-table'
  | 'delete-line'
  | 'duplicate-line'
  | 'move-line'
  | 'paste'
  | 'backspace'
  | 'delete-range'
  | 'prefix'
  | 'line-ending'
  | 'emoji'
  | 'definition'
  | 'remove-special';

export interface Edit {
  kind: EditKind;
  /** Which line, occurrence or offset (taken modulo what the text has). */
  a: number;
  b: number;
  /** Which text to type or paste. */
  pick: number;
  /** Send this edit's changes in the same didChange notification as the previous edit's. */
  join: boolean;
  /** Type the text one character per notification (false: paste it at once). */
  charByChar: boolean;
}

const TYPED_IN_CELL = ['x', 'Y', '**x**', ' <!-- planmark-disable-line unknown-task -->', '|', ' | extra', '\\|', '`code`', '[Name]', '😀', 'TASK_0'];
const TYPED_IN_DEPENDS = [', TASK_001', ', TASK_099', 'TASK_00', ', TASK_003, TASK_002', ' TASK_001', ', 😀TASK_002'];
const TYPED_IN_MERMAID = [' --> TASK_099', '\n    TASK_001 --> TASK_002', '[', ' & TASK_003', '\n    TASK_404[TASK_404: New]', '```', '%%'];
const TYPED_IN_TASKS = [', TASK_002', ', TASK_099', ']', ' [', 'TASK_0'];
const TYPED_IN_HEADING = [' Implementation Sequence', 's', ':', ' [Why in this order]', ' #', '`'];
const TYPED_DATES = ['2026-02-30', '2026-13-01', '2025-01-01', '-', '9'];
const ROW_TEXTS = ['|', '| TASK_050 | TASK_001 | 3 |', '| TASK_051 | TASK_099 | Y |', '| TASK_001 | None | 2 |', 'P', '| a |'];
const PREFIXES = ['> ', '- ', '1. ', '    ', '# ', '## ', '- [ ] ', '\t', ' '];
const EMOJI = ['😀', '👩‍👩‍👧', '中文', '\u202E'];
const DEFINITIONS = ['[Why in this order]: /', '[Name]: http://example.com', '[X]: #', '[Yes/No]: /yes', '[^1]: A footnote TASK_001'];

function rows(from: number, count: number): string {
  let out = '';
  for (let i = 0; i < count; i++) out += `| TASK_${String(from + i).padStart(3, '0')} | TASK_${String(from + i - 1).padStart(3, '0')} | ${(i % 5) + 1} |\n`;
  return out;
}

const PASTES = [
  rows(200, 3),
  rows(300, 50),
  '| TASK_060 | TASK_001 | 4 |\n',
  '```mermaid\ngraph TD\n    TASK_001 --> TASK_002\n```\n',
  '```\n',
  '~~~\n',
  '````\n',
  '\n',
  '\n\n',
  '<!-- planmark-disable-next-line unknown-task -->\n',
  '<!-- planmark-disable -->\n',
  '<!-- planmark-enable -->\n',
  '<!--\n',
  '## Risk Mitigation\n\n| Risk | Impact | Mitigation |\n|---|---|---|\n| Outage | Critical | Retry |\n',
  '### Step 9: Later\n**Tasks:** [TASK_001, TASK_404]\n',
  '- **Created:** 2026-02-30\n',
  '| Task | Depends On | Estimated Hours |\n|---|---|---|\n| TASK_070 | TASK_071 | X |\n',
  'Some prose about TASK_002 and [Why in this order].\n',
  '[Why in this order]: /\n',
  '<div>\n',
  '---\n',
  '> quoted TASK_003\n',
];

const TEXTS: Partial<Record<EditKind, readonly string[]>> = {
  'type-cell': TYPED_IN_CELL,
  'type-depends': TYPED_IN_DEPENDS,
  'type-mermaid': TYPED_IN_MERMAID,
  'type-tasks': TYPED_IN_TASKS,
  'type-heading': TYPED_IN_HEADING,
  'type-date': TYPED_DATES,
  'enter-row': ROW_TEXTS,
  'pipe-under-table': ROW_TEXTS,
  paste: PASTES,
  prefix: PREFIXES,
  emoji: EMOJI,
  definition: DEFINITIONS,
};

export const EDIT_KINDS = Object.keys({
  'type-cell': 0,
  'type-depends': 0,
  'type-mermaid': 0,
  'type-tasks': 0,
  'type-heading': 0,
  'type-date': 0,
  'enter-row': 0,
  'pipe-under-table': 0,
  'delete-line': 0,
  'duplicate-line': 0,
  'move-line': 0,
  paste: 0,
  backspace: 0,
  'delete-range': 0,
  prefix: 0,
  'line-ending': 0,
  emoji: 0,
  definition: 0,
  'remove-special': 0,
} satisfies Record<EditKind, 0>) as EditKind[];

export const editArbitrary: fc.Arbitrary<Edit> = fc.record({
  kind: fc.constantFrom(...EDIT_KINDS),
  a: fc.nat({ max: 10_000 }),
  b: fc.nat({ max: 10_000 }),
  pick: fc.nat({ max: 100 }),
  join: fc.boolean(),
  charByChar: fc.boolean(),
});

/** A burst: edits sent one after the other without waiting, then the server is asked. */
export const burstArbitrary = fc.array(editArbitrary, { minLength: 1, maxLength: 6 });

interface Line {
  start: number;
  /** End of the content, before the line break. */
  end: number;
  /** Start of the next line (end + length of the line break). */
  next: number;
}

/** Lines as LSP counts them: ended by \r\n, \n or \r. */
export function linesOf(text: string): Line[] {
  const out: Line[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) {
      const next = c === 13 && text.charCodeAt(i + 1) === 10 ? i + 2 : i + 1;
      out.push({ start, end: i, next });
      start = next;
      i = next - 1;
    }
  }
  out.push({ start, end: text.length, next: text.length });
  return out;
}

/** The line break the text uses most (what the editor inserts on Enter). */
function eolOf(text: string): string {
  const crlf = (text.match(/\r\n/g) ?? []).length;
  const lf = (text.match(/\n/g) ?? []).length - crlf;
  return crlf > lf ? '\r\n' : '\n';
}

function pickLine(text: string, lines: Line[], test: (line: string, index: number) => boolean, n: number): number {
  const matching: number[] = [];
  for (let i = 0; i < lines.length; i++) if (test(text.slice(lines[i].start, lines[i].end), i)) matching.push(i);
  if (matching.length === 0) return n % lines.length;
  return matching[n % matching.length];
}

function isRow(line: string): boolean {
  return line.trimStart().startsWith('|');
}

/** An offset that does not split a surrogate pair or a CRLF, as an editor's cursor never does. */
function snap(text: string, offset: number): number {
  let o = Math.max(0, Math.min(offset, text.length));
  const c = text.charCodeAt(o);
  if (o > 0 && ((c >= 0xdc00 && c <= 0xdfff && text.charCodeAt(o - 1) >= 0xd800 && text.charCodeAt(o - 1) <= 0xdbff) || (c === 10 && text.charCodeAt(o - 1) === 13))) o--;
  return o;
}

function typed(at: number, value: string, charByChar: boolean): Change[][] {
  if (!charByChar) return [[{ start: at, end: at, text: value }]];
  const out: Change[][] = [];
  let offset = at;
  for (const ch of value) {
    out.push([{ start: offset, end: offset, text: ch }]);
    offset += ch.length;
  }
  return out;
}

/**
 * The notifications (each a list of changes) that one edit sends on `text`. Typing sends one
 * notification per character; other edits one notification.
 */
export function changesOf(text: string, edit: Edit): Change[][] {
  const lines = linesOf(text);
  const eol = eolOf(text);
  const list = TEXTS[edit.kind] ?? [''];
  const value = list[edit.pick % list.length].replace(/\n/g, eol);
  const lineText = (i: number) => text.slice(lines[i].start, lines[i].end);
  const inLine = (i: number, n: number) => snap(text, lines[i].start + (n % (lines[i].end - lines[i].start + 1)));
  switch (edit.kind) {
    case 'type-cell': {
      const i = pickLine(text, lines, isRow, edit.a);
      return typed(inLine(i, edit.b), value, edit.charByChar);
    }
    case 'type-depends': {
      const i = pickLine(text, lines, (l) => isRow(l) && /TASK_\d+/.test(l), edit.a);
      // The end of the second cell, where a Depends On list grows.
      const l = lineText(i);
      let bars = 0;
      let at = l.length;
      for (let k = 0; k < l.length; k++) if (l[k] === '|' && ++bars === 3) {
        at = k;
        break;
      }
      return typed(snap(text, lines[i].start + Math.max(0, at - 1)), value, edit.charByChar);
    }
    case 'type-mermaid': {
      const i = pickLine(text, lines, (l) => /-->|graph |flowchart /.test(l), edit.a);
      return typed(lines[i].end, value, edit.charByChar);
    }
    case 'type-tasks': {
      const i = pickLine(text, lines, (l) => /\*\*Tasks:?\*\*/.test(l), edit.a);
      return typed(lines[i].end - (lineText(i).endsWith(']') && edit.b % 2 === 0 ? 1 : 0), value, edit.charByChar);
    }
    case 'type-heading': {
      const i = pickLine(text, lines, (l) => /^#{1,6} /.test(l), edit.a);
      return typed(lines[i].end, value, edit.charByChar);
    }
    case 'type-date': {
      const i = pickLine(text, lines, (l) => /\d{4}-\d\d-\d\d/.test(l), edit.a);
      const m = /\d{4}-\d\d-\d\d/.exec(lineText(i));
      if (!m) return typed(lines[i].end, value, edit.charByChar);
      const start = lines[i].start + m.index;
      // Select the date and type over it.
      const [first, ...rest] = typed(start, value, edit.charByChar);
      first[0] = { start, end: start + m[0].length, text: first[0].text };
      return [first, ...rest];
    }
    case 'enter-row': {
      // Enter at the end of a row (mid-table or the last one), then maybe a new row.
      const i = pickLine(text, lines, isRow, edit.a);
      const at = lines[i].end;
      const enter: Change[][] = [[{ start: at, end: at, text: eol }]];
      if (edit.b % 3 === 0) return enter;
      return enter.concat(typed(at + eol.length, value, edit.charByChar));
    }
    case 'pipe-under-table': {
      // The blank line under a table (or any blank line).
      const i = pickLine(text, lines, (l, k) => l.trim() === '' && k > 0 && isRow(lineText(k - 1)), edit.a);
      return typed(lines[i].start, value, edit.charByChar);
    }
    case 'delete-line': {
      const i = pickLine(text, lines, (l) => edit.b % 2 === 0 || isRow(l), edit.a);
      return [[{ start: lines[i].start, end: lines[i].next, text: '' }]];
    }
    case 'duplicate-line': {
      const i = pickLine(text, lines, (l) => edit.b % 2 === 0 || isRow(l), edit.a);
      const whole = text.slice(lines[i].start, lines[i].next);
      const copy = whole.endsWith('\n') || whole.endsWith('\r') ? whole : whole + eol;
      return [[{ start: lines[i].start, end: lines[i].start, text: copy }]];
    }
    case 'move-line': {
      const i = pickLine(text, lines, (l) => edit.pick % 2 === 0 || isRow(l), edit.a);
      const whole = text.slice(lines[i].start, lines[i].next);
      const moved = whole.endsWith('\n') || whole.endsWith('\r') ? whole : whole + eol;
      const removed = text.slice(0, lines[i].start) + text.slice(lines[i].next);
      const target = linesOf(removed)[edit.b % linesOf(removed).length].start;
      // Two changes in one notification, as an editor's "move line" sends them.
      return [[{ start: lines[i].start, end: lines[i].next, text: '' }, { start: target, end: target, text: moved }]];
    }
    case 'paste': {
      const i = edit.a % lines.length;
      return [[{ start: lines[i].start, end: lines[i].start, text: value }]];
    }
    case 'backspace': {
      const at = snap(text, edit.a % (text.length + 1));
      const from = snap(text, at - ((edit.b % 3) + 1));
      return [[{ start: from, end: at, text: '' }]];
    }
    case 'delete-range': {
      const start = snap(text, edit.a % (text.length + 1));
      const end = snap(text, start + (edit.b % 300));
      return [[{ start, end: Math.max(start, end), text: '' }]];
    }
    case 'prefix': {
      const i = edit.a % lines.length;
      return [[{ start: lines[i].start, end: lines[i].start, text: value }]];
    }
    case 'line-ending': {
      const i = edit.a % lines.length;
      if (lines[i].next === lines[i].end) return [];
      return [[{ start: lines[i].end, end: lines[i].next, text: ['\r\n', '\n', '\r\n'][edit.b % 3] }]];
    }
    case 'emoji': {
      const ids = [...text.matchAll(/TASK_\d+/g)];
      if (ids.length === 0) return [];
      const at = ids[edit.a % ids.length].index!;
      return [[{ start: at, end: at, text: value }]];
    }
    case 'definition': {
      // A definition on its own line, after a blank line (or at the end).
      const i = edit.a % lines.length;
      const at = edit.b % 2 === 0 ? text.length : lines[i].start;
      const before = at === text.length && !/(\r\n|\n|\r)$/.test(text) ? eol : '';
      return [[{ start: at, end: at, text: `${before}${eol}${value}${eol}${eol}` }]];
    }
    case 'remove-special': {
      // Remove a line that changes a lot: a fence, a definition, a disable comment, a delimiter row.
      const i = pickLine(text, lines, (l) => /^\s*(```|~~~|\[[^\]]+\]:|<!--|\|[-: |]+\|)/.test(l), edit.a);
      return [[{ start: lines[i].start, end: lines[i].next, text: '' }]];
    }
  }
}

/** Applies changes in order, each in the coordinates left by the previous one. */
export function applyChanges(text: string, changes: readonly Change[]): string {
  for (const c of changes) text = text.slice(0, c.start) + c.text + text.slice(c.end);
  return text;
}

/** The notifications a burst sends: consecutive edits marked `join` share one. */
export function notificationsOf(text: string, burst: readonly Edit[]): { changes: Change[]; text: string }[] {
  const out: { changes: Change[]; text: string }[] = [];
  let current = text;
  for (const edit of burst) {
    const notes = changesOf(current, edit);
    notes.forEach((changes, index) => {
      current = applyChanges(current, changes);
      const last = out[out.length - 1];
      if (index === 0 && edit.join && last) {
        last.changes.push(...changes);
        last.text = current;
      } else out.push({ changes, text: current });
    });
  }
  return out;
}

/** LSP position (UTF-16 code units; lines end at \r\n, \n or \r) of an offset. */
export function positionAt(text: string, offset: number): { line: number; character: number } {
  let line = 0;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 13 && text.charCodeAt(i + 1) === 10) {
      if (i + 1 >= offset) break;
      i++;
    }
    if (c === 10 || c === 13) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, character: offset - lineStart };
}
