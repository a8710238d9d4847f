// Language features of the Planmark server, through the real VS Code APIs: diagnostics,
// completion, definition, rename, hover, the status bar summary and the lazy server start.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { PlanSummaryRequest, TestUncaughtExceptionNotification, type PlanSummary } from '../../../shared/protocol';
import type { PlanmarkExtensionApi } from '../../../client/src/extension';
import { EXTENSION_ID, waitFor } from '../harness';


async function extensionApi(): Promise<{ api: PlanmarkExtensionApi; root: vscode.Uri }> {
  const ext = vscode.extensions.getExtension<PlanmarkExtensionApi>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is installed`);
  const api = await ext.activate();
  return { api, root: ext.extensionUri };
}

function fixture(root: vscode.Uri, name: string): vscode.Uri {
  return vscode.Uri.joinPath(root, 'test', 'fixtures', 'vscode', name);
}


/** Position of the n-th (0-based) occurrence of `needle` in the document, plus `delta` characters. */
function positionOf(document: vscode.TextDocument, needle: string, nth = 0, delta = 0): vscode.Position {
  const text = document.getText();
  let index = -1;
  for (let i = 0; i <= nth; i++) {
    index = text.indexOf(needle, index + 1);
    assert.ok(index >= 0, `"${needle}" #${i} is in ${document.uri.path}`);
  }
  return document.positionAt(index + delta);
}

const codeOf = (d: vscode.Diagnostic) => (typeof d.code === 'object' ? String(d.code.value) : String(d.code));

suite('Planmark language features', () => {
  let api: PlanmarkExtensionApi;
  let root: vscode.Uri;
  let document: vscode.TextDocument;

  suiteSetup(async () => {
    ({ api, root } = await extensionApi());
    document = await vscode.workspace.openTextDocument(fixture(root, 'features.plan.md'));
    await vscode.window.showTextDocument(document);
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('the server starts once a plan is open', async () => {
    await waitFor('the language server to start', () => api.client.isStarted);
    const summary = await waitFor('a plan summary', () =>
      api.client.request<PlanSummary | null>(PlanSummaryRequest.method, { uri: document.uri.toString() }),
    );
    assert.equal(summary.taskCount, 3);
  });

  test('diagnostics arrive, with planmark codes and the right range', async () => {
    const diagnostics = await waitFor('an unknown-task diagnostic', () => {
      const all = vscode.languages.getDiagnostics(document.uri);
      return all.some((d) => codeOf(d) === 'unknown-task') ? all : undefined;
    });
    const unknown = diagnostics.find((d) => codeOf(d) === 'unknown-task')!;
    assert.equal(unknown.source, 'planmark');
    assert.equal(unknown.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(document.getText(unknown.range), 'TASK_099');
    assert.match(unknown.message, /TASK_099/);
  });

  test('a diagnostic severity setting takes effect, and off removes the code', async () => {
    const config = vscode.workspace.getConfiguration('planmark');
    const before = config.inspect('diagnostics')?.globalValue;
    try {
      await config.update('diagnostics', { 'unknown-task': 'hint' }, vscode.ConfigurationTarget.Global);
      await waitFor('unknown-task as a hint', () =>
        vscode.languages.getDiagnostics(document.uri).find((d) => codeOf(d) === 'unknown-task' && d.severity === vscode.DiagnosticSeverity.Hint),
      );
      await config.update('diagnostics', { 'unknown-task': 'off' }, vscode.ConfigurationTarget.Global);
      await waitFor('no unknown-task diagnostic', () => !vscode.languages.getDiagnostics(document.uri).some((d) => codeOf(d) === 'unknown-task'));
    } finally {
      await config.update('diagnostics', before, vscode.ConfigurationTarget.Global);
    }
    await waitFor('unknown-task back as an error', () =>
      vscode.languages.getDiagnostics(document.uri).find((d) => codeOf(d) === 'unknown-task' && d.severity === vscode.DiagnosticSeverity.Error),
    );
  });

  test('completion offers task IDs in a Depends On cell', async () => {
    // Right after "TASK_" in the TASK_003 row's Depends On cell ("| TASK_002, TASK_099 |").
    const position = positionOf(document, 'TASK_002, TASK_099', 0, 'TASK_'.length);
    const list = await waitFor('completion items', async () => {
      const result = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', document.uri, position);
      return result && result.items.length ? result : undefined;
    });
    const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    assert.ok(labels.includes('TASK_001'), `TASK_001 is offered (got ${labels.slice(0, 20).join(', ')})`);
    assert.ok(!labels.includes('TASK_003'), 'a task is not offered as its own dependency');
  });

  test('go to definition jumps from a reference to the task row', async () => {
    // TASK_001 in the TASK_002 row's Depends On cell: "| TASK_002 | TASK_001 |".
    const position = positionOf(document, '| TASK_002 | TASK_001', 0, '| TASK_002 | '.length + 2);
    const locations = await waitFor('a definition', async () => {
      const result = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>(
        'vscode.executeDefinitionProvider',
        document.uri,
        position,
      );
      return result && result.length ? result : undefined;
    });
    assert.equal(locations.length, 1);
    const location = locations[0];
    const range = 'targetRange' in location ? (location.targetSelectionRange ?? location.targetRange) : location.range;
    const uri = 'targetUri' in location ? location.targetUri : location.uri;
    assert.equal(uri.toString(), document.uri.toString());
    assert.equal(document.lineAt(range.start.line).text.startsWith('| TASK_001 | None'), true, 'lands on the TASK_001 row');
    assert.equal(document.getText(range), 'TASK_001');
  });

  test('rename changes every mention of a task and nothing else', async () => {
    const position = positionOf(document, '| TASK_002 |', 0, 4);
    const edit = await waitFor('a rename edit', () =>
      vscode.commands.executeCommand<vscode.WorkspaceEdit>('vscode.executeDocumentRenameProvider', document.uri, position, 'TASK_020'),
    );
    const edits = edit.get(document.uri);
    const mentions = document.getText().split('TASK_002').length - 1;
    assert.equal(edits.length, mentions, `one edit per mention of TASK_002 (${mentions})`);
    for (const e of edits) {
      assert.equal(document.getText(e.range), 'TASK_002');
      assert.equal(e.newText, 'TASK_020');
    }
    assert.deepEqual(edit.entries().map(([uri]) => uri.toString()), [document.uri.toString()]);
  });

  test('rename refuses a name that is not a task ID', async () => {
    const position = positionOf(document, '| TASK_002 |', 0, 4);
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('vscode.executeDocumentRenameProvider', document.uri, position, 'not an id')),
    );
  });

  test('hover describes a task', async () => {
    const position = positionOf(document, '| TASK_002 |', 0, 4);
    const hovers = await waitFor('a hover', async () => {
      const result = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, position);
      return result && result.length ? result : undefined;
    });
    const text = hovers
      .flatMap((h) => h.contents)
      .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
      .join('\n');
    assert.match(text, /TASK_002/);
    assert.match(text, /6/, 'shows the estimated hours');
    assert.match(text, /TASK_001/, 'shows the dependency');
  });

  test('document symbols and folding ranges are provided', async () => {
    const symbols = await waitFor('document symbols', async () => {
      const result = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', document.uri);
      return result && result.length ? result : undefined;
    });
    // Several providers answer (VS Code's own Markdown one too): look through every tree.
    const flatten = (list: vscode.DocumentSymbol[]): vscode.DocumentSymbol[] => list.flatMap((s) => [s, ...flatten(s.children ?? [])]);
    const all = flatten(symbols);
    const task = all.find((s) => s.name === 'TASK_001');
    assert.ok(task, `a symbol for TASK_001 (got ${all.map((s) => s.name).join(', ')})`);
    assert.equal(document.getText(task.selectionRange), 'TASK_001');
    const folds = await vscode.commands.executeCommand<vscode.FoldingRange[]>('vscode.executeFoldingRangeProvider', document.uri);
    assert.ok(folds && folds.length > 0);
  });

  test('the status bar summary follows the active plan', async () => {
    await vscode.window.showTextDocument(document);
    const summary = await waitFor('the status bar summary', () =>
      api.statusBar.lastSummary?.uri === document.uri.toString() ? api.statusBar.lastSummary : undefined,
    );
    assert.equal(summary.taskCount, 3);
    assert.ok(summary.errors >= 1, 'the unknown task counts as an error');
    assert.equal(summary.criticalPathHours, 15);
    assert.equal(api.planContext.value, true);
  });

  test('a Markdown file that is not a plan gets no diagnostics and no status', async () => {
    const notes = await vscode.workspace.openTextDocument(fixture(root, 'not-a-plan.md'));
    await vscode.window.showTextDocument(notes);
    await waitFor('planmark.isPlan to turn false', () => api.planContext.value === false);
    await new Promise((r) => setTimeout(r, 1000));
    assert.deepEqual(
      vscode.languages.getDiagnostics(notes.uri).filter((d) => d.source === 'planmark'),
      [],
    );
    assert.equal(api.statusBar.lastSummary, undefined);
  });
  // Last in this suite: it kills the server.
  // Killed first; then an uncaught exception, on which the server exits so that it is restarted.
  test('a crashed server (killed, or an uncaught exception) is restarted and the user is told once', async () => {
    await vscode.window.showTextDocument(document);
    const uri = document.uri.toString();
    const summary = () => api.client.request<PlanSummary | null>(PlanSummaryRequest.method, { uri });
    for (let crash = 1; crash <= 2; crash++) {
      const pid = await waitFor('the server process', () => api.client.serverPid);
      if (crash === 1) process.kill(pid, 'SIGKILL');
      else await api.client.notify(TestUncaughtExceptionNotification);
      const next = await waitFor('a restarted server', () => {
        const p = api.client.serverPid;
        return p !== undefined && p !== pid ? p : undefined;
      });
      assert.notEqual(next, pid);
      const restarted = await waitFor('a summary from the restarted server', summary);
      assert.equal(restarted.taskCount, 3);
      assert.equal(api.client.crashNotices, 1, `told once after crash ${crash}`);
    }
    await waitFor('diagnostics again after the restart', () =>
      vscode.languages.getDiagnostics(document.uri).some((d) => codeOf(d) === 'unknown-task'),
    );
  });
});
