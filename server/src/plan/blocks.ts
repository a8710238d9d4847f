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
import { extractBlockFacts, extractCode, extractTableRow, findTaskIds, type BlockFacts, type ExtractContext } from './facts';
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
  const hostile = findHostileSegments(text, from, to);
  if (hostile.length === 0) return parseWithRemark(text, from, to, ctx);
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

function parseWithRemark(text: string, from: number, to: number, ctx: ExtractContext): Block[] {
  const slice = from === 0 && to === text.length ? text : text.slice(from, to);
  let root: Root;
  try {
    root = parseMarkdown(slice);
  } catch (error) {
    // A stack overflow on some nesting the pre-scan did not foresee: degrade, never crash.
    if (!(error instanceof RangeError)) throw error;
    return slice.trim() === '' ? [] : [plainBlock(text, from + (slice.length - slice.trimStart().length), to, ctx)];
  }
  const blocks: Block[] = [];
  for (const node of root.children) {
    const s = node.position?.start.offset;
    const e = node.position?.end.offset;
    if (s === undefined || e === undefined) continue;
    blocks.push({ start: from + s, end: from + e, facts: extractBlockFacts(node, slice, s, ctx) });
  }
  return blocks;
}

/** A block remark is not asked to parse: only the task IDs written in it are kept. */
function plainBlock(text: string, start: number, end: number, ctx: ExtractContext): Block {
  const raw = text.slice(start, end);
  const mentions = findTaskIds(raw, ctx.taskIdPattern, 0).map((m) => ({ ...m, kind: 'text' as const }));
  return { start, end, facts: { type: 'paragraph', fields: [], checklist: [], mentions, placeholders: [], directives: [], plain: true } };
}

// Inputs on which remark's parser goes quadratic or deeper (measured): emphasis delimiters
// (`_`, `*`) are matched pairwise within one run of inline text, and nesting grows the
// container stack per line. Beyond these limits a segment is kept as plain text.
const MAX_DELIMITERS = 4000;
const MAX_PREFIX_DEPTH = 32;
const MAX_INDENT = 64;

/**
 * Segments (runs of non-blank lines outside fenced code, split at headings) on which remark
 * would take too long or overflow the stack.
 */
export function findHostileSegments(text: string, from: number, to: number): Span[] {
  const out: Span[] = [];
  let fence: { char: string; length: number } | undefined;
  let segStart = -1;
  let segEnd = -1;
  let delimiters = 0;
  let hostile = false;
  const close = () => {
    if (segStart >= 0 && (hostile || delimiters > MAX_DELIMITERS)) out.push({ start: segStart, end: segEnd });
    segStart = -1;
    delimiters = 0;
    hostile = false;
  };
  let pos = from;
  while (pos < to) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0 || nl > to) nl = to;
    const lineEnd = nl > pos && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
    const line = text.slice(pos, lineEnd);
    const fenceMatch = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (fence) {
      if (fenceMatch && fenceMatch[1][0] === fence.char && fenceMatch[1].length >= fence.length && line.trim() === fenceMatch[1]) fence = undefined;
    } else if (fenceMatch && !(fenceMatch[1][0] === '`' && line.slice(fenceMatch[0].length).includes('`'))) {
      close();
      fence = { char: fenceMatch[1][0], length: fenceMatch[1].length };
    } else if (line.trim() === '' || /^ {0,3}#{1,6}(\s|$)/.test(line)) {
      close();
    } else {
      if (segStart < 0) segStart = pos;
      segEnd = lineEnd;
      let lineDelimiters = 0;
      for (let i = 0; i < line.length; i++) {
        const c = line.charCodeAt(i);
        if (c === 95 /* _ */ || c === 42 /* * */) lineDelimiters++;
      }
      // Table cells are parsed one by one; other lines share one run of inline text.
      if (line.includes('|')) hostile ||= lineDelimiters > MAX_DELIMITERS;
      else delimiters += lineDelimiters;
      let depth = 0;
      let indent = 0;
      for (let i = 0; i < line.length; i++) {
        const c = line[i];
        if (c === ' ') indent++;
        else if (c === '\t') indent += 4;
        else if (c === '>' || ((c === '-' || c === '*' || c === '+') && line[i + 1] === ' ')) depth++;
        else break;
      }
      if (depth > MAX_PREFIX_DEPTH || indent > MAX_INDENT) hostile = true;
    }
    pos = nl + 1;
  }
  close();
  return out;
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
  const facts: BlockFacts = { ...block.facts, table: { ...table, rows, rowOffsets } };
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
  const facts: BlockFacts = { ...block.facts, code: extractCode(newText.slice(block.start, end), code.lang, ctx) };
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
    const first = Math.max(0, lo - margin);
    const sentinel = hi + margin; // an untouched block that must come out identical
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

function swallowRest(text: string, block: Block, ctx: ExtractContext): Block | undefined {
  // Only a top-level fence at the start of its line runs to the end of the document.
  if (lineStartBefore(text, block.start) !== block.start - (block.facts.code?.indent ?? 0)) return undefined;
  // If any later line closes the fence, the blocks after it change too: let the caller widen.
  const code = block.facts.code!;
  let pos = text.indexOf('\n', block.start);
  while (pos >= 0 && pos < text.length) {
    const next = text.indexOf('\n', pos + 1);
    const line = text.slice(pos + 1, next < 0 ? text.length : next).replace(/\r$/, '');
    const m = CLOSING_FENCE_LINE.exec(line);
    if (m && m[1][0] === code.fenceChar && m[1].length >= code.fenceLength) return undefined;
    pos = next;
  }
  // An unclosed fence runs to the very end of the text, trailing line breaks included.
  const end = text.length;
  const body = text.slice(block.start, end);
  const swallowed = extractCode(body, code.lang, ctx);
  if (swallowed.closed) return undefined;
  return { start: block.start, end, facts: { ...block.facts, code: swallowed } };
}
