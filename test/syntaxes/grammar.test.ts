// Tokenizes Markdown with the planmark injection grammar hosted in a small stand-in for VS Code's
// Markdown grammar (scopeName text.html.markdown). When a VS Code build downloaded by the
// integration tests is present under .vscode-test/, the same checks also run against its real
// Markdown grammar. Run: npx tsx --test test/syntaxes/grammar.test.ts
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { INITIAL, Registry, parseRawGrammar, type IGrammar, type IRawGrammar, type IToken, type StateStack } from 'vscode-textmate';
import { OnigScanner, OnigString, loadWASM } from 'vscode-oniguruma';

const ROOT = path.resolve(__dirname, '../..');
const INJECTION_PATH = path.join(ROOT, 'syntaxes/planmark.injection.tmLanguage.json');
const WASM_PATH = path.join(ROOT, 'node_modules/vscode-oniguruma/release/onig.wasm');

const TASK_ID = 'variable.other.constant.task-id.planmark';
const TASK_ID_FALLBACK = 'entity.name.tag.task-id.planmark';
const PLACEHOLDER = 'invalid.deprecated.placeholder.planmark';
const KEY = 'support.type.property-name.planmark';
const KEY_COLON = 'punctuation.separator.key-value.planmark';
const DATE = 'constant.numeric.date.planmark';
const ALL_OURS = [TASK_ID, PLACEHOLDER, KEY, DATE];

/**
 * Stand-in for VS Code's Markdown grammar: just the rules that decide where the injection
 * applies or that compete with it — fenced code, inline code, HTML comments, bold, and links
 * (including the shortcut reference rule that claims any "[word]").
 */
const STUB_MARKDOWN = {
  scopeName: 'text.html.markdown',
  patterns: [
    { include: '#fenced' },
    { include: '#comment' },
    { include: '#raw' },
    { include: '#bold' },
    { include: '#link-inline' },
    { include: '#link-shortcut' },
  ],
  repository: {
    fenced: {
      begin: '(^|\\G)(\\s*)(`{3,}|~{3,})\\s*(?=([^`]*)?$)',
      beginCaptures: { 3: { name: 'punctuation.definition.markdown' }, 4: { name: 'fenced_code.block.language' } },
      end: '(^|\\G)(\\2|\\s{0,3})(\\3)\\s*$',
      name: 'markup.fenced_code.block.markdown',
    },
    comment: { begin: '<!--', end: '-->', name: 'comment.block.html' },
    raw: { match: '(`+)[^`]*?\\1', name: 'markup.inline.raw.string.markdown' },
    bold: {
      begin: '\\*\\*(?=\\S)',
      beginCaptures: { 0: { name: 'punctuation.definition.bold.markdown' } },
      end: '(?<=\\S)\\*\\*',
      endCaptures: { 0: { name: 'punctuation.definition.bold.markdown' } },
      name: 'markup.bold.markdown',
      patterns: [{ include: '#raw' }, { include: '#link-inline' }, { include: '#link-shortcut' }],
    },
    'link-inline': {
      match: '(\\[)([^\\[\\]]*)(\\])(\\()([^()\\s]*)(\\))',
      name: 'meta.link.inline.markdown',
      captures: { 2: { name: 'string.other.link.title.markdown' }, 5: { name: 'markup.underline.link.markdown' } },
    },
    'link-shortcut': {
      match: '(?<![\\]\\\\])(\\[)((?:[^\\s\\[\\]\\\\]|\\\\[\\[\\]])+?)((?<!\\\\)\\])',
      name: 'meta.link.reference.markdown',
      captures: { 2: { name: 'string.other.link.title.markdown' } },
    },
  },
};

/** VS Code's own Markdown grammar, if a downloaded VS Code is around. */
function findRealMarkdownGrammar(): string | null {
  const fromEnv = process.env.PLANMARK_MARKDOWN_GRAMMAR;
  if (fromEnv) return fs.existsSync(fromEnv) ? fromEnv : null;
  const base = path.join(ROOT, '.vscode-test');
  if (!fs.existsSync(base)) return null;
  const tail = 'extensions/markdown-basics/syntaxes/markdown.tmLanguage.json';
  for (const entry of fs.readdirSync(base)) {
    for (const mid of [
      'node_modules/code-server/lib/vscode',
      'lib/vscode',
      'resources/app',
      'VSCode-linux-x64/resources/app',
      'Visual Studio Code.app/Contents/Resources/app',
    ]) {
      const candidate = path.join(base, entry, mid, tail);
      if (fs.existsSync(candidate)) return candidate;
    }
  }
  return null;
}

let onigReady: Promise<void> | null = null;
function onig() {
  onigReady ??= (async () => {
    const wasm = fs.readFileSync(WASM_PATH);
    await loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer);
  })();
  return onigReady;
}

async function loadHostedGrammar(host: IRawGrammar): Promise<IGrammar> {
  await onig();
  const registry = new Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (sources: string[]) => new OnigScanner(sources),
      createOnigString: (text: string) => new OnigString(text),
    }),
    loadGrammar: async (scopeName) => {
      if (scopeName === 'text.html.markdown') return host;
      if (scopeName === 'planmark.injection') return parseRawGrammar(fs.readFileSync(INJECTION_PATH, 'utf8'), INJECTION_PATH);
      return null; // embedded languages (source.mermaid, source.js, ...) are not installed here
    },
    getInjections: (scopeName) => (scopeName === 'text.html.markdown' ? ['planmark.injection'] : undefined),
  });
  const grammar = await registry.loadGrammar('text.html.markdown');
  assert.ok(grammar, 'grammar did not load');
  return grammar;
}

interface Line {
  text: string;
  tokens: IToken[];
}

function tokenizeDoc(grammar: IGrammar, doc: string): Line[] {
  let state: StateStack = INITIAL;
  return doc.split('\n').map((text) => {
    const result = grammar.tokenizeLine(text, state);
    state = result.ruleStack;
    return { text, tokens: result.tokens };
  });
}

const hasScope = (t: IToken, scope: string) => t.scopes.some((s) => s === scope || s.startsWith(scope + '.'));

/** Maximal [start, end) ranges of the line whose tokens carry `scope`. */
function rangesWith(line: Line, scope: string): [number, number][] {
  const out: [number, number][] = [];
  for (const t of line.tokens) {
    if (!hasScope(t, scope)) continue;
    const end = Math.min(t.endIndex, line.text.length);
    const last = out[out.length - 1];
    if (last && last[1] === t.startIndex) last[1] = end;
    else out.push([t.startIndex, end]);
  }
  return out.filter(([s, e]) => e > s);
}

const textsWith = (line: Line, scope: string) => rangesWith(line, scope).map(([s, e]) => line.text.slice(s, e));

function scopesAt(line: Line, index: number): string[] {
  const t = line.tokens.find((tok) => tok.startIndex <= index && index < tok.endIndex);
  return t ? t.scopes : [];
}

/** Runs the shared checks against one host grammar. */
function sharedChecks(name: string, getGrammar: () => IGrammar) {
  const one = (text: string): Line => {
    const lines = tokenizeDoc(getGrammar(), text);
    return lines[lines.length - 1];
  };

  describe(`${name}: task IDs`, () => {
    test('table row: each ID is scoped, exactly', () => {
      const line = one('| TASK_002 | TASK_001 | 8 |');
      assert.deepEqual(textsWith(line, TASK_ID), ['TASK_002', 'TASK_001']);
      assert.deepEqual(textsWith(line, TASK_ID_FALLBACK), ['TASK_002', 'TASK_001']);
      assert.deepEqual(textsWith(line, PLACEHOLDER), []);
    });

    test('hyphenated IDs and IDs next to punctuation', () => {
      assert.deepEqual(textsWith(one('See TASK-001, (TASK_002) and TASK_003.'), TASK_ID), ['TASK-001', 'TASK_002', 'TASK_003']);
    });

    test('a bracketed task list is not a placeholder and its IDs are scoped', () => {
      const line = one('**Tasks:** [TASK_001, TASK_002]');
      assert.deepEqual(textsWith(line, TASK_ID), ['TASK_001', 'TASK_002']);
      assert.deepEqual(textsWith(line, PLACEHOLDER), []);
      assert.deepEqual(textsWith(line, KEY), ['Tasks']);
    });

    test('a single bracketed ID wins over the shortcut-reference link rule', () => {
      const line = one('**Tasks:** [TASK_001]');
      assert.deepEqual(textsWith(line, TASK_ID), ['TASK_001']);
      assert.deepEqual(textsWith(line, 'meta.link.reference.markdown'), []);
    });

    test('an ID used as link text keeps the link', () => {
      const line = one('[TASK_003](#task_003)');
      assert.deepEqual(textsWith(line, 'meta.link.inline.markdown'), ['[TASK_003](#task_003)']);
      assert.deepEqual(textsWith(line, PLACEHOLDER), []);
    });

    for (const miss of ['TASK_0011x', 'TASK_001x', 'TASKS_001', 'MYTASK_001', '_TASK_001', 'TASK_001_2', 'TASK_', 'TASK_x1', 'task_001', 'TASK 001', 'TASK__001']) {
      test(`near miss ${miss} is not an ID`, () => {
        assert.deepEqual(textsWith(one(`| ${miss} | see ${miss}. |`), TASK_ID), []);
      });
    }
  });

  describe(`${name}: keys, dates and placeholders`, () => {
    test('overview field with a date', () => {
      const line = one('- **Created:** 2026-01-15');
      assert.deepEqual(textsWith(line, KEY), ['Created']);
      assert.deepEqual(textsWith(line, KEY_COLON), [':']);
      assert.deepEqual(textsWith(line, DATE), ['2026-01-15']);
      // The key stays inside the host's bold markup.
      assert.ok(scopesAt(line, line.text.indexOf('Created')).includes('markup.bold.markdown'));
    });

    test('sign-off field with a placeholder', () => {
      const line = one('**Reviewed By:** [Name]');
      assert.deepEqual(textsWith(line, KEY), ['Reviewed By']);
      assert.deepEqual(textsWith(line, PLACEHOLDER), ['[Name]']);
      assert.deepEqual(textsWith(line, 'punctuation.definition.placeholder'), ['[', ']']);
      assert.deepEqual(textsWith(line, 'meta.link.reference.markdown'), []);
    });

    test('"**Key**:" form', () => {
      assert.deepEqual(textsWith(one('**Approved**: [Yes/No]'), KEY), ['Approved']);
    });

    test('template placeholders', () => {
      assert.deepEqual(textsWith(one('- **Phase:** [X]'), PLACEHOLDER), ['[X]']);
      assert.deepEqual(textsWith(one('# Implementation Plan: Phase [X] - [Phase Name]'), PLACEHOLDER), ['[X]', '[Phase Name]']);
      assert.deepEqual(textsWith(one('- **Target End:** [YYYY-MM-DD]'), PLACEHOLDER), ['[YYYY-MM-DD]']);
      assert.deepEqual(textsWith(one('- [ ] Migration 1: [Description]'), PLACEHOLDER), ['[Description]']);
      assert.deepEqual(textsWith(one('- [Deliverable 1]'), PLACEHOLDER), ['[Deliverable 1]']);
      assert.deepEqual(textsWith(one('1. [Step 1]'), PLACEHOLDER), ['[Step 1]']);
      assert.deepEqual(textsWith(one('- [ ] Index on [table].[column] for [reason]'), PLACEHOLDER), ['[table]', '[column]', '[reason]']);
      assert.deepEqual(textsWith(one('| POST | /api/resource | [Purpose] | Yes/No |'), PLACEHOLDER), ['[Purpose]', 'Yes/No']);
      assert.deepEqual(textsWith(one('| [Risk description] | High/Med/Low | [How to prevent/handle] |'), PLACEHOLDER), [
        '[Risk description]',
        'High/Med/Low',
        '[How to prevent/handle]',
      ]);
      assert.deepEqual(textsWith(one('| [name] | X.Y.Z | [What it does] | [Why chosen] |'), PLACEHOLDER), [
        '[name]',
        'X.Y.Z',
        '[What it does]',
        '[Why chosen]',
      ]);
      assert.deepEqual(textsWith(one('| TASK_001 | None | X |'), PLACEHOLDER), ['X']);
      assert.deepEqual(textsWith(one('- **Target Coverage:** X%'), PLACEHOLDER), ['X%']);
      assert.deepEqual(textsWith(one('- API response time: < X ms'), PLACEHOLDER), ['< X ms']);
    });

    test('brackets that are not placeholders', () => {
      for (const text of [
        '- [ ] open item',
        '- [x] done item',
        '- [X] done item',
        '  * [x] nested done item',
        'A [link](https://example.com) here',
        'A [ref][id] here',
        '[id]: https://example.com',
        'Footnote[^1] and [^note]',
        '> [!NOTE]',
        'Escaped \\[Name\\]',
        'An empty [] pair',
        'Index a[Name] or x[0]',
        '![alt](image.png)',
        'Plain X and Y, Xavier, TASK_001 hours X10, version 1.X.Y',
      ]) {
        assert.deepEqual(textsWith(one(text), PLACEHOLDER), [], text);
      }
    });

    test('dates must be real calendar dates', () => {
      assert.deepEqual(textsWith(one('2026-01-31 2026-13-01 2026-00-10 2026-02-32 12026-01-01 2026-01-011 2026-01-01T10'), DATE), ['2026-01-31']);
    });
  });

  describe(`${name}: code`, () => {
    test('inline code is left alone', () => {
      const line = one('Use `TASK_001 [Name] 2026-01-01` here, TASK_002 there');
      assert.deepEqual(textsWith(line, TASK_ID), ['TASK_002']);
      assert.deepEqual(textsWith(line, PLACEHOLDER), []);
      assert.deepEqual(textsWith(line, DATE), []);
    });

    test('HTML comments are left alone', () => {
      assert.deepEqual(textsWith(one('<!-- TASK_001 [Name] -->'), TASK_ID), []);
    });

    test('other fenced code is left alone', () => {
      const lines = tokenizeDoc(getGrammar(), ['```js', 'const id = "TASK_001"; // [Name] 2026-01-01', '```', 'TASK_002'].join('\n'));
      for (const scope of ALL_OURS) assert.deepEqual(textsWith(lines[1], scope), [], scope);
      assert.deepEqual(textsWith(lines[3], TASK_ID), ['TASK_002']);
    });

    test('task IDs are scoped inside mermaid blocks, from the first line on', () => {
      const doc = ['```mermaid', 'graph TD', '    A[TASK_001] --> B[TASK_002]', '    C[Build API] --> D', '```', 'after TASK_003'];
      const lines = tokenizeDoc(getGrammar(), doc.join('\n'));
      assert.deepEqual(textsWith(lines[2], TASK_ID), ['TASK_001', 'TASK_002']);
      assert.ok(scopesAt(lines[2], 6).includes('meta.embedded.block.mermaid'));
      assert.ok(scopesAt(lines[2], 6).includes('markup.fenced_code.block.markdown'));
      assert.deepEqual(textsWith(lines[3], PLACEHOLDER), []);
      assert.ok(!scopesAt(lines[5], 0).includes('markup.fenced_code.block.markdown'), 'block did not end');
      assert.deepEqual(textsWith(lines[5], TASK_ID), ['TASK_003']);
      const first = tokenizeDoc(getGrammar(), ['~~~mermaid', 'A[TASK_009] --> B', '~~~'].join('\n'));
      assert.deepEqual(textsWith(first[1], TASK_ID), ['TASK_009']);
    });

    test('mermaid blocks in list items and block quotes', () => {
      const listed = tokenizeDoc(getGrammar(), ['- Graph:', '', '  ```mermaid', '  graph TD', '    A[TASK_001] --> B', '  ```', '', 'TASK_002'].join('\n'));
      assert.deepEqual(textsWith(listed[4], TASK_ID), ['TASK_001']);
      assert.ok(scopesAt(listed[4], 6).includes('meta.embedded.block.mermaid'));
      assert.ok(!scopesAt(listed[7], 0).includes('markup.fenced_code.block.markdown'), 'block did not end');
      const quoted = tokenizeDoc(getGrammar(), ['> ```mermaid', '> A[TASK_003] --> B', '> ```'].join('\n'));
      assert.ok(scopesAt(quoted[1], 4).includes('meta.embedded.block.mermaid'));
      assert.deepEqual(textsWith(quoted[1], TASK_ID), ['TASK_003']);
    });

    test('a fence marker after other text does not open a mermaid block', () => {
      const lines = tokenizeDoc(getGrammar(), ['Some text ```mermaid', 'TASK_001 [Name]'].join('\n'));
      assert.ok(!lines[1].tokens.some((t) => hasScope(t, 'meta.embedded.block.mermaid')));
      assert.deepEqual(textsWith(lines[1], PLACEHOLDER), ['[Name]']);
    });

    test('the whole template', () => {
      const template = fs.readFileSync(path.join(ROOT, 'templates/plan-template.md'), 'utf8').replace(/\r\n/g, '\n');
      const lines = tokenizeDoc(getGrammar(), template);
      let fence: string | null = null;
      for (const line of lines) {
        const f = /^ {0,3}(`{3,}|~{3,})\s*(\w*)/.exec(line.text);
        if (f && !fence) {
          fence = f[2] || 'plain';
          continue;
        }
        if (f && fence) {
          fence = null;
          continue;
        }
        const ids = line.text.match(/\bTASK_\d+\b/g) ?? [];
        if (fence && fence !== 'mermaid') {
          for (const scope of ALL_OURS) assert.deepEqual(textsWith(line, scope), [], `${scope} in ${fence} code: ${line.text}`);
          continue;
        }
        assert.deepEqual(textsWith(line, TASK_ID), ids, line.text);
        for (const p of line.text.match(/\[(?:YYYY-MM-DD|Name|X|Phase Name|Description|Purpose)\]/g) ?? []) {
          assert.ok(textsWith(line, PLACEHOLDER).includes(p), `${p} not a placeholder in: ${line.text}`);
        }
        const key = /^(?:- )?\*\*([^*:]+):\*\*/.exec(line.text);
        if (key) assert.deepEqual(textsWith(line, KEY).slice(0, 1), [key[1]], line.text);
      }
    });
  });
}

describe('injection grammar file', () => {
  const grammar = JSON.parse(fs.readFileSync(INJECTION_PATH, 'utf8'));

  test('names and selector', () => {
    assert.equal(grammar.scopeName, 'planmark.injection');
    assert.match(grammar.injectionSelector, /^L:text\.html\.markdown /);
    for (const excluded of ['-comment', '-markup.raw', '-markup.inline.raw', '-markup.fenced_code']) {
      assert.ok(grammar.injectionSelector.split(',')[0].split(/\s+/).includes(excluded), excluded);
    }
  });

  test('package.json injects it into Markdown', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const entry = (pkg.contributes?.grammars ?? []).find((g: { scopeName: string }) => g.scopeName === 'planmark.injection');
    assert.ok(entry, 'contributes.grammars has no planmark.injection');
    assert.equal(path.resolve(ROOT, entry.path), INJECTION_PATH);
    assert.deepEqual(entry.injectTo, ['text.html.markdown']);
  });

  test('every regex compiles and none repeats a group without a bound', async () => {
    await onig();
    const sources: string[] = [];
    const walk = (node: unknown) => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) {
          if (['match', 'begin', 'end', 'while'].includes(k) && typeof v === 'string') sources.push(v);
          else walk(v);
        }
      }
    };
    walk(grammar);
    assert.ok(sources.length >= 10);
    for (const source of sources) {
      assert.doesNotThrow(() => new OnigScanner([source.replace(/\\G/g, '\uFFFF')]).dispose(), source);
      // A quantified group ("(...)*", "(...)+", "(...){2,}") is where nested quantifiers and
      // catastrophic backtracking start; the grammar has none.
      let inClass = false;
      for (let i = 0; i < source.length; i++) {
        const c = source[i];
        if (c === '\\') {
          i++;
          continue;
        }
        if (inClass) {
          if (c === ']') inClass = false;
          continue;
        }
        if (c === '[') inClass = true;
        else if (c === ')') assert.doesNotMatch(source.slice(i + 1), /^(?:[*+]|\{\d*,\})/, `unbounded repeated group in ${source}`);
      }
    }
  });
});

// Lines built to make regular expressions backtrack or rescan. VS Code does not tokenize lines
// longer than editor.maxTokenizationLineLength (20,000 by default), so these are far beyond what
// it would ever hand over. They run with the stand-in host and with no host rules at all, so the
// time measured is this grammar's: VS Code's own Markdown grammar is itself superlinear on several
// of them (e.g. "**a" repeated), with or without the injection.
describe('pathological lines', () => {
  const LIMIT_MS = 10_000;
  const hosts: [string, IGrammar | null][] = [];
  before(async () => {
    hosts.push(['stand-in host', await loadHostedGrammar(parseRawGrammar(JSON.stringify(STUB_MARKDOWN), 'stub-markdown.json'))]);
    hosts.push(['no host rules', await loadHostedGrammar(parseRawGrammar(JSON.stringify({ scopeName: 'text.html.markdown', patterns: [] }), 'empty.json'))]);
  });
  for (const [label, text] of [
    ['100,000 "["', '['.repeat(100_000)],
    ['"[" then 100,000 letters', '[' + 'a'.repeat(100_000)],
    ['"[a" repeated', '[a'.repeat(50_000)],
    ['"[TASK_1 " repeated', '[TASK_1 '.repeat(12_500)],
    ['"[Name] " repeated', '[Name] '.repeat(14_000)],
    ['"**" then 100,000 letters', '**' + 'a'.repeat(100_000)],
    ['"**a" repeated', '**a'.repeat(33_000)],
    ['"**Key:** " repeated', '**Key:** '.repeat(11_000)],
    ['"TASK_" then 100,000 digits', 'TASK_' + '1'.repeat(100_000)],
    ['"| X " repeated', '| X '.repeat(25_000)],
    ['"2026-01-0" repeated', '2026-01-0'.repeat(11_000)],
    ['"```mermaid " repeated', '```mermaid '.repeat(9_000)],
  ] as const) {
    test(label, () => {
      for (const [host, grammar] of hosts) {
        const result = grammar!.tokenizeLine(text, INITIAL, LIMIT_MS);
        assert.equal(result.stoppedEarly, false, `${host}: tokenizing took more than ${LIMIT_MS} ms`);
      }
    });
  }
});

describe('hosted in a stand-in Markdown grammar', () => {
  let grammar: IGrammar;
  before(async () => {
    grammar = await loadHostedGrammar(parseRawGrammar(JSON.stringify(STUB_MARKDOWN), 'stub-markdown.json'));
  });
  sharedChecks('stub host', () => grammar);
});

const realPath = findRealMarkdownGrammar();
// npm test installs the VS Code it tests with (scripts/test.mjs) before this runs; a missing
// grammar is a failure, not a skip.
test('VS Code\'s own Markdown grammar is available to test against', () => {
  assert.ok(realPath, 'no VS Code under .vscode-test/: run node scripts/vscode-test/install-code-server.mjs (npm test does)');
});

describe('hosted in VS Code\'s Markdown grammar', () => {
  let grammar: IGrammar;
  before(async () => {
    grammar = await loadHostedGrammar(parseRawGrammar(fs.readFileSync(realPath!, 'utf8'), realPath!));
  });
  sharedChecks('VS Code host', () => grammar);
});
