// planmark check applies the cross-plan rules to the plans it checks together, and planmark
// graph prints their task graph. Run in-process through runCli on the workspace fixture.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from '../../server/src/cli';

const repo = path.resolve(__dirname, '../..');

function run(argv: string[]) {
  const previous = process.cwd();
  process.chdir(repo);
  let out = '';
  let err = '';
  try {
    const code = runCli(argv, (s) => (out += s), (s) => (err += s));
    return { code, out, err };
  } finally {
    process.chdir(previous);
  }
}

describe('planmark check on a folder of phases', () => {
  test('a phase starting before the previous one ends is reported on its Target Start line', () => {
    const r = run(['check', 'test/fixtures/workspace']);
    assert.equal(r.code, 0, r.err);
    assert.equal(
      r.out,
      'test/fixtures/workspace/docs/plans/phase-3-reports.plan.md:7:21: warning phase-overlap Phase 3: Reports starts on 2026-03-23, ' +
        'before the previous phase, Phase 2: Billing (phase-2-billing.plan.md), ends on 2026-04-03.\n',
    );
    assert.equal(r.err, '3 plans checked: 0 errors, 1 warning.\n');
    // --max-warnings counts it.
    assert.equal(run(['check', 'test/fixtures/workspace', '--max-warnings', '0']).code, 1);
  });

  test('one plan checked alone has no other plan to disagree with, and its cross-plan dependency is not an unknown task', () => {
    const r = run(['check', 'test/fixtures/workspace/docs/plans/phase-2-billing.plan.md', '--format', 'json']);
    assert.equal(r.code, 0);
    const [file] = JSON.parse(r.out) as { diagnostics: { code: string; message: string }[] }[];
    assert.deepEqual(
      file.diagnostics.map((d) => [d.code, d.message]),
      [['unknown-external-task', 'No plan of the workspace is Phase 1, so TASK_005 of it cannot be found.']],
    );
  });
});

describe('planmark graph', () => {
  test('--format json: the tasks of every plan, and the cross-plan edge', () => {
    const r = run(['graph', 'test/fixtures/workspace', '--format', 'json']);
    assert.equal(r.code, 0, r.err);
    const graph = JSON.parse(r.out) as { plans: { label: string }[]; nodes: { id: string }[]; edges: { from: string; to: string; crossPlan: boolean }[] };
    assert.deepEqual(graph.plans.map((p) => p.label), ['Phase 1: User Accounts', 'Phase 2: Billing', 'Phase 3: Reports']);
    assert.equal(graph.nodes.length, 15);
    assert.equal(graph.edges.length, 19);
    assert.deepEqual(graph.edges.filter((e) => e.crossPlan), [{ from: 'Phase 1: User Accounts/TASK_005', to: 'Phase 2: Billing/TASK_011', crossPlan: true }]);
  });

  test('--format mermaid (the default): a subgraph per plan and a dotted cross-plan edge', () => {
    const r = run(['graph', 'test/fixtures/workspace']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^flowchart TD\n/);
    assert.equal(r.out.match(/ {2}subgraph /g)?.length, 3);
    assert.match(r.out, /\n {2}n5 -\.-> n6\n/);
  });

  test('bad usage exits 2', () => {
    const r = run(['graph', '--format', 'svg']);
    assert.equal(r.code, 2);
    assert.match(r.err, /--format must be mermaid or json/);
  });
});
