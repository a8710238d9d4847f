// Planmark in a workspace that is NOT trusted (restricted mode). The extension declares
// `capabilities.untrustedWorkspaces.supported: true`: it reads plans and runs no workspace code,
// so everything must work as in a trusted folder.
// Run by `node scripts/vscode-test/run.mjs` after the main suites, in its own VS Code started
// with workspace trust on (this folder's vscode-test.json), or alone:
//   node scripts/vscode-test/run.mjs --suite test/vscode/suite-untrusted
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { PlanmarkExtensionApi } from '../../../client/src/extension';
import { EXTENSION_ID, waitFor } from '../harness';



const codeOf = (d: vscode.Diagnostic) => (typeof d.code === 'object' ? String(d.code.value) : String(d.code));

suite('Planmark in an untrusted workspace', () => {
  const ext = () => {
    const e = vscode.extensions.getExtension<PlanmarkExtensionApi>(EXTENSION_ID);
    assert.ok(e, `extension ${EXTENSION_ID} is installed`);
    return e;
  };
  const fixture = (name: string) => vscode.Uri.joinPath(ext().extensionUri, 'test', 'fixtures', 'vscode', name);

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('the workspace is not trusted', () => {
    assert.equal(process.env.PLANMARK_TEST_WORKSPACE_TRUST, 'untrusted', 'the runner started VS Code with workspace trust on');
    assert.ok(vscode.workspace.workspaceFolders?.length, 'a folder is open');
    assert.equal(vscode.workspace.isTrusted, false);
  });

  test('the extension says it supports untrusted workspaces', () => {
    assert.deepEqual(ext().packageJSON.capabilities?.untrustedWorkspaces, { supported: true });
  });

  test('opening a plan activates the extension and diagnostics arrive', async () => {
    const document = await vscode.workspace.openTextDocument(fixture('diagnostics-demo.plan.md'));
    await vscode.window.showTextDocument(document);
    // By its activation event, untrusted or not.
    await waitFor('the extension to activate', () => ext().isActive);
    const diagnostics = await waitFor('planmark diagnostics', () => {
      const all = vscode.languages.getDiagnostics(document.uri).filter((d) => d.source === 'planmark');
      return all.length >= 3 ? all : undefined;
    });
    assert.deepEqual(
      [...new Set(diagnostics.map(codeOf))].sort(),
      ['dependency-cycle', 'invalid-hours', 'unknown-task'],
    );
    assert.equal(vscode.workspace.isTrusted, false, 'still untrusted');
  });

  test('navigation and the task graph work too', async () => {
    const api = await ext().activate();
    const document = await vscode.workspace.openTextDocument(fixture('commands.plan.md'));
    await vscode.window.showTextDocument(document);
    const id = await waitFor('Go to Task', () => vscode.commands.executeCommand<string | undefined>('planmark.goToTask', 'TASK_002'));
    assert.equal(id, 'TASK_002');
    assert.equal(document.getText(vscode.window.activeTextEditor!.selection), '| TASK_002 | TASK_001 | 6 |');
    assert.equal(await vscode.commands.executeCommand('planmark.showTaskGraph', document.uri), true);
    const panel = await waitFor('the graph panel', () => api.graphPanel());
    await waitFor('the webview to render the graph', () => (panel.graph?.uri === document.uri.toString() ? panel.lastRendered : undefined), 30_000);
    assert.equal(panel.lastRendered!.nodes, 3);
  });
});
