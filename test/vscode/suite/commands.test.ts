// Every Planmark command in a real VS Code: it makes its edit, and one `undo` restores the text
// byte for byte. Commands take optional arguments, so no quick pick or input box is shown here.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { TaskListRequest, type TaskListResult } from '../../../shared/protocol';
import type { PlanmarkExtensionApi } from '../../../client/src/extension';
import { queryFrames, runnerAvailable, screenshot, waitForWebview, EXTENSION_ID, waitFor } from '../harness';


async function extension(): Promise<{ api: PlanmarkExtensionApi; ext: vscode.Extension<PlanmarkExtensionApi> }> {
  const ext = vscode.extensions.getExtension<PlanmarkExtensionApi>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is installed`);
  return { api: await ext.activate(), ext };
}


suite('Planmark commands', () => {
  let api: PlanmarkExtensionApi;
  let ext: vscode.Extension<PlanmarkExtensionApi>;
  const fixtures = () => vscode.Uri.joinPath(ext.extensionUri, 'test', 'fixtures', 'vscode');
  const originals = new Map<string, string>();

  /** Opens a fixture in the active editor (focused) and waits until the server knows it. */
  async function openPlan(name: string): Promise<{ document: vscode.TextDocument; editor: vscode.TextEditor }> {
    const document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(fixtures(), name));
    if (!originals.has(document.uri.toString())) originals.set(document.uri.toString(), document.getText());
    const editor = await vscode.window.showTextDocument(document, { preserveFocus: false });
    await waitFor(`the server's task list for ${name}`, async () => {
      const list = await api.client.request<TaskListResult | null>(TaskListRequest.method, { uri: document.uri.toString() });
      return list && list.version === document.version ? list : undefined;
    });
    return { document, editor };
  }

  /** Runs `undo` in the plan's editor and checks the text is back, byte for byte. */
  async function undoAndCheck(document: vscode.TextDocument, before: string): Promise<void> {
    await vscode.window.showTextDocument(document, { preserveFocus: false });
    await vscode.commands.executeCommand('undo');
    await waitFor('undo to restore the text', () => document.getText() === before, 5000).catch(() => undefined);
    assert.equal(document.getText(), before, 'one undo restores the text byte for byte');
  }

  suiteSetup(async () => {
    ({ api, ext } = await extension());
  });

  teardown(async () => {
    // Put every fixture back as it is on disk, whatever a failed test left behind.
    for (const document of vscode.workspace.textDocuments) {
      const original = originals.get(document.uri.toString());
      if (original !== undefined && document.getText() !== original) {
        await vscode.window.showTextDocument(document);
        await vscode.commands.executeCommand('workbench.action.files.revert');
      }
    }
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Add Task adds the row, the graph edge and the step entry in one undo step', async () => {
    const { document } = await openPlan('commands.plan.md');
    const before = document.getText();
    const list = await api.client.request<TaskListResult>(TaskListRequest.method, { uri: document.uri.toString() });
    assert.equal(list.nextFreeId, 'TASK_004');
    const step = list.steps.find((s) => /Core Functionality/.test(s.title));
    assert.ok(step, 'the fixture has a Core Functionality step');

    const id = await vscode.commands.executeCommand<string | undefined>('planmark.addTask', {
      dependsOn: ['TASK_002'],
      hours: 3,
      step: step.title,
    });
    assert.equal(id, 'TASK_004');
    const after = document.getText();
    assert.match(after, /^\| TASK_004 \| TASK_002 \| 3 \|$/m, 'task row');
    assert.match(after, /^\s+B --> TASK_004$/m, 'graph edge from the dependency');
    assert.match(after, /^\*\*Tasks:\*\* TASK_003, TASK_004$/m, 'listed in the chosen step');
    await undoAndCheck(document, before);
  });

  test('Add Task with explicit id, no dependencies, no hours and no step', async () => {
    const { document } = await openPlan('commands.plan.md');
    const before = document.getText();
    const id = await vscode.commands.executeCommand<string | undefined>('planmark.addTask', {
      id: 'TASK_010',
      dependsOn: [],
      hours: null,
      step: null,
    });
    assert.equal(id, 'TASK_010');
    assert.match(document.getText(), /^\| TASK_010 \| None \| X \|$/m);
    await undoAndCheck(document, before);
  });

  test('Add Task refuses an ID that exists, changing nothing', async () => {
    const { document } = await openPlan('commands.plan.md');
    const before = document.getText();
    const id = await vscode.commands.executeCommand('planmark.addTask', { id: 'TASK_002', dependsOn: [], hours: null, step: null });
    assert.equal(id, undefined);
    assert.equal(document.getText(), before);
  });

  test('Insert Section inserts a missing template section', async () => {
    const { document } = await openPlan('commands.plan.md');
    const before = document.getText();
    assert.ok(!/^## Risk Mitigation/m.test(before));
    const applied = await vscode.commands.executeCommand<boolean>('planmark.insertSection', { section: 'Risk Mitigation' });
    assert.equal(applied, true);
    const after = document.getText();
    assert.equal(after.match(/^## Risk Mitigation$/gm)?.length, 1);
    assert.match(after, /\| Risk \| Impact \| Mitigation Strategy \|/);
    await undoAndCheck(document, before);
  });

  test('Insert Section with an unknown section changes nothing', async () => {
    const { document } = await openPlan('commands.plan.md');
    const before = document.getText();
    const applied = await vscode.commands.executeCommand<boolean>('planmark.insertSection', { section: 'No Such Section' });
    assert.equal(applied, false);
    assert.equal(document.getText(), before);
  });

  test('Sync Graph from Table rewrites the graph to the table', async () => {
    const { document } = await openPlan('sync.plan.md');
    const before = document.getText();
    const applied = await vscode.commands.executeCommand<boolean>('planmark.syncGraphFromTable');
    assert.equal(applied, true);
    const graph = /```mermaid\n([\s\S]*?)```/.exec(document.getText())?.[1] ?? '';
    assert.match(graph, /^\s+A --> C$/m, 'gains the table-only edge TASK_001 -> TASK_003');
    assert.doesNotMatch(graph, /^\s+B --> D$/m, 'loses the graph-only edge TASK_002 -> TASK_004');
    await undoAndCheck(document, before);
  });

  test('Sync Table from Graph rewrites Depends On cells to the graph', async () => {
    const { document } = await openPlan('sync.plan.md');
    const before = document.getText();
    const applied = await vscode.commands.executeCommand<boolean>('planmark.syncTableFromGraph', { uri: document.uri.toString() });
    assert.equal(applied, true);
    const after = document.getText();
    assert.match(after, /^\| TASK_003 \| TASK_002 \| 3 \|$/m);
    assert.match(after, /^\| TASK_004 \| TASK_002 \| 4 \|$/m);
    await undoAndCheck(document, before);
  });

  test('both syncs leave a consistent plan alone', async () => {
    const { document } = await openPlan('commands.plan.md');
    const before = document.getText();
    assert.equal(await vscode.commands.executeCommand('planmark.syncGraphFromTable', document.uri), false);
    assert.equal(await vscode.commands.executeCommand('planmark.syncTableFromGraph', document.uri), false);
    assert.equal(document.getText(), before);
  });

  test('Go to Task selects the task row', async () => {
    const { document } = await openPlan('commands.plan.md');
    const id = await vscode.commands.executeCommand<string | undefined>('planmark.goToTask', 'TASK_002');
    assert.equal(id, 'TASK_002');
    const editor = vscode.window.activeTextEditor;
    assert.equal(editor?.document, document);
    assert.equal(document.getText(editor!.selection), '| TASK_002 | TASK_001 | 6 |');
    assert.equal(await vscode.commands.executeCommand('planmark.goToTask', { id: 'TASK_404' }), undefined);
  });

  test('commands act on the plan named by a uri argument, whatever editor is active', async () => {
    const { document } = await openPlan('commands.plan.md');
    const notes = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(fixtures(), 'not-a-plan.md'));
    await vscode.window.showTextDocument(notes);
    await waitFor('planmark.isPlan to turn false', () => api.planContext.value === false);
    const id = await vscode.commands.executeCommand('planmark.goToTask', { uri: document.uri.toString(), id: 'TASK_003' });
    assert.equal(id, 'TASK_003');
    // ...and refuse a document that is not a plan.
    assert.equal(await vscode.commands.executeCommand('planmark.goToTask', { uri: notes.uri.toString(), id: 'TASK_001' }), undefined);
    assert.equal(await vscode.commands.executeCommand('planmark.addTask', notes.uri), undefined);
  });

  test('New Plan fills the template into a new untitled plan', async () => {
    const uri = await vscode.commands.executeCommand<string | undefined>('planmark.newPlan', { phase: '7', name: 'Test Phase' });
    assert.ok(uri, 'returns the new document');
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
    assert.ok(document);
    assert.equal(document.uri.scheme, 'untitled');
    assert.equal(document.languageId, 'markdown');
    const text = document.getText();
    const today = new Date();
    const iso = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`;
    assert.ok(text.startsWith('# Implementation Plan: Phase 7 - Test Phase\n'), text.slice(0, 80));
    assert.match(text, /^- \*\*Phase:\*\* 7$/m);
    assert.match(text, /^- \*\*Phase Name:\*\* Test Phase$/m);
    assert.match(text, new RegExp(`^- \\*\\*Created:\\*\\* ${iso}$`, 'm'));
    assert.match(text, /^## Review Checklist$/m, 'the whole template');
    if (vscode.workspace.workspaceFolders?.length) assert.match(document.uri.path, /\/plans\/phase-7-test-phase(-\d+)?\.md$/);
    assert.equal(vscode.window.activeTextEditor?.document, document);
    await waitFor('planmark.isPlan on the new plan', () => api.planContext.value);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  test('New Plan writes a file when given a target', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'planmark-newplan-'));
    try {
      const target = vscode.Uri.file(path.join(dir, 'phase-3-search.plan.md'));
      const uri = await vscode.commands.executeCommand<string | undefined>('planmark.newPlan', {
        phase: 3,
        name: 'Search',
        target: target.toString(),
      });
      assert.equal(uri, target.toString());
      const text = fs.readFileSync(target.fsPath, 'utf8');
      assert.ok(text.startsWith('# Implementation Plan: Phase 3 - Search\n'));
      // Never overwrites.
      assert.equal(await vscode.commands.executeCommand('planmark.newPlan', { phase: 3, name: 'Search', target: target.toString() }), undefined);
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('Show Task Graph opens the panel, follows the active plan and reveals tasks', async () => {
    const { document } = await openPlan('commands.plan.md');
    assert.equal(await vscode.commands.executeCommand('planmark.showTaskGraph'), true);
    const panel = await waitFor('the graph panel', () => api.graphPanel());
    assert.equal(panel.panel.viewType, 'planmark.taskGraph');
    const graph = await waitFor('the task graph of commands.plan.md', () =>
      panel.graph?.uri === document.uri.toString() ? panel.graph : undefined,
    );
    assert.deepEqual(graph.nodes.map((n) => n.id).sort(), ['TASK_001', 'TASK_002', 'TASK_003']);
    assert.deepEqual(graph.criticalPath.tasks, ['TASK_001', 'TASK_002', 'TASK_003']);

    // A click in the webview posts {type:'reveal'}; the extension selects the row.
    assert.equal(await panel.reveal('TASK_003'), true);
    const editor = vscode.window.activeTextEditor;
    assert.equal(editor?.document, document);
    assert.equal(document.getText(editor!.selection), '| TASK_003 | TASK_002 | 5 |');

    // It follows the active plan editor.
    const other = await openPlan('sync.plan.md');
    await waitFor('the panel to follow sync.plan.md', () => panel.graph?.uri === other.document.uri.toString());
    assert.equal(panel.graph!.nodes.length, 4);

    // And updates after an edit (PlanChanged notification).
    await vscode.commands.executeCommand('planmark.addTask', { uri: other.document.uri.toString(), dependsOn: ['TASK_004'], hours: 1, step: null });
    await waitFor('the graph to show the new task', () => panel.graph?.nodes.some((n) => n.id === 'TASK_005'));
  });

  test('the graph webview renders (bundle dist/webview.js)', async function () {
    const panel = api.graphPanel() ?? (await vscode.commands.executeCommand('planmark.showTaskGraph'), api.graphPanel());
    assert.ok(panel);
    panel.panel.reveal(undefined, true);
    const rendered = await waitFor('the webview to report a render', () => panel.lastRendered, 30_000);
    assert.ok(rendered.nodes >= 3, `rendered ${rendered.nodes} nodes`);
    if (runnerAvailable()) await screenshot('planmark-task-graph');
  });

  test('the graph highlights the task under the cursor, and a click on a node selects its row', async function () {
    if (!runnerAvailable()) this.skip(); // needs the code-server runner to reach into the webview
    const { document, editor } = await openPlan('commands.plan.md');
    await vscode.commands.executeCommand('planmark.showTaskGraph');
    const panel = await waitFor('the graph panel', () => api.graphPanel());
    await waitFor('a render of commands.plan.md', () => panel.graph?.uri === document.uri.toString() && panel.lastRendered);

    // Cursor onto TASK_002 in the table -> {type:'highlight'} -> the node gets highlighted.
    const row = document.getText().split('\n').findIndex((l) => l.startsWith('| TASK_002 |'));
    editor.selection = new vscode.Selection(row, 4, row, 4);
    const highlighted = await waitForWebview<string>(
      "(() => { const e = document.querySelector('.pm-highlight'); return e ? e.textContent : null; })()",
    );
    assert.match(highlighted, /TASK_002/);

    // A click on the TASK_001 node -> {type:'reveal'} -> the editor selects TASK_001's row.
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    const clicked = await queryFrames<boolean>(
      "(() => { const n = [...document.querySelectorAll('svg g.node')].find((g) => /TASK_001\\b/.test(g.textContent || '')); if (!n) return false; n.dispatchEvent(new MouseEvent('click', { bubbles: true })); return true; })()",
    );
    assert.ok(clicked.some((r) => r.webviewContent && r.value === true), `clicked a node: ${JSON.stringify(clicked).slice(0, 500)}`);
    const selection = await waitFor('the TASK_001 row to be selected', () => {
      const e = vscode.window.visibleTextEditors.find((v) => v.document === document);
      return e && !e.selection.isEmpty ? e.selection : undefined;
    });
    assert.ok(document.lineAt(selection.start.line).text.startsWith('| TASK_001 |'));
  });

  test('snippets and the Show Task Graph keybinding are contributed', () => {
    const contributes = ext.packageJSON.contributes;
    const snippets: { language: string; path: string }[] = contributes.snippets ?? [];
    assert.ok(snippets.length > 0, 'package.json contributes snippets');
    for (const s of snippets) {
      assert.equal(s.language, 'markdown');
      const file = path.join(ext.extensionPath, s.path);
      assert.ok(fs.existsSync(file), `${s.path} exists`);
      const body = JSON.parse(fs.readFileSync(file, 'utf8').replace(/^\s*\/\/.*$/gm, ''));
      assert.ok(Object.values(body).every((v: any) => v.prefix && v.body), `${s.path}: every snippet has a prefix and a body`);
    }
    assert.ok(contributes.keybindings.some((k: { command: string }) => k.command === 'planmark.showTaskGraph'));
  });

  test('every contributed command is registered', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const c of ext.packageJSON.contributes.commands as { command: string }[]) {
      assert.ok(registered.has(c.command), `${c.command} is registered`);
    }
  });
});
