// End to end over stdio: spec-kit and Kiro task lists opened from their real paths get the plan
// features (no template findings, hover and definition, completion, graph, summary), and the
// server reads Kiro's requirements.md from disk.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CompletionRequest, DefinitionRequest, HoverRequest, type CompletionList, type Location, type MarkupContent } from 'vscode-languageserver-protocol/node';
import { PlanSummaryRequest, TaskGraphRequest, type GraphPayload, type PlanSummary } from '../../shared/protocol';
import { LspClient, positionOf, ROOT, serverJs } from './lspClient';

const KINDS = path.join(ROOT, 'test', 'fixtures', 'kinds');
const SPEC_KIT = path.join(KINDS, 'spec-kit', 'specs', '003-shelf-sync');
const KIRO = path.join(KINDS, 'kiro', '.kiro', 'specs', 'shelf-sync');
const uriOf = (file: string) => pathToFileURL(file).toString();
const read = (file: string) => fs.readFileSync(file, 'utf8');

before(() => {
  assert.ok(fs.existsSync(serverJs()), `${serverJs()} was not built`);
});

describe('task-list kinds over stdio', () => {
  let client: LspClient;
  before(async () => {
    client = LspClient.start();
    await client.initialize({ configuration: true });
  });
  after(() => client?.kill());

  it('a spec-kit tasks.md: no findings; hover and definition reach the task; completion after "depends on"', async () => {
    const uri = uriOf(path.join(SPEC_KIT, 'tasks.md'));
    await client.open(uri, read(path.join(SPEC_KIT, 'tasks.md')));
    const published = await client.diagnostics(uri, 'version 1', (p) => p.version === 1);
    assert.deepEqual(published.diagnostics, []);
    const text = client.text(uri);
    const at = positionOf(text, 'T005, T009', 1);
    const definition = (await client.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri }, position: at })) as Location[];
    assert.deepEqual(definition.map((d) => d.range.start), [positionOf(text, 'T005 [P] Add the SQLite')]);
    const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: at });
    assert.match((hover!.contents as MarkupContent).value, /\*\*T005\*\*[\s\S]*Phase: Phase 2/);
    // Typing another prerequisite of T010: its dependents (T011, T014 ...) would close a cycle.
    const end = positionOf(text, 'T005, T009', 'T005, T009'.length);
    await client.change(uri, [{ range: { start: end, end }, text: ', T' }]);
    const pos = { line: end.line, character: end.character + 3 };
    const list = (await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: pos })) as CompletionList;
    const labels = list.items.map((i) => i.label);
    assert.ok(labels.includes('T001') && labels.includes('T008'), labels.join(' '));
    assert.ok(!labels.includes('T010') && !labels.includes('T011') && !labels.includes('T014'), 'no self or cycle-closing task');
    assert.ok(!labels.includes('T005') && !labels.includes('T009'), 'not the ones already listed');
  });

  it('the spec-kit graph has phases as groups, [P] tasks marked, done tasks and the next ones', async () => {
    const uri = uriOf(path.join(SPEC_KIT, 'tasks.md'));
    const graph = (await client.connection.sendRequest(TaskGraphRequest.method, { uri })) as GraphPayload;
    assert.equal(graph.kind, 'specKit');
    assert.equal(graph.steps.length, 5);
    const node = (id: string) => graph.nodes.find((n) => n.id === id)!;
    assert.equal(node('T002').parallel, true);
    assert.equal(node('T001').status, 'done');
    assert.equal(node('T005').next, true);
    assert.equal(node('T010').next, undefined);
    assert.deepEqual(graph.progress, { done: 4, total: 17 });
    const summary = (await client.connection.sendRequest(PlanSummaryRequest.method, { uri })) as PlanSummary;
    assert.deepEqual(summary.progress, { done: 4, total: 17, remainingHours: 0 });
  });

  it('spec-kit plan.md and spec.md are no plans: no diagnostics, no graph', async () => {
    for (const name of ['plan.md', 'spec.md']) {
      const uri = uriOf(path.join(SPEC_KIT, name));
      await client.open(uri, read(path.join(SPEC_KIT, name)));
      const published = await client.diagnostics(uri, `${name} cleared`, () => true);
      assert.deepEqual(published.diagnostics, []);
      assert.equal(await client.connection.sendRequest(TaskGraphRequest.method, { uri }), null);
    }
  });

  it('a Kiro tasks.md: no findings; requirement references resolve to requirements.md on disk; unknown ones are reported', async () => {
    const uri = uriOf(path.join(KIRO, 'tasks.md'));
    await client.open(uri, read(path.join(KIRO, 'tasks.md')));
    const published = await client.diagnostics(uri, 'version 1', (p) => p.version === 1);
    assert.deepEqual(published.diagnostics, []);
    const text = client.text(uri);
    const dep = positionOf(text, '_Depends on: 3.1', '_Depends on: '.length + 1);
    const toTask = (await client.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri }, position: dep })) as Location[];
    assert.deepEqual(toTask.map((d) => d.range.start), [positionOf(text, '3.1 Implement the pull client')]);
    const req = positionOf(text, '_Requirements: 1.2, 1.3_', '_Requirements: '.length + 1);
    const toRequirement = (await client.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri }, position: req })) as Location[];
    assert.equal(toRequirement.length, 1);
    assert.equal(toRequirement[0].uri, uriOf(path.join(KIRO, 'requirements.md')));
    const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: req });
    assert.match((hover!.contents as MarkupContent).value, /Requirement 1\.2/);
    const at = positionOf(text, '_Requirements: 2.3_', '_Requirements: '.length);
    await client.change(uri, [{ range: { start: at, end: { line: at.line, character: at.character + 3 } }, text: '7.4' }]);
    const after = await client.diagnostics(uri, 'unknown-requirement', (p) => p.version === 2);
    assert.deepEqual(after.diagnostics.map((d) => d.code), ['unknown-requirement']);
  });
});
