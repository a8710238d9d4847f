// Pictures of the README, taken in a real VS Code (code-server back end only):
//   graph-beside-plan-dark.png    the task graph beside the plan, Default Dark Modern
//   graph-beside-plan-light.png   the same, Default Light Modern
// (vscode-diagnostics.png, a plan of examples/ with its problems, is taken in the examples/
// workspace: test/vscode/suite-examples/.)
// They go to out/screenshots/ (PLANMARK_SCREENSHOT_DIR=docs refreshes the docs' copies):
//   PLANMARK_SCREENSHOT_DIR=docs node scripts/vscode-test/run.mjs --grep 'README screenshots'
// The tests also check that what the pictures should show is on screen.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { PlanmarkExtensionApi } from '../../../client/src/extension';
import { runnerAvailable, screenshot, waitForWebview, EXTENSION_ID, waitFor } from '../harness';



const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function setTheme(name: string | undefined, kind?: vscode.ColorThemeKind): Promise<void> {
  await vscode.workspace.getConfiguration('workbench').update('colorTheme', name, vscode.ConfigurationTarget.Global);
  if (kind !== undefined) await waitFor(`the ${name} theme`, () => vscode.window.activeColorTheme.kind === kind);
}

/** Editor settings for tidy pictures (restored by the suite's teardown). */
const EDITOR_SETTINGS: Record<string, unknown> = {
  'stickyScroll.enabled': false,
  // The hover opens below the line, so the squiggles above it stay visible.
  'hover.above': false,
};

async function setEditorSettings(values: Record<string, unknown> | undefined): Promise<void> {
  const editor = vscode.workspace.getConfiguration('editor');
  for (const key of Object.keys(EDITOR_SETTINGS)) {
    await editor.update(key, values ? values[key] : undefined, vscode.ConfigurationTarget.Global);
  }
}

/** Scrolls `line` to the top of the editor. */
function scrollToTop(editor: vscode.TextEditor, line: number): void {
  editor.revealRange(new vscode.Range(line, 0, line, 0), vscode.TextEditorRevealType.AtTop);
}

suite('README screenshots', function () {
  let api: PlanmarkExtensionApi;
  let ext: vscode.Extension<PlanmarkExtensionApi>;
  const fixture = (name: string) => vscode.Uri.joinPath(ext.extensionUri, 'test', 'fixtures', 'vscode', name);

  /** A clean stage: no editors, no panel, no sidebar, no notifications. */
  async function clearStage(): Promise<void> {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.action.closePanel');
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    await vscode.commands.executeCommand('workbench.action.closeAuxiliaryBar');
    await vscode.commands.executeCommand('notifications.clearAll');
  }

  suiteSetup(async function () {
    if (!runnerAvailable()) this.skip();
    ext = vscode.extensions.getExtension<PlanmarkExtensionApi>(EXTENSION_ID)!;
    assert.ok(ext, `extension ${EXTENSION_ID} is installed`);
    api = await ext.activate();
    await setEditorSettings(EDITOR_SETTINGS);
  });

  suiteTeardown(async () => {
    if (!ext) return;
    await setTheme(undefined);
    await setEditorSettings(undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.action.closePanel');
    await vscode.commands.executeCommand('workbench.view.explorer');
  });

  for (const [theme, kind, name] of [
    ['Default Dark Modern', vscode.ColorThemeKind.Dark, 'graph-beside-plan-dark'],
    ['Default Light Modern', vscode.ColorThemeKind.Light, 'graph-beside-plan-light'],
  ] as const) {
    test(`the task graph beside the plan (${theme})`, async () => {
      await setTheme(theme, kind);
      await clearStage();
      const document = await vscode.workspace.openTextDocument(fixture('showcase.plan.md'));
      const editor = await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.One });
      const lines = document.getText().split(/\r?\n/);
      scrollToTop(editor, lines.findIndex((l) => l === '## Task Breakdown with Dependencies'));
      // The cursor on TASK_007's row (off the critical path): the graph highlights that node.
      const row = lines.findIndex((l) => l.startsWith('| TASK_007 |'));
      editor.selection = new vscode.Selection(row, 4, row, 4);
      assert.equal(await vscode.commands.executeCommand('planmark.showTaskGraph', document.uri), true);
      const panel = await waitFor('the graph panel', () => api.graphPanel());
      await waitFor('the graph of showcase.plan.md', () => panel.graph?.uri === document.uri.toString());
      // Drawn for this plan, in this theme.
      const bodyClass = kind === vscode.ColorThemeKind.Dark ? 'vscode-dark' : 'vscode-light';
      const drawn = await waitForWebview<number>(
        `(() => { if (!document.body.classList.contains('${bodyClass}')) return null; const s = document.querySelector('.pm-canvas svg'); if (!s || !/User Accounts/.test(s.getAttribute('aria-label') || '')) return null; return s.querySelectorAll('g.node').length; })()`,
      );
      assert.equal(drawn, 8);
      await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.One, preserveFocus: false });
      const highlighted = await waitForWebview<string>(`(() => { const e = document.querySelector('.pm-highlight'); return e ? e.textContent : null; })()`);
      assert.match(highlighted, /TASK_007/);
      // Let the theme switch and the fit animation settle.
      await sleep(800);
      await vscode.commands.executeCommand('notifications.clearAll');
      await screenshot(name);
    });
  }
});
