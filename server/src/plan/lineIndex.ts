import type { LineIndexLike, Position, Span, Range } from './types';

/**
 * Offsets <-> LSP positions (UTF-16 code units). Lines end at \n, \r\n or \r, as in
 * the LSP specification, so CRLF and mixed endings keep correct columns.
 */
export class LineIndex implements LineIndexLike {
  private readonly starts: number[];

  constructor(
    private readonly text: string,
    /** Line starts already known for `text` (see withEdit). */
    starts?: number[],
  ) {
    if (starts) {
      this.starts = starts;
      return;
    }
    this.starts = [0];
    scanBreaks(text, 0, text.length, this.starts);
  }

  /**
   * The index of the text after one edit (`start`, `end` in this text; `newText` the whole text
   * after it): line starts before the edit are kept, the edited stretch is scanned, those after
   * it move by the change in length. Linear in the number of lines, not in the text's length.
   */
  withEdit(start: number, end: number, insertedLength: number, newText: string): LineIndex {
    const old = this.starts;
    const delta = insertedLength - (end - start);
    // A line break right before the edit may pair with the text inserted after it (\r + \n),
    // so the scan starts one character early; every start it yields lies after that character.
    const scanFrom = Math.max(0, start - 1);
    const starts: number[] = [];
    let i = 0;
    while (i < old.length && old[i] <= scanFrom) starts.push(old[i++]);
    // Scan through the first character after the inserted text: a break there may pair with
    // a \r inserted before it.
    const scanTo = Math.min(newText.length, start + insertedLength + 1);
    const resumeAt = scanBreaks(newText, scanFrom, scanTo, starts);
    // The remaining old breaks come after the scanned stretch; their characters did not change.
    while (i < old.length && old[i] + delta <= resumeAt) i++;
    for (; i < old.length; i++) starts.push(old[i] + delta);
    return new LineIndex(newText, starts);
  }

  get lineCount(): number {
    return this.starts.length;
  }

  lineStart(line: number): number {
    return this.starts[Math.max(0, Math.min(line, this.starts.length - 1))];
  }

  /** End of the line's content, before its line break. */
  lineEnd(line: number): number {
    if (line + 1 >= this.starts.length) return this.text.length;
    let end = this.starts[line + 1];
    if (end > 0 && this.text.charCodeAt(end - 1) === 10) end--;
    if (end > 0 && this.text.charCodeAt(end - 1) === 13) end--;
    return end;
  }

  lineOf(offset: number): number {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.starts[mid] <= offset) low = mid;
      else high = mid - 1;
    }
    return low;
  }

  positionAt(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    const line = this.lineOf(clamped);
    return { line, character: Math.min(clamped, this.lineEnd(line)) - this.starts[line] };
  }

  offsetAt(position: Position): number {
    if (position.line < 0) return 0;
    if (position.line >= this.starts.length) return this.text.length;
    const start = this.starts[position.line];
    return Math.max(start, Math.min(start + Math.max(0, position.character), this.lineEnd(position.line)));
  }

  rangeOf(span: Span): Range {
    return { start: this.positionAt(span.start), end: this.positionAt(span.end) };
  }
}

/**
 * Pushes the start of every line that a break in text[from, to) ends (a \r\n pair counts once,
 * even when its \n lies at `to`); returns the offset after the last character read.
 */
function scanBreaks(text: string, from: number, to: number, starts: number[]): number {
  let i = from;
  for (; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 13 /* \r */) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    } else if (c === 10 /* \n */) {
      starts.push(i + 1);
    }
  }
  return i;
}
