// Top-level blocks of a plan and their incremental maintenance.
//
// A full remark-parse + remark-gfm parse of a large plan takes over a second, so the document
// keeps its top-level blocks with their extracted facts and, on an edit, reparses only the
// blocks the edit touches (plus one neighbour on each side). Two finer fast paths handle the
// edits people make most in big plans: typing inside one row of a table and typing inside a
// fenced code block (the mermaid graph).
import type { Root, RootContent } from 'mdast';
import { applyCuts, CutMap, findCuts, refutedCuts } from './elide';
import { extractBlockFacts, extractCode, extractTableRow, normalizeLabel, plainParagraphFacts, tableBlockFacts, taskIdRegExp, type BlockFacts, type CodeFacts, type ExtractContext, type RelMention, type RowFacts, type TableColumns } from './facts';
import { parseMarkdown, parsePlanMarkdown } from './markdown';
import { updateFlowchartLine } from './mermaid';
import type { Span } from './types';

export { parseMarkdown };

export interface Block {
  /** Absolute offsets in the current text. */
  start: number;
  end: number;
  facts: BlockFacts;
}

export type UpdateKind = 'full' | 'blocks' | 'table-row' | 'code';

export interface TextEdit {
  /** Offsets into the text before this edit. */
  start: number;
  end: number;
  text: string;
}

/** Parses text[from, to) into blocks with absolute offsets. */
export function parseBlocks(text: string, from: number, to: number, ctx: ExtractContext): Block[] {
  // remark drops a byte order mark at the start of its input: the document's own BOM is
  // skipped here so that every offset still points into the text.
  if (from === 0 && text.charCodeAt(0) === 0xfeff) from = 1;
  const hostile = findHostileSegments(text, from, to);
  if (hostile.length === 0) return parseWithRemark(text, from, to, ctx);
  const blocks = parseAroundHostile(text, from, to, hostile, ctx);
  // Stretches between hostile segments were parsed one by one: a definition in one of them
  // must still resolve the references of the others, as in one remark parse.
  const own = definitionsOf(blocks);
  if (own.size === 0) return blocks;
  const definitions = new Map(ctx.definitions ?? []);
  for (const [k, v] of own) if (!definitions.has(k)) definitions.set(k, v);
  return resolveReferences(text, blocks, new Set(definitions.keys()), { ...ctx, definitions }) ?? blocks;
}

function parseAroundHostile(text: string, from: number, to: number, hostile: Span[], ctx: ExtractContext): Block[] {
  // Parse the ordinary stretches with remark and keep each hostile segment as plain text.
  const blocks: Block[] = [];
  let cursor = from;
  for (const segment of hostile) {
    if (segment.start > cursor) for (const b of parseWithRemark(text, cursor, segment.start, ctx)) blocks.push(b);
    blocks.push(plainBlock(text, segment.start, segment.end, ctx));
    cursor = segment.end;
  }
  if (cursor < to) for (const b of parseWithRemark(text, cursor, to, ctx)) blocks.push(b);
  return blocks;
}

/**
 * What parsing `text` whole costs, in characters of remark's input: what a parse elsewhere (in the
 * background) would spare the server's thread. The runs parseBlocks cuts out of remark's input
 * are only scanned and split into rows (about 1/10 of remark's cost per character, measured on
 * plans: 1/9 of remark on prose, 1/20 of remark on the same rows). The hostile segments it keeps
 * as plain text are only searched for task IDs, and taking the mentions found there back from a
 * parse elsewhere costs the thread about as much as finding them: they are not counted (a 4.8 MB
 * plan on one line, 280,000 mentions, took 2 s longer to its first hover in the background).
 */
export function parseCost(text: string): number {
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const lf = withLineFeeds(text);
  let cut = 0;
  for (const c of findCuts(lf, start, true)) cut += c.end - c.start;
  // (Only overlong lines are counted as plain text here: a cheap scan, and the other hostile
  // segments are rare.)
  const parsed = Math.max(0, text.length - cut - overlongLineChars(lf, start, lf.length));
  return parsed + cut / 10;
}

/** Characters of text[from, to) on lines longer than remark is given (kept as plain text, see findHostileSegments). */
function overlongLineChars(text: string, from: number, to: number): number {
  let plain = 0;
  for (let pos = from; pos < to; ) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0 || nl > to) nl = to;
    if (nl - pos > MAX_LINE_LENGTH) plain += nl - pos;
    pos = nl + 1;
  }
  return plain;
}

/**
 * The text remark and fact extraction read: a lone CR becomes a LF. Both end a line for remark
 * and LSP alike; the facts split lines at LF. Lengths are kept, so offsets still hold.
 */
export function withLineFeeds(text: string): string {
  return text.indexOf('\r') < 0 ? text : text.replace(/\r(?!\n)/g, '\n');
}

/** Normalized label -> label as written, of every link reference and footnote definition in the blocks. */
export function definitionsOf(blocks: readonly Block[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const b of blocks) {
    const labels = b.facts.definitions;
    if (!labels) continue;
    for (const label of labels) {
      const key = normalizeLabel(label.slice(1, -1));
      if (!out.has(key)) out.set(key, label);
    }
  }
  return out;
}

/** Labels defined in one map and not the other. */
export function changedLabels(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): Set<string> {
  const changed = new Set<string>();
  for (const k of before.keys()) if (!after.has(k)) changed.add(k);
  for (const k of after.keys()) if (!before.has(k)) changed.add(k);
  return changed;
}

/**
 * Reparses, under `ctx.definitions`, every block whose bracketed text names one of `labels`: a
 * definition added or removed anywhere turns its `[Name]` into a link or back into text. Returns
 * a new array, or undefined if a block did not come out as the same single block (then the
 * caller parses more).
 */
export function resolveReferences(text: string, blocks: Block[], labels: ReadonlySet<string>, ctx: ExtractContext): Block[] | undefined {
  if (labels.size === 0) return blocks;
  let out: Block[] | undefined;
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i];
    const refs = b.facts.references;
    if (!refs || b.facts.plain || !refs.some((r) => labels.has(r))) continue;
    // From the start of the line, so that the block's indentation is read as before.
    const lineStart = lineStartBefore(text, b.start);
    const from = text.slice(lineStart, b.start).trim() === '' ? lineStart : b.start;
    const parsed = parseWithRemark(text, from, b.end, ctx);
    if (parsed.length !== 1 || parsed[0].start !== b.start || parsed[0].end !== b.end) return undefined;
    out ??= blocks.slice();
    out[i] = parsed[0];
  }
  return out ?? blocks;
}

const prefixes = new WeakMap<ReadonlyMap<string, string>, string>();

/** The definitions as lines to put before a stretch parsed on its own. */
function definitionPrefix(definitions: ReadonlyMap<string, string> | undefined): string {
  if (!definitions || definitions.size === 0) return '';
  let prefix = prefixes.get(definitions);
  if (prefix === undefined) {
    prefix = '';
    for (const label of definitions.values()) prefix += `${label}: #\n`;
    prefix += '\n';
    prefixes.set(definitions, prefix);
  }
  return prefix;
}

function parseWithRemark(text: string, from: number, to: number, ctx: ExtractContext): Block[] {
  let slice = withLineFeeds(from === 0 && to === text.length ? text : text.slice(from, to));
  // Definitions made elsewhere come first (a full parse of the whole text needs none).
  const prefix = from === 0 && to === text.length ? '' : definitionPrefix(ctx.definitions);
  let shift = 0;
  if (prefix) {
    slice = prefix + slice;
    shift = -prefix.length;
  } else if (slice.charCodeAt(0) === 0xfeff) {
    // A BOM inside the document (the start of a reparsed stretch) is text, as in a full parse:
    // a leading line break keeps remark from dropping it.
    slice = '\n' + slice;
    shift = -1;
  }
  const atDocumentStart = shift === 0 && (from === 0 || (from === 1 && text.charCodeAt(0) === 0xfeff));
  // Long runs of table rows and code lines are left out of what remark reads (see elide.ts).
  let cuts = findCuts(slice, -shift, atDocumentStart);
  let root: Root;
  let parsed = slice;
  let map = new CutMap([]);
  try {
    for (let attempt = 0; ; attempt++) {
      parsed = applyCuts(slice, cuts);
      map = new CutMap(cuts);
      root = parsePlanMarkdown(parsed, atDocumentStart);
      if (cuts.length === 0) break;
      const refuted = refutedCuts(root, parsed, cuts, map);
      if (refuted.size === 0) break;
      // Putting a cut back can change how the text around other cuts parses: check again, and
      // after a second miss parse it all.
      cuts = attempt === 0 ? cuts.filter((_, i) => !refuted.has(i)) : [];
    }
  } catch (error) {
    // A stack overflow on some nesting the pre-scan did not foresee: degrade, never crash.
    if (!(error instanceof RangeError)) throw error;
    const raw = text.slice(from, to);
    return raw.trim() === '' ? [] : [plainBlock(text, from + (raw.length - raw.trimStart().length), to, ctx)];
  }
  const blocks: Block[] = [];
  for (const node of root.children) {
    let s = node.position?.start.offset;
    let e = node.position?.end.offset;
    if (s === undefined || e === undefined || s < -shift) continue;
    let facts: BlockFacts;
    if (cuts.length === 0) {
      facts = extractBlockFacts(node, slice, s, ctx);
    } else {
      const ws = map.toWhole(s);
      const we = map.toWhole(e);
      if (we - ws === e - s) {
        facts = extractBlockFacts(node, parsed, s, ctx);
      } else {
        // A table or code block with lines left out: its facts are read from its whole text.
        const position = { start: { ...node.position!.start, offset: ws }, end: { ...node.position!.end, offset: we } };
        facts = extractBlockFacts({ ...node, position } as RootContent, slice, ws, ctx);
      }
      s = ws;
      e = we;
    }
    blocks.push({ start: from + shift + s, end: from + shift + e, facts });
  }
  return blocks;
}

/** A block remark is not asked to parse: only the task IDs written in it are kept. */
function plainBlock(text: string, start: number, end: number, ctx: ExtractContext): Block {
  // findTaskIds' search, each ID made a mention at once: a plain block can hold hundreds of thousands.
  const raw = text.slice(start, end);
  const re = taskIdRegExp(ctx.taskIdPattern);
  const mentions: RelMention[] = [];
  let m: RegExpExecArray | null;
  while ((m = re.exec(raw))) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    mentions.push({ id: m[0], span: { start: m.index, end: m.index + m[0].length }, kind: 'text' });
  }
  return { start, end, facts: { type: 'paragraph', fields: [], checklist: [], mentions, placeholders: [], directives: [], plain: true } };
}

// Inputs on which remark's parser goes quadratic or deeper (measured with bench/remarkCost.ts):
// inline constructs are resolved pairwise within one run of inline text (emphasis `*` `_`,
// strikethrough `~`, link and reference brackets, and most of all an inline `<!--` that never
// closes), and nesting grows the container stack per line. A run whose weighted count of those
// characters passes the limit, or a line nested or indented too deep, makes its segment plain text.
// So does a line longer than any a plan has (a whole file on one line): remark's time grows with
// the square of a line's length (a heading of 64 KiB took a second, of 1 MiB minutes).
const MAX_INLINE_COST = 4000;
const MAX_LINE_LENGTH = 16 * 1024;
const MAX_PREFIX_DEPTH = 32;
const MAX_INDENT = 64;

/** What one character adds to the cost of its inline run. */
function inlineCost(c: number): number {
  switch (c) {
    case 42: // *
    case 95: // _
    case 126: // ~
    case 91: // [
    case 93: // ]
      return 1;
    case 60: // < : an unclosed inline HTML comment is rescanned from every later `<`
      return 4;
    default:
      return 0;
  }
}

const FENCE_START = /^ {0,3}(`{3,}|~{3,})/;
const ATX_HEADING = /^ {0,3}#{1,6}(?:[ \t]|$)/;
/** Lines that end the inline run before them: setext underlines and thematic breaks. */
const RUN_BREAK = /^ {0,3}(?:=+|-+|(?:[-*_][ \t]*){3,})[ \t]*$/;

/**
 * Segments (runs of non-blank lines outside fenced code, split at ATX headings; a heading line
 * is a segment of its own) on which remark would take too long or overflow the stack. The scan
 * only looks at lines, so a reparse of any stretch that starts and ends at segment boundaries
 * finds the same segments there as a scan of the whole text.
 */
export function findHostileSegments(text: string, from: number, to: number): Span[] {
  const out: Span[] = [];
  let fence: { char: string; length: number } | undefined;
  let segStart = -1;
  let segEnd = -1;
  let runCost = 0;
  let hostile = false;
  const close = () => {
    if (segStart >= 0 && hostile) out.push({ start: segStart, end: segEnd });
    segStart = -1;
    runCost = 0;
    hostile = false;
  };
  let pos = from;
  while (pos < to) {
    const { end: lineEnd, next } = lineAt(text, pos, to);
    const line = text.slice(pos, lineEnd);
    const fenceMatch = FENCE_START.exec(line);
    if (fence) {
      if (fenceMatch && fenceMatch[1][0] === fence.char && fenceMatch[1].length >= fence.length && line.trim() === fenceMatch[1]) fence = undefined;
    } else if (fenceMatch && !(fenceMatch[1][0] === '`' && line.slice(fenceMatch[0].length).includes('`'))) {
      close();
      fence = { char: fenceMatch[1][0], length: fenceMatch[1].length };
    } else if (line.trim() === '') {
      close();
    } else {
      const heading = ATX_HEADING.test(line);
      if (heading) close();
      if (segStart < 0) segStart = pos;
      segEnd = lineEnd;
      // Prefix: block quote and list markers, and indentation.
      let depth = 0;
      let indent = 0;
      let i = 0;
      let listItem = false;
      for (; i < line.length; i++) {
        const c = line.charCodeAt(i);
        if (c === 32) indent++;
        else if (c === 9) indent += 4;
        else if (c === 62 /* > */) depth++;
        else if ((c === 45 || c === 42 || c === 43) && isSpaceOrEnd(line, i + 1)) {
          depth++;
          listItem = true;
        } else if (c >= 48 && c <= 57) {
          // An ordered list marker: up to nine digits, then `.` or `)`, then a space.
          let j = i;
          while (j < line.length && j - i < 9 && line.charCodeAt(j) >= 48 && line.charCodeAt(j) <= 57) j++;
          const m = line.charCodeAt(j);
          if ((m === 46 || m === 41) && isSpaceOrEnd(line, j + 1)) {
            depth++;
            listItem = true;
            i = j;
          } else break;
        } else break;
      }
      if (depth > MAX_PREFIX_DEPTH || indent > MAX_INDENT || lineEnd - pos > MAX_LINE_LENGTH) hostile = true;
      // Each table row, heading and list item starts its own inline run (table cells are even
      // parsed one by one); other lines continue the paragraph before them.
      if (heading || listItem || line.includes('|') || RUN_BREAK.test(line)) runCost = 0;
      if (!hostile) for (; i < line.length; i++) runCost += inlineCost(line.charCodeAt(i));
      if (runCost > MAX_INLINE_COST) hostile = true;
      if (heading) close();
    }
    pos = next;
  }
  close();
  return out;
}

function isSpaceOrEnd(line: string, i: number): boolean {
  if (i >= line.length) return true;
  const c = line.charCodeAt(i);
  return c === 32 || c === 9;
}

function lineStartBefore(text: string, offset: number): number {
  let i = offset;
  while (i > 0) {
    const c = text.charCodeAt(i - 1);
    if (c === 10 || c === 13) break;
    i--;
  }
  return i;
}

function lineEndAfter(text: string, offset: number): number {
  let i = offset;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) break;
    i++;
  }
  return i;
}

/** The line starting at `pos`: where its content ends and where the next line starts (\n, \r\n or \r). */
function lineAt(text: string, pos: number, to: number): { end: number; next: number } {
  let i = pos;
  while (i < to) {
    const c = text.charCodeAt(i);
    if (c === 10) return { end: i, next: i + 1 };
    if (c === 13) return { end: i, next: text.charCodeAt(i + 1) === 10 ? i + 2 : i + 1 };
    i++;
  }
  return { end: to, next: to + 1 };
}

const CLOSING_FENCE_LINE = /^ {0,3}(`{3,}|~{3,})[ \t]*$/;

/**
 * Applies one edit to `blocks` (parsed from `oldText`), returning the new blocks for `newText`.
 * Falls back to wider reparses whenever a cheaper path cannot prove its result equals a
 * full parse.
 */
export function updateBlocks(
  blocks: Block[],
  oldText: string,
  newText: string,
  edit: TextEdit,
  ctx: ExtractContext,
  /** Largest stretch of text to reparse here; beyond it, undefined asks the caller to reparse elsewhere. */
  maxSyncParse = Infinity,
): { blocks: Block[]; kind: UpdateKind } | undefined {
  if (blocks.length === 0) {
    if (newText.length > maxSyncParse) return undefined;
    return { blocks: parseBlocks(newText, 0, newText.length, ctx), kind: 'full' };
  }
  const delta = edit.text.length - (edit.end - edit.start);
  const fast =
    tryTableRowEdit(blocks, oldText, newText, edit, delta, ctx) ??
    tryTableEdit(blocks, oldText, newText, edit, delta, ctx) ??
    tryPipeParagraphEdit(blocks, newText, edit, delta, ctx) ??
    tryCodeContentEdit(blocks, oldText, newText, edit, delta, ctx);
  if (fast) return fast;
  return reparseAround(blocks, newText, edit, delta, ctx, maxSyncParse);
}

function findBlockContaining(blocks: Block[], start: number, end: number): number {
  let low = 0;
  let high = blocks.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const b = blocks[mid];
    if (b.end < start) low = mid + 1;
    else if (b.start > end) high = mid - 1;
    else return b.start <= start && end <= b.end ? mid : -1;
  }
  return -1;
}

function shiftBlocks(blocks: Block[], from: number, delta: number): Block[] {
  if (delta === 0) return blocks;
  for (let i = from; i < blocks.length; i++) {
    const b = blocks[i];
    blocks[i] = { start: b.start + delta, end: b.end + delta, facts: b.facts };
  }
  return blocks;
}

function tryTableRowEdit(blocks: Block[], oldText: string, newText: string, edit: TextEdit, delta: number, ctx: ExtractContext) {
  if (edit.text.includes('\n') || edit.text.includes('\r')) return undefined;
  const index = findBlockContaining(blocks, edit.start, edit.end);
  if (index < 0) return undefined;
  const block = blocks[index];
  const table = block.facts.table;
  if (!table || table.rows.length === 0) return undefined;
  // Find the body row whose line holds the whole edit.
  const rel = edit.start - block.start;
  let low = 0;
  let high = table.rowOffsets.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (table.rowOffsets[mid] <= rel) low = mid;
    else high = mid - 1;
  }
  const rowIndex = low;
  const rowStart = block.start + table.rowOffsets[rowIndex];
  const rowEnd = rowStart + table.rows[rowIndex].row.span.end;
  if (edit.start < rowStart || edit.end > rowEnd) return undefined;
  const newLine = newText.slice(rowStart, rowEnd + delta);
  if (newLine.trim() === '') return undefined;
  // A row remark would not be asked to parse (see findHostileSegments) makes its table plain text.
  if (lineCost(newLine) > MAX_INLINE_COST || newLine.length > MAX_LINE_LENGTH || newLine.length - newLine.trimStart().length > MAX_INDENT) return undefined;
  // Fields and disable comments are block-level facts read from the table's text: fields line by
  // line, so the row's are read again; a disable comment may run over lines (`<!-- ... -->`, its
  // codes up to the first `>`), so when the row may open, close or hold one, no other line of the
  // table may have a comment mark.
  const oldLine = oldText.slice(rowStart, rowEnd);
  const rowStartRel = table.rowOffsets[rowIndex];
  const rowEndRel = rowEnd - block.start;
  const inRow = (span: Span) => span.start >= rowStartRel && span.start <= rowEndRel;
  const commentsChange =
    mayTouchComment(oldLine) || mayTouchComment(newLine) || block.facts.directives.some((d) => d.span.end > rowStartRel && d.span.start <= rowEndRel);
  if (commentsChange && (hasCommentMark(newText.slice(block.start, rowStart)) || hasCommentMark(newText.slice(rowEnd + delta, block.end + delta)))) return undefined;
  const lineFacts = tableBlockFacts(withLineFeeds(newLine));
  if (!commentsChange) lineFacts.directives = [];
  // The row must still be a row of this table: parse it under the same header.
  if (!isRowOf(table, newLine)) return undefined;
  const rows = table.rows.slice();
  rows[rowIndex] = extractTableRow(newLine, table.columns, ctx);
  const rowOffsets = table.rowOffsets.slice();
  for (let i = rowIndex + 1; i < rowOffsets.length; i++) rowOffsets[i] += delta;
  // Fields and disable comments of later rows move with the text after the edit.
  const after = (span: Span) => span.start > rowStartRel;
  const moved = (span: Span): Span => (after(span) ? { start: span.start + delta, end: span.end + delta } : span);
  let directives = block.facts.directives.map((d) => (after(d.span) ? { ...d, span: moved(d.span) } : d));
  let fields = block.facts.fields.map((f) =>
    after(f.lineSpan) ? { ...f, keySpan: moved(f.keySpan), valueSpan: moved(f.valueSpan), lineSpan: moved(f.lineSpan) } : f,
  );
  {
    // The row's own replaced by those read from its new text (which lie between the rows before and after).
    const at = (span: Span): Span => ({ start: span.start + rowStartRel, end: span.end + rowStartRel });
    // (Decided on the old spans: the items of later rows are in `moved` at the same index.)
    const splice = <T>(old: T[], moved: T[], spanOf: (item: T) => Span, added: T[]): T[] => {
      const out: T[] = [];
      let inserted = false;
      for (let i = 0; i < old.length; i++) {
        const span = spanOf(old[i]);
        if (inRow(span)) continue;
        if (!inserted && span.start > rowEndRel) {
          for (const a of added) out.push(a);
          inserted = true;
        }
        out.push(moved[i]);
      }
      if (!inserted) for (const a of added) out.push(a);
      return out;
    };
    if (commentsChange) directives = splice(block.facts.directives, directives, (d) => d.span, lineFacts.directives.map((d) => ({ ...d, span: at(d.span) })));
    fields = splice(
      block.facts.fields,
      fields,
      (f) => f.lineSpan,
      lineFacts.fields.map((f) => ({ ...f, keySpan: at(f.keySpan), valueSpan: at(f.valueSpan), lineSpan: at(f.lineSpan) })),
    );
  }
  const facts: BlockFacts = { ...block.facts, table: { ...table, rows, rowOffsets }, directives, fields };
  const next = blocks.slice();
  next[index] = { start: block.start, end: block.end + delta, facts };
  shiftBlocks(next, index + 1, delta);
  return { blocks: next, kind: 'table-row' as const };
}

/** Text that may open, close or cut short a disable comment (its codes run up to the first `>`). */
function mayTouchComment(text: string): boolean {
  return text.includes('<!--') || text.includes('>');
}

/** Text holding the start or end of an HTML comment. */
function hasCommentMark(text: string): boolean {
  return text.includes('<!--') || text.includes('-->');
}

/** Text whose lines block-level extraction may read something from (fields, planmark-disable comments). */
function mayHoldBlockFacts(text: string): boolean {
  return text.includes('**') || text.includes(':') || mayTouchComment(text);
}

/** The (non-blank) line is a body row under this table's header. */
function isRowOf(table: NonNullable<BlockFacts['table']>, line: string): boolean {
  if (line.trim() === '') return false;
  const probe = `${table.headerLine}\n${table.delimiterLine}\n${line}`;
  const root = parseMarkdown(probe);
  const t = root.children[0];
  return root.children.length === 1 && t.type === 'table' && t.children.length === 2 && t.position?.end.offset === probe.length;
}

/** Text where a paragraph would hold an inline construct, or a line that would not be paragraph text. */
const NOT_PLAIN = /[`*<>[\]!&\\~@:]|www\.|(?:^|[^A-Za-z0-9])_|_(?![A-Za-z0-9])|[ \t]\r?$/m;
const DELIMITER_ROW = /^[ \t]*\|?[ \t]*:?-+:?[ \t]*(\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$/;

/**
 * Rows [from, to) of a table split off by a blank line at `stop`: if they are all pipe lines of
 * plain text followed by a blank line, they form one paragraph whose facts need no parse.
 */
function splitParagraph(text: string, stop: number, touchedEnd: number, from: number, to: number, ctx: ExtractContext): Block | undefined {
  if (stop < 0 || stop > touchedEnd || from < touchedEnd || text.slice(stop, from).trim() !== '') return undefined;
  const after = lineAt(text, to, text.length);
  if (after.end !== to) return undefined;
  if (after.next <= text.length && text.slice(after.next, lineAt(text, after.next, text.length).end).trim() !== '') return undefined;
  return pipeParagraph(text, from, to, ctx);
}

/**
 * The plain pipe lines [from, to) of `text` as one paragraph (see splitParagraph), or undefined
 * when a line could be anything else: a block start, a delimiter row (a table), inline markup,
 * a line remark would not be asked to parse.
 */
function pipeParagraph(text: string, from: number, to: number, ctx: ExtractContext): Block | undefined {
  const body = text.slice(from, to);
  if (body.trim() === '' || NOT_PLAIN.test(body)) return undefined;
  let pos = 0;
  while (pos <= body.length) {
    const line = lineAt(body, pos, body.length);
    const content = body.slice(pos, line.end);
    if (!PIPE_ROW.test(content) || DELIMITER_ROW.test(content) || lineCost(content) > MAX_INLINE_COST || content.length > MAX_LINE_LENGTH) return undefined;
    if (line.next > body.length) break;
    pos = line.next;
  }
  const indent = body.length - body.trimStart().length;
  return { start: from + indent, end: to, facts: plainParagraphFacts(withLineFeeds(body.slice(indent)), ctx) };
}

/**
 * An edit inside a paragraph of plain pipe lines (the rows a blank line split off a table) that
 * has a blank line (or the text's edge) on each side: rows typed in, inserted, deleted or pasted
 * there. If every line is still a plain pipe line, no table can form (that needs a delimiter
 * row) and the paragraph is re-read without remark, however long it is.
 */
function tryPipeParagraphEdit(blocks: Block[], newText: string, edit: TextEdit, delta: number, ctx: ExtractContext) {
  const index = findBlockContaining(blocks, edit.start, edit.end);
  if (index < 0) return undefined;
  const block = blocks[index];
  if (block.facts.type !== 'paragraph' || block.facts.plain) return undefined;
  const from = lineStartBefore(newText, block.start);
  const end = block.end + delta;
  // The paragraph's lines end at the same places; blank lines (or the text's edges) around them.
  if (lineEndAfter(newText, end) !== end) return undefined;
  if (from > 0) {
    const before = lineStartBefore(newText, from - 1 - (newText.charCodeAt(from - 1) === 10 && newText.charCodeAt(from - 2) === 13 ? 1 : 0));
    if (newText.slice(before, from).trim() !== '') return undefined;
  }
  const after = lineAt(newText, end, newText.length);
  if (after.next <= newText.length && newText.slice(after.next, lineAt(newText, after.next, newText.length).end).trim() !== '') return undefined;
  const paragraph = pipeParagraph(newText, from, end, ctx);
  // Its first line indented as before: more could make it part of a list item above.
  if (!paragraph || paragraph.start !== block.start) return undefined;
  const next = blocks.slice();
  next[index] = paragraph;
  shiftBlocks(next, index + 1, delta);
  return { blocks: next, kind: 'blocks' as const };
}

/**
 * The rows of a table that a blank line split off into a paragraph (tryTableEdit), by the
 * paragraph's facts: their facts under the table's columns and their offsets from the
 * paragraph's first line. Pressing Enter at the end of a row mid-table, then typing `|`, joins
 * them to the table again; their facts are then taken back, not read again.
 */
const splitRows = new WeakMap<BlockFacts, { columns: TableColumns; pattern: string; rowOffsets: number[]; rows: RowFacts[] }>();

/** A line that continues a table body as a row whatever the header: it starts with a pipe. */
const PIPE_ROW = /^ {0,3}\|/;

/** Inline cost of a line (see findHostileSegments). */
function lineCost(line: string): number {
  let cost = 0;
  for (let i = 0; i < line.length; i++) cost += inlineCost(line.charCodeAt(i));
  return cost;
}

/**
 * An edit confined to the body rows of one table and the lines right after it: rows typed in,
 * inserted, deleted, split, merged or pasted, a blank line under the table that becomes a row
 * (which pulls the lines below into the table), Enter at the end of the last row. Only the lines
 * the edit touches (and lines pulled in) are read; rows after them keep their facts and move.
 */
function tryTableEdit(blocks: Block[], oldText: string, newText: string, edit: TextEdit, delta: number, ctx: ExtractContext) {
  // The table: the last block starting at or before the edit.
  let index = -1;
  let low = 0;
  let high = blocks.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (blocks[mid].start <= edit.start) {
      index = mid;
      low = mid + 1;
    } else high = mid - 1;
  }
  if (index < 0) return undefined;
  const table0 = blocks[index];
  const table = table0.facts.table;
  if (!table || table0.facts.plain) return undefined;
  const next = blocks[index + 1];
  // Confined: nothing of the next block is changed (the edit may reach its start).
  if (next && edit.end > next.start) return undefined;
  // The body starts after the header and delimiter lines.
  const headerLine = lineAt(oldText, table0.start, oldText.length);
  if (headerLine.next > oldText.length) return undefined;
  const delimiterLine = lineAt(oldText, headerLine.next, oldText.length);
  const bodyStart = delimiterLine.next;
  if (bodyStart > oldText.length || edit.start < Math.min(bodyStart, table0.end)) return undefined;
  if (edit.start === table0.end && table.rows.length === 0) return undefined;
  // Lines the edit touches, in the new text.
  const firstLine = lineStartBefore(newText, edit.start);
  if (firstLine < bodyStart) return undefined;
  const touchedEnd = lineEndAfter(newText, edit.start + edit.text.length);
  // Old rows before the first touched line keep their facts; old rows after the touched lines move.
  const rowStartOld = (i: number) => table0.start + table.rowOffsets[i];
  let keepBefore = 0;
  while (keepBefore < table.rows.length && rowStartOld(keepBefore) < firstLine) keepBefore++;
  let keepAfter = keepBefore;
  while (keepAfter < table.rows.length && rowStartOld(keepAfter) + delta <= touchedEnd) keepAfter++;
  const rows: RowFacts[] = table.rows.slice(0, keepBefore);
  const rowOffsets = table.rowOffsets.slice(0, keepBefore);
  let blockFacts = table0.facts.fields.length > 0 || table0.facts.directives.length > 0;
  const touched = newText.slice(firstLine, touchedEnd);
  if (mayHoldBlockFacts(touched) || mayHoldBlockFacts(oldText.slice(firstLine, lineEndAfter(oldText, edit.end)))) blockFacts = true;
  // Read lines from the first touched one until the table ends.
  let pos = firstLine;
  // End of the last row line (or of the delimiter line).
  let end = keepBefore > 0 ? rowStartOld(keepBefore - 1) + table.rows[keepBefore - 1].row.span.end : delimiterLine.end;
  let stop = -1; // start of the line that ends the table (or the text's end)
  let keptTail = false;
  // The old block holding the line read, once past the edit (for rows split off before).
  let pulled = index + 1;
  for (;;) {
    if (pos > newText.length || (pos === newText.length && pos > firstLine)) {
      stop = newText.length;
      break;
    }
    if (pos > touchedEnd) {
      // Past the edit: old rows of this table continue it unchanged up to its old end.
      if (keepAfter < table.rows.length && rowStartOld(keepAfter) + delta === pos) {
        for (let i = keepAfter; i < table.rows.length; i++) {
          rows.push(table.rows[i]);
          rowOffsets.push(table.rowOffsets[i] + delta);
        }
        end = table0.end + delta;
        keptTail = true;
        break;
      }
      if (keepAfter < table.rows.length) return undefined;
    }
    if (pos > touchedEnd) {
      // A paragraph of rows this table had before a blank line split them off, untouched since:
      // every line of it is a pipe line (a row whatever follows), and its rows' facts are kept.
      while (pulled < blocks.length && blocks[pulled].end + delta < pos) pulled++;
      const block = blocks[pulled];
      const kept = block && splitRows.get(block.facts);
      if (kept && kept.columns === table.columns && kept.pattern === ctx.taskIdPattern && lineStartBefore(newText, block.start + delta) === pos) {
        const base = pos - table0.start;
        for (let i = 0; i < kept.rows.length; i++) {
          rows.push(kept.rows[i]);
          rowOffsets.push(base + kept.rowOffsets[i]);
        }
        end = block.end + delta;
        const last = lineAt(newText, end, newText.length);
        if (last.next > newText.length) {
          stop = newText.length;
          break;
        }
        pos = last.next;
        continue;
      }
    }
    const line = lineAt(newText, pos, newText.length);
    const text = newText.slice(pos, line.end);
    if (text.trim() === '') {
      stop = pos;
      break;
    }
    const piped = PIPE_ROW.test(text);
    // Lines remark would not be asked to parse (see findHostileSegments) take the slow path.
    const cost = lineCost(text);
    // (A line holding a pipe starts its own inline run; one without continues the row before.)
    if (cost > MAX_INLINE_COST || (cost > 0 && !text.includes('|')) || text.length - text.trimStart().length > MAX_INDENT || text.length > MAX_LINE_LENGTH) return undefined;
    if (!piped && !isRowOf(table, text)) {
      stop = pos;
      break;
    }
    if (pos > touchedEnd && mayHoldBlockFacts(text)) blockFacts = true;
    rowOffsets.push(pos - table0.start);
    rows.push(extractTableRow(text, table.columns, ctx));
    end = line.end;
    if (line.next > newText.length) {
      stop = newText.length;
      break;
    }
    pos = line.next;
  }
  // What follows the table must be the old blocks, moved.
  let resume = index + 1;
  let splitOff: Block | undefined;
  if (!keptTail && keepAfter < table.rows.length) {
    // The table ends before rows it had: a blank line split it, and its last rows are now a
    // paragraph, read without remark when it is plain text.
    splitOff = splitParagraph(newText, stop, touchedEnd, table0.start + table.rowOffsets[keepAfter] + delta, table0.end + delta, ctx);
    if (!splitOff) return undefined;
    keptTail = true;
    // Its lines are the old rows, unchanged: kept for a row typed on the blank line that joins them again.
    const base = table.rowOffsets[keepAfter];
    splitRows.set(splitOff.facts, {
      columns: table.columns,
      pattern: ctx.taskIdPattern,
      rowOffsets: table.rowOffsets.slice(keepAfter).map((o) => o - base),
      rows: table.rows.slice(keepAfter),
    });
  }
  if (!keptTail) {
    // Touched lines after the table's new end must be blank: anything else is a new block.
    if (stop >= 0 && stop <= touchedEnd && newText.slice(stop, touchedEnd).trim() !== '') return undefined;
    // Old blocks pulled into the table are dropped; none may straddle its new end.
    while (resume < blocks.length && blocks[resume].start + delta < end) {
      if (blocks[resume].end + delta > end || blocks[resume].facts.plain || blocks[resume].facts.code) return undefined;
      resume++;
    }
    // The line that ended the table is where the next old block starts, or blank.
    if (stop >= 0 && stop < newText.length) {
      const stopLine = newText.slice(stop, lineAt(newText, stop, newText.length).end);
      if (stopLine.trim() !== '') {
        const nextBlock = blocks[resume];
        if (!nextBlock || lineStartBefore(newText, nextBlock.start + delta) !== stop) return undefined;
      }
    }
  }
  const tableText = withLineFeeds(newText.slice(table0.start, end));
  let fields = table0.facts.fields;
  let directives = table0.facts.directives;
  if (blockFacts) {
    ({ fields, directives } = tableBlockFacts(tableText));
  }
  const facts: BlockFacts = { ...table0.facts, table: { ...table, rows, rowOffsets }, fields, directives };
  const out = blocks.slice(0, index);
  out.push({ start: table0.start, end, facts });
  if (splitOff) out.push(splitOff);
  for (let i = resume; i < blocks.length; i++) {
    const b = blocks[i];
    out.push(delta === 0 ? b : { start: b.start + delta, end: b.end + delta, facts: b.facts });
  }
  return { blocks: out, kind: 'table-row' as const };
}

function tryCodeContentEdit(blocks: Block[], oldText: string, newText: string, edit: TextEdit, delta: number, ctx: ExtractContext) {
  const index = findBlockContaining(blocks, edit.start, edit.end);
  if (index < 0) return undefined;
  const block = blocks[index];
  const code = block.facts.code;
  if (!code || code.fenceLength === 0 || !code.closed) return undefined;
  const contentStart = block.start + code.contentStart;
  const contentEnd = block.start + code.contentEnd;
  if (edit.start < contentStart || edit.end >= contentEnd) return undefined;
  // The edited lines must not close the fence early.
  const from = lineStartBefore(newText, edit.start);
  const to = lineEndAfter(newText, edit.start + edit.text.length);
  for (const line of newText.slice(from, to).split(/\r\n|\r|\n/)) {
    const m = CLOSING_FENCE_LINE.exec(line);
    if (m && m[1][0] === code.fenceChar && m[1].length >= code.fenceLength) return undefined;
  }
  const end = block.end + delta;
  const facts: BlockFacts = { ...block.facts, code: flowchartLineEdit(code, block.start, oldText, newText, edit, ctx) ?? extractCode(withLineFeeds(newText.slice(block.start, end)), code.lang, ctx) };
  const next = blocks.slice();
  next[index] = { start: block.start, end, facts };
  shiftBlocks(next, index + 1, delta);
  return { blocks: next, kind: 'code' as const };
}

/**
 * The code facts after an edit inside one line of a mermaid flowchart (typing in the graph): only
 * that line is read again (mermaid.ts updateFlowchartLine), or undefined when the whole block must be.
 */
function flowchartLineEdit(code: CodeFacts, blockStart: number, oldText: string, newText: string, edit: TextEdit, ctx: ExtractContext): CodeFacts | undefined {
  if (!code.flowchart || code.lang !== 'mermaid' || code.neverClosedAt !== undefined || code.firstHeadingAt !== undefined || code.nestedOpenings.length > 0) return undefined;
  if (/[\r\n]/.test(edit.text) || /[\r\n]/.test(oldText.slice(edit.start, edit.end))) return undefined;
  const delta = edit.text.length - (edit.end - edit.start);
  const contentStart = blockStart + code.contentStart;
  const lineStartAt = lineStartBefore(newText, edit.start);
  // (After a CR: the edit may split a CRLF, making two line breaks of one.)
  if (newText.charCodeAt(lineStartAt - 1) === 13) return undefined;
  const lineStart = lineStartAt - contentStart;
  const content = withLineFeeds(newText.slice(contentStart, blockStart + code.contentEnd + delta));
  let newLineEnd = content.indexOf('\n', lineStart);
  if (newLineEnd < 0) newLineEnd = content.length;
  const oldLineEnd = newLineEnd - delta;
  const oldLine = withLineFeeds(oldText.slice(contentStart + lineStart, contentStart + oldLineEnd));
  if (oldLine.includes('\n')) return undefined;
  const flowchart = updateFlowchartLine(code.flowchart, content, lineStart, oldLine, newLineEnd, ctx.taskIdPattern);
  if (!flowchart) return undefined;
  return { ...code, contentEnd: code.contentEnd + delta, flowchart };
}

function reparseAround(blocks: Block[], newText: string, edit: TextEdit, delta: number, ctx: ExtractContext, maxSyncParse: number) {
  // First block not entirely before the edit, last block not entirely after it.
  let lo = 0;
  while (lo < blocks.length && blocks[lo].end < edit.start) lo++;
  let hi = blocks.length - 1;
  while (hi >= 0 && blocks[hi].start > edit.end) hi--;
  if (lo > hi) [lo, hi] = [hi, lo];
  lo = Math.max(0, lo);
  hi = Math.max(lo, hi);
  let margin = 1;
  for (let attempt = 0; attempt < 4; attempt++) {
    let first = Math.max(0, lo - margin);
    let sentinel = hi + margin; // an untouched block that must come out identical
    // The region starts and ends where a segment of findHostileSegments does, so that whether
    // a stretch is too costly for remark is judged on the same lines as in a full parse.
    while (first > 0 && !isSegmentBoundary(newText, blocks[first - 1], blocks[first], 0)) first--;
    while (
      sentinel + 1 < blocks.length &&
      !isSegmentBoundary(newText, blocks[sentinel], blocks[sentinel + 1], delta)
    ) {
      sentinel++;
    }
    const regionStart = first === 0 ? 0 : lineStartBefore(newText, blocks[first].start);
    const hasSentinel = sentinel < blocks.length;
    const regionEnd = hasSentinel ? blocks[sentinel].end + delta : newText.length;
    // (Lines too long for remark are kept as plain text, only searched for task IDs: they do not
    // count. A parse in the background would cost this thread as much to take its mentions back.)
    if (regionEnd - regionStart > maxSyncParse && regionEnd - regionStart - overlongLineChars(withLineFeeds(newText.slice(regionStart, regionEnd)), 0, regionEnd - regionStart) > maxSyncParse) {
      return undefined;
    }
    const parsed = parseBlocks(newText, regionStart, regionEnd, ctx);
    if (!hasSentinel) {
      return { blocks: blocks.slice(0, first).concat(parsed), kind: 'blocks' as const };
    }
    const last = parsed[parsed.length - 1];
    const expected = blocks[sentinel];
    const startsRight = first === 0 || parsed[0]?.start === blocks[first].start;
    if (
      last &&
      startsRight &&
      last.start === expected.start + delta &&
      last.end === expected.end + delta &&
      last.facts.type === expected.facts.type
    ) {
      const tail = shiftBlocks(blocks.slice(sentinel + 1), 0, delta);
      return { blocks: blocks.slice(0, first).concat(parsed, tail), kind: 'blocks' as const };
    }
    // An unclosed fence now swallows everything after it: the rest of the text is its content.
    if (last && last.facts.code && last.facts.code.fenceLength > 0 && !last.facts.code.closed && last.end >= regionEnd - 1) {
      const swallowed = swallowRest(newText, last, ctx);
      if (swallowed) return { blocks: blocks.slice(0, first).concat(parsed.slice(0, -1), [swallowed]), kind: 'blocks' as const };
    }
    margin *= 4;
  }
  if (newText.length > maxSyncParse) return undefined;
  return { blocks: parseBlocks(newText, 0, newText.length, ctx), kind: 'full' as const };
}

/**
 * Whether findHostileSegments never lets a segment run from block `before` into block `after`
 * (both untouched by the edit, at `shift` from their offsets in `text`): a blank line lies
 * between them, or one of them is an ATX heading or fenced code.
 */
function isSegmentBoundary(text: string, before: Block, after: Block, shift: number): boolean {
  let breaks = 0;
  for (let i = before.end + shift; i < after.start + shift; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) breaks++;
  }
  if (breaks >= 2) return true;
  const isAtxOrFence = (b: Block) =>
    (b.facts.type === 'heading' && ATX_HEADING.test(text.slice(b.start + shift, b.start + shift + 8))) || (b.facts.code?.fenceLength ?? 0) > 0;
  return isAtxOrFence(before) || isAtxOrFence(after);
}

function swallowRest(text: string, block: Block, ctx: ExtractContext): Block | undefined {
  // Only a top-level fence at the start of its line runs to the end of the document.
  if (lineStartBefore(text, block.start) !== block.start - (block.facts.code?.indent ?? 0)) return undefined;
  // If any later line closes the fence, the blocks after it change too: let the caller widen.
  const code = block.facts.code!;
  // An unclosed fence runs to the very end of the text, trailing line breaks included.
  const end = text.length;
  const body = withLineFeeds(text.slice(block.start, end));
  let pos = body.indexOf('\n');
  while (pos >= 0 && pos < body.length) {
    const next = body.indexOf('\n', pos + 1);
    const line = body.slice(pos + 1, next < 0 ? body.length : next).replace(/\r$/, '');
    const m = CLOSING_FENCE_LINE.exec(line);
    if (m && m[1][0] === code.fenceChar && m[1].length >= code.fenceLength) return undefined;
    pos = next;
  }
  const swallowed = extractCode(body, code.lang, ctx);
  if (swallowed.closed) return undefined;
  return { start: block.start, end, facts: { ...block.facts, code: swallowed } };
}
