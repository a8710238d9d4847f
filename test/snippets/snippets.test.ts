// Checks snippets/planmark.code-snippets.json against the plan template and against the
// VS Code snippet syntax. Run: npx tsx --test test/snippets/snippets.test.ts
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const SNIPPETS_PATH = path.join(ROOT, 'snippets/planmark.code-snippets.json');
const TEMPLATE_PATH = path.join(ROOT, 'templates/plan-template.md');

interface SnippetEntry {
  prefix: string | string[];
  body: string | string[];
  description: string;
  scope?: string;
  isFileTemplate?: boolean;
}

// ---------------------------------------------------------------------------------------------
// A strict reader of the VS Code snippet grammar
// (https://code.visualstudio.com/docs/editing/userdefinedsnippets#_grammar). It follows VS Code's
// own parser, and reports as an error everything VS Code would read differently from what the
// author most likely meant: a `$` that is not an escape, tab stop or known variable; a `${` that
// does not parse; an unterminated placeholder or choice; unbalanced literal braces (a `}` meant
// as text inside a placeholder ends the placeholder early); transforms (not used here).
// ---------------------------------------------------------------------------------------------

type SnippetNode =
  | { kind: 'text'; value: string }
  | { kind: 'tabstop'; index: number }
  | { kind: 'placeholder'; index: number; children: SnippetNode[] }
  | { kind: 'choice'; index: number; options: string[] }
  | { kind: 'variable'; name: string; children: SnippetNode[] | null };

const KNOWN_VARIABLES = new Set([
  'TM_SELECTED_TEXT', 'TM_CURRENT_LINE', 'TM_CURRENT_WORD', 'TM_LINE_INDEX', 'TM_LINE_NUMBER',
  'TM_FILENAME', 'TM_FILENAME_BASE', 'TM_DIRECTORY', 'TM_FILEPATH', 'RELATIVE_FILEPATH', 'CLIPBOARD',
  'WORKSPACE_NAME', 'WORKSPACE_FOLDER', 'CURSOR_INDEX', 'CURSOR_NUMBER', 'CURRENT_YEAR',
  'CURRENT_YEAR_SHORT', 'CURRENT_MONTH', 'CURRENT_MONTH_NAME', 'CURRENT_MONTH_NAME_SHORT',
  'CURRENT_DATE', 'CURRENT_DAY_NAME', 'CURRENT_DAY_NAME_SHORT', 'CURRENT_HOUR', 'CURRENT_MINUTE',
  'CURRENT_SECOND', 'CURRENT_SECONDS_UNIX', 'CURRENT_TIMEZONE_OFFSET', 'RANDOM', 'RANDOM_HEX', 'UUID',
  'BLOCK_COMMENT_START', 'BLOCK_COMMENT_END', 'LINE_COMMENT',
]);

class SnippetSyntaxError extends Error {}

function parseSnippet(body: string): SnippetNode[] {
  let pos = 0;
  const fail = (msg: string): never => {
    throw new SnippetSyntaxError(`${msg} at offset ${pos}: ${JSON.stringify(body.slice(Math.max(0, pos - 20), pos + 20))}`);
  };
  const readInt = (): number | null => {
    const m = /^\d+/.exec(body.slice(pos));
    if (!m) return null;
    pos += m[0].length;
    return Number(m[0]);
  };
  const readName = (): string | null => {
    const m = /^[_a-zA-Z][_a-zA-Z0-9]*/.exec(body.slice(pos));
    if (!m) return null;
    pos += m[0].length;
    return m[0];
  };
  const checkVariable = (name: string) => {
    if (!KNOWN_VARIABLES.has(name)) fail(`unknown variable $${name} (VS Code would insert it as a placeholder)`);
  };

  // Reads a sequence until EOF (top level) or an unescaped `}` (inside a placeholder).
  function sequence(nested: boolean): SnippetNode[] {
    const nodes: SnippetNode[] = [];
    let text = '';
    let braces = 0;
    const flush = () => {
      if (text) nodes.push({ kind: 'text', value: text });
      text = '';
    };
    while (pos < body.length) {
      const c = body[pos];
      if (c === '\\') {
        const next = body[pos + 1];
        if (next === '$' || next === '}' || next === '\\') {
          text += next;
          pos += 2;
        } else {
          text += c;
          pos += 1;
        }
        continue;
      }
      if (c === '}') {
        if (nested) {
          if (braces !== 0) fail('unbalanced literal "{" inside a placeholder');
          flush();
          return nodes;
        }
        braces--;
        if (braces < 0) fail('literal "}" without a matching "{" (escape it as \\})');
        text += c;
        pos++;
        continue;
      }
      if (c === '{') {
        braces++;
        text += c;
        pos++;
        continue;
      }
      if (c !== '$') {
        text += c;
        pos++;
        continue;
      }
      flush();
      pos++; // past '$'
      const index = readInt();
      if (index !== null) {
        nodes.push({ kind: 'tabstop', index });
        continue;
      }
      const bare = readName();
      if (bare !== null) {
        checkVariable(bare);
        nodes.push({ kind: 'variable', name: bare, children: null });
        continue;
      }
      if (body[pos] !== '{') fail('"$" that is neither a tab stop nor a variable (escape it as \\$)');
      pos++; // past '{'
      const idx = readInt();
      if (idx !== null) {
        const op = body[pos];
        if (op === '}') {
          pos++;
          nodes.push({ kind: 'tabstop', index: idx });
        } else if (op === ':') {
          pos++;
          const children = sequence(true);
          if (body[pos] !== '}') fail(`unterminated placeholder \${${idx}:`);
          pos++;
          nodes.push({ kind: 'placeholder', index: idx, children });
        } else if (op === '|') {
          pos++;
          const options: string[] = [];
          let option = '';
          for (;;) {
            if (pos >= body.length) fail(`unterminated choice \${${idx}|`);
            const ch = body[pos];
            if (ch === '\\' && (body[pos + 1] === ',' || body[pos + 1] === '|' || body[pos + 1] === '\\')) {
              option += body[pos + 1];
              pos += 2;
            } else if (ch === ',') {
              options.push(option);
              option = '';
              pos++;
            } else if (ch === '|') {
              options.push(option);
              pos++;
              if (body[pos] !== '}') fail('choice must end with "|}"');
              pos++;
              break;
            } else if (ch === '\n') {
              fail('line break inside a choice');
            } else {
              option += ch;
              pos++;
            }
          }
          if (options.some((o) => o === '')) fail('empty choice option');
          nodes.push({ kind: 'choice', index: idx, options });
        } else {
          fail(`unsupported tab stop form \${${idx}${op ?? ''}`);
        }
        continue;
      }
      const name = readName();
      if (name === null) fail('"${" that starts neither a tab stop nor a variable');
      checkVariable(name!);
      if (body[pos] === '}') {
        pos++;
        nodes.push({ kind: 'variable', name: name!, children: null });
      } else if (body[pos] === ':') {
        pos++;
        const children = sequence(true);
        if (body[pos] !== '}') fail(`unterminated variable default \${${name}:`);
        pos++;
        nodes.push({ kind: 'variable', name: name!, children });
      } else {
        fail(`unsupported variable form \${${name}${body[pos] ?? ''}`);
      }
    }
    if (nested) fail('unexpected end of body inside a placeholder');
    if (braces !== 0) fail('unbalanced literal "{" in the body');
    flush();
    return nodes;
  }

  const nodes = sequence(false);
  checkTabStops(nodes, fail);
  return nodes;
}

/** Same index must mean the same thing everywhere; indices must run 1..n without gaps. */
function checkTabStops(nodes: SnippetNode[], fail: (msg: string) => never): void {
  const defined = new Map<number, string>();
  const used = new Set<number>();
  let finals = 0;
  const walk = (list: SnippetNode[]) => {
    for (const n of list) {
      if (n.kind === 'tabstop' || n.kind === 'placeholder' || n.kind === 'choice') {
        used.add(n.index);
        if (n.index === 0) {
          finals++;
          if (n.kind !== 'tabstop') fail('$0 must be a plain tab stop');
        }
      }
      if (n.kind === 'placeholder' || n.kind === 'choice') {
        const key = n.kind === 'choice' ? `choice:${n.options.join(',')}` : `placeholder:${render(n.children, new Map())}`;
        const prev = defined.get(n.index);
        if (prev !== undefined && prev !== key) fail(`tab stop ${n.index} is defined twice differently (${prev} / ${key})`);
        defined.set(n.index, key);
      }
      if (n.kind === 'placeholder') walk(n.children);
      if (n.kind === 'variable' && n.children) walk(n.children);
    }
  };
  walk(nodes);
  if (finals > 1) fail('more than one $0');
  const numbered = [...used].filter((i) => i > 0).sort((a, b) => a - b);
  numbered.forEach((value, i) => {
    if (value !== i + 1) fail(`tab stops are not numbered 1..${numbered.length} (found ${numbered.join(',')})`);
  });
}

const FIXED_DATE: Record<string, string> = { CURRENT_YEAR: '2026', CURRENT_MONTH: '01', CURRENT_DATE: '31' };

/**
 * What the snippet inserts when every tab stop keeps its default: placeholders their default,
 * choices their first option, mirrors ($n) the text of placeholder n, variables a fixed date.
 */
function render(nodes: SnippetNode[], defaults = collectDefaults(nodes)): string {
  return nodes
    .map((n) => {
      switch (n.kind) {
        case 'text':
          return n.value;
        case 'tabstop':
          return defaults.get(n.index) ?? '';
        case 'placeholder':
          return render(n.children, defaults);
        case 'choice':
          return n.options[0];
        case 'variable': {
          const value = FIXED_DATE[n.name];
          if (value === undefined) throw new Error(`no fixed value for $${n.name}`);
          return value;
        }
      }
    })
    .join('');
}

function collectDefaults(nodes: SnippetNode[], out = new Map<number, string>()): Map<number, string> {
  for (const n of nodes) {
    if (n.kind === 'placeholder' && !out.has(n.index)) out.set(n.index, render(n.children, out));
    if (n.kind === 'choice' && !out.has(n.index)) out.set(n.index, n.options[0]);
    if (n.kind === 'placeholder') collectDefaults(n.children, out);
  }
  return out;
}

/**
 * A regular expression matching what the body could become: its literal text exactly, each tab
 * stop, choice or variable as a capture group of any text on one line.
 */
function toPattern(nodes: SnippetNode[]): string {
  return nodes
    .map((n) => (n.kind === 'text' ? n.value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : '([^\\n]*?)'))
    .join('');
}

// ---------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------

const raw = fs.readFileSync(SNIPPETS_PATH, 'utf8');
const snippets = JSON.parse(raw) as Record<string, SnippetEntry>;
const entries = Object.entries(snippets);
const template = fs.readFileSync(TEMPLATE_PATH, 'utf8').replace(/\r\n/g, '\n').replace(/\n+$/, '');

const bodyText = (s: SnippetEntry) => (Array.isArray(s.body) ? s.body.join('\n') : s.body);
const prefixes = (s: SnippetEntry) => (Array.isArray(s.prefix) ? s.prefix : [s.prefix]);
const byPrefix = (prefix: string): SnippetEntry => {
  const found = entries.find(([, s]) => prefixes(s).includes(prefix));
  assert.ok(found, `no snippet with prefix ${prefix}`);
  return found[1];
};

/** ATX headings outside fenced code blocks. */
function headings(markdown: string): string[] {
  const out: string[] = [];
  let fence: string | null = null;
  for (const line of markdown.split('\n')) {
    const f = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line);
    if (fence) {
      if (f && f[1][0] === fence[0] && f[1].length >= fence.length && f[2].trim() === '') fence = null;
      continue;
    }
    if (f) {
      fence = f[1];
      continue;
    }
    if (/^#{1,6} /.test(line)) out.push(line.trimEnd());
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

describe('snippet syntax checker', () => {
  test('accepts the forms the snippets use', () => {
    const nodes = parseSnippet('a ${1:[Name]} $1 ${2|High,Med,Low|} ${3:$CURRENT_YEAR-$CURRENT_MONTH} \\$5 {x} $0');
    assert.equal(render(nodes), 'a [Name] [Name] High 2026-01 $5 {x} ');
  });

  for (const bad of [
    '${1:unterminated',
    '${1:{json}}', // the first } ends the placeholder
    'cost: $5', // $5 is a tab stop
    'price $ 5', // stray $
    'home $HOME', // unknown variable
    '${1|a,b}', // choice without |}
    '${1|a,,b|}',
    '${ 1:x}',
    'text }',
    '${1:a} ${1:b}', // same index, two defaults
    '${2:a}', // gap: no tab stop 1
    '${1/(.*)/$1/}', // transform
  ]) {
    test(`rejects ${JSON.stringify(bad)}`, () => {
      assert.throws(() => parseSnippet(bad), SnippetSyntaxError);
    });
  }
});

describe('planmark snippets file', () => {
  test('is a JSON object of snippets with prefix, body and description', () => {
    assert.equal(typeof snippets, 'object');
    assert.ok(entries.length > 0);
    for (const [name, s] of entries) {
      const extra = Object.keys(s).filter((k) => !['prefix', 'body', 'description', 'scope', 'isFileTemplate'].includes(k));
      assert.deepEqual(extra, [], `${name}: unknown keys`);
      assert.ok(typeof s.body === 'string' || (Array.isArray(s.body) && s.body.every((l) => typeof l === 'string')), `${name}: body`);
      assert.equal(typeof s.description, 'string', `${name}: description`);
      assert.ok(s.description.trim().length >= 10, `${name}: description too short`);
      assert.ok(prefixes(s).length > 0, `${name}: prefix`);
    }
  });

  test('every prefix starts with plan- and is unique', () => {
    const seen = new Set<string>();
    for (const [name, s] of entries) {
      for (const p of prefixes(s)) {
        assert.match(p, /^plan-[a-z0-9]+(?:-[a-z0-9]+)*$/, `${name}: prefix ${p}`);
        assert.ok(!seen.has(p), `duplicate prefix ${p}`);
        seen.add(p);
      }
    }
  });

  test('every body is valid VS Code snippet syntax', () => {
    for (const [name, s] of entries) {
      assert.doesNotThrow(() => parseSnippet(bodyText(s)), (e: unknown) => {
        throw new Error(`${name}: ${(e as Error).message}`);
      });
    }
  });

  test('package.json contributes the snippets for markdown', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const contribution = (pkg.contributes?.snippets ?? []).find(
      (c: { path: string }) => path.resolve(ROOT, c.path) === SNIPPETS_PATH,
    );
    assert.ok(contribution, 'contributes.snippets has no entry for the snippets file');
    assert.equal(contribution.language, 'markdown');
  });
});

describe('snippets cover the template', () => {
  const rendered = entries.map(([name, s]) => ({ name, s, text: render(parseSnippet(bodyText(s))) }));

  test('every ## and ### heading has a snippet that starts with it', () => {
    const wanted = headings(template).filter((h) => /^#{2,3} /.test(h));
    assert.ok(wanted.length >= 50, `only ${wanted.length} headings found in the template`);
    for (const heading of wanted) {
      if (/^### Step \d+:/.test(heading)) {
        // The steps share one snippet: "### Step N: ..." with Tasks, Purpose and Deliverables.
        const step = rendered.find((r) => /^### Step \d+: /.test(r.text) && !r.text.includes('\n## '));
        assert.ok(step, `no step snippet for ${heading}`);
        for (const key of ['**Tasks:**', '**Purpose:**', '**Deliverables:**']) assert.ok(step.text.includes(key), `step snippet lacks ${key}`);
        continue;
      }
      const hit = rendered.find((r) => r.text === heading || r.text.startsWith(heading + '\n'));
      assert.ok(hit, `no snippet starts with "${heading}"`);
    }
  });

  test('section snippets are the template text of their section', () => {
    // A snippet starting with a template heading reproduces that heading's part of the template,
    // up to the next heading of the same or a higher level, with placeholders as tab stops.
    const lines = template.split('\n');
    for (const { name, s } of rendered) {
      const first = bodyText(s).split('\n')[0];
      if (!/^#{2,3} /.test(first) || prefixes(s).includes('plan-step')) continue;
      const level = /^#+/.exec(first)![0].length;
      const nodes = parseSnippet(bodyText(s));
      const heading = render(nodes).split('\n')[0];
      const start = lines.indexOf(heading);
      assert.ok(start >= 0, `${name}: heading ${heading} is not in the template`);
      let end = start + 1;
      let fence: string | null = null;
      for (; end < lines.length; end++) {
        const f = /^ {0,3}(`{3,}|~{3,})/.exec(lines[end]);
        if (f) fence = fence ? null : f[1];
        if (fence) continue;
        const h = /^(#{1,6}) /.exec(lines[end]);
        if ((h && h[1].length <= level) || lines[end] === '---') break;
      }
      const section = lines.slice(start, end).join('\n').replace(/\n+$/, '');
      const m = new RegExp(`^${toPattern(nodes)}$`).exec(section);
      assert.ok(m, `${name}: body does not follow the template section`);
    }
  });

  test('the whole-plan snippet has exactly the template headings, in order', () => {
    const full = byPrefix('plan-full');
    assert.equal(full.isFileTemplate, true);
    const text = render(parseSnippet(bodyText(full)));
    assert.deepEqual(headings(text), headings(template));
  });

  test('the whole-plan snippet is the template with placeholders turned into tab stops', () => {
    const nodes = parseSnippet(bodyText(byPrefix('plan-full')));
    const m = new RegExp(`^${toPattern(nodes)}$`).exec(template);
    assert.ok(m, 'plan-full does not reproduce the template text');
    const PLACEHOLDER = /^(?:\[[^[\]\n]+\]|Yes\/No|High\/Med\/Low|X\.Y\.Z|[XYZ]|GET|POST|TASK_\d+(?:, TASK_\d+)*)$/;
    for (const captured of m.slice(1)) assert.match(captured, PLACEHOLDER);
    // Nothing in the template that reads as a placeholder is left as literal text.
    const literal = nodes.filter((n) => n.kind === 'text').map((n) => (n as { value: string }).value).join('\n');
    const outsideChecklists = literal.replace(/^(\s*(?:[-*+]|\d+[.)]) )\[[ xX]\]/gm, '$1');
    const outsideMermaid = outsideChecklists.replace(/```mermaid[\s\S]*?```/g, '');
    assert.doesNotMatch(outsideMermaid, /\[[^[\]\n]+\]|Yes\/No|High\/Med\/Low|YYYY-MM-DD/);
  });

  test('dates default to today', () => {
    for (const prefix of ['plan-full', 'plan-overview', 'plan-sign-off']) {
      const body = bodyText(byPrefix(prefix));
      assert.ok(body.includes('$CURRENT_YEAR-$CURRENT_MONTH-$CURRENT_DATE'), `${prefix}: no date variables`);
      assert.match(render(parseSnippet(body)), /\*\*(?:Created|Last Updated):\*\* 2026-01-31/);
    }
  });
});

describe('row and block snippets', () => {
  const choicesIn = (prefix: string) =>
    parseSnippet(bodyText(byPrefix(prefix))).filter((n): n is Extract<SnippetNode, { kind: 'choice' }> => n.kind === 'choice');

  test('task row', () => {
    assert.equal(bodyText(byPrefix('plan-task-row')), '| TASK_${1:001} | ${2:None} | ${3:8} |');
    assert.equal(render(parseSnippet(bodyText(byPrefix('plan-task-row')))), '| TASK_001 | None | 8 |');
  });

  test('risk rows offer High/Med/Low for Impact', () => {
    for (const prefix of ['plan-risk-row', 'plan-risk-mitigation', 'plan-full']) {
      const impact = choicesIn(prefix).filter((c) => [...c.options].sort().join() === 'High,Low,Med');
      assert.ok(impact.length >= 1, `${prefix}: no High/Med/Low choice`);
    }
    assert.match(bodyText(byPrefix('plan-risk-row')), /^\| \$\{1:[^}]+\} \| \$\{2\|High,Med,Low\|\} \| \$\{3:[^}]+\} \|$/);
  });

  test('endpoint rows offer the HTTP methods and Yes/No for auth', () => {
    const methods = ['DELETE', 'GET', 'PATCH', 'POST', 'PUT'];
    for (const prefix of ['plan-endpoint-row', 'plan-new-endpoints', 'plan-api-design', 'plan-full']) {
      const method = choicesIn(prefix).filter((c) => [...c.options].sort().join() === methods.join());
      assert.ok(method.length >= 1, `${prefix}: no method choice`);
      assert.ok(choicesIn(prefix).some((c) => c.options.join() === 'Yes,No'), `${prefix}: no Yes/No auth choice`);
    }
    assert.match(bodyText(byPrefix('plan-endpoint-row')), /^\| \$\{1\|GET,POST,PUT,PATCH,DELETE\|\} \|/);
  });

  test('approval is a No/Yes choice', () => {
    for (const prefix of ['plan-sign-off', 'plan-full']) {
      const body = bodyText(byPrefix(prefix));
      assert.match(body, /\*\*Approved:\*\* \$\{\d+\|No,Yes\|\}/);
    }
  });

  test('step', () => {
    const text = render(parseSnippet(bodyText(byPrefix('plan-step'))));
    assert.match(text, /^### Step 1: \[[^\]]+\]\n\*\*Tasks:\*\* \[TASK_001\]\n\*\*Purpose:\*\* \[[^\]]+\]\n\*\*Deliverables:\*\*\n- \[[^\]]+\]$/);
  });

  test('mermaid graph block', () => {
    const text = render(parseSnippet(bodyText(byPrefix('plan-mermaid'))));
    assert.match(text, /^```mermaid\ngraph TD\n {4}A\[TASK_001\] --> B\[TASK_002\]\n```$/);
  });

  test('sign-off footer', () => {
    const text = render(parseSnippet(bodyText(byPrefix('plan-sign-off'))));
    assert.equal(text, template.slice(template.lastIndexOf('\n---\n') + 1).replace('[Yes/No]', 'No').replace('[YYYY-MM-DD]', '2026-01-31'));
  });
});
