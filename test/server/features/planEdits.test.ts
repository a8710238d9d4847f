// Structural edits (add a row, an edge, a dependency, a step entry, a section; sync the graph
// and the table), applied to real plans: the resulting text must be exactly what is expected,
// keep the document's line endings, and parse back to what was meant.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import type { TextEdit } from 'vscode-languageserver-types';
import { parsePlan, type Plan } from '../../../server/src/plan';
import { computeDiagnostics } from '../../../server/src/features/diagnostics';
import {
  addDependencyEdit,
  addGraphEdgesEdit,
  addTaskRowEdit,
  addTaskToStepEdit,
  eolOf,
  insertSectionEdit,
  syncGraphFromTable,
  syncTableFromGraph,
} from '../../../server/src/features/planEdits';
import { templateSections } from '../../../server/src/template';
import { DEFAULT_REQUIRED_SECTIONS, DEFAULT_SETTINGS } from '../../../shared/settings';
import { applyEdits } from '../testUtil';

const fixtures = path.join(__dirname, '..', '..', 'fixtures');
const read = (name: string) => fs.readFileSync(path.join(fixtures, name), 'utf8');
const filled = read('filled.plan.md');
const crlf = (text: string) => text.replace(/\n/g, '\r\n');


function apply(text: string, make: (plan: Plan) => TextEdit | TextEdit[] | undefined | string): string {
  const result = make(parsePlan(text));
  assert.ok(result !== undefined, 'expected an edit');
  assert.ok(typeof result !== 'string', `expected edits, got "${result}"`);
  return applyEdits(text, Array.isArray(result) ? result : [result]);
}

function codes(text: string): string[] {
  return computeDiagnostics(parsePlan(text), DEFAULT_SETTINGS).map((d) => String(d.code));
}

const DISAGREEMENT = ['graph-missing-edge', 'table-missing-edge'];

function edgesOf(plan: Plan, source: 'table' | 'mermaid'): string[] {
  return [...new Set(plan.edges.filter((e) => e.source === source && e.from !== e.to).map((e) => `${e.from}->${e.to}`))].sort();
}

/** The graph and the table state the same dependencies, and the checker agrees. */
function assertAgree(text: string, context: string) {
  const plan = parsePlan(text);
  assert.deepEqual(edgesOf(plan, 'mermaid'), edgesOf(plan, 'table'), `${context}: graph and table differ`);
  const disagreements = computeDiagnostics(plan, DEFAULT_SETTINGS).filter((d) => DISAGREEMENT.includes(String(d.code)));
  assert.deepEqual(
    disagreements.map((d) => d.message),
    [],
    context,
  );
  for (const block of plan.mermaid) assert.deepEqual(block.flowchart?.problems, [], `${context}: the graph has syntax problems`);
}

function replaceOnce(text: string, from: string, to: string): string {
  assert.equal(text.split(from).length, 2, `"${from}" must occur once`);
  return text.replace(from, to);
}

describe('eolOf', () => {
  test('the first line break decides', () => {
    assert.equal(eolOf(parsePlan(filled)), '\n');
    assert.equal(eolOf(parsePlan(crlf(filled))), '\r\n');
    assert.equal(eolOf(parsePlan('# one line')), '\n');
  });
});

describe('addTaskRowEdit', () => {
  const row6 = '| TASK_005 | TASK_003, TASK_004 | 12 |\n| TASK_006 | TASK_004, TASK_005 | 3 |';

  test('appends a row after the last row of the task table', () => {
    const out = apply(filled, (p) => addTaskRowEdit(p, 'TASK_006', ['TASK_004', 'TASK_005'], '3'));
    assert.equal(out, replaceOnce(filled, '| TASK_005 | TASK_003, TASK_004 | 12 |', row6));
    const task = parsePlan(out).taskById.get('TASK_006')!;
    assert.deepEqual(
      task.dependsOn.map((d) => d.id),
      ['TASK_004', 'TASK_005'],
    );
    assert.equal(task.hours, 3);
  });

  test('a row without prerequisites says None', () => {
    const out = apply(filled, (p) => addTaskRowEdit(p, 'TASK_006', [], 'X'));
    assert.ok(out.includes('| TASK_005 | TASK_003, TASK_004 | 12 |\n| TASK_006 | None | X |\n'));
  });

  test('CRLF stays CRLF', () => {
    const out = apply(crlf(filled), (p) => addTaskRowEdit(p, 'TASK_006', ['TASK_004', 'TASK_005'], '3'));
    assert.equal(out, crlf(replaceOnce(filled, '| TASK_005 | TASK_003, TASK_004 | 12 |', row6)));
  });

  test('fills the columns the parser recognises, whatever their names and order', () => {
    const table =
      '| ID | Owner | Prerequisites | Estimate (h) | Task |\n|---|---|---|---|---|\n| a | Ada | None | 2 | TASK_001 |';
    // "ID" is not the task column; "Task" is.
    const text = `# Implementation Plan: x\n\n## Task Breakdown with Dependencies\n\n${table}\n`;
    const out = apply(text, (p) => addTaskRowEdit(p, 'TASK_002', ['TASK_001'], '5'));
    assert.equal(out, text.replace('| 2 | TASK_001 |', '| 2 | TASK_001 |\n|  |  | TASK_001 | 5 | TASK_002 |'));
    const task = parsePlan(out).taskById.get('TASK_002')!;
    assert.deepEqual(
      task.dependsOn.map((d) => d.id),
      ['TASK_001'],
    );
    assert.equal(task.hours, 5);
  });

  test('a task table without rows gets its first row after the delimiter', () => {
    const text = '# Implementation Plan: x\n\n| Task | Depends On | Estimated Hours |\n|------|-----------|----------------|\n\nAfter.\n';
    const out = apply(text, (p) => addTaskRowEdit(p, 'TASK_001', [], '4'));
    assert.equal(out, text.replace('|----------------|\n', '|----------------|\n| TASK_001 | None | 4 |\n'));
    assert.ok(parsePlan(out).taskById.has('TASK_001'));
  });

  test('no task table, no edit', () => {
    assert.equal(addTaskRowEdit(parsePlan('# Implementation Plan: x\n\n| A | B |\n|---|---|\n| 1 | 2 |\n'), 'TASK_001', [], '1'), undefined);
  });
});

describe('addTaskToStepEdit', () => {
  test('appends to a bracketed Tasks list', () => {
    const out = apply(filled, (p) => addTaskToStepEdit(p, 'Step 3: Integration & Testing', 'TASK_006'));
    assert.equal(out, replaceOnce(filled, '**Tasks:** [TASK_005]', '**Tasks:** [TASK_005, TASK_006]'));
    assert.deepEqual(
      parsePlan(out).steps[2].tasks.map((t) => t.id),
      ['TASK_005', 'TASK_006'],
    );
  });

  test('fills an empty, [] or placeholder Tasks field', () => {
    for (const value of ['', ' []', ' [Task IDs]']) {
      const text = replaceOnce(filled, '**Tasks:** [TASK_005]', `**Tasks:**${value}`);
      const out = apply(text, (p) => addTaskToStepEdit(p, 'Step 3: Integration & Testing', 'TASK_005'));
      assert.equal(out, filled, JSON.stringify(value));
    }
  });

  test('appends to an unbracketed list', () => {
    const text = replaceOnce(filled, '**Tasks:** [TASK_003, TASK_004]', '**Tasks:** TASK_003, TASK_004');
    const out = apply(text, (p) => addTaskToStepEdit(p, 'Step 2: Core Functionality', 'TASK_006'));
    assert.equal(out, replaceOnce(filled, '**Tasks:** [TASK_003, TASK_004]', '**Tasks:** TASK_003, TASK_004, TASK_006'));
  });

  test('no edit for an unknown step or a task the step already lists', () => {
    assert.equal(addTaskToStepEdit(parsePlan(filled), 'Step 9: Nope', 'TASK_006'), undefined);
    assert.equal(addTaskToStepEdit(parsePlan(filled), 'Step 1: Foundation Setup', 'TASK_002'), undefined);
  });
});

describe('addGraphEdgesEdit and addDependencyEdit', () => {
  test('an edge between tasks the graph has reuses their aliases', () => {
    const out = apply(filled, (p) => addGraphEdgesEdit(p, [{ from: 'TASK_001', to: 'TASK_005' }]));
    assert.equal(out, replaceOnce(filled, '    D --> E\n```', '    D --> E\n    A --> E\n```'));
  });

  test('a task the graph lacks gets a node named by its ID', () => {
    const out = apply(filled, (p) => addGraphEdgesEdit(p, [{ from: 'TASK_005', to: 'TASK_006' }], ['TASK_007']));
    assert.equal(out, replaceOnce(filled, '    D --> E\n```', '    D --> E\n    TASK_007\n    E --> TASK_006\n```'));
    const plan = parsePlan(out);
    assert.ok(plan.edges.some((e) => e.source === 'mermaid' && e.from === 'TASK_005' && e.to === 'TASK_006'));
    assert.ok(plan.mermaid[0].flowchart!.nodes.some((n) => n.taskId === 'TASK_007'));
  });

  test('an ID that is not a mermaid identifier gets an alias and a label', () => {
    const dashed = read('dash-ids.plan.md');
    const out = apply(dashed, (p) => addGraphEdgesEdit(p, [{ from: 'TASK-005', to: 'TASK-006' }]));
    assert.equal(out, replaceOnce(dashed, '    D --> E\n```', '    D --> E\n    E --> TASK_006[TASK-006]\n```'));
    assert.ok(parsePlan(out).edges.some((e) => e.source === 'mermaid' && e.from === 'TASK-005' && e.to === 'TASK-006'));
  });

  test('CRLF stays CRLF', () => {
    const out = apply(crlf(filled), (p) => addGraphEdgesEdit(p, [{ from: 'TASK_001', to: 'TASK_005' }]));
    assert.equal(out, crlf(replaceOnce(filled, '    D --> E\n```', '    D --> E\n    A --> E\n```')));
  });

  test('the task graph is the flowchart that names tasks, not an architecture flowchart before it', () => {
    // Without a Task Breakdown section every flowchart of the plan is a candidate.
    const architecture = '```mermaid\nflowchart LR\n    Gateway --> Accounts\n```\n\n';
    const text = replaceOnce(filled, '## Task Breakdown with Dependencies\n', '## Tasks\n').replace('### Code Organization\n', `### Code Organization\n${architecture}`);
    assert.equal(parsePlan(text).mermaid.length, 2);
    const out = apply(text, (p) => addGraphEdgesEdit(p, [{ from: 'TASK_001', to: 'TASK_005' }]));
    assert.equal(out, replaceOnce(text, '    D --> E\n```', '    D --> E\n    A --> E\n```'));
  });

  test('no graph, no edit', () => {
    assert.equal(addGraphEdgesEdit(parsePlan('# Implementation Plan: x\n'), [{ from: 'TASK_001', to: 'TASK_002' }]), undefined);
  });

  test('a dependency replaces None, or is appended', () => {
    const none = apply(filled, (p) => addDependencyEdit(p, p.taskById.get('TASK_001')!, ['TASK_009']));
    assert.equal(none, replaceOnce(filled, '| TASK_001 | None | 6 |', '| TASK_001 | TASK_009 | 6 |'));
    const more = apply(filled, (p) => addDependencyEdit(p, p.taskById.get('TASK_004')!, ['TASK_001', 'TASK_003']));
    assert.equal(more, replaceOnce(filled, '| TASK_004 | TASK_002 | 8 |', '| TASK_004 | TASK_002, TASK_001, TASK_003 | 8 |'));
  });

  test('a dependency fills an empty Depends On cell', () => {
    const text = replaceOnce(filled, '| TASK_001 | None | 6 |', '| TASK_001 |  | 6 |');
    const out = apply(text, (p) => addDependencyEdit(p, p.taskById.get('TASK_001')!, ['TASK_009']));
    assert.deepEqual(
      parsePlan(out).taskById.get('TASK_001')!.dependsOn.map((d) => d.id),
      ['TASK_009'],
    );
    assert.equal(out, filled.replace('| TASK_001 | None | 6 |', '| TASK_001 | TASK_009 | 6 |'));
    const tight = replaceOnce(filled, '| TASK_001 | None | 6 |', '| TASK_001 || 6 |');
    assert.equal(
      apply(tight, (p) => addDependencyEdit(p, p.taskById.get('TASK_001')!, ['TASK_009'])),
      filled.replace('| TASK_001 | None | 6 |', '| TASK_001 | TASK_009 | 6 |'),
    );
  });
});

describe('insertSectionEdit', () => {
  const templateOrder = templateSections()
    .filter((s) => s.level === 2)
    .map((s) => s.title);

  /** Removes a ## section (heading to the next ## heading) from the filled plan. */
  function withoutSection(text: string, title: string): string {
    const plan = parsePlan(text);
    const s = plan.sections.find((x) => x.level === 2 && x.title === title)!;
    assert.ok(s, title);
    let end = s.span.end;
    // The last section runs into the sign-off footer: keep the footer.
    const footer = text.slice(s.span.start, end).search(/\n---\n/);
    if (footer >= 0) end = s.span.start + footer + 1;
    return text.slice(0, s.span.start) + text.slice(end).replace(/^\n(?=\n)/, '');
  }

  test('the template sections are the required sections, in template order', () => {
    assert.deepEqual(templateOrder, DEFAULT_REQUIRED_SECTIONS);
  });

  for (const title of DEFAULT_REQUIRED_SECTIONS) {
    test(`"${title}" goes back to its template position`, () => {
      const text = withoutSection(filled, title);
      assert.equal(codes(text).filter((c) => c === 'missing-section').length, 1);
      const out = apply(text, (p) => insertSectionEdit(p, title));
      const plan = parsePlan(out);
      assert.deepEqual(
        plan.sections.filter((s) => s.level === 2).map((s) => s.title),
        templateOrder,
      );
      // The inserted text is the template's section, followed by a blank line.
      const section = templateSections().find((s) => s.title === title)!;
      assert.ok(out.includes(`\n${section.text}\n`), 'the template text, set off by blank lines');
      assert.ok(!codes(out).includes('missing-section'));
      // The sign-off footer is still the footer.
      assert.equal(plan.footer.get('Reviewed By')?.value, 'Grace Hopper');
      assert.ok(out.endsWith('**Last Updated:** 2026-03-05\n'));
    });
  }

  test('the last section goes before the sign-off footer', () => {
    const text = withoutSection(filled, 'Review Checklist');
    const out = apply(text, (p) => insertSectionEdit(p, 'Review Checklist'));
    const section = templateSections().find((s) => s.title === 'Review Checklist')!;
    assert.equal(out, replaceOnce(text, '\n---\n', `\n${section.text}\n---\n`));
  });

  test('a ### subsection goes inside its parent, before the next subsection or at the end', () => {
    const noMigrations = filled.replace('### Migrations\n- [x] Migration 1: create users\n- [ ] Migration 2: create revoked_tokens\n\n', '');
    const m = templateSections().find((s) => s.title === 'Migrations')!;
    assert.equal(apply(noMigrations, (p) => insertSectionEdit(p, 'Migrations')), replaceOnce(noMigrations, '### Indexes\n', `${m.text}\n### Indexes\n`));
    const noIndexes = filled.replace('### Indexes\n- [ ] Index on users.email for sign-in look-ups\n\n', '');
    const i = templateSections().find((s) => s.title === 'Indexes')!;
    assert.equal(apply(noIndexes, (p) => insertSectionEdit(p, 'Indexes')), replaceOnce(noIndexes, '## API Design\n', `${i.text}\n## API Design\n`));
  });

  test('into a plan that has few sections', () => {
    const text = '# Implementation Plan: Phase 1 - Start\n\n## Overview\n- **Phase:** 1\n\n## Review Checklist\n- [ ] Done\n';
    const out = apply(text, (p) => insertSectionEdit(p, 'Testing Strategy'));
    const section = templateSections().find((s) => s.title === 'Testing Strategy')!;
    assert.equal(out, text.replace('## Review Checklist\n', `${section.text}\n## Review Checklist\n`));
    // No later section: at the end, after a blank line.
    const bare = '# Implementation Plan: Phase 1 - Start\n\n## Overview\n- **Phase:** 1';
    const end = apply(bare, (p) => insertSectionEdit(p, 'Review Checklist'));
    const review = templateSections().find((s) => s.title === 'Review Checklist')!;
    assert.equal(end, `${bare}\n\n${review.text}`);
  });

  test('in a plan with numbered headings, the section goes before the next numbered one', () => {
    let n = 0;
    const numbered = withoutSection(filled, 'Rollback Plan').replace(/^## (.+)$/gm, (_, t: string) => `## ${++n}. ${t}`);
    const out = apply(numbered, (p) => insertSectionEdit(p, 'Rollback Plan'));
    const section = templateSections().find((s) => s.title === 'Rollback Plan')!;
    assert.equal(out, replaceOnce(numbered, '## 16. Risk Mitigation\n', `${section.text}\n## 16. Risk Mitigation\n`));
  });

  test('section names match case-insensitively', () => {
    const text = withoutSection(filled, 'Rollback Plan');
    assert.equal(
      apply(text, (p) => insertSectionEdit(p, 'rollback plan')),
      apply(text, (p) => insertSectionEdit(p, 'Rollback Plan')),
    );
  });

  test('CRLF stays CRLF', () => {
    const text = withoutSection(filled, 'Rollback Plan');
    const out = apply(crlf(text), (p) => insertSectionEdit(p, 'Rollback Plan'));
    assert.equal(out, crlf(apply(text, (p) => insertSectionEdit(p, 'Rollback Plan'))));
  });

  test('a title that is not a template section gives no edit', () => {
    assert.equal(insertSectionEdit(parsePlan(filled), 'Glossary'), undefined);
  });
});

describe('syncGraphFromTable', () => {
  const rewritten = [
    '```mermaid',
    'graph TD',
    '    A[TASK_001: Schema]',
    '    B[TASK_002: Hashing]',
    '    C[TASK_003: Sign-up]',
    '    D[TASK_004: Sign-in]',
    '    E[TASK_005: E2E tests]',
    '    A --> B',
    '    A --> C',
    '    B --> C',
    '    B --> D',
    '    C --> E',
    '    D --> E',
    '```',
  ].join('\n');
  const graphOf = (text: string) => /```mermaid\r?\n[\s\S]*?```/.exec(text)![0];

  for (const fixture of ['graph-missing-edge', 'table-missing-edge', 'unknown-task-graph', 'self-dependency-graph']) {
    test(`${fixture}: the graph is rewritten from the table`, () => {
      const text = read(`defects/${fixture}.plan.md`);
      const out = apply(text, syncGraphFromTable);
      assert.equal(graphOf(out), rewritten);
      assert.equal(out.replace(graphOf(out), ''), text.replace(graphOf(text), ''), 'only the graph changes');
      assertAgree(out, fixture);
      assert.deepEqual(
        codes(out),
        [],
      );
    });
  }

  test('CRLF stays CRLF', () => {
    const out = apply(crlf(read('defects/graph-missing-edge.plan.md')), syncGraphFromTable);
    assert.equal(out, crlf(apply(read('defects/graph-missing-edge.plan.md'), syncGraphFromTable)));
  });

  test('graph and table agree already: a message, no edit', () => {
    assert.equal(syncGraphFromTable(parsePlan(filled)), 'The graph and the table already agree.');
  });

  test('no task table: a message', () => {
    assert.equal(typeof syncGraphFromTable(parsePlan('# Implementation Plan: x\n')), 'string');
  });

  test('no graph: one is created before the table', () => {
    const text = filled.replace(graphOf(filled) + '\n\n', '');
    assert.equal(parsePlan(text).mermaid.length, 0);
    const out = apply(text, syncGraphFromTable);
    assert.ok(out.includes('```mermaid\ngraph TD\n    TASK_001[TASK_001]\n'));
    assert.ok(out.indexOf('```mermaid') < out.indexOf('| Task | Depends On |'));
    assertAgree(out, 'new graph');
  });

  test('an architecture flowchart is never taken for the task graph', () => {
    const architecture = '```mermaid\nflowchart LR\n    Gateway --> Accounts\n```\n\n';
    const text = replaceOnce(filled, '## Task Breakdown with Dependencies\n', '## Tasks\n')
      .replace(graphOf(filled) + '\n\n', '')
      .replace('### Code Organization\n', `### Code Organization\n${architecture}`);
    assert.equal(addGraphEdgesEdit(parsePlan(text), [{ from: 'TASK_001', to: 'TASK_002' }]), undefined);
    const out = apply(text, syncGraphFromTable);
    assert.ok(out.includes(`### Code Organization\n${architecture}`), 'the architecture diagram is untouched');
    assert.ok(out.indexOf('```mermaid\ngraph TD\n    TASK_001[TASK_001]') < out.indexOf('| Task | Depends On |'));
    assert.equal(parsePlan(out).mermaid.length, 2);
  });

  test('keeps the init directive, comments, styles and clicks of an unusual graph, and stays valid', () => {
    const text = replaceOnce(read('mermaid-unusual.plan.md'), '| TASK_004 | TASK_002 | 8 |', '| TASK_004 | TASK_002, TASK_001 | 8 |');
    assert.deepEqual(codes(text), ['graph-missing-edge']);
    const out = apply(text, syncGraphFromTable);
    const graph = graphOf(out);
    assert.ok(graph.startsWith('```mermaid\n%%{init: {"flowchart": {"curve": "basis"}}}%%\nflowchart LR\n'), graph);
    for (const kept of ['%% Step 1 builds', 'classDef slow', 'class A,B done', 'style E stroke-width:4px', 'click A "https://example.com/schema"']) {
      assert.ok(graph.includes(kept), kept);
    }
    assertAgree(out, 'unusual graph');
    assert.deepEqual(codes(out), []);
  });

  test('labels that mermaid would misread are quoted', () => {
    const text = filled
      .replace('A[TASK_001: Schema]', 'A["TASK_001: Schema (v2)"]')
      .replace('B --> C\n', '');
    const out = apply(text, syncGraphFromTable);
    assert.ok(graphOf(out).includes('    A["TASK_001: Schema (v2)"]\n'), graphOf(out));
    assertAgree(out, 'quoted label');
  });
});

describe('syncTableFromGraph', () => {
  test('graph-missing-edge: the table loses the edge the graph lacks', () => {
    const text = read('defects/graph-missing-edge.plan.md');
    const out = apply(text, syncTableFromGraph);
    assert.equal(out, replaceOnce(text, '| TASK_003 | TASK_001, TASK_002 | 10 |', '| TASK_003 | TASK_001 | 10 |'));
    assertAgree(out, 'graph-missing-edge');
  });

  test('table-missing-edge: the table gains the edge the graph has', () => {
    const text = read('defects/table-missing-edge.plan.md');
    const out = apply(text, syncTableFromGraph);
    assert.equal(out, replaceOnce(text, '| TASK_004 | TASK_002 | 8 |', '| TASK_004 | TASK_002, TASK_001 | 8 |'));
    assertAgree(out, 'table-missing-edge');
    assert.deepEqual(codes(out), []);
  });

  test('unknown-task-graph: a row is added for the task only the graph has', () => {
    const text = read('defects/unknown-task-graph.plan.md');
    const out = apply(text, syncTableFromGraph);
    assert.equal(out, replaceOnce(text, '| TASK_005 | TASK_003, TASK_004 | 12 |', '| TASK_005 | TASK_003, TASK_004 | 12 |\n| TASK_006 | TASK_005 | X |'));
    assertAgree(out, 'unknown-task-graph');
    assert.deepEqual(
      codes(out),
      // The new row's X hours: not estimated yet (one finding, no longer also a placeholder).
      ['unscheduled-task', 'unestimated-task'],
    );
  });

  test('several new rows keep the graph order', () => {
    const text = replaceOnce(filled, '    D --> E\n```', '    D --> E\n    E --> F[TASK_006: Docs]\n    F --> G[TASK_007: Release]\n```');
    const out = apply(text, syncTableFromGraph);
    assert.ok(out.includes('| TASK_005 | TASK_003, TASK_004 | 12 |\n| TASK_006 | TASK_005 | X |\n| TASK_007 | TASK_006 | X |\n'));
    assertAgree(out, 'two new rows');
  });

  test('CRLF stays CRLF', () => {
    for (const fixture of ['graph-missing-edge', 'table-missing-edge', 'unknown-task-graph']) {
      const out = apply(crlf(read(`defects/${fixture}.plan.md`)), syncTableFromGraph);
      assert.equal(out, crlf(apply(read(`defects/${fixture}.plan.md`), syncTableFromGraph)), fixture);
    }
  });

  test('agreement already, or no graph: a message', () => {
    assert.equal(typeof syncTableFromGraph(parsePlan(filled)), 'string');
    assert.equal(typeof syncTableFromGraph(parsePlan('# Implementation Plan: x\n')), 'string');
  });
});

describe('sync on generated plans', () => {
  const graphBlock = /```mermaid\n[\s\S]*?```/;
  const tableBlock = /\| Task \| Depends On \| Estimated Hours \|\n(\|.*\n)+/;
  const id = (i: number) => `TASK_${String(i + 1).padStart(3, '0')}`;

  const planArb = fc
    .integer({ min: 1, max: 7 })
    .chain((n) => {
      const pairs: [number, number][] = [];
      for (let j = 0; j < n; j++) for (let i = 0; i < j; i++) pairs.push([i, j]);
      return fc.record({
        n: fc.constant(n),
        table: fc.subarray(pairs),
        graph: fc.subarray(pairs),
        // Tasks only the graph names (a row is missing), by index past n.
        extra: fc.subarray([n, n + 1]),
        labelled: fc.boolean(),
        eol: fc.constantFrom('\n', '\r\n'),
      });
    })
    .map(({ n, table, graph, extra, labelled, eol }) => {
      const ref = (i: number) => (labelled ? `N${i}[${id(i)}: step ${i}]` : id(i));
      const lines = ['```mermaid', 'graph TD'];
      for (let i = 0; i < n; i++) lines.push(`    ${ref(i)}`);
      for (const [a, b] of graph) lines.push(`    ${ref(a)} --> ${ref(b)}`);
      extra.forEach((x, k) => lines.push(`    ${ref(k % n)} --> ${ref(x)}`));
      lines.push('```');
      const rows = ['| Task | Depends On | Estimated Hours |', '|------|-----------|----------------|'];
      for (let j = 0; j < n; j++) {
        const deps = table.filter(([, b]) => b === j).map(([a]) => id(a));
        rows.push(`| ${id(j)} | ${deps.length ? deps.join(', ') : 'None'} | 2 |`);
      }
      const text = filled.replace(graphBlock, lines.join('\n')).replace(tableBlock, rows.join('\n') + '\n');
      return eol === '\n' ? text : crlf(text);
    });

  test('after syncGraphFromTable the graph and the table agree', () => {
    fc.assert(
      fc.property(planArb, (text) => {
        const result = syncGraphFromTable(parsePlan(text));
        const out = typeof result === 'string' ? text : applyEdits(text, result);
        assertAgree(out, 'syncGraphFromTable');
        if (text.includes('\r\n')) assert.doesNotMatch(out, /[^\r]\n/);
      }),
      { numRuns: 60 },
    );
  });

  test('after syncTableFromGraph the graph and the table agree', () => {
    fc.assert(
      fc.property(planArb, (text) => {
        const result = syncTableFromGraph(parsePlan(text));
        const out = typeof result === 'string' ? text : applyEdits(text, result);
        assertAgree(out, 'syncTableFromGraph');
        if (text.includes('\r\n')) assert.doesNotMatch(out, /[^\r]\n/);
      }),
      { numRuns: 60 },
    );
  });

  test('a quick-fix style repair (rows, edges, dependencies) of a new task leaves no disagreement', () => {
    let text = filled;
    text = apply(text, (p) => addTaskRowEdit(p, 'TASK_006', ['TASK_005'], '2'));
    text = apply(text, (p) => addGraphEdgesEdit(p, [{ from: 'TASK_005', to: 'TASK_006' }]));
    text = apply(text, (p) => addTaskToStepEdit(p, 'Step 3: Integration & Testing', 'TASK_006'));
    assert.deepEqual(codes(text), []);
    assertAgree(text, 'new task');
  });
});
