// Long runs of lines whose parse is known in advance, left out of what remark reads.
//
// remark tokenizes every character, and in a large plan most characters are rows of the task
// table and lines of the mermaid graph. Neither needs remark: a table's facts and a code
// block's facts are read from their text (facts.ts), remark only decides where the block
// starts and ends. Inside a top-level table, once a body row has been read, a line that starts
// with `|` (after at most three spaces) is always one more body row (no other block starts with
// `|`, and there is no container to be lazy in); inside top-level fenced code, a line that does
// not start with a backtick or a tilde is always content (only a fence closes it). So the middle
// of such a run is cut out of the text remark parses, and remark's result is checked afterwards:
// every cut must lie inside one top-level table (after its first body row) or one top-level
// fenced code block (after its opening line). A cut that does not is put back and the text
// parsed again, so the blocks are always those of a parse of the whole text.
import type { Root, RootContent } from 'mdast';

export interface Cut {
  /** Start of the line before the cut (kept: it shows what the cut lines continue). */
  keptBefore: number;
  /** The lines left out: [start, end), whole lines with their line breaks. */
  start: number;
  end: number;
  /** Every line left out starts with `|` (else: none starts with a backtick or a tilde). */
  rows: boolean;
}

/** Fewest lines worth leaving out in one cut (tests lower it to cut wherever a cut may go). */
export const cutSettings = { minLines: 8 };

const PIPE_LINE = /^ {0,3}\|/;
const FENCE_START = /^ {0,3}(`{3,}|~{3,})/;
/** A line that could open or close a fence, wherever it is. */
const FENCE_LIKE = /^[ \t]*[`~]/;

/**
 * Candidate cuts in `text` from `from` on (offsets into `text`, in order): the middle of every
 * long run of pipe lines, and of every long run of lines inside what looks like fenced code.
 * Only candidates: checkCuts decides from remark's parse which hold.
 */
export function findCuts(text: string, from: number, atDocumentStart = false): Cut[] {
  const cuts: Cut[] = [];
  // Front matter is the one construct decided by text far below its start (its closing fence):
  // nothing is cut before the first line that could close it.
  const firstCut = atDocumentStart ? frontMatterEnd(text, from) : from;
  // Line starts of the current run (pipe lines, or content lines of a fence).
  let run: number[] = [];
  let runRows = false;
  let fence: { char: string; length: number } | undefined;
  const flush = () => {
    // Keep the first lines (the header, the delimiter and a body row of a table; the first
    // content line of code) and the last line; leave out the rest.
    const keep = runRows ? 3 : 1;
    while (run.length > keep && run[keep] < firstCut) run.shift();
    if (run.length - keep - 1 >= cutSettings.minLines) {
      cuts.push({ keptBefore: run[keep - 1], start: run[keep], end: run[run.length - 1], rows: runRows });
    }
    run = [];
  };
  let pos = from;
  const length = text.length;
  while (pos < length) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = length;
    const first = text.charCodeAt(pos);
    // Most lines are decided by their first character.
    if (fence) {
      if (first === 96 || first === 126 || first === 32 || first === 9) {
        const line = text.slice(pos, nl).replace(/\r$/, '');
        if (FENCE_LIKE.test(line)) {
          flush();
          const m = FENCE_START.exec(line);
          if (m && m[1][0] === fence.char && m[1].length >= fence.length && line.trim() === m[1]) fence = undefined;
          pos = nl + 1;
          continue;
        }
      }
      run.push(pos);
    } else {
      const isPipe = first === 124 || ((first === 32 || first === 9) && PIPE_LINE.test(text.slice(pos, Math.min(nl, pos + 4))));
      if (isPipe) {
        if (!runRows) flush();
        runRows = true;
        run.push(pos);
      } else {
        if (runRows) flush();
        runRows = false;
        if (first === 96 || first === 126 || first === 32) {
          const line = text.slice(pos, nl).replace(/\r$/, '');
          const m = FENCE_START.exec(line);
          if (m && !(m[1][0] === '`' && line.slice(m[0].length).includes('`'))) fence = { char: m[1][0], length: m[1].length };
        }
      }
    }
    pos = nl + 1;
  }
  flush();
  return cuts;
}

/** Where a front matter opened on the first line could close at the latest: after the first closing fence. */
function frontMatterEnd(text: string, from: number): number {
  const marker = text.slice(from, from + 3);
  if (marker !== '---' && marker !== '+++') return from;
  let pos = from;
  let first = true;
  while (pos < text.length) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = text.length;
    if (!first && text.slice(pos, nl).trimEnd() === marker) return nl + 1;
    first = false;
    pos = nl + 1;
  }
  return from;
}

/** `text` without the cuts. */
export function applyCuts(text: string, cuts: readonly Cut[]): string {
  if (cuts.length === 0) return text;
  const parts: string[] = [];
  let pos = 0;
  for (const cut of cuts) {
    parts.push(text.slice(pos, cut.start));
    pos = cut.end;
  }
  parts.push(text.slice(pos));
  return parts.join('');
}

/** Maps offsets in the cut text back to the whole text. */
export class CutMap {
  /** Cut positions in the cut text, and how much was left out up to and including each. */
  private readonly at: number[] = [];
  private readonly removed: number[] = [];

  constructor(cuts: readonly Cut[]) {
    let total = 0;
    for (const cut of cuts) {
      this.at.push(cut.start - total);
      total += cut.end - cut.start;
      this.removed.push(total);
    }
  }

  /** The offset in the whole text of `offset` in the cut text. */
  toWhole(offset: number): number {
    // The last cut at or before the offset.
    let low = 0;
    let high = this.at.length - 1;
    let found = -1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      if (this.at[mid] <= offset) {
        found = mid;
        low = mid + 1;
      } else high = mid - 1;
    }
    return found < 0 ? offset : offset + this.removed[found];
  }

  /** Position of cut `i` in the cut text. */
  positionOf(i: number): number {
    return this.at[i];
  }

  /** How much was left out before cut `i`. */
  removedBefore(i: number): number {
    return i === 0 ? 0 : this.removed[i - 1];
  }
}

/**
 * The cuts remark's parse of the cut text does not confirm: those not inside one top-level
 * table after its first body row, or one top-level fenced code block after its opening line.
 */
export function refutedCuts(root: Root, cutText: string, cuts: readonly Cut[], map: CutMap): Set<number> {
  const refuted = new Set<number>();
  const nodes = root.children;
  for (let i = 0; i < cuts.length; i++) {
    const cut = cuts[i];
    const at = map.positionOf(i);
    const keptBefore = cut.keptBefore - map.removedBefore(i);
    const node = nodeAround(nodes, at);
    if (!node || !confirms(node, cut, cutText, keptBefore, at)) refuted.add(i);
  }
  return refuted;
}

function nodeAround(nodes: RootContent[], offset: number): RootContent | undefined {
  let low = 0;
  let high = nodes.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const n = nodes[mid];
    const s = n.position?.start.offset;
    const e = n.position?.end.offset;
    if (s === undefined || e === undefined) return undefined;
    if (e <= offset) low = mid + 1;
    else if (s > offset) high = mid - 1;
    else return n;
  }
  return undefined;
}

function confirms(node: RootContent, cut: Cut, text: string, keptBefore: number, at: number): boolean {
  const start = node.position!.start.offset!;
  const end = node.position!.end.offset!;
  // The line after the cut is in the node too.
  if (start > keptBefore || end <= at) return false;
  const linesBefore = (n: number) => {
    let pos = start;
    for (let k = 0; k < n; k++) {
      const nl = text.indexOf('\n', pos);
      if (nl < 0 || nl >= keptBefore) return false;
      pos = nl + 1;
    }
    return true;
  };
  if (node.type === 'table') return cut.rows && linesBefore(2);
  if (node.type === 'code') {
    // Fenced: the node opens with a fence (an indented code block does not).
    return FENCE_START.test(text.slice(start, text.indexOf('\n', start))) && linesBefore(1);
  }
  return false;
}
