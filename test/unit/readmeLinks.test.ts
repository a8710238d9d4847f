// README.md's relative links (its pictures and the pages it names) resolve: in the repository,
// and in the VSIX, whose README keeps them relative (scripts/package.mjs) and which ships only
// what .vscodeignore lets through. `npm run package` checks the built VSIX too; this catches a
// picture added to the README but not to .vscodeignore on every `npm test`.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import picomatch from 'picomatch';

const root = path.resolve(__dirname, '../..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
const links = [...readme.matchAll(/\]\(([^)\s#]+)(?:#[^)]*)?\)/g)].map((m) => m[1]).filter((l) => !/^[a-z]+:/i.test(l));

/**
 * Whether vsce packages `file` under .vscodeignore: left out when a pattern matches it, unless a
 * `!` pattern does (vsce applies those after all the others, whatever their order).
 */
function shipped(file: string): boolean {
  const lines = fs.readFileSync(path.join(root, '.vscodeignore'), 'utf8').split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const matches = (patterns: string[]) => patterns.some((p) => picomatch(p, { dot: true })(file));
  const kept = lines.filter((l) => l.startsWith('!')).map((l) => l.slice(1));
  const ignored = lines.filter((l) => !l.startsWith('!'));
  return !matches(ignored) || matches(kept);
}

test('README.md has relative links (pictures, pages)', () => {
  assert.ok(links.some((l) => l.endsWith('.png')), JSON.stringify(links));
});

test('every relative link of README.md names a file of the repository', () => {
  assert.deepEqual(links.filter((l) => !fs.existsSync(path.join(root, l))), []);
});

test('every relative link of README.md names a file the VSIX ships (.vscodeignore)', () => {
  assert.deepEqual(links.filter((l) => !shipped(l)), []);
  assert.equal(shipped('test/fixtures/filled.plan.md'), false, 'and .vscodeignore leaves the tests out');
});
