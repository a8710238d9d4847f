import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SymbolKind, type DocumentSymbol, type Range } from 'vscode-languageserver-types';
import { parsePlan } from '../../../server/src/plan';
import { documentSymbols } from '../../../server/src/features/documentSymbols';
import { edit, FILLED, TEMPLATE, URI } from '../testUtil';



function contains(outer: Range, inner: Range): boolean {
  const before = (a: Range['start'], b: Range['start']) => a.line < b.line || (a.line === b.line && a.character <= b.character);
  return before(outer.start, inner.start) && before(inner.end, outer.end);
}

/** Checks what VS Code requires of every symbol and returns "name" lines indented by depth. */
function outline(symbols: DocumentSymbol[], depth = 0, parent?: DocumentSymbol): string[] {
  const out: string[] = [];
  for (const s of symbols) {
    assert.ok(s.name.length > 0, 'a symbol needs a name');
    assert.ok(contains(s.range, s.selectionRange), `${s.name}: selectionRange outside range`);
    if (parent) assert.ok(contains(parent.range, s.range), `${s.name} lies outside ${parent.name}`);
    out.push(`${'  '.repeat(depth)}${s.name}`);
    out.push(...outline(s.children ?? [], depth + 1, s));
  }
  return out;
}

function find(symbols: DocumentSymbol[], name: string): DocumentSymbol {
  const stack = [...symbols];
  while (stack.length) {
    const s = stack.shift()!;
    if (s.name === name) return s;
    stack.push(...(s.children ?? []));
  }
  assert.fail(`no symbol ${name}`);
}

describe('document symbols', () => {
  const plan = parsePlan(FILLED, { uri: URI });
  const symbols = documentSymbols(plan);

  it('is the section tree under the plan title', () => {
    assert.equal(symbols.length, 1);
    assert.equal(symbols[0].name, 'Implementation Plan: Phase 2 - User Accounts');
    assert.equal(symbols[0].kind, SymbolKind.File);
    const top = symbols[0].children!.map((s) => s.name);
    assert.equal(top.length, 20);
    assert.deepEqual(top.slice(0, 4), ['Overview', 'Objectives', 'Technical Strategy', 'Technology Stack']);
    assert.equal(top[19], 'Review Checklist');
    const lines = outline(symbols);
    const at = lines.indexOf('  Implementation Sequence');
    assert.deepEqual(lines.slice(at, at + 4), [
      '  Implementation Sequence',
      '    Step 1: Foundation Setup',
      '    Step 2: Core Functionality',
      '    Step 3: Integration & Testing',
    ]);
    for (const s of symbols[0].children!) assert.equal(s.kind, SymbolKind.Namespace);
  });

  it('puts the tasks under the Task Breakdown section, with their hours', () => {
    const breakdown = find(symbols, 'Task Breakdown with Dependencies');
    assert.deepEqual(
      breakdown.children!.map((c) => [c.name, c.detail, c.kind, c.selectionRange.start.line + 1]),
      [
        ['TASK_001', '6 h', SymbolKind.Event, 114],
        ['TASK_002', '4 h', SymbolKind.Event, 115],
        ['TASK_003', '10 h', SymbolKind.Event, 116],
        ['TASK_004', '8 h', SymbolKind.Event, 117],
        ['TASK_005', '12 h', SymbolKind.Event, 118],
      ],
    );
    const t1 = find(symbols, 'TASK_001');
    assert.deepEqual(t1.selectionRange, { start: { line: 113, character: 2 }, end: { line: 113, character: 10 } });
    assert.deepEqual(t1.range, { start: { line: 113, character: 0 }, end: { line: 113, character: 23 } });
  });

  it('ends a section on its own last line, not on the next heading', () => {
    const overview = find(symbols, 'Overview');
    assert.equal(overview.selectionRange.start.line + 1, 3);
    assert.equal(overview.range.start.line + 1, 3);
    assert.equal(overview.range.end.line + 1, 8, 'the Target End line');
    const strategy = find(symbols, 'Technical Strategy');
    assert.equal(strategy.range.end.line + 1, 30, 'through its last sub-section');
  });

  it('keeps tasks and sub-sections in document order', () => {
    const text = edit(FILLED, '## Code Standards for This Phase', '### Notes\nEstimates include review.\n\n## Code Standards for This Phase');
    const breakdown = find(documentSymbols(parsePlan(text, { uri: URI })), 'Task Breakdown with Dependencies');
    assert.deepEqual(
      breakdown.children!.map((c) => c.name),
      ['TASK_001', 'TASK_002', 'TASK_003', 'TASK_004', 'TASK_005', 'Notes'],
    );
  });

  it('works on the unfilled template, and on a plan without headings', () => {
    const template = documentSymbols(parsePlan(TEMPLATE, { uri: URI }));
    outline(template);
    assert.deepEqual(find(template, 'Task Breakdown with Dependencies').children!.map((c) => c.name), ['TASK_001', 'TASK_002']);
    const bare = documentSymbols(parsePlan('| Task | Depends On | Estimated Hours |\n|---|---|---|\n| TASK_001 | None | 2 |\n', { uri: URI }));
    assert.deepEqual(outline(bare), ['TASK_001']);
    const untitled = documentSymbols(parsePlan('# Implementation Plan\n\n##\n\ntext\n', { uri: URI }));
    assert.deepEqual(outline(untitled), ['Implementation Plan', '  (untitled)']);
  });
});
