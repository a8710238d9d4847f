// The workspace of plans end to end: the bundled server over stdio with a workspace folder
// holding three phases (test/fixtures/workspace), driven as VS Code drives it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import {
  DefinitionRequest,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  ReferencesRequest,
  RenameRequest,
  WorkspaceSymbolRequest,
  type Location,
  type SymbolInformation,
  type WorkspaceEdit,
} from 'vscode-languageserver-protocol/node';
import { TimelineRequest, WorkspacePlansRequest, type TimelineResult, type WorkspacePlansResult } from '../../shared/protocol';
import { LspClient, positionOf, ROOT } from './lspClient';

const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'workspace');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'planmark-ws-'));
const folder = path.join(scratch, 'project');
const storage = path.join(scratch, 'storage');
const plansDir = path.join(folder, 'docs', 'plans');
const uriOf = (name: string) => pathToFileURL(path.join(plansDir, name)).href;
const textOf = (name: string) => fs.readFileSync(path.join(plansDir, name), 'utf8');
const PHASE_1 = 'phase-1-accounts.plan.md';
const PHASE_2 = 'phase-2-billing.plan.md';
const PHASE_3 = 'phase-3-reports.plan.md';

/** Asks until `ask` gives a value (the index reads the workspace in the background). */
async function poll<T>(client: LspClient, what: string, ask: () => Promise<T | undefined>): Promise<T> {
  let result: T | undefined;
  await client.within(
    (async () => {
      while ((result = await ask()) === undefined) await new Promise((r) => setTimeout(r, 50));
    })(),
    what,
  );
  return result!;
}

const symbols = (client: LspClient, query: string) =>
  client.connection.sendRequest(WorkspaceSymbolRequest.type, { query }) as Promise<SymbolInformation[]>;

async function startClient(): Promise<LspClient> {
  const client = LspClient.start();
  await client.initialize({
    configuration: false,
    workspaceFolders: [pathToFileURL(folder).href],
    initializationOptions: { storagePath: storage },
    workspaceClient: true,
  });
  return client;
}

describe('the workspace index over LSP', () => {
  let client: LspClient;

  before(async () => {
    fs.cpSync(FIXTURE, folder, { recursive: true });
    fs.writeFileSync(path.join(folder, 'README.md'), '# Project\n\nNot a plan. TASK_001 is mentioned in passing.\n');
    client = await startClient();
    await client.waitFor('the indexing progress to end', () => client.progress.some((p) => p.value.kind === 'end'));
  });

  after(async () => {
    if (client) client.kill();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  test('indexing is reported as progress, and Markdown files are watched', () => {
    const kinds = client.progress.map((p) => p.value.kind);
    assert.equal(kinds[0], 'begin');
    assert.equal(kinds[kinds.length - 1], 'end');
    assert.equal(client.progress[0].value.title, 'Planmark');
    assert.ok(client.registrations.some((r) => r.method === 'workspace/didChangeWatchedFiles'), JSON.stringify(client.registrations));
  });

  test('Ctrl+T finds a task ID of a plan that is not open, with its plan as container', async () => {
    const found = await symbols(client, 'TASK_013');
    assert.deepEqual(
      found.map((s) => [s.name, s.containerName, s.location.uri, s.location.range.start.line]),
      [['TASK_013', 'Phase 2: Billing', uriOf(PHASE_2), 115]],
    );
    const plans = await symbols(client, 'Phase 3');
    assert.ok(plans.some((s) => s.name === 'Phase 3: Reports' && s.location.uri === uriOf(PHASE_3)));
  });

  test('a phase starting before the previous one ends: a warning on its Target Start line, naming that plan', async () => {
    await client.open(uriOf(PHASE_3), textOf(PHASE_3));
    const published = await client.diagnostics(uriOf(PHASE_3), 'phase-overlap', (p) => p.diagnostics.some((d) => d.code === 'phase-overlap'));
    const overlap = published.diagnostics.find((d) => d.code === 'phase-overlap')!;
    assert.deepEqual(overlap.range, { start: { line: 6, character: 20 }, end: { line: 6, character: 30 } });
    assert.equal(overlap.severity, 2);
    assert.match(String(overlap.message), /before the previous phase, Phase 2: Billing \(phase-2-billing\.plan\.md\), ends on 2026-04-03/);
    assert.equal(overlap.relatedInformation?.[0].location.uri, uriOf(PHASE_2));
    assert.equal(overlap.relatedInformation?.[0].location.range.start.line, 7);
  });

  test('the open document takes precedence over the disk: moving Target Start clears the warning', async () => {
    const uri = uriOf(PHASE_3);
    const at = positionOf(client.text(uri), '2026-03-23');
    await client.change(uri, [{ range: { start: at, end: { line: at.line, character: at.character + 10 } }, text: '2026-04-06' }]);
    const version = client.texts.get(uri)!.version;
    const published = await client.diagnostics(uri, 'the edited version', (p) => p.version === version);
    assert.deepEqual(published.diagnostics.filter((d) => d.code === 'phase-overlap'), []);
    const plans = await client.connection.sendRequest<WorkspacePlansResult>(WorkspacePlansRequest.method, {});
    assert.equal(plans.plans.find((p) => p.uri === uri)?.targetStart?.value, '2026-04-06');
  });

  test('Phase 1/TASK_005 in Phase 2 goes to the task in Phase 1, and references and rename cross files', async () => {
    await client.open(uriOf(PHASE_2), textOf(PHASE_2));
    const billing = client.text(uriOf(PHASE_2));
    const definition = (await client.connection.sendRequest(DefinitionRequest.type, {
      textDocument: { uri: uriOf(PHASE_2) },
      position: positionOf(billing, 'Phase 1/TASK_005', 10),
    })) as Location[];
    assert.deepEqual(definition.map((l) => [l.uri, l.range.start.line]), [[uriOf(PHASE_1), 117]]);

    await client.open(uriOf(PHASE_1), textOf(PHASE_1));
    const accounts = client.text(uriOf(PHASE_1));
    const position = positionOf(accounts, '| TASK_005 |', 3);
    const references = (await client.connection.sendRequest(ReferencesRequest.type, {
      textDocument: { uri: uriOf(PHASE_1) },
      position,
      context: { includeDeclaration: true },
    })) as Location[];
    assert.ok(references.some((l) => l.uri === uriOf(PHASE_2) && l.range.start.line === 113), JSON.stringify(references));
    assert.ok(references.filter((l) => l.uri === uriOf(PHASE_1)).length >= 3);

    const edit = (await client.connection.sendRequest(RenameRequest.type, {
      textDocument: { uri: uriOf(PHASE_1) },
      position,
      newName: 'TASK_050',
    })) as WorkspaceEdit;
    assert.deepEqual(Object.keys(edit.changes!).sort(), [uriOf(PHASE_1), uriOf(PHASE_2)].sort());
    assert.deepEqual(edit.changes![uriOf(PHASE_2)].map((e) => [e.range.start.line, e.newText]), [[113, 'TASK_050']]);
  });

  test('the Plans view data: every plan in phase order with dates, tasks and problems; and the timeline', async () => {
    const result = await client.connection.sendRequest<WorkspacePlansResult>(WorkspacePlansRequest.method, {});
    assert.equal(result.indexing, false);
    assert.deepEqual(
      result.plans.map((p) => [p.phase?.value, p.phaseName?.value, p.tasks.length, p.steps.length]),
      [
        ['1', 'User Accounts', 5, 3],
        ['2', 'Billing', 5, 3],
        ['3', 'Reports', 5, 3],
      ],
    );
    const timeline = await client.connection.sendRequest<TimelineResult>(TimelineRequest.method, {});
    assert.match(timeline.mermaid, /^gantt\n/);
    assert.match(timeline.mermaid, /\n {2}section Phase 3 Reports\n {4}Target dates :p3, 2026-04-06, 2026-05-02\n/);
  });

  test('a plan created on disk is indexed from the file watcher event', async () => {
    const name = 'phase-4-exports.plan.md';
    const text = textOf(PHASE_3)
      .replace(/Phase 3 - Reports/, 'Phase 4 - Exports')
      .replace('- **Phase:** 3', '- **Phase:** 4')
      .replace('- **Phase Name:** Reports', '- **Phase Name:** Exports')
      .replace(/TASK_02(\d)/g, 'TASK_03$1');
    fs.writeFileSync(path.join(plansDir, name), text);
    await client.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: uriOf(name), type: FileChangeType.Created }] });
    const found = await poll(client, 'TASK_033 in the new plan', async () => {
      const result = await symbols(client, 'TASK_033');
      return result.length ? result : undefined;
    });
    assert.equal(found[0].containerName, 'Phase 4: Exports');
    fs.rmSync(path.join(plansDir, name));
    await client.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: uriOf(name), type: FileChangeType.Deleted }] });
    await poll(client, 'TASK_033 gone with its plan', async () => ((await symbols(client, 'TASK_033')).length ? undefined : true));
  });

  test('a restart reads unchanged plans from the cache', async () => {
    await client.shutdown();
    client = await startClient();
    await client.waitFor('the indexing progress to end', () => client.progress.some((p) => p.value.kind === 'end'));
    await client.waitFor('the index log line', () => client.messages.some((m) => m.includes('workspace index:')));
    const line = client.messages.find((m) => m.includes('workspace index:'))!;
    assert.match(line, /3 plans in 4 Markdown files \(0 read, 4 from the cache\)/);
    assert.equal((await symbols(client, 'TASK_023')).length, 1);
  });
});
