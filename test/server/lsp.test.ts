// End to end: the bundled server (dist/server.js --stdio) driven over LSP as an editor would.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  CodeActionRequest,
  CompletionRequest,
  CompletionResolveRequest,
  DefinitionRequest,
  DidCloseTextDocumentNotification,
  DiagnosticSeverity,
  DocumentSymbolRequest,
  FoldingRangeRequest,
  HoverRequest,
  PrepareRenameRequest,
  ReferencesRequest,
  RenameRequest,
  ResponseError,
  type CompletionItem,
  type CompletionList,
  type Diagnostic,
  type DocumentSymbol,
  type Location,
  type MarkupContent,
  type TextEdit,
} from 'vscode-languageserver-protocol/node';
import {
  AddTaskRequest,
  InsertSectionRequest,
  PlanSummaryRequest,
  SectionListRequest,
  SyncDependenciesRequest,
  TaskGraphRequest,
  TaskListRequest,
  type CommandEditResult,
  type GraphPayload,
  type PlanSummary,
  type SectionListResult,
  type TaskListResult,
} from '../../shared/protocol';
import { LspClient, positionOf, ROOT, serverJs } from './lspClient';

const FIXTURES = path.join(ROOT, 'test', 'fixtures');
const FILLED = fs.readFileSync(path.join(FIXTURES, 'filled.plan.md'), 'utf8');
const PROBLEMS = fs.readFileSync(path.join(FIXTURES, 'lsp', 'problems.plan.md'), 'utf8');

/** Matches **\/*.plan.md. */
const FILLED_URI = 'file:///work/project/plans-archive/accounts.plan.md';
/** Matches no glob: a plan by its "Implementation Plan" title. */
const PROBLEMS_URI = 'file:///work/project/docs/billing.md';
/** Neither: not a plan. */
const NOTES_URI = 'file:///work/project/docs/notes.md';
const NOTES = '# Meeting notes\n\nTASK_001 slipped; TASK_002 depends on it.\n\n| Task | Depends On | Estimated Hours |\n|---|---|---|\n| TASK_001 | None | 2 |\n\n## \n';

const PROBLEM_CODES = [
  'missing-section',
  'step-unknown-task',
  'duplicate-dependency',
  'graph-missing-edge',
  'invalid-impact',
  'placeholder',
  'approved-unreviewed',
];

before(() => {
  assert.ok(fs.existsSync(serverJs()), `${serverJs()} was not built`);
});

function codes(diagnostics: Diagnostic[]): string[] {
  return diagnostics.map((d) => String(d.code));
}

function messageOf(d: Diagnostic): string {
  return typeof d.message === 'string' ? d.message : d.message.value;
}

function itemsOf(result: CompletionList | CompletionItem[] | null): CompletionItem[] {
  if (!result) return [];
  return Array.isArray(result) ? result : result.items;
}

for (const configuration of [true, false]) {
  describe(`language server over stdio (${configuration ? 'with' : 'without'} workspace/configuration)`, () => {
    let client: LspClient;

    before(() => {
      client = LspClient.start();
    });

    after(() => {
      // Normally the shutdown test has ended the process; make sure of it on failure.
      client?.kill();
    });

    it('initializes and advertises its features', async () => {
      const result = await client.initialize({ configuration });
      const caps = result.capabilities;
      assert.equal(result.serverInfo?.name, 'planmark');
      assert.deepEqual(caps.textDocumentSync, { openClose: true, change: 2 });
      assert.ok(caps.completionProvider?.triggerCharacters?.includes(','));
      for (const key of ['definitionProvider', 'referencesProvider', 'hoverProvider', 'documentSymbolProvider', 'foldingRangeProvider'] as const) {
        assert.ok(caps[key], `${key} is advertised`);
      }
      assert.deepEqual(caps.renameProvider, { prepareProvider: true });
      assert.ok(caps.codeActionProvider);
    });

    it('publishes the expected diagnostics, with default severities, for a plan known by its title', async () => {
      await client.open(PROBLEMS_URI, PROBLEMS);
      const published = await client.diagnostics(PROBLEMS_URI, `version 1 with ${PROBLEM_CODES.join(', ')}`, (p) => p.version === 1 && p.diagnostics.length > 0);
      assert.deepEqual(codes(published.diagnostics), PROBLEM_CODES);
      const severity = Object.fromEntries(published.diagnostics.map((d) => [d.code, d.severity]));
      assert.equal(severity['invalid-impact'], DiagnosticSeverity.Error);
      assert.equal(severity['approved-unreviewed'], DiagnosticSeverity.Error);
      assert.equal(severity['graph-missing-edge'], DiagnosticSeverity.Warning);
      assert.equal(severity['missing-section'], DiagnosticSeverity.Warning);
      assert.equal(severity.placeholder, DiagnosticSeverity.Information);
      for (const d of published.diagnostics) assert.equal(d.source, 'planmark');
      const unknown = published.diagnostics.find((d) => d.code === 'step-unknown-task')!;
      assert.match(messageOf(unknown), /TASK_009/);
      assert.deepEqual(unknown.range, {
        start: positionOf(PROBLEMS, 'TASK_009'),
        end: positionOf(PROBLEMS, 'TASK_009', 8),
      });
    });

    it(configuration ? 'asks for the planmark settings and uses the defaults for a null answer' : 'does not ask for settings it cannot get', async () => {
      if (configuration) {
        await client.waitFor('a workspace/configuration request', () => client.configurationRequests.length > 0);
        assert.deepEqual(client.configurationRequests[0], [{ section: 'planmark' }]);
      } else {
        assert.deepEqual(client.configurationRequests, []);
      }
      assert.ok(!client.messages.some((m) => /not usable|failed/.test(m)), client.messages.join('\n'));
    });

    it('publishes no problems for the filled plan (path matches **/*.plan.md)', async () => {
      await client.open(FILLED_URI, FILLED);
      const published = await client.diagnostics(FILLED_URI, 'version 1', (p) => p.version === 1);
      assert.deepEqual(codes(published.diagnostics), []);
    });

    let unknownDiagnostic: Diagnostic;

    it('re-checks after an incremental change that introduces an undefined dependency', async () => {
      const text = client.text(FILLED_URI);
      const afterDeps = positionOf(text, '| TASK_004 | TASK_002', '| TASK_004 | TASK_002'.length);
      const objectives = positionOf(text, 'Let people sign up');
      // Two changes in one notification: the second is in the coordinates the first leaves.
      const version = await client.change(FILLED_URI, [
        { range: { start: afterDeps, end: afterDeps }, text: ', TASK_042' },
        { range: { start: objectives, end: { line: objectives.line, character: objectives.character + 3 } }, text: 'We let' },
      ]);
      const published = await client.diagnostics(FILLED_URI, `version ${version} naming TASK_042`, (p) => p.version === version);
      assert.deepEqual(codes(published.diagnostics), ['unknown-task']);
      unknownDiagnostic = published.diagnostics[0];
      assert.match(messageOf(unknownDiagnostic), /TASK_004 depends on TASK_042, which has no row/);
      const now = client.text(FILLED_URI);
      assert.ok(now.includes('We let people sign up'));
      assert.ok(now.includes('| TASK_004 | TASK_002, TASK_042 | 8 |'));
      assert.deepEqual(unknownDiagnostic.range, { start: positionOf(now, 'TASK_042'), end: positionOf(now, 'TASK_042', 8) });
    });

    it('offers a quick fix for the undefined dependency', async () => {
      const actions = await client.connection.sendRequest(CodeActionRequest.type, {
        textDocument: { uri: FILLED_URI },
        range: unknownDiagnostic.range,
        context: { diagnostics: [unknownDiagnostic] },
      });
      assert.ok(actions && actions.length === 1, `one action, got ${JSON.stringify(actions)}`);
      const action = actions[0] as { title: string; kind?: string; edit?: { changes?: Record<string, TextEdit[]> } };
      assert.equal(action.title, 'Add a row for TASK_042 to the task table');
      assert.equal(action.kind, 'quickfix');
      const edits = action.edit?.changes?.[FILLED_URI];
      assert.equal(edits?.length, 1);
      assert.equal(edits![0].newText, '\n| TASK_042 | None | X |');
    });

    it('completes task IDs in a Depends On cell', async () => {
      const text = client.text(FILLED_URI);
      const position = positionOf(text, '| TASK_004 | TASK_002, TASK_042', '| TASK_004 | TASK_002, '.length);
      const items = itemsOf(await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri: FILLED_URI }, position }));
      assert.deepEqual(items.map((i) => i.label), ['TASK_001', 'TASK_003']);
      const edit = items[0].textEdit as TextEdit;
      assert.deepEqual(edit.range, { start: position, end: { line: position.line, character: position.character + 8 } }, 'replaces TASK_042');
      // The description comes with completionItem/resolve, when the editor shows the item.
      const resolved = await client.connection.sendRequest(CompletionResolveRequest.type, items[1]);
      const doc = resolved.documentation as MarkupContent;
      assert.match(doc.value, /\*\*TASK_003\*\*/);
      assert.match(doc.value, /Estimated hours: 10/);
    });

    it('completes the next free ID on a new row', async () => {
      const text = client.text(FILLED_URI);
      const rowEnd = positionOf(text, '| TASK_005 | TASK_003, TASK_004 | 12 |', '| TASK_005 | TASK_003, TASK_004 | 12 |'.length);
      const version = await client.change(FILLED_URI, [{ range: { start: rowEnd, end: rowEnd }, text: '\n| ' }]);
      const items = itemsOf(
        await client.connection.sendRequest(CompletionRequest.type, {
          textDocument: { uri: FILLED_URI },
          position: { line: rowEnd.line + 1, character: 2 },
        }),
      );
      assert.equal(items[0]?.label, 'TASK_043', 'TASK_042 is taken by a mention');
      // Take the row back out.
      await client.change(FILLED_URI, [{ range: { start: rowEnd, end: { line: rowEnd.line + 1, character: 2 } }, text: '' }]);
      assert.ok(version > 0);
    });

    it('goes to the definition and finds references', async () => {
      const text = client.text(FILLED_URI);
      const ref = positionOf(text, '| TASK_004 | TASK_002', 14);
      const definition = (await client.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri: FILLED_URI }, position: ref })) as Location[];
      assert.deepEqual(definition, [{ uri: FILLED_URI, range: { start: positionOf(text, '| TASK_002 |', 2), end: positionOf(text, '| TASK_002 |', 10) } }]);
      const withDeclaration = await client.connection.sendRequest(ReferencesRequest.type, {
        textDocument: { uri: FILLED_URI },
        position: ref,
        context: { includeDeclaration: true },
      });
      const without = await client.connection.sendRequest(ReferencesRequest.type, {
        textDocument: { uri: FILLED_URI },
        position: ref,
        context: { includeDeclaration: false },
      });
      // Step 1, graph label, its row, TASK_003's and TASK_004's Depends On.
      assert.equal(withDeclaration?.length, 5);
      assert.equal(without?.length, 4);
    });

    it('prepares and performs a rename, and refuses a taken name', async () => {
      const text = client.text(FILLED_URI);
      const at = positionOf(text, '| TASK_003 |', 4);
      const prepared = await client.connection.sendRequest(PrepareRenameRequest.type, { textDocument: { uri: FILLED_URI }, position: at });
      assert.deepEqual(prepared, { range: { start: positionOf(text, '| TASK_003 |', 2), end: positionOf(text, '| TASK_003 |', 10) }, placeholder: 'TASK_003' });
      const off = await client.connection.sendRequest(PrepareRenameRequest.type, { textDocument: { uri: FILLED_URI }, position: positionOf(text, 'sign up') });
      assert.equal(off, null);
      const edit = await client.connection.sendRequest(RenameRequest.type, { textDocument: { uri: FILLED_URI }, position: at, newName: 'TASK_030' });
      const edits = edit?.changes?.[FILLED_URI] ?? [];
      assert.equal(edits.length, 4, 'step 2, graph label, its row, TASK_005 Depends On');
      assert.ok(edits.every((e) => e.newText === 'TASK_030'));
      await assert.rejects(
        client.connection.sendRequest(RenameRequest.type, { textDocument: { uri: FILLED_URI }, position: at, newName: 'TASK_001' }),
        (error: unknown) => error instanceof ResponseError && /already used/.test(error.message),
      );
      await assert.rejects(
        client.connection.sendRequest(RenameRequest.type, { textDocument: { uri: FILLED_URI }, position: at, newName: 'sign-up' }),
        (error: unknown) => error instanceof ResponseError && /not a task ID/.test(error.message),
      );
    });

    it('hovers, lists symbols and folds sections', async () => {
      const text = client.text(FILLED_URI);
      const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: FILLED_URI }, position: positionOf(text, '| TASK_004 |', 3) });
      const value = (hover?.contents as MarkupContent).value;
      assert.match(value, /\*\*TASK_004\*\*/);
      assert.match(value, /Estimated hours: 8/);
      assert.match(value, /Depends on: `TASK_002`, `TASK_042`/);
      assert.match(value, /Needed by: `TASK_005`/);
      const symbols = (await client.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri: FILLED_URI } })) as DocumentSymbol[];
      assert.equal(symbols.length, 1);
      assert.equal(symbols[0].children?.length, 20);
      const breakdown = symbols[0].children!.find((s) => s.name === 'Task Breakdown with Dependencies');
      assert.deepEqual(breakdown?.children?.map((c) => c.name), ['TASK_001', 'TASK_002', 'TASK_003', 'TASK_004', 'TASK_005']);
      const folds = await client.connection.sendRequest(FoldingRangeRequest.type, { textDocument: { uri: FILLED_URI } });
      assert.equal(folds?.length, text.split('\n').filter((l) => /^#{1,6} /.test(l)).length);
    });

    it('answers the planmark requests', async () => {
      const graph = (await client.connection.sendRequest(TaskGraphRequest.method, { uri: FILLED_URI })) as GraphPayload;
      assert.equal(graph.nodes.length, 6, 'five tasks and the undefined TASK_042');
      assert.equal(graph.edges.length, 7);
      assert.equal(graph.nodes.find((n) => n.id === 'TASK_042')?.defined, false);
      assert.deepEqual(graph.criticalPath, { tasks: ['TASK_001', 'TASK_002', 'TASK_003', 'TASK_005'], hours: 32, unestimated: [] });
      const list = (await client.connection.sendRequest(TaskListRequest.method, { uri: FILLED_URI })) as TaskListResult;
      assert.deepEqual(list.tasks.map((t) => t.id), ['TASK_001', 'TASK_002', 'TASK_003', 'TASK_004', 'TASK_005']);
      assert.equal(list.nextFreeId, 'TASK_043');
      assert.equal(list.version, client.texts.get(FILLED_URI)!.version);
      const summary = (await client.connection.sendRequest(PlanSummaryRequest.method, { uri: FILLED_URI })) as PlanSummary;
      assert.deepEqual(
        { taskCount: summary.taskCount, errors: summary.errors, warnings: summary.warnings, hours: summary.criticalPathHours },
        { taskCount: 5, errors: 1, warnings: 0, hours: 32 },
      );
      const sections = (await client.connection.sendRequest(SectionListRequest.method, { uri: PROBLEMS_URI })) as SectionListResult;
      assert.deepEqual(sections.sections.filter((s) => !s.present).map((s) => s.title), ['Rollback Plan']);
    });

    it('syncs the table from the graph, then the graph from the table', async () => {
      // The graph lacks TASK_042 -> TASK_004: the table loses it.
      const fromGraph = (await client.connection.sendRequest(SyncDependenciesRequest.method, { uri: FILLED_URI, direction: 'tableFromGraph' })) as CommandEditResult;
      assert.equal(fromGraph.version, client.texts.get(FILLED_URI)!.version);
      assert.deepEqual(fromGraph.edits.map((e) => e.newText), ['TASK_002']);
      let version = await client.applyEdits(FILLED_URI, fromGraph.edits);
      let published = await client.diagnostics(FILLED_URI, `version ${version}`, (p) => p.version === version);
      assert.deepEqual(codes(published.diagnostics), []);
      assert.ok(client.text(FILLED_URI).includes('| TASK_004 | TASK_002 | 8 |'));

      // Now the table states TASK_001 -> TASK_004, which the graph lacks.
      const text = client.text(FILLED_URI);
      const afterDeps = positionOf(text, '| TASK_004 | TASK_002', '| TASK_004 | TASK_002'.length);
      version = await client.change(FILLED_URI, [{ range: { start: afterDeps, end: afterDeps }, text: ', TASK_001' }]);
      published = await client.diagnostics(FILLED_URI, `version ${version} with graph-missing-edge`, (p) => p.version === version);
      assert.deepEqual(codes(published.diagnostics), ['graph-missing-edge']);
      const fromTable = (await client.connection.sendRequest(SyncDependenciesRequest.method, { uri: FILLED_URI, direction: 'graphFromTable' })) as CommandEditResult;
      assert.equal(fromTable.version, version);
      assert.equal(fromTable.edits.length, 1);
      assert.match(fromTable.edits[0].newText, /^ {4}A --> D$/m);
      version = await client.applyEdits(FILLED_URI, fromTable.edits);
      published = await client.diagnostics(FILLED_URI, `version ${version}`, (p) => p.version === version);
      assert.deepEqual(codes(published.diagnostics), []);
      const agreed = (await client.connection.sendRequest(SyncDependenciesRequest.method, { uri: FILLED_URI, direction: 'graphFromTable' })) as CommandEditResult;
      assert.deepEqual(agreed.edits, []);
      assert.match(agreed.message ?? '', /already agree/);
    });

    it('adds a task to the table, the graph and a step', async () => {
      const result = (await client.connection.sendRequest(AddTaskRequest.method, {
        uri: FILLED_URI,
        id: 'TASK_006',
        dependsOn: ['TASK_005'],
        hours: 3,
        step: 'Step 3: Integration & Testing',
      })) as CommandEditResult;
      assert.equal(result.message, undefined);
      assert.equal(result.edits.length, 3);
      const version = await client.applyEdits(FILLED_URI, result.edits);
      const published = await client.diagnostics(FILLED_URI, `version ${version}`, (p) => p.version === version);
      assert.deepEqual(codes(published.diagnostics), []);
      const text = client.text(FILLED_URI);
      assert.ok(text.includes('| TASK_006 | TASK_005 | 3 |'));
      assert.ok(text.includes('**Tasks:** [TASK_005, TASK_006]'));
      const list = (await client.connection.sendRequest(TaskListRequest.method, { uri: FILLED_URI })) as TaskListResult;
      assert.deepEqual(list.tasks.find((t) => t.id === 'TASK_006'), {
        ...list.tasks.find((t) => t.id === 'TASK_006'),
        hours: 3,
        dependencies: ['TASK_005'],
        step: 'Step 3: Integration & Testing',
      });
      const taken = (await client.connection.sendRequest(AddTaskRequest.method, { uri: FILLED_URI, id: 'TASK_006', dependsOn: [] })) as CommandEditResult;
      assert.deepEqual(taken.edits, []);
      assert.match(taken.message ?? '', /already exists/);
    });

    it('inserts a missing template section', async () => {
      const result = (await client.connection.sendRequest(InsertSectionRequest.method, { uri: PROBLEMS_URI, section: 'Rollback Plan' })) as CommandEditResult;
      assert.equal(result.edits.length, 1);
      assert.match(result.edits[0].newText, /^## Rollback Plan\n/);
      const version = await client.applyEdits(PROBLEMS_URI, result.edits);
      const published = await client.diagnostics(PROBLEMS_URI, `version ${version}`, (p) => p.version === version);
      assert.ok(!codes(published.diagnostics).includes('missing-section'), codes(published.diagnostics).join(', '));
      const unknown = (await client.connection.sendRequest(InsertSectionRequest.method, { uri: PROBLEMS_URI, section: 'Astrology' })) as CommandEditResult;
      assert.deepEqual(unknown.edits, []);
      assert.match(unknown.message ?? '', /not a section of the plan template/);
    });

    it('leaves a Markdown file that is not a plan alone', async () => {
      await client.open(NOTES_URI, NOTES);
      const published = await client.diagnostics(NOTES_URI, 'an empty publish');
      assert.deepEqual(published.diagnostics, []);
      const lines = NOTES.split('\n');
      const heading = { line: lines.indexOf('## '), character: 3 };
      assert.deepEqual(itemsOf(await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri: NOTES_URI }, position: heading })), []);
      const depends = positionOf(NOTES, '| TASK_001 | None', 13);
      assert.deepEqual(itemsOf(await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri: NOTES_URI }, position: depends })), []);
      const onId = positionOf(NOTES, 'TASK_001', 2);
      assert.equal(await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: NOTES_URI }, position: onId }), null);
      assert.equal(await client.connection.sendRequest(TaskGraphRequest.method, { uri: NOTES_URI }), null);
      assert.equal(await client.connection.sendRequest(TaskListRequest.method, { uri: NOTES_URI }), null);
      // It stays not a plan while it is edited.
      const version = await client.change(NOTES_URI, [{ range: { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } }, text: 'More: ' }]);
      await client.waitFor('a second publish for the notes', () => client.published.filter((p) => p.uri === NOTES_URI).length >= 2);
      assert.ok(client.published.filter((p) => p.uri === NOTES_URI).every((p) => p.diagnostics.length === 0));
      assert.equal(version, 2);
    });

    it('clears the diagnostics of a plan when it is closed', async () => {
      const before = client.published.length;
      await client.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: PROBLEMS_URI } });
      await client.waitFor(`an empty publish for ${PROBLEMS_URI} after it closed`, () =>
        client.published.slice(before).some((p) => p.uri === PROBLEMS_URI && p.diagnostics.length === 0),
      );
      assert.equal(await client.connection.sendRequest(PlanSummaryRequest.method, { uri: PROBLEMS_URI }), null);
    });

    it('shuts down cleanly and exits', async () => {
      const code = await client.shutdown();
      assert.equal(code, 0, client.report());
    });
  });
}
