// The Plans view in the Explorer, in a real VS Code, on the suite's workspace (test/fixtures),
// which holds the three phases of test/fixtures/workspace among other plans.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { PlanmarkExtensionApi } from '../../../client/src/extension';
import type { PlansNode } from '../../../client/src/plans/plansView';
import { EXTENSION_ID, queryWorkbench, runnerAvailable, waitFor } from '../harness';

const PHASES = ['phase-1-accounts.plan.md', 'phase-2-billing.plan.md', 'phase-3-reports.plan.md'];

suite('Plans view', () => {
  let api: PlanmarkExtensionApi;
  let root: vscode.Uri;
  const fixture = (name: string) => vscode.Uri.joinPath(root, 'test', 'fixtures', 'workspace', 'docs', 'plans', name);
  const isPhase = (node: PlansNode, name: string) => node.type === 'plan' && node.plan.uri === fixture(name).toString();

  suiteSetup(async () => {
    const ext = vscode.extensions.getExtension<PlanmarkExtensionApi>(EXTENSION_ID)!;
    api = await ext.activate();
    root = ext.extensionUri;
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // Opening the view is enough: it starts the language server, which reads the workspace.
    await vscode.commands.executeCommand('planmark.plans.focus');
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  /** The workspace fixture's three plan nodes, once the index has them all. */
  async function phaseNodes(): Promise<PlansNode[]> {
    return waitFor('the three phases in the Plans view', () => {
      const nodes = api.plansView.getChildren();
      const phases = PHASES.map((name) => nodes.find((n) => isPhase(n, name)));
      return api.plansView.result?.indexing === false && phases.every(Boolean) ? (phases as PlansNode[]) : undefined;
    }, 60_000);
  }

  test('shows every phase in order with its dates, tasks, hours and problems', async () => {
    const phases = await phaseNodes();
    const all = api.plansView.getChildren();
    const order = phases.map((p) => all.indexOf(p));
    assert.deepEqual([...order].sort((a, b) => a - b), order, 'Phase 1, 2, 3 in this order');
    const items = phases.map((p) => api.plansView.getTreeItem(p));
    assert.deepEqual(items.map((i) => i.label), ['Phase 1: User Accounts', 'Phase 2: Billing', 'Phase 3: Reports']);
    assert.match(String(items[0].description), /^2026-01-12 → 2026-02-20 · 5 tasks · 40 h/);
    // Phase 3 starts before Phase 2 ends.
    assert.match(String(items[2].description), /^2026-03-23 → 2026-05-01 · 5 tasks · 40 h · \d+ warnings?$/);
  });

  test('expands to steps and tasks, and a click reveals the task in its plan', async () => {
    const [, , reports] = await phaseNodes();
    const steps = api.plansView.getChildren(reports);
    assert.deepEqual(steps.map((s) => api.plansView.getTreeItem(s).label), ['Step 1: Foundation Setup', 'Step 2: Core Functionality', 'Step 3: Integration & Testing']);
    const tasks = api.plansView.getChildren(steps[1]);
    const items = tasks.map((t) => api.plansView.getTreeItem(t));
    assert.deepEqual(items.map((i) => i.label), ['TASK_023', 'TASK_024']);
    assert.equal(items[0].description, '10 h · after TASK_021, TASK_022');
    const command = items[0].command!;
    await vscode.commands.executeCommand(command.command, ...(command.arguments ?? []));
    const editor = await waitFor('the plan open at TASK_023', () => {
      const e = vscode.window.activeTextEditor;
      return e?.document.uri.toString() === fixture('phase-3-reports.plan.md').toString() ? e : undefined;
    });
    assert.equal(editor.document.getText(editor.selection), 'TASK_023');
    assert.equal(editor.selection.start.line, 115);
  });

  test('refreshes live: an unsaved plan appears, and follows its edits', async () => {
    const text = (await vscode.workspace.fs.readFile(fixture('phase-3-reports.plan.md'))).toString()
      .replace('Phase 3 - Reports', 'Phase 5 - Exports')
      .replace('- **Phase:** 3', '- **Phase:** 5')
      .replace('- **Phase Name:** Reports', '- **Phase Name:** Exports')
      .replace('- **Target Start:** 2026-03-23', '- **Target Start:** 2026-06-01');
    const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: text });
    await vscode.window.showTextDocument(document);
    const exportsItem = () => {
      const node = api.plansView.getChildren().find((n) => n.type === 'plan' && n.plan.uri === document.uri.toString());
      return node && api.plansView.getTreeItem(node);
    };
    try {
      const item = await waitFor('the unsaved plan in the Plans view', () => exportsItem());
      assert.equal(item.label, 'Phase 5: Exports');
      assert.match(String(item.description), /^2026-06-01 → 2026-05-01/);
      const at = document.getText().indexOf('2026-06-01');
      const edit = new vscode.WorkspaceEdit();
      edit.replace(document.uri, new vscode.Range(document.positionAt(at), document.positionAt(at + 10)), '2026-04-13');
      assert.ok(await vscode.workspace.applyEdit(edit));
      await waitFor('the new Target Start in the Plans view', () => String(exportsItem()?.description ?? '').startsWith('2026-04-13 → 2026-05-01') || undefined);
    } finally {
      await vscode.window.showTextDocument(document);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
    await waitFor('the closed plan gone from the Plans view', () => (exportsItem() ? undefined : true));
  });

  test('the view is drawn in the Explorer', async function () {
    if (!runnerAvailable()) this.skip();
    await phaseNodes();
    await vscode.commands.executeCommand('planmark.plans.focus');
    let last: string[] = [];
    const rows = await waitFor('the Plans view rows', async () => {
      last = await queryWorkbench<string[]>(
        `[...document.querySelectorAll('.pane-header, .monaco-list-row')].map((r) => (r.getAttribute('aria-label') || '') + ' | ' + (r.textContent || ''))`,
      );
      // The list draws the rows in view: the first phases.
      return last.some((l) => l.includes('Phase 1: User Accounts')) ? last : undefined;
    }, 30_000).catch((error: Error) => {
      throw new Error(`${error.message}\n${last.join('\n')}`);
    });
    assert.ok(rows.some((l) => l.includes('Plans')), rows.join('\n'));
    assert.ok(rows.some((l) => /Phase 1: User Accounts.*2026-01-12 → 2026-02-20 · 5 tasks · 40 h/.test(l)), rows.join('\n'));
  });

  test('Show Timeline opens a mermaid gantt of the phases', async () => {
    await phaseNodes();
    await vscode.commands.executeCommand('planmark.showTimeline');
    const editor = await waitFor('the timeline document', () => {
      const e = vscode.window.activeTextEditor;
      return e?.document.isUntitled && e.document.getText().includes('```mermaid\ngantt') ? e : undefined;
    });
    assert.match(editor.document.getText(), /\n {2}section Phase 3 Reports\n {4}Target dates :p\d+, 2026-03-23, 2026-05-02\n/);
    assert.match(await vscode.env.clipboard.readText(), /^gantt\n/);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
