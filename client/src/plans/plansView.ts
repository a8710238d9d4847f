// The Plans view in the Explorer: every plan of the workspace in phase order, with its dates,
// tasks, hours, progress and problems, expanding to its steps and their tasks. It shows what the
// server's workspace index says (planmark/workspacePlans) and refreshes when the server says a
// plan changed. Clicking an item opens the plan at that line.
import * as vscode from 'vscode';
import {
  WorkspacePlansRequest,
  type WorkspacePlansResult,
  type WorkspaceStep,
  type WorkspaceTask,
} from '../../../shared/protocol';
import { toRange } from '../commands/common';
import type { PlanmarkClient } from '../planmarkClient';
import { describePlan, describeStep, describeTask } from './describe';

export const PLANS_VIEW_ID = 'planmark.plans';

type WirePlan = WorkspacePlansResult['plans'][number];

export type PlansNode =
  | { type: 'plan'; plan: WirePlan }
  | { type: 'step'; plan: WirePlan; step: WorkspaceStep; index: number }
  | { type: 'unscheduled'; plan: WirePlan; tasks: WorkspaceTask[] }
  | { type: 'task'; plan: WirePlan; task: WorkspaceTask };

export class PlansView implements vscode.TreeDataProvider<PlansNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<PlansNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];
  readonly treeView: vscode.TreeView<PlansNode>;
  /** The last answer from the server, for tests. */
  result: WorkspacePlansResult | undefined;
  private loading: Promise<WorkspacePlansResult | undefined> | undefined;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private cancel: vscode.CancellationTokenSource | undefined;
  private readonly loaded = new vscode.EventEmitter<WorkspacePlansResult>();
  /** Fires after each answer from the server has been shown. */
  readonly onDidLoad = this.loaded.event;

  constructor(private readonly client: PlanmarkClient) {
    this.treeView = vscode.window.createTreeView(PLANS_VIEW_ID, { treeDataProvider: this, showCollapseAll: true });
    this.disposables.push(
      this.treeView,
      this.changed,
      this.loaded,
      // The server starts on the first plan opened; a visible Plans view needs it too.
      this.treeView.onDidChangeVisibility((e) => {
        if (e.visible) this.refresh();
      }),
      client.onWorkspacePlansChanged(() => this.scheduleRefresh()),
      client.onDidStart(() => this.scheduleRefresh()),
    );
    if (this.treeView.visible) this.refresh();
  }

  private scheduleRefresh(): void {
    if (!this.treeView.visible && !this.result) return;
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => this.refresh(), 100);
  }

  /** Asks the server again and redraws. */
  refresh(): Promise<WorkspacePlansResult | undefined> {
    this.cancel?.cancel();
    const source = (this.cancel = new vscode.CancellationTokenSource());
    const loading = this.client.request<WorkspacePlansResult>(WorkspacePlansRequest.method, {}, source.token).then(
      (result) => {
        if (source.token.isCancellationRequested) return undefined;
        this.result = result;
        this.treeView.message = result.indexing
          ? 'Reading the plans of the workspace…'
          : result.plans.length === 0
            ? 'No plans in this workspace yet.'
            : undefined;
        this.changed.fire(undefined);
        this.loaded.fire(result);
        return result;
      },
      (error: unknown) => {
        if (!source.token.isCancellationRequested) this.client.output.warn(`Plans view: ${error instanceof Error ? error.message : String(error)}`);
        return undefined;
      },
    );
    this.loading = loading;
    return loading;
  }

  getTreeItem(node: PlansNode): vscode.TreeItem {
    const uri = vscode.Uri.parse(node.plan.uri, true);
    const open = (range?: WorkspaceTask['range']): vscode.Command => ({
      title: 'Open',
      command: 'vscode.open',
      arguments: [uri, range ? { selection: toRange(range), preview: true } : { preview: true }],
    });
    switch (node.type) {
      case 'plan': {
        const text = describePlan(node.plan);
        const item = new vscode.TreeItem(node.plan.label, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `plan:${node.plan.uri}`;
        item.description = text.description;
        item.tooltip = new vscode.MarkdownString(text.tooltip);
        item.resourceUri = uri;
        item.iconPath = new vscode.ThemeIcon(text.icon, text.iconColor ? new vscode.ThemeColor(text.iconColor) : undefined);
        item.contextValue = 'planmark.plan';
        item.command = open(node.plan.phase?.range ?? node.plan.steps[0]?.range);
        return item;
      }
      case 'step': {
        const text = describeStep(node.plan, node.step);
        const item = new vscode.TreeItem(node.step.title, node.step.tasks.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
        item.id = `step:${node.plan.uri}#${node.index}`;
        item.description = text.description;
        item.iconPath = new vscode.ThemeIcon('list-ordered');
        item.command = open(node.step.range);
        return item;
      }
      case 'unscheduled': {
        const item = new vscode.TreeItem('Tasks in no step', vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `unscheduled:${node.plan.uri}`;
        item.description = `${node.tasks.length}`;
        item.iconPath = new vscode.ThemeIcon('question');
        return item;
      }
      case 'task': {
        const text = describeTask(node.task);
        const item = new vscode.TreeItem(node.task.id, vscode.TreeItemCollapsibleState.None);
        item.id = `task:${node.plan.uri}#${node.task.id}`;
        item.description = text.description;
        item.tooltip = text.tooltip;
        item.iconPath = new vscode.ThemeIcon(text.icon);
        item.command = open(node.task.range);
        return item;
      }
    }
  }

  getChildren(node?: PlansNode): PlansNode[] {
    if (!node) return (this.result?.plans ?? []).map((plan) => ({ type: 'plan', plan }));
    const byId = new Map(node.plan.tasks.map((t) => [t.id, t]));
    if (node.type === 'plan') {
      const steps: PlansNode[] = node.plan.steps.map((step, index) => ({ type: 'step', plan: node.plan, step, index }));
      const scheduled = new Set(node.plan.steps.flatMap((s) => s.tasks));
      const rest = node.plan.tasks.filter((t) => !scheduled.has(t.id));
      if (steps.length === 0) return rest.map((task) => ({ type: 'task', plan: node.plan, task }));
      if (rest.length) steps.push({ type: 'unscheduled', plan: node.plan, tasks: rest });
      return steps;
    }
    if (node.type === 'step') {
      return node.step.tasks.flatMap((id) => {
        const task = byId.get(id);
        return task ? [{ type: 'task' as const, plan: node.plan, task }] : [];
      });
    }
    if (node.type === 'unscheduled') return node.tasks.map((task) => ({ type: 'task', plan: node.plan, task }));
    return [];
  }

  getParent(node: PlansNode): PlansNode | undefined {
    if (node.type === 'plan') return undefined;
    if (node.type === 'task') {
      const index = node.plan.steps.findIndex((s) => s.tasks.includes(node.task.id));
      if (index >= 0) return { type: 'step', plan: node.plan, step: node.plan.steps[index], index };
    }
    return { type: 'plan', plan: node.plan };
  }

  dispose(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.cancel?.cancel();
    for (const d of this.disposables) d.dispose();
  }
}
