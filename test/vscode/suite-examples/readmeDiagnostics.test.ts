// The README's first picture, taken in a real VS Code (code-server back end only) opened on
// examples/ as `npm start` opens it: examples/phase-2-billing.plan.md, a plan with deliberate
// problems, with its squiggles, a hover and the Problems panel (docs/vscode-diagnostics.png).
// Its own folder of suites so that the workspace is examples/, with default settings: the
// other example plans are other phases, so every problem shown is one of this plan's own.
//   PLANMARK_SCREENSHOT_DIR=docs node scripts/vscode-test/run.mjs --grep 'README screenshots'
// The test also checks that what the picture should show is on screen.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { PlanmarkExtensionApi } from '../../../client/src/extension';
import { queryWorkbench, runnerAvailable, screenshot, EXTENSION_ID, waitFor } from '../harness';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const codeOf = (d: vscode.Diagnostic) => String(typeof d.code === 'object' ? d.code.value : d.code);
/** Codes of the checks across plans: none of them applies to this plan among the examples. */
const WORKSPACE_CODES = ['duplicate-phase', 'duplicate-phase-name', 'phase-overlap', 'created-after-start', 'unknown-external-task', 'schedule-overrun'];

suite('README screenshots (examples/)', function () {
  let api: PlanmarkExtensionApi;

  suiteSetup(async function () {
    if (!runnerAvailable()) this.skip();
    const ext = vscode.extensions.getExtension<PlanmarkExtensionApi>(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is installed`);
    api = await ext.activate();
    const workbench = vscode.workspace.getConfiguration('workbench');
    await workbench.update('colorTheme', 'Default Dark Modern', vscode.ConfigurationTarget.Global);
    await waitFor('the dark theme', () => vscode.window.activeColorTheme.kind === vscode.ColorThemeKind.Dark);
    // The hover opens below the line, so the squiggles above it stay visible.
    await vscode.workspace.getConfiguration('editor').update('hover.above', false, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('editor').update('stickyScroll.enabled', false, vscode.ConfigurationTarget.Global);
  });

  suiteTeardown(async () => {
    await vscode.workspace.getConfiguration('workbench').update('colorTheme', undefined, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('editor').update('hover.above', undefined, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('editor').update('stickyScroll.enabled', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.action.closePanel');
  });

  test('diagnostics of examples/phase-2-billing.plan.md: squiggles, a hover and the Problems panel', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    await vscode.commands.executeCommand('workbench.action.closeAuxiliaryBar');
    await vscode.commands.executeCommand('notifications.clearAll');
    const [uri] = await vscode.workspace.findFiles('phase-2-billing.plan.md');
    assert.ok(uri, 'examples/phase-2-billing.plan.md is in the workspace');
    const document = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.One });
    // The whole workspace read (the other examples are other phases), then this plan's problems.
    const plans = await waitFor('the examples indexed', async () => {
      const result = await api.plansView.refresh();
      return result && !result.indexing && result.plans.length > 0 ? result.plans : undefined;
    });
    assert.ok(plans.some((p) => p.uri === uri.toString()), JSON.stringify(plans.map((p) => p.uri)));
    const diagnostics = await waitFor('the plan\'s diagnostics', () => {
      const all = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'planmark');
      return all.some((d) => codeOf(d) === 'unknown-task') ? all : undefined;
    });
    const codes = new Set(diagnostics.map(codeOf));
    for (const code of ['unknown-task', 'duplicate-task', 'dependency-cycle', 'self-dependency', 'invalid-hours', 'invalid-date', 'date-order', 'graph-missing-edge', 'table-missing-edge']) {
      assert.ok(codes.has(code), `${code} in ${[...codes].join(', ')}`);
    }
    assert.deepEqual(WORKSPACE_CODES.filter((c) => codes.has(c)), [], 'no finding across plans: every problem shown is the plan\'s own');

    await vscode.commands.executeCommand('workbench.actions.view.problems');
    await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.One, preserveFocus: false });
    // The end of the mermaid graph and the task table (with most of the problems) in view.
    const lines = document.getText().split(/\r?\n/);
    const top = lines.findIndex((l) => l.startsWith('```mermaid')) + 5;
    editor.revealRange(new vscode.Range(top, 0, top, 0), vscode.TextEditorRevealType.AtTop);
    const row = lines.findIndex((l) => l.startsWith('| TASK_004 |') && l.includes('TASK_009'));
    const col = lines[row].indexOf('TASK_009') + 3;
    editor.selection = new vscode.Selection(row, col, row, col);
    await sleep(300);
    await vscode.commands.executeCommand('editor.action.showHover');
    const hover = await waitFor('the hover on TASK_009', async () => {
      const text = await queryWorkbench<string | null>(
        `(() => { const h = [...document.querySelectorAll('.monaco-hover')].find((e) => e.offsetParent && /TASK_009/.test(e.textContent || '')); return h ? h.textContent : null; })()`,
      );
      return text ?? undefined;
    });
    assert.match(hover, /no row in the task table/);
    const problems = await queryWorkbench<string>(`(() => { const p = document.querySelector('.markers-panel'); return p ? p.textContent : ''; })()`);
    assert.match(problems, /phase-2-billing\.plan\.md/);
    assert.match(problems, /TASK_009/);
    await vscode.commands.executeCommand('notifications.clearAll');
    await sleep(300);
    await screenshot('vscode-diagnostics');
    await vscode.commands.executeCommand('editor.action.hideHover').then(undefined, () => undefined);
  });
});
