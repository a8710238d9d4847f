// LineIndex.withEdit (the line index kept edit by edit) against a fresh index of the same text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineIndex } from '../../../server/src/plan/lineIndex';

/** A small deterministic generator (mulberry32), so a failure names its seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = ['a', 'b', ' ', '\n', '\r', '\r\n', '\n\n', '| x |', '😀'];

function pieceText(next: () => number, count: number): string {
  let out = '';
  for (let i = 0; i < count; i++) out += PIECES[Math.floor(next() * PIECES.length)];
  return out;
}

function assertSameIndex(actual: LineIndex, text: string, context: string): void {
  const fresh = new LineIndex(text);
  assert.equal(actual.lineCount, fresh.lineCount, `line count ${context}`);
  for (let line = 0; line < fresh.lineCount; line++) {
    assert.equal(actual.lineStart(line), fresh.lineStart(line), `start of line ${line} ${context}`);
    assert.equal(actual.lineEnd(line), fresh.lineEnd(line), `end of line ${line} ${context}`);
  }
  for (let offset = 0; offset <= text.length; offset++) {
    assert.deepEqual(actual.positionAt(offset), fresh.positionAt(offset), `position of ${offset} ${context}`);
  }
}

test('an index kept edit by edit equals a fresh index of the text (CR, LF, CRLF split and joined)', () => {
  for (let seed = 1; seed <= 150; seed++) {
    const next = random(seed);
    let text = pieceText(next, 1 + Math.floor(next() * 20));
    let index = new LineIndex(text);
    for (let step = 0; step < 25; step++) {
      const start = Math.floor(next() * (text.length + 1));
      const end = Math.min(text.length, start + Math.floor(next() * 4));
      const inserted = next() < 0.3 ? '' : pieceText(next, 1 + Math.floor(next() * 3));
      const newText = text.slice(0, start) + inserted + text.slice(end);
      index = index.withEdit(start, end, inserted.length, newText);
      text = newText;
      assertSameIndex(index, text, `(seed ${seed}, step ${step}, text ${JSON.stringify(text)})`);
    }
  }
});

test('a \\n typed after a \\r, and a \\r typed before a \\n, join into one line break', () => {
  const cases: [string, number, number, string][] = [
    ['a\rb', 2, 2, '\n'],
    ['a\nb', 1, 1, '\r'],
    ['a\r\nb', 2, 2, 'x'],
    ['a\r\nb', 1, 2, ''],
    ['a\r\n\nb', 2, 3, ''],
    ['\r', 1, 1, '\n'],
  ];
  for (const [text, start, end, inserted] of cases) {
    const newText = text.slice(0, start) + inserted + text.slice(end);
    assertSameIndex(new LineIndex(text).withEdit(start, end, inserted.length, newText), newText, JSON.stringify([text, start, end, inserted]));
  }
});
