// Planmark extension entry point. Activation (on any Markdown file) stays cheap: the language
// server starts only once a plan document is open (see PlanmarkClient).
import * as vscode from 'vscode';
import { newPlan } from './commands/newPlan';
import { addTask, goToTask, insertSection, syncDependencies } from './commands/planCommands';
import { registerTaskGraphSerializer, TaskGraphPanel, type GraphPanelDeps } from './graph/graphPanel';
import { showTimeline } from './commands/timeline';
import { PlanContextKey } from './planDocuments';
import { PlansView } from './plans/plansView';
import { PlanmarkClient } from './planmarkClient';
import { PlanStatusBar } from './statusBar';

/** What `activate` returns: used by the VS Code tests, not a stable API. */
export interface PlanmarkExtensionApi {
  client: PlanmarkClient;
  statusBar: PlanStatusBar;
  planContext: PlanContextKey;
  graphPanel(): TaskGraphPanel | undefined;
  plansView: PlansView;
}

let planmarkClient: PlanmarkClient | undefined;

export function activate(context: vscode.ExtensionContext): PlanmarkExtensionApi {
  const output = vscode.window.createOutputChannel('Planmark', { log: true });
  const client = new PlanmarkClient(context, output);
  planmarkClient = client;
  const planContext = new PlanContextKey();
  const statusBar = new PlanStatusBar(client, planContext);
  // A document can become a plan after it was opened (a new file given the plan title).
  planContext.onDidChange(() => {
    if (planContext.value && !client.isStarted) void client.start().catch(() => undefined);
  }, undefined, context.subscriptions);
  const graphDeps: GraphPanelDeps = { context, client, output };
  const plansView = new PlansView(client);

  const register = (id: string, run: (...args: unknown[]) => unknown) => vscode.commands.registerCommand(id, run);
  context.subscriptions.push(
    output,
    client,
    planContext,
    statusBar,
    register('planmark.newPlan', (arg) => newPlan(context, arg)),
    register('planmark.insertSection', (arg) => insertSection(client, arg)),
    register('planmark.addTask', (arg) => addTask(client, arg)),
    register('planmark.goToTask', (arg) => goToTask(client, arg)),
    register('planmark.syncGraphFromTable', (arg) => syncDependencies(client, 'graphFromTable', arg)),
    register('planmark.syncTableFromGraph', (arg) => syncDependencies(client, 'tableFromGraph', arg)),
    register('planmark.showTaskGraph', async (arg) => {
      const panel = await TaskGraphPanel.show(graphDeps, arg);
      return panel !== undefined;
    }),
    registerTaskGraphSerializer(graphDeps),
    plansView,
    register('planmark.refreshPlans', () => plansView.refresh()),
    register('planmark.showTimeline', () => showTimeline(client)),
    { dispose: () => TaskGraphPanel.current?.dispose() },
  );

  return { client, statusBar, planContext, graphPanel: () => TaskGraphPanel.current, plansView };
}

export async function deactivate(): Promise<void> {
  await planmarkClient?.stop();
  planmarkClient = undefined;
}
