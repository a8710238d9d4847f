// What one top-level Markdown block says, extracted once when the block is parsed.
// All spans here are relative to the block's start so a block that merely moves (an edit
// above it) keeps its facts untouched; assemble.ts turns them into absolute spans.
import type { RootContent, Nodes } from 'mdast';
import type { Cell, DisableDirective, Field, MermaidFlowchart, Placeholder, Span, TableRow } from './types';
import { parseMermaidFlowchart } from './mermaid';
import { TEMPLATE_SUBSECTION_NAMES, matchTemplateSection, sectionWords, stepHeadingNumber } from './sections';

export type TableKind = 'task' | 'risk' | 'endpoint' | 'other';

export interface TableColumns {
  kind: TableKind;
  task: number;
  dependsOn: number;
  hours: number;
  /** The optional Status column of a task table (Todo / In Progress / Done), or -1. */
  status: number;
  impact: number;
  method: number;
}

export interface RowFacts {
  /** Row relative to its own line start. */
  row: TableRow;
  /** The table's columns, so a row can be read on its own. */
  columns: TableColumns;
  mentions: RelMention[];
  placeholders: Placeholder[];
}

export interface TableFacts {
  header: Cell[];
  columns: TableColumns;
  /** Text of the header line and the delimiter line, for reparsing a single row. */
  headerLine: string;
  delimiterLine: string;
  /** Body rows: offset of each row's line relative to the block start, and its facts. */
  rowOffsets: number[];
  rows: RowFacts[];
}

export interface CodeFacts {
  lang: string;
  fenceChar: '`' | '~';
  fenceLength: number;
  indent: number;
  openingSpan: Span;
  contentStart: number;
  /** End of the content (start of the closing fence line, or the block end). */
  contentEnd: number;
  closed: boolean;
  nestedOpenings: Span[];
  /**
   * Start of the first content line showing that the fence was meant to close before it (see
   * forgottenCloseAt), relative to the block; undefined when nothing shows that.
   */
  neverClosedAt?: number;
  /** Start of the first content line that is a Markdown heading (any level), relative to the block. */
  firstHeadingAt?: number;
  flowchart?: MermaidFlowchart;
}

export interface RelMention {
  id: string;
  span: Span;
  kind: 'definition' | 'dependsOn' | 'text' | 'mermaid';
}

export interface BlockFacts {
  type: RootContent['type'];
  /** Set on a block kept as plain text because remark could not parse it in reasonable time. */
  plain?: boolean;
  heading?: { depth: number; title: string; titleSpan: Span };
  table?: TableFacts;
  code?: CodeFacts;
  fields: Field[];
  checklist: { checked: boolean; span: Span }[];
  /** Every list item of a list block (task lists are read from these), in document order. */
  listItems?: ListItemFacts[];
  mentions: RelMention[];
  placeholders: Placeholder[];
  directives: DisableDirective[];
  /** Labels of the link reference definitions in the block, as written (`[Name]`). */
  definitions?: string[];
  /**
   * Normalized labels of the bracketed text in the block's inline content: what a link reference
   * definition anywhere in the document can turn into a link (and so change this block's facts).
   */
  references?: string[];
}

export interface ListItemFacts {
  /** GFM task checkbox state; null when the item has no checkbox remark recognises. */
  checked: boolean | null;
  /** The whole item, nested lists included, relative to the block start. */
  span: Span;
}

export interface ExtractContext {
  taskIdPattern: string;
  /**
   * Link reference (and footnote) definitions of the whole document, normalized label -> label as
   * written. A stretch parsed on its own gets them as `[Name]: #` lines before it, so that its
   * references resolve as in a full parse.
   */
  definitions?: ReadonlyMap<string, string>;
}

/** A link label as CommonMark compares them: whitespace collapsed, case folded. */
export function normalizeLabel(label: string): string {
  return label.replace(/[\t\n\r ]+/g, ' ').trim().toLowerCase().toUpperCase();
}

const BRACKETED = /\[((?:[^[\]\\]|\\[\s\S]){1,999})\]/g;

/** Candidate reference labels in a block's text: every innermost bracketed run. */
function referenceLabels(text: string): string[] | undefined {
  if (!text.includes('[')) return undefined;
  const out = new Set<string>();
  BRACKETED.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = BRACKETED.exec(text))) {
    const label = normalizeLabel(m[1]);
    if (label !== '') out.add(label);
  }
  return out.size ? [...out] : undefined;
}

/** The label of a definition as written in the source (from `[` to its unescaped `]`). */
function definitionLabel(source: string): string | undefined {
  const open = source.indexOf('[');
  if (open < 0) return undefined;
  for (let i = open + 1; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (c === ']') return source.slice(open, i + 1).replace(/[\r\n]+[ \t>]*/g, ' ');
  }
  return undefined;
}

const FIELD_LINE = /^[ \t]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)?(?:\[[ xX]\][ \t]+)?\*\*([^*\n]{1,80}?)(?::\*\*|\*\*[ \t]*:)[ \t]*([^\r\n]*)$/;
const PLACEHOLDER_BRACKET = /\[([^[\]\n]{1,200})\]/g;
const PLACEHOLDER_WORDS = /\b(?:Yes\/No|High\/Med\/Low|X\.Y\.Z)\b|(?<![\w.])[XYZ]%|<[ \t]?[XYZ][ \t]?ms\b/g;
const DIRECTIVE = /<!--[ \t]*planmark-(disable-next-line|disable-line|disable-file|disable|enable)\b([^>]*?)-->/g;
const OPEN_FENCE = /^( {0,3})(`{3,}|~{3,})([^\r\n]*)$/;

/**
 * Estimated Hours as people write it: `6`, `2.5`, `6h`, `4 hrs`, `3 hours`, `~6`, `4-6h` (the upper
 * bound), markup around it and a note in parentheses after it. `undefined` when the text is
 * not an estimate at all (`abc`); see isUnestimated for "not estimated yet".
 */
export function parseHours(text: string): number | undefined {
  const m = HOURS.exec(stripMarkup(text));
  if (!m) return undefined;
  return Number((m[2] ?? m[1]).replace(',', '.'));
}

/** `TBD`, `?`, `X`, `N/A`, an empty cell…: the task has no estimate yet. */
export function isUnestimated(text: string): boolean {
  return UNESTIMATED.test(stripMarkup(text));
}

function stripMarkup(text: string): string {
  return text.replace(/[`*_]/g, '').trim();
}

const NUMBER = String.raw`(?:\d+(?:[.,]\d+)?|\.\d+)`;
const HOURS = new RegExp(
  String.raw`^(?:~|≈|about |approx\.? |ca\.? )?[ \t]*(${NUMBER})(?:[ \t]*(?:-|–|—|to)[ \t]*(${NUMBER}))?[ \t]*(?:h|hrs?|hours?)?\.?(?:[ \t]*\([^()]*\))?$`,
  'i',
);
const UNESTIMATED = /^(?:|[XYZ]|tbd|tbc|tba|to be (?:decided|determined|confirmed|estimated)|\?+h?|n\/?a|unknown|unestimated|-+|–|—)$/i;

/** Cell values that are the template's own placeholders. */
export const PLACEHOLDER_CELL_VALUES = new Set(['X', 'Y', 'Z', 'X.Y.Z', 'Yes/No', 'High/Med/Low']);

export function taskIdRegExp(pattern: string): RegExp {
  // Word-ish boundaries without \b so IDs with non-word edges still work; lookarounds keep
  // TASK_0011x and MYTASK_001 from matching.
  return new RegExp(`(?<![A-Za-z0-9_])(?:${pattern})(?![A-Za-z0-9_])`, 'g');
}

/** One compiled expression per pattern for findTaskIds (compiling one per cell cost more than the search). */
const compiledTaskIds = new Map<string, RegExp>();

export function findTaskIds(text: string, pattern: string, base: number): { id: string; span: Span }[] {
  const out: { id: string; span: Span }[] = [];
  let re = compiledTaskIds.get(pattern);
  if (!re) {
    if (compiledTaskIds.size > 16) compiledTaskIds.clear();
    re = taskIdRegExp(pattern);
    compiledTaskIds.set(pattern, re);
  }
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    out.push({ id: m[0], span: { start: base + m.index, end: base + m.index + m[0].length } });
  }
  return out;
}

function emptyFacts(type: RootContent['type']): BlockFacts {
  return { type, fields: [], checklist: [], mentions: [], placeholders: [], directives: [] };
}

/**
 * Extracts the facts of one top-level node. `source` is the whole text the node was parsed
 * from, `origin` the absolute offset of `source[0]`, and `blockStart` the block's absolute start.
 */
export function extractBlockFacts(node: RootContent, source: string, blockStart: number, ctx: ExtractContext): BlockFacts {
  const facts = emptyFacts(node.type);
  const start = node.position!.start.offset!;
  const end = node.position!.end.offset!;
  const text = source.slice(start, end);
  switch (node.type) {
    case 'heading': {
      const children = node.children;
      const first = children[0]?.position?.start.offset ?? end;
      const last = children[children.length - 1]?.position?.end.offset ?? end;
      facts.heading = {
        depth: node.depth,
        title: plainText(node).trim(),
        titleSpan: { start: first - start, end: Math.max(first, last) - start },
      };
      collectInline(node, source, start, facts, ctx);
      setReferences(facts, text);
      break;
    }
    case 'table':
      facts.table = extractTable(text, ctx);
      collectTableLists(facts, ctx);
      break;
    case 'code':
      facts.code = extractCode(text, node.lang ?? '', ctx);
      break;
    case 'html':
      break;
    default:
      collectInline(node, source, start, facts, ctx);
      if (node.type === 'list' || node.type === 'blockquote') collectChecklist(node, start, facts);
      if (node.type !== 'definition') setReferences(facts, text);
      break;
  }
  if (node.type !== 'code') {
    collectFields(text, facts);
    if (text.includes('planmark-')) collectDirectives(text, facts);
  }
  void blockStart;
  return facts;
}

function setReferences(facts: BlockFacts, text: string): void {
  const labels = referenceLabels(text);
  if (labels) facts.references = labels;
}

function plainText(node: Nodes): string {
  if ('value' in node && typeof node.value === 'string') return node.value;
  if ('children' in node) return (node.children as Nodes[]).map(plainText).join('');
  return '';
}

/** Mentions and placeholders from the inline text of a block (not from nested code blocks). */
function collectInline(node: Nodes, source: string, blockStart: number, facts: BlockFacts, ctx: ExtractContext): void {
  const stack: Nodes[] = [node];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'code') {
      // A fenced block nested in a list: mermaid there is still a graph people write.
      continue;
    }
    if (n.type === 'definition' || n.type === 'footnoteDefinition') {
      const s = n.position?.start.offset;
      const e = n.position?.end.offset;
      const label = s === undefined || e === undefined ? undefined : definitionLabel(source.slice(s, e));
      if (label) (facts.definitions ??= []).push(label);
      if (n.type === 'definition') continue;
    }
    if (n.type === 'text' || n.type === 'inlineCode') {
      const s = n.position?.start.offset;
      const e = n.position?.end.offset;
      if (s === undefined || e === undefined) continue;
      const raw = source.slice(s, e);
      const rel = s - blockStart;
      for (const m of findTaskIds(raw, ctx.taskIdPattern, rel)) facts.mentions.push({ ...m, kind: 'text' });
      if (n.type === 'text') collectPlaceholders(raw, rel, facts.placeholders, ctx);
      continue;
    }
    if ('children' in n) {
      const children = n.children as Nodes[];
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
    }
  }
}

/**
 * The facts of a paragraph whose text has no inline construct (no emphasis, code, link, HTML,
 * escape, entity or autolink: the caller checks), as extractBlockFacts gives them: the whole
 * text is one run of text.
 */
export function plainParagraphFacts(text: string, ctx: ExtractContext): BlockFacts {
  const facts = emptyFacts('paragraph');
  for (const m of findTaskIds(text, ctx.taskIdPattern, 0)) facts.mentions.push({ ...m, kind: 'text' });
  collectPlaceholders(text, 0, facts.placeholders, ctx);
  // Plain sign-off lines (`Approved: Yes`) are fields without markup, as extractBlockFacts reads them.
  collectFields(text, facts);
  return facts;
}

/** Bracketed texts of the template itself, whatever their shape (`[Name]`, `[X]`, `[table]`). */
const TEMPLATE_BRACKETS = new Set(
  [
    'Name', 'X', 'YYYY-MM-DD', 'Yes/No', 'Phase Name', 'Description', 'Purpose', 'name', 'reason', 'table', 'column',
    'module1', 'module2', 'Step 1', 'Step 2', 'Deliverable 1', 'Foundation Setup', 'Core Functionality',
    'Integration & Testing', 'Risk description', 'Token strategy', 'What it does', 'Why chosen',
  ].map((t) => t.toLowerCase()),
);

/** Bracketed tags people write that are content, not unfilled template text. */
const TAG_WORDS = /^(?:wip|work in progress|in progress|done|todo|to do|blocked|optional|required|draft|new|deprecated|breaking|experimental|beta|alpha|stable|fixed|open|closed|pending|skipped|n\/a|tbd|p\d|high|med|medium|low|high priority|low priority|critical|nice to have|must have|should have|could have|won'?t have)$/i;

/**
 * Whether bracketed text is of the template's kind: one of the template's own bracketed texts,
 * `[YYYY-MM-DD]`-like, an example list (`[e.g., React, Express]`, `[Jest, Mocha, etc.]`), or an
 * instruction of two or more words (`[What this phase will accomplish]`). Never a tag (`[WIP]`,
 * `[Blocked]`, `[optional]`), a one-word note, or a list of values (`[1, 2, 3]`).
 */
export function isPlaceholderText(inner: string): boolean {
  const text = inner.trim();
  if (TEMPLATE_BRACKETS.has(text.toLowerCase())) return true;
  if (/^(?:YYYY|MM|DD|HH)(?:[-/:.](?:YYYY|MM|DD|HH|mm|ss))+$/.test(text)) return true;
  if (/^(?:e\.g\.|i\.e\.|eg\b)/i.test(text) || /\betc\.?$/i.test(text)) return true;
  if (TAG_WORDS.test(text)) return false;
  // A list of values: comma-separated short items.
  if (/,/.test(text) && text.split(',').every((item) => item.trim().split(/\s+/).length <= 2)) return false;
  const words = text.split(/\s+/).filter((w) => /\p{L}/u.test(w));
  return words.length >= 2 && /^\p{L}/u.test(text) && !/^\p{Lu}{2,}\b/u.test(text) && text.length <= 120;
}

function collectPlaceholders(raw: string, base: number, target: Placeholder[], ctx: ExtractContext): void {
  const out: Placeholder[] = [];
  PLACEHOLDER_BRACKET.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = PLACEHOLDER_BRACKET.exec(raw))) {
    const inner = m[1];
    if (inner === ' ' || inner === 'x' || inner.startsWith('^') || inner.trim() === '') continue;
    // A bracketed list of task IDs (a step's Tasks) is content, not a placeholder.
    if (findTaskIds(inner, ctx.taskIdPattern, 0).length > 0) continue;
    const next = raw.charCodeAt(m.index + m[0].length);
    if (next === 40 /* ( */ || next === 91 /* [ */ || next === 58 /* : */) continue;
    if (!isPlaceholderText(inner)) continue;
    out.push({ text: m[0], span: { start: base + m.index, end: base + m.index + m[0].length } });
  }
  const bracketed = out.length;
  PLACEHOLDER_WORDS.lastIndex = 0;
  while ((m = PLACEHOLDER_WORDS.exec(raw))) {
    const at = base + m.index;
    // "[Yes/No]" is one placeholder, not two.
    if (out.slice(0, bracketed).some((p) => p.span.start <= at && at < p.span.end)) continue;
    out.push({ text: m[0], span: { start: base + m.index, end: base + m.index + m[0].length } });
  }
  for (const p of out) target.push(p);
}

function collectChecklist(node: Nodes, blockStart: number, facts: BlockFacts): void {
  const stack: Nodes[] = [node];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'listItem' && n.position) {
      const span = { start: n.position.start.offset! - blockStart, end: n.position.end.offset! - blockStart };
      if (typeof n.checked === 'boolean') facts.checklist.push({ checked: n.checked, span });
      (facts.listItems ??= []).push({ checked: typeof n.checked === 'boolean' ? n.checked : null, span });
    }
    if ('children' in n) for (const c of n.children as Nodes[]) stack.push(c);
  }
  facts.checklist.sort((a, b) => a.span.start - b.span.start);
  facts.listItems?.sort((a, b) => a.span.start - b.span.start);
}

function forEachLine(text: string, fn: (line: string, start: number) => void): void {
  let pos = 0;
  while (pos <= text.length) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = text.length;
    let lineEnd = nl;
    if (lineEnd > pos && text.charCodeAt(lineEnd - 1) === 13) lineEnd--;
    fn(text.slice(pos, lineEnd), pos);
    pos = nl + 1;
  }
}

/** The block-level facts of a table's text that are not its rows: fields and disable comments. */
export function tableBlockFacts(text: string): { fields: Field[]; directives: DisableDirective[] } {
  const facts: BlockFacts = { type: 'table', fields: [], checklist: [], mentions: [], placeholders: [], directives: [] };
  collectFields(text, facts);
  if (text.includes('planmark-')) collectDirectives(text, facts);
  return { fields: facts.fields, directives: facts.directives };
}

/** Sign-off lines without bold: `Approved: ✅ Yes`, `- Reviewed By: Ada`. */
const SIGN_OFF_LINE = /^[ \t]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)?(created by|reviewed by|reviewer|approved|approval|last updated)[ \t]*:[ \t]*([^\r\n]*)$/i;

function collectFields(text: string, facts: BlockFacts): void {
  const bold = text.includes('**');
  if (!bold && !/:/.test(text)) return;
  forEachLine(text, (line, lineStart) => {
    if (line.length > 2000) return;
    const m = (bold && line.includes('**') ? FIELD_LINE.exec(line) : null) ?? (line.includes(':') ? SIGN_OFF_LINE.exec(line) : null);
    if (!m) return;
    const key = m[1].trim();
    const keyStart = lineStart + line.indexOf(m[1]);
    const rawValue = m[2];
    const valueOffsetInLine = line.length - rawValue.length;
    const leading = rawValue.length - rawValue.trimStart().length;
    const value = rawValue.trim();
    const valueStart = lineStart + valueOffsetInLine + leading;
    facts.fields.push({
      key,
      keySpan: { start: keyStart, end: keyStart + key.length },
      value,
      valueSpan: { start: valueStart, end: valueStart + value.length },
      lineSpan: { start: lineStart, end: lineStart + line.length },
    });
  });
}

function collectDirectives(text: string, facts: BlockFacts): void {
  DIRECTIVE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = DIRECTIVE.exec(text))) {
    const codes = m[2]
      .split(/[\s,]+/)
      .map((c) => c.trim())
      .filter(Boolean);
    facts.directives.push({
      kind: m[1] as DisableDirective['kind'],
      codes,
      span: { start: m.index, end: m.index + m[0].length },
    });
  }
}

// ---- Tables ----

/** A table block's own lists hold only what its header line says; rows keep theirs. */
export function collectTableLists(facts: BlockFacts, ctx: ExtractContext): void {
  const table = facts.table!;
  for (const m of findTaskIds(table.headerLine, ctx.taskIdPattern, 0)) facts.mentions.push({ ...m, kind: 'text' });
}

/** Splits a table line into cells on unescaped pipes, as GFM does. Spans are relative to the line. */
export function splitTableRow(line: string): Cell[] {
  const cells: Cell[] = [];
  let i = 0;
  const n = line.length;
  while (i < n && (line[i] === ' ' || line[i] === '\t')) i++;
  if (line[i] === '|') i++;
  let cellStart = i;
  const push = (s: number, e: number) => {
    let a = s;
    let b = e;
    while (a < b && (line[a] === ' ' || line[a] === '\t')) a++;
    while (b > a && (line[b - 1] === ' ' || line[b - 1] === '\t')) b--;
    cells.push({ text: line.slice(a, b), span: { start: a, end: b } });
  };
  for (; i < n; i++) {
    const c = line[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '|') {
      push(cellStart, i);
      cellStart = i + 1;
    }
  }
  // A trailing pipe closes the last cell; otherwise the rest is a cell.
  const rest = line.slice(cellStart);
  if (rest.trim() !== '' || !/\|[ \t]*$/.test(line)) push(cellStart, n);
  return cells;
}

function headerIndex(header: Cell[], test: RegExp): number {
  return header.findIndex((c) => test.test(c.text.replace(/[*_`]/g, '').trim()));
}

export function classifyTable(header: Cell[]): TableColumns {
  const task = headerIndex(header, /^task( id)?$/i);
  const dependsOn = headerIndex(header, /^depends[ _-]?on$|^dependencies$|^prerequisites?$/i);
  const hours = headerIndex(header, /hours?\b|^estimate/i);
  const impact = headerIndex(header, /^impact$/i);
  const method = headerIndex(header, /^method$/i);
  const status = headerIndex(header, /^(?:status|state|progress)$/i);
  const risk = headerIndex(header, /^risk/i);
  const endpoint = headerIndex(header, /^endpoint/i);
  let kind: TableKind = 'other';
  if (task >= 0 && dependsOn >= 0) kind = 'task';
  else if (impact >= 0 && risk >= 0) kind = 'risk';
  else if (method >= 0 && endpoint >= 0) kind = 'endpoint';
  return { kind, task, dependsOn, hours, impact, method, status };
}

export function extractTableRow(line: string, columns: TableColumns, ctx: ExtractContext): RowFacts {
  const cells = splitTableRow(line);
  const row: TableRow = { span: { start: 0, end: line.length }, cells };
  const mentions: RelMention[] = [];
  const placeholders: Placeholder[] = [];
  cells.forEach((cell, index) => {
    let kind: RelMention['kind'] = 'text';
    if (columns.kind === 'task' && index === columns.task) kind = 'definition';
    else if (columns.kind === 'task' && index === columns.dependsOn) kind = 'dependsOn';
    const ids = findTaskIds(cell.text, ctx.taskIdPattern, cell.span.start);
    ids.forEach((m, i) => mentions.push({ ...m, kind: kind === 'definition' && i > 0 ? 'text' : kind }));
    // An hours cell left as X or TBD is one unestimated-task finding, not also a placeholder.
    if (columns.kind === 'task' && index === columns.hours && isUnestimated(cell.text)) return;
    if (PLACEHOLDER_CELL_VALUES.has(cell.text)) placeholders.push({ text: cell.text, span: cell.span });
    else collectPlaceholders(cell.text, cell.span.start, placeholders, ctx);
  });
  return { row, columns, mentions, placeholders };
}

function extractTable(text: string, ctx: ExtractContext): TableFacts {
  const lines: { line: string; start: number }[] = [];
  forEachLine(text, (line, start) => lines.push({ line, start }));
  const headerLine = lines[0]?.line ?? '';
  const delimiterLine = lines[1]?.line ?? '';
  const header = splitTableRow(headerLine);
  const columns = classifyTable(header);
  const rowOffsets: number[] = [];
  const rows: RowFacts[] = [];
  for (let i = 2; i < lines.length; i++) {
    rowOffsets.push(lines[i].start);
    rows.push(extractTableRow(lines[i].line, columns, ctx));
  }
  return { header, columns, headerLine, delimiterLine, rowOffsets, rows };
}

// ---- Code blocks ----

export function extractCode(text: string, lang: string, ctx: ExtractContext): CodeFacts {
  const firstBreak = text.indexOf('\n');
  const firstLine = (firstBreak < 0 ? text : text.slice(0, firstBreak)).replace(/\r$/, '');
  const open = OPEN_FENCE.exec(firstLine);
  const contentStart = firstBreak < 0 ? text.length : firstBreak + 1;
  if (!open) {
    // An indented code block: no fence, never a graph.
    return {
      lang: '',
      fenceChar: '`',
      fenceLength: 0,
      indent: 0,
      openingSpan: { start: 0, end: 0 },
      contentStart: 0,
      contentEnd: text.length,
      closed: true,
      nestedOpenings: [],
    };
  }
  const fenceChar = open[2][0] as '`' | '~';
  const fenceLength = open[2].length;
  // Does the block end with a closing fence line?
  const lastBreak = text.lastIndexOf('\n');
  let closed = false;
  let contentEnd = text.length;
  if (lastBreak >= 0 && lastBreak >= contentStart - 1) {
    const lastLine = text.slice(lastBreak + 1).replace(/\r$/, '');
    const close = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(lastLine);
    if (close && close[1][0] === fenceChar && close[1].length >= fenceLength && lastBreak + 1 >= contentStart) {
      closed = true;
      contentEnd = lastBreak + 1;
    }
  }
  const nestedOpenings: Span[] = [];
  const content = text.slice(contentStart, contentEnd);
  if (content.includes(fenceChar.repeat(3))) {
    forEachLine(content, (line, start) => {
      const m = OPEN_FENCE.exec(line);
      if (m && m[2][0] === fenceChar && m[2].length >= fenceLength && m[3].trim() !== '' && !m[3].includes(fenceChar === '`' ? '`' : '\u0000')) {
        nestedOpenings.push({ start: contentStart + start, end: contentStart + start + line.length });
      }
    });
  }
  const normalizedLang = lang.trim().toLowerCase();
  const forgotten = forgottenClose(content, normalizedLang, fenceChar, fenceLength);
  const facts: CodeFacts = {
    lang: normalizedLang,
    fenceChar,
    fenceLength,
    indent: open[1].length,
    openingSpan: { start: 0, end: firstLine.length },
    contentStart,
    contentEnd,
    closed,
    nestedOpenings,
  };
  if (forgotten.neverClosedAt !== undefined) facts.neverClosedAt = contentStart + forgotten.neverClosedAt;
  if (forgotten.firstHeadingAt !== undefined) facts.firstHeadingAt = contentStart + forgotten.firstHeadingAt;
  if (facts.lang === 'mermaid') {
    // After a forgotten closing fence the rest is the plan, not the graph: read only what comes before.
    const graphText = forgotten.neverClosedAt !== undefined ? content.slice(0, forgotten.neverClosedAt) : content;
    facts.flowchart = parseMermaidFlowchart(graphText, ctx.taskIdPattern);
  }
  return facts;
}

/** Fence languages whose content is Markdown: a fence opening inside them is an example, not a mistake. */
const MARKDOWN_LANGS = new Set(['markdown', 'md', 'mdx', 'gfm', 'commonmark']);
const HEADING_LINE = /^ {0,3}(#{1,6})[ \t]+(\S[^\r\n]*)$/;

/**
 * Where a fence's content shows that its closing fence was forgotten: the first line that is
 * a heading of a template section or sub-section (or a `Step N` heading), or another fence's
 * opening line with a language; in a mermaid block also any Markdown heading or table row,
 * which mermaid never has. A Markdown fence may hold all of these as an example.
 */
function forgottenClose(content: string, lang: string, fenceChar: string, fenceLength: number): { neverClosedAt?: number; firstHeadingAt?: number } {
  const out: { neverClosedAt?: number; firstHeadingAt?: number } = {};
  const markdown = MARKDOWN_LANGS.has(lang);
  // Plain text may show an example plan; there only another fence's opening line counts.
  const plain = lang === '' || lang === 'text' || lang === 'txt' || lang === 'plaintext';
  const mermaid = lang === 'mermaid';
  if (!content.includes('#') && !content.includes(fenceChar.repeat(3)) && !(mermaid && content.includes('|'))) return out;
  forEachLine(content, (line, start) => {
    if (out.neverClosedAt !== undefined || line.length > 500) return;
    const heading = HEADING_LINE.exec(line);
    if (heading) {
      out.firstHeadingAt ??= start;
      if (markdown) return;
      const title = heading[2].replace(/[ \t#]+$/, '');
      if (mermaid || (!plain && heading[1].length <= 3 && isTemplateHeading(title))) out.neverClosedAt = start;
      return;
    }
    if (markdown) return;
    const open = OPEN_FENCE.exec(line);
    if (open && open[3].trim() !== '' && !open[3].includes('`') && open[2][0] === fenceChar && open[2].length >= fenceLength) {
      out.neverClosedAt = start;
      return;
    }
    if (mermaid && /^[ \t]*\|.*\|[ \t]*$/.test(line)) out.neverClosedAt = start;
  });
  return out;
}

function isTemplateHeading(title: string): boolean {
  if (stepHeadingNumber(title) !== undefined || matchTemplateSection(title) !== undefined) return true;
  const words = sectionWords(title);
  return TEMPLATE_SUBSECTION_NAMES.some((name) => sectionWords(name) === words);
}
