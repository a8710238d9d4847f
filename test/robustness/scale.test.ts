// 20,000 tasks in one dependency chain, open and closed into a cycle: every graph algorithm and
// every feature that walks the graph must finish without a stack overflow, and the cycle is
// reported once, naming its whole path.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateChain } from '../../bench/generatePlan';
import { criticalPath, dependencyGraph, findDependencyCycles, PlanDocument, parsePlan, type Plan } from '../../server/src/plan';
import { complete } from '../../server/src/features/completion';
import { computeDiagnostics } from '../../server/src/features/diagnostics';
import { documentSymbols } from '../../server/src/features/documentSymbols';
import { hoverTask } from '../../server/src/features/hover';
import { planSummary, taskList } from '../../server/src/features/planInfo';
import { findReferences } from '../../server/src/features/references';
import { buildTaskGraph } from '../../server/src/features/taskGraph';
import { DEFAULT_SETTINGS } from '../../shared/settings';
import type { DocumentSymbol } from 'vscode-languageserver-types';

const N = 20_000;
const id = (n: number) => `TASK_${String(n).padStart(4, '0')}`;
const ALL = Array.from({ length: N }, (_, i) => id(i + 1));

/** computeDiagnostics of a plan, computed once for the tests that read them. */
function diagnosticsOnce(plan: Plan): () => ReturnType<typeof computeDiagnostics> {
  let diagnostics: ReturnType<typeof computeDiagnostics> | undefined;
  return () => (diagnostics ??= computeDiagnostics(plan, DEFAULT_SETTINGS));
}

describe(`a chain of ${N.toLocaleString('en')} tasks`, () => {
  const plan = parsePlan(generateChain(N), { uri: 'file:///chain.plan.md' });
  const diagnostics = diagnosticsOnce(plan);

  test('parses into 20,000 tasks with 19,999 dependencies', () => {
    assert.equal(plan.tasks.length, N);
    assert.equal(dependencyGraph(plan).statements.size, N - 1);
  });

  test('findDependencyCycles finds none', () => {
    assert.deepEqual(findDependencyCycles(plan), []);
  });

  test('criticalPath runs the whole chain', () => {
    const path = criticalPath(plan);
    assert.deepEqual(path.tasks, ALL);
    assert.equal(path.hours, N);
  });

  test('computeDiagnostics reports no cycle', () => {
    assert.deepEqual(diagnostics().filter((d) => d.code === 'dependency-cycle'), []);
  });

  test('buildTaskGraph: every node and edge, all on the critical path', () => {
    const graph = buildTaskGraph(plan, diagnostics());
    assert.equal(graph.nodes.length, N);
    assert.equal(graph.edges.length, N - 1);
    assert.ok(graph.edges.every((e) => e.critical && !e.inCycle));
    assert.deepEqual(graph.cycles, []);
  });

  test('features that walk the graph: completion, hover, references, symbols, summary', () => {
    const last = plan.taskById.get(id(N))!;
    const first = plan.taskById.get(id(1))!;
    // Completion in the first row's Depends On cell: every later task depends on it, so none is offered.
    const cell = plan.lines.positionAt(first.dependsOnCell!.span.start);
    assert.equal(complete(plan, cell, DEFAULT_SETTINGS).items.length, 0);
    assert.match((hoverTask(plan, plan.lines.positionAt(last.idSpan.start))!.contents as { value: string }).value, new RegExp(id(N - 1)));
    assert.equal(findReferences(plan, plan.lines.positionAt(first.idSpan.start), true).length, 2);
    const count = (symbols: DocumentSymbol[]): number => symbols.reduce((n, s) => n + 1 + count(s.children ?? []), 0);
    assert.equal(count(documentSymbols(plan)), N + 2, 'the title, the Task Breakdown section and every task');
    assert.equal(taskList(plan).tasks.length, N);
    assert.equal(planSummary(plan, []).criticalPathHours, N);
  });
});

describe(`a cycle of ${N.toLocaleString('en')} tasks`, () => {
  const plan = parsePlan(generateChain(N, true), { uri: 'file:///cycle.plan.md' });
  const diagnostics = diagnosticsOnce(plan);
  const path = [...ALL, id(1)];

  test('findDependencyCycles finds one cycle through every task, in dependency order', () => {
    const cycles = findDependencyCycles(plan);
    assert.equal(cycles.length, 1);
    assert.equal(cycles[0].members.length, N);
    assert.deepEqual(cycles[0].path, path);
  });

  test('criticalPath still answers (cycle edges left out)', () => {
    const critical = criticalPath(plan);
    assert.equal(critical.tasks.length, 1);
    assert.equal(critical.hours, 1);
  });

  test('computeDiagnostics reports the cycle once, naming the whole path', () => {
    const cycles = diagnostics().filter((d) => d.code === 'dependency-cycle');
    assert.equal(cycles.length, 1);
    assert.equal(cycles[0].message, `Dependency cycle: ${path.join(' → ')}.`);
    assert.equal(cycles[0].relatedInformation?.length, N);
  });

  test('buildTaskGraph marks every node and edge as on the cycle', () => {
    const graph = buildTaskGraph(plan, diagnostics());
    assert.deepEqual(graph.cycles, [path]);
    assert.ok(graph.nodes.every((n) => n.inCycle));
    assert.ok(graph.edges.every((e) => e.inCycle));
  });

  test('closing and opening the cycle by editing one cell, incrementally', () => {
    const text = generateChain(N);
    const doc = new PlanDocument('file:///edit.plan.md', text, 1);
    assert.equal(findDependencyCycles(doc.plan).length, 0);
    const cell = text.indexOf(`| ${id(1)} | None |`) + `| ${id(1)} | `.length;
    doc.applyEdits([{ start: cell, end: cell + 'None'.length, text: id(N) }], 2);
    assert.deepEqual(findDependencyCycles(doc.plan).map((c) => c.path), [path]);
    doc.applyEdits([{ start: cell, end: cell + id(N).length, text: 'None' }], 3);
    assert.equal(findDependencyCycles(doc.plan).length, 0);
    assert.equal(doc.text, text);
  });
});
