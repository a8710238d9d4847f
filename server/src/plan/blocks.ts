// Top-level blocks of a plan and their incremental maintenance.
//
// A full remark-parse + remark-gfm parse of a large plan takes over a second, so the document
// keeps its top-level blocks with their extracted facts and, on an edit, reparses only the
// blocks the edit touches (plus one neighbour on each side). Two finer fast paths handle the
// edits people make most in big plans: typing inside one row of a table and typing inside a
// fenced code block (the mermaid graph).
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import remarkGfm from 'remark-gfm';
import type { Root } from 'mdast';
import { extractBlockFacts, extractCode, extractTableRow, findTaskIds, normalizeLabel, type BlockFacts, type ExtractContext } from './facts';
import type { Span } from './types';

const processor = unified().use(remarkParse).use(remarkGfm).freeze();

export function parseMarkdown(text: string): Root {
  return processor.parse(text) as Root;
}

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
  let root: Root;
  try {
    root = parseMarkdown(slice);
  } catch (error) {
    // A stack overflow on some nesting the pre-scan did not foresee: degrade, never crash.
    if (!(error instanceof RangeError)) throw error;
    const raw = text.slice(from, to);
    return raw.trim() === '' ? [] : [plainBlock(text, from + (raw.length - raw.trimStart().length), to, ctx)];
  }
  const blocks: Block[] = [];
  for (const node of root.children) {
    const s = node.position?.start.offset;
    const e = node.position?.end.offset;
    if (s === undefined || e === undefined || s < -shift) continue;
    blocks.push({ start: from + shift + s, end: from + shift + e, facts: extractBlockFacts(node, slice, s, ctx) });
  }
  return blocks;
}

/** A block remark is not asked to parse: only the task IDs written in it are kept. */
function plainBlock(text: string, start: number, end: number, ctx: ExtractContext): Block {
  const raw = text.slice(start, end);
  const mentions = findTaskIds(raw, ctx.taskIdPattern, 0).map((m) => ({ ...m, kind: 'text' as const }));
  return { start, end, facts: { type: 'paragraph', fields: [], checklist: [], mentions, placeholders: [], directives: [], plain: true } };
}

// Inputs on which remark's parser goes quadratic or deeper (measured with bench/remarkCost.ts):
// inline constructs are resolved pairwise within one run of inline text (emphasis `*` `_`,
// strikethrough `~`, link and reference brackets, and most of all an inline `<!--` that never
// closes), and nesting grows the container stack per line. A run whose weighted count of those
// characters passes the limit, or a line nested or indented too deep, makes its segment plain text.
const MAX_INLINE_COST = 4000;
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
      if (depth > MAX_PREFIX_DEPTH || indent > MAX_INDENT) hostile = true;
      // Each table row, heading and list item starts its own inline run (table cells are even
      // parsed one by one); other lines continue the paragraph before them.
      if (heading || listItem || line.includes('|') || RUN_BREAK.test(line)) runCost = 0;
      for (; i < line.length; i++) runCost += inlineCost(line.charCodeAt(i));
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
    tryTableRowEdit(blocks, newText, edit, delta, ctx) ??
    tryTableAppend(blocks, oldText, newText, edit, delta, ctx) ??
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

function tryTableRowEdit(blocks: Block[], newText: string, edit: TextEdit, delta: number, ctx: ExtractContext) {
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
  // Fields and disable comments are block-level facts: a row holding one takes the full path.
  if (mayHoldBlockFacts(newLine) || table.rows[rowIndex].row.cells.some((c) => mayHoldBlockFacts(c.text))) return undefined;
  // The row must still be a row of this table: parse it under the same header.
  if (!isRowOf(table, newLine)) return undefined;
  const rows = table.rows.slice();
  rows[rowIndex] = extractTableRow(newLine, table.columns, ctx);
  const rowOffsets = table.rowOffsets.slice();
  for (let i = rowIndex + 1; i < rowOffsets.length; i++) rowOffsets[i] += delta;
  // Fields and disable comments of later rows move with the text after the edit.
  const rowStartRel = table.rowOffsets[rowIndex];
  const after = (span: Span) => span.start > rowStartRel;
  const moved = (span: Span): Span => (after(span) ? { start: span.start + delta, end: span.end + delta } : span);
  const facts: BlockFacts = {
    ...block.facts,
    table: { ...table, rows, rowOffsets },
    directives: block.facts.directives.map((d) => (after(d.span) ? { ...d, span: moved(d.span) } : d)),
    fields: block.facts.fields.map((f) =>
      after(f.lineSpan) ? { ...f, keySpan: moved(f.keySpan), valueSpan: moved(f.valueSpan), lineSpan: moved(f.lineSpan) } : f,
    ),
  };
  const next = blocks.slice();
  next[index] = { start: block.start, end: block.end + delta, facts };
  shiftBlocks(next, index + 1, delta);
  return { blocks: next, kind: 'table-row' as const };
}

/** Text that block-level extraction reads (fields, planmark-disable comments). */
function mayHoldBlockFacts(text: string): boolean {
  return text.includes('**') || text.includes('<!--');
}

/** The (non-blank) line is a body row under this table's header. */
function isRowOf(table: NonNullable<BlockFacts['table']>, line: string): boolean {
  if (line.trim() === '') return false;
  const probe = `${table.headerLine}\n${table.delimiterLine}\n${line}`;
  const root = parseMarkdown(probe);
  const t = root.children[0];
  return root.children.length === 1 && t.type === 'table' && t.children.length === 2 && t.position?.end.offset === probe.length;
}

/**
 * Typing on the line right after a table: pressing Enter at the end of its last row, then
 * writing a new row. The table either stays as it is (a blank line ends it) or gains the row.
 */
function tryTableAppend(blocks: Block[], oldText: string, newText: string, edit: TextEdit, delta: number, ctx: ExtractContext) {
  // The table whose end the edit is at, or whose following line the edit is on.
  let index = -1;
  for (let i = 0; i < blocks.length && blocks[i].start <= edit.start; i++) if (blocks[i].facts.table) index = i;
  if (index < 0) return undefined;
  const block = blocks[index];
  const table = block.facts.table!;
  const next = blocks[index + 1];
  if (next && edit.end >= next.start) return undefined;
  const eolLength = oldText.startsWith('\r\n', block.end) ? 2 : 1;
  let newLine: string;
  let lineStart: number;
  if (edit.start === block.end && edit.end === block.end && /^(\r\n|\n|\r)/.test(edit.text)) {
    // Enter at the end of the last row: the inserted text after the line break is the new line.
    const rest = edit.text.replace(/^(\r\n|\n|\r)/, '');
    if (/[\r\n]/.test(rest)) return undefined;
    const atLineEnd = block.end === oldText.length || oldText[block.end] === '\n' || oldText[block.end] === '\r';
    if (!atLineEnd) return undefined;
    lineStart = block.end + edit.text.length - rest.length;
    newLine = rest;
  } else {
    // An edit within the line right after the table, which was blank.
    if (/[\r\n]/.test(edit.text) || block.end >= oldText.length) return undefined;
    lineStart = block.end + eolLength;
    const oldLineEnd = lineEndAfter(oldText, lineStart);
    if (edit.start < lineStart || edit.end > oldLineEnd || oldText.slice(lineStart, oldLineEnd).trim() !== '') return undefined;
    newLine = newText.slice(lineStart, lineEndAfter(newText, lineStart));
  }
  // The line after the new one must end the table (a blank line or the end of the text):
  // otherwise the lines below join the table as rows, which a wider reparse finds.
  if (newLine.trim() !== '') {
    const after = lineAt(newText, lineStart, newText.length);
    if (after.next <= newText.length) {
      const following = lineAt(newText, after.next, newText.length);
      if (newText.slice(after.next, following.end).trim() !== '') return undefined;
    }
  }
  const nextBlocks = blocks.slice();
  if (newLine.trim() === '') {
    // A blank line ends the table: nothing is reparsed, later blocks only move.
    shiftBlocks(nextBlocks, index + 1, delta);
    return { blocks: nextBlocks, kind: 'table-row' as const };
  }
  if (mayHoldBlockFacts(newLine) || !isRowOf(table, newLine)) return undefined;
  const facts: BlockFacts = {
    ...block.facts,
    table: {
      ...table,
      rows: [...table.rows, extractTableRow(newLine, table.columns, ctx)],
      rowOffsets: [...table.rowOffsets, lineStart - block.start],
    },
  };
  nextBlocks[index] = { start: block.start, end: lineStart + newLine.length, facts };
  shiftBlocks(nextBlocks, index + 1, delta);
  return { blocks: nextBlocks, kind: 'table-row' as const };
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
  void oldText;
  const end = block.end + delta;
  const facts: BlockFacts = { ...block.facts, code: extractCode(withLineFeeds(newText.slice(block.start, end)), code.lang, ctx) };
  const next = blocks.slice();
  next[index] = { start: block.start, end, facts };
  shiftBlocks(next, index + 1, delta);
  return { blocks: next, kind: 'code' as const };
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
    if (regionEnd - regionStart > maxSyncParse) return undefined;
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
