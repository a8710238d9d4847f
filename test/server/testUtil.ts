// Shared by the server tests: fixtures, text edits and positions in them.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { TextEdit } from 'vscode-languageserver-types';
import { LineIndex, type Plan } from '../../server/src/plan';

export const FIXTURES = path.resolve(__dirname, '../fixtures');
export const readFixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name), 'utf8');
export const FILLED = readFixture('filled.plan.md');
export const TEMPLATE = readFixture('template.plan.md');
export const URI = 'file:///work/plans/accounts.plan.md';

/** `text` with the first `from` replaced by `to`; fails when `from` is absent. */
export function edit(text: string, from: string, to: string): string {
  assert.ok(text.includes(from), `fixture text ${from} not found`);
  return text.replace(from, to);
}

/** Position `delta` characters into the `nth` occurrence of `needle`. */
export function posOf(plan: Plan, needle: string, nth = 0, delta = 0) {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = plan.text.indexOf(needle, at + 1);
    assert.ok(at >= 0, `${needle} #${nth} not found`);
  }
  return plan.lines.positionAt(at + delta);
}

/** Applies LSP edits (all in the coordinates of `text`, not overlapping) to `text`. */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const lines = new LineIndex(text);
  const spans = edits
    .map((e) => ({ start: lines.offsetAt(e.range.start), end: lines.offsetAt(e.range.end), text: e.newText }))
    .sort((a, b) => b.start - a.start || b.end - a.end);
  for (let i = 1; i < spans.length; i++) assert.ok(spans[i].end <= spans[i - 1].start, 'edits must not overlap');
  let out = text;
  for (const s of spans) out = out.slice(0, s.start) + s.text + out.slice(s.end);
  return out;
}
