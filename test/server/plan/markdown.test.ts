// remark-gfm without its literal autolinks gives the same tree as remark-gfm on any text in which
// no literal autolink can start (server/src/plan/markdown.ts), and the parse the plan model uses
// always gives the tree of remark-parse + remark-gfm: over every fixture (as written, and with
// what could start an autolink taken out), generated plans, and random inline-heavy documents.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { generatePlan } from '../../../bench/generatePlan';
import { mayHoldLiteralAutolink, parseMarkdown, parsePlanMarkdown, parseWithoutLiteralAutolinks } from '../../../server/src/plan/markdown';
import { loadFixtures } from '../../robustness/harness';

/** The plan's parse (without literal autolinks where none can start) equals remark-gfm's. */
function assertSameTree(text: string, name: string, starts = [true, false]): void {
  for (const atDocumentStart of starts) assert.deepStrictEqual(parsePlanMarkdown(text, atDocumentStart), parseMarkdown(text, atDocumentStart), name);
}

/** The text with everything that could start a literal autolink made harmless. */
function withoutAutolinkStarts(text: string): string {
  return text.replace(/@/g, ' at ').replace(/www\./gi, 'www ').replace(/(https?):\/\//gi, '$1 ');
}

describe('remark-gfm without literal autolinks where none can start', () => {
  test('texts with an autolink are parsed with them; texts without, without', () => {
    assert.ok(mayHoldLiteralAutolink('write to ada@example.com'));
    assert.ok(mayHoldLiteralAutolink('see WWW.example.com'));
    assert.ok(mayHoldLiteralAutolink('see HTTPS://example.com'));
    assert.ok(!mayHoldLiteralAutolink('an HTTP endpoint on www-data, at example.com'));
    // The plan's parse still finds them where they are.
    const links = (text: string) => JSON.stringify(parsePlanMarkdown(text)).match(/"type":"link"/g)?.length ?? 0;
    assert.equal(links('ada@example.com, www.example.com and https://example.com/a'), 3);
  });

  test('every fixture, as written and with what could start an autolink taken out', () => {
    const fixtures = loadFixtures();
    assert.ok(fixtures.length > 20);
    let without = 0;
    for (const { name, text } of fixtures) {
      // (As a document: the fixtures are whole plans.)
      assertSameTree(text, name, [true]);
      const plain = withoutAutolinkStarts(text);
      assert.ok(!mayHoldLiteralAutolink(plain), name);
      assertSameTree(plain, `${name} without autolink starts`, [true]);
      if (!mayHoldLiteralAutolink(text)) without++;
    }
    assert.ok(without > 0 && without < fixtures.length, 'fixtures with and without autolinks');
  });

  test('generated plans', () => {
    for (const eol of ['\n', '\r\n']) assertSameTree(generatePlan(60, { eol }).text, `plan ${JSON.stringify(eol)}`);
  });

  // Inline-heavy random text: emphasis, strikethrough, code, links and references, HTML,
  // entities, escapes, footnotes, task items, table rows, hard breaks, near-autolinks.
  const PIECES = [
    ' ', ' ', ' ', '  ', '\t', '\n', '\n', '\n\n', 'a', 'word', 'TASK_001', 'x1', '_', '__', '*', '**', '~', '~~', '`', '``', '[', ']', '(', ')',
    '[Name]', '[Name]: /url', '[^1]', '[^1]: note', '![', '<', '>', '<b>', '</b>', '<!--', '-->', '&amp;', '&#35;', '\\', '\\*', '|', '| a | b |',
    '|---|---|', '- ', '* ', '1. ', '- [ ] ', '- [x] ', '> ', '# ', '```', '~~~', '---', '===', '.', ',', ':', '/', '-', '+', 'w', 'ww', 'www',
    'h', 'http', 'https', ':/', 'mailto', 'xmpp', 'com', 'example.com', 'user.name', 'wwwx', 'http:/', 'ftp://x.y',
  ];
  const withoutStarts = fc.array(fc.constantFrom(...PIECES), { maxLength: 60 }).map((parts) => parts.join(''));
  const anyText = fc.array(fc.constantFrom(...PIECES, '@', 'www.', 'http://', 'https://', 'WwW.', 'HTTP://'), { maxLength: 60 }).map((parts) => parts.join(''));

  test('random inline-heavy documents in which no autolink can start', () => {
    let checked = 0;
    fc.assert(
      fc.property(withoutStarts, (text) => {
        if (mayHoldLiteralAutolink(text)) return;
        checked++;
        for (const atDocumentStart of [true, false]) {
          assert.deepStrictEqual(parseWithoutLiteralAutolinks(text, atDocumentStart), parseMarkdown(text, atDocumentStart), JSON.stringify(text));
        }
      }),
      { seed: 20261205, numRuns: 1500 },
    );
    assert.ok(checked > 1000);
  });

  test('random inline-heavy documents, with and without autolinks', () => {
    fc.assert(
      fc.property(anyText, (text) => assertSameTree(text, JSON.stringify(text))),
      { seed: 20261206, numRuns: 800 },
    );
  });
});
