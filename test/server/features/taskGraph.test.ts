import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parsePlan } from '../../../server/src/plan';
import { buildTaskGraph } from '../../../server/src/features/taskGraph';
import { computeDiagnostics } from '../../../server/src/features/diagnostics';
import { DEFAULT_SETTINGS } from '../../../shared/settings';
import type { GraphPayload } from '../../../shared/protocol';
import { edit, FILLED, TEMPLATE, URI } from '../testUtil';



function graphOf(text: string): GraphPayload {
  const plan = parsePlan(text, { uri: URI, version: 7 });
  return buildTaskGraph(plan, computeDiagnostics(plan, DEFAULT_SETTINGS));
}

function edges(payload: GraphPayload): string[] {
  return payload.edges.map((e) => `${e.from}->${e.to} ${e.source}${e.critical ? ' critical' : ''}${e.inCycle ? ' cycle' : ''}`);
}

function node(payload: GraphPayload, id: string) {
  const n = payload.nodes.find((x) => x.id === id);
  assert.ok(n, `no node ${id}`);
  return n;
}

describe('task graph payload', () => {
  it('describes the filled plan: 5 nodes, 6 edges stated in both places', () => {
    const g = graphOf(FILLED);
    assert.equal(g.uri, URI);
    assert.equal(g.version, 7);
    assert.equal(g.title, 'Implementation Plan: Phase 2 - User Accounts');
    assert.deepEqual(g.nodes.map((n) => n.id), ['TASK_001', 'TASK_002', 'TASK_003', 'TASK_004', 'TASK_005']);
    assert.deepEqual(edges(g), [
      'TASK_001->TASK_002 both critical',
      'TASK_001->TASK_003 both',
      'TASK_002->TASK_003 both critical',
      'TASK_002->TASK_004 both',
      'TASK_003->TASK_005 both critical',
      'TASK_004->TASK_005 both',
    ]);
    assert.deepEqual(g.cycles, []);
  });

  it('finds the critical path by hours: 001 -> 002 -> 003 -> 005 = 6 + 4 + 10 + 12 = 32', () => {
    // The alternatives: 001 -> 002 -> 004 -> 005 = 30, 001 -> 003 -> 005 = 28.
    const g = graphOf(FILLED);
    assert.deepEqual(g.criticalPath, { tasks: ['TASK_001', 'TASK_002', 'TASK_003', 'TASK_005'], hours: 32, unestimated: [] });
    assert.deepEqual(g.nodes.filter((n) => n.critical).map((n) => n.id), ['TASK_001', 'TASK_002', 'TASK_003', 'TASK_005']);
  });

  it('gives each node its label, hours, step, links and row', () => {
    const g = graphOf(FILLED);
    const n = node(g, 'TASK_003');
    assert.equal(n.label, 'Sign-up');
    assert.equal(n.hours, 10);
    assert.equal(n.step, 'Step 2: Core Functionality');
    assert.equal(n.stepIndex, 2);
    assert.equal(n.defined, true);
    assert.equal(n.inCycle, false);
    assert.deepEqual(n.problems, []);
    assert.deepEqual(n.dependencies, ['TASK_001', 'TASK_002']);
    assert.deepEqual(n.dependents, ['TASK_005']);
    // The whole table row, so clicking a node selects the row that defines the task.
    assert.deepEqual(n.range, { start: { line: 115, character: 0 }, end: { line: 115, character: 38 } });
    assert.deepEqual(g.steps, [
      { title: 'Step 1: Foundation Setup', index: 1, tasks: ['TASK_001', 'TASK_002'] },
      { title: 'Step 2: Core Functionality', index: 2, tasks: ['TASK_003', 'TASK_004'] },
      { title: 'Step 3: Integration & Testing', index: 3, tasks: ['TASK_005'] },
    ]);
  });

  it('tells table-only, mermaid-only and shared edges apart', () => {
    let text = edit(FILLED, '    D --> E\n', '    A --> D\n'); // 004->005 only in the table, 001->004 only in the graph
    const g = graphOf(text);
    assert.equal(g.edges.length, 7);
    const by = new Map(g.edges.map((e) => [`${e.from}->${e.to}`, e.source]));
    assert.equal(by.get('TASK_004->TASK_005'), 'table');
    assert.equal(by.get('TASK_001->TASK_004'), 'mermaid');
    assert.equal(by.get('TASK_002->TASK_004'), 'both');
    assert.deepEqual(node(g, 'TASK_004').dependencies, ['TASK_002', 'TASK_001']);
    assert.ok(node(g, 'TASK_004').problems.some((p) => /TASK_001/.test(p)), 'the disagreement is a problem of TASK_004');
    text = edit(text, '| TASK_004 | TASK_002 | 8 |', '| TASK_004 | TASK_002 | 20 |');
    assert.deepEqual(graphOf(text).criticalPath, { tasks: ['TASK_001', 'TASK_002', 'TASK_004', 'TASK_005'], hours: 42, unestimated: [] });
  });

  it('reports a cycle and marks every task and edge on it', () => {
    // TASK_001 now needs TASK_005: all five tasks form one strongly connected component.
    const g = graphOf(edit(FILLED, '| TASK_001 | None | 6 |', '| TASK_001 | TASK_005 | 6 |'));
    assert.equal(g.cycles.length, 1);
    const cycle = g.cycles[0];
    assert.equal(cycle[0], cycle[cycle.length - 1], 'a closed path');
    assert.equal(cycle[0], 'TASK_001');
    for (let i = 0; i + 1 < cycle.length; i++) {
      assert.ok(g.edges.some((e) => e.from === cycle[i] && e.to === cycle[i + 1]), `${cycle[i]}->${cycle[i + 1]} is an edge`);
    }
    assert.ok(g.nodes.every((n) => n.inCycle));
    assert.ok(g.edges.every((e) => e.inCycle), `edges off the cycle: ${edges(g).filter((e) => !e.endsWith('cycle')).join(', ')}`);
    assert.ok(node(g, 'TASK_001').problems.some((p) => /cycle/i.test(p)));
    // Cycle edges are left out of the critical path, which still has an answer.
    assert.ok(g.criticalPath.tasks.length >= 1);
  });

  it('keeps a cycle to its own tasks', () => {
    const g = graphOf(edit(FILLED, '| TASK_004 | TASK_002 | 8 |', '| TASK_004 | TASK_002, TASK_005 | 8 |'));
    assert.deepEqual(g.cycles, [['TASK_004', 'TASK_005', 'TASK_004']]);
    assert.deepEqual(g.nodes.filter((n) => n.inCycle).map((n) => n.id), ['TASK_004', 'TASK_005']);
    assert.deepEqual(edges(g).filter((e) => e.endsWith('cycle')), ['TASK_005->TASK_004 table cycle', 'TASK_004->TASK_005 both cycle']);
    // 001 -> 002 -> 003 -> 005 without the cycle edges: still 32 hours.
    assert.deepEqual(g.criticalPath, { tasks: ['TASK_001', 'TASK_002', 'TASK_003', 'TASK_005'], hours: 32, unestimated: [] });
  });

  it('marks a self-dependency without calling it a cycle', () => {
    const g = graphOf(edit(FILLED, '| TASK_004 | TASK_002 | 8 |', '| TASK_004 | TASK_002, TASK_004 | 8 |'));
    assert.deepEqual(g.cycles, []);
    const self = g.edges.find((e) => e.from === 'TASK_004' && e.to === 'TASK_004');
    assert.ok(self?.inCycle);
    assert.deepEqual(node(g, 'TASK_004').problems, ['TASK_004 depends on itself.']);
  });

  it('shows undefined tasks with their problem and where they are first named', () => {
    const g = graphOf(edit(FILLED, '| TASK_004 | TASK_002 | 8 |', '| TASK_004 | TASK_002, TASK_042 | 8 |'));
    const missing = node(g, 'TASK_042');
    assert.equal(missing.defined, false);
    assert.equal(missing.hours, undefined);
    assert.deepEqual(missing.dependents, ['TASK_004']);
    assert.deepEqual(missing.problems, ['TASK_004 depends on TASK_042, which has no row in the task table.']);
    assert.deepEqual(missing.range, { start: { line: 116, character: 23 }, end: { line: 116, character: 31 } });
  });

  it('works on the unfilled template: graph-only tasks and placeholder hours', () => {
    const g = graphOf(TEMPLATE);
    assert.deepEqual(g.nodes.map((n) => [n.id, n.defined]), [
      ['TASK_001', true],
      ['TASK_002', true],
      ['TASK_003', false],
      ['TASK_004', false],
      ['TASK_005', false],
      ['TASK_006', false],
      ['TASK_007', false],
    ]);
    assert.equal(node(g, 'TASK_001').hours, undefined, 'X is not an estimate');
    assert.deepEqual(edges(g).map((e) => e.replace(/ critical/, '')), [
      'TASK_001->TASK_002 both',
      'TASK_002->TASK_003 mermaid',
      'TASK_002->TASK_004 mermaid',
      'TASK_003->TASK_005 mermaid',
      'TASK_004->TASK_005 mermaid',
    ]);
    assert.equal(g.criticalPath.hours, 0);
    // X and Y hours are not estimated yet: the path says which of its tasks count as unknown.
    assert.deepEqual(g.criticalPath.unestimated, g.criticalPath.tasks.filter((id) => id === 'TASK_001' || id === 'TASK_002'));
    assert.ok(g.criticalPath.unestimated!.length > 0);
  });

  it('is empty for a plan without tasks', () => {
    const g = graphOf('# Implementation Plan: Phase 1 - Nothing yet\n\n## Overview\n');
    assert.deepEqual([g.nodes, g.edges, g.cycles, g.steps], [[], [], [], []]);
    assert.deepEqual(g.criticalPath, { tasks: [], hours: 0, unestimated: [] });
  });
});
