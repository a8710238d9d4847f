// Planmark: Show Task Graph — a webview panel beside the editor that follows the active plan and
// draws its task dependency graph (bundle dist/webview.js). The server computes the graph
// (TaskGraphRequest); this side only moves data and acts on validated webview messages.
import { randomBytes } from 'node:crypto';
import { homedir } from 'node:os';
import * as vscode from 'vscode';
import {
  TaskGraphRequest,
  type ExtensionToWebviewMessage,
  type GraphPayload,
  type GraphViewState,
  type TaskGraphParams,
  type WebviewToExtensionMessage,
} from '../../../shared/protocol';
import { editorFor, resolvePlan, revealRange, toRange } from '../commands/common';
import { taskIdAt } from '../logic/taskId';
import { isPlan } from '../planDocuments';
import type { PlanmarkClient } from '../planmarkClient';
import { decodePngDataUrl, exportFileName, parseViewState, parseWebviewMessage } from './messages';
import { webviewHtml } from './webviewHtml';

export const TASK_GRAPH_VIEW_TYPE = 'planmark.taskGraph';
const LAST_URI_KEY = 'planmark.taskGraph.uri';

export interface GraphPanelDeps {
  context: vscode.ExtensionContext;
  client: PlanmarkClient;
  output: vscode.LogOutputChannel;
}

function themeKind(kind: vscode.ColorThemeKind): Extract<ExtensionToWebviewMessage, { type: 'theme' }>['kind'] {
  switch (kind) {
    case vscode.ColorThemeKind.Light:
      return 'light';
    case vscode.ColorThemeKind.HighContrast:
      return 'highContrast';
    case vscode.ColorThemeKind.HighContrastLight:
      return 'highContrastLight';
    default:
      return 'dark';
  }
}

export class TaskGraphPanel implements vscode.Disposable {
  /** The one graph panel (it follows the active plan editor). */
  static current: TaskGraphPanel | undefined;

  private readonly disposables: vscode.Disposable[] = [];
  private documentUri: vscode.Uri | undefined;
  private payload: GraphPayload | undefined;
  private viewState: GraphViewState | undefined;
  private ready = false;
  private highlighted: string | null = null;
  private sequence = 0;
  private requestSource: vscode.CancellationTokenSource | undefined;
  /** Messages the webview posted, for tests (`planmark.showTaskGraph` returns the panel). */
  lastRendered: { nodes: number; edges: number; ms: number } | undefined;

  /** Opens the panel beside the editor (or reveals it) on the plan given by the argument or the active editor. */
  static async show(deps: GraphPanelDeps, arg?: unknown): Promise<TaskGraphPanel | undefined> {
    const target = await resolvePlan(arg, 'Planmark: Show Task Graph');
    if (!target) return undefined;
    if (TaskGraphPanel.current) {
      TaskGraphPanel.current.panel.reveal(vscode.ViewColumn.Beside, true);
      TaskGraphPanel.current.follow(target.document.uri);
      return TaskGraphPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(
      TASK_GRAPH_VIEW_TYPE,
      'Task Graph',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      TaskGraphPanel.webviewOptions(deps.context),
    );
    return new TaskGraphPanel(panel, deps, target.document.uri, undefined);
  }

  /** Restores a panel after a restart (WebviewPanelSerializer). */
  static async revive(panel: vscode.WebviewPanel, deps: GraphPanelDeps, state: unknown): Promise<TaskGraphPanel> {
    TaskGraphPanel.current?.dispose();
    const saved = deps.context.workspaceState.get<string>(LAST_URI_KEY);
    let uri: vscode.Uri | undefined;
    if (saved) {
      try {
        uri = vscode.Uri.parse(saved, true);
        // The server sees only open documents: open it (no editor needed) so the graph can be computed.
        if (!vscode.workspace.textDocuments.some((d) => d.uri.toString() === saved)) await vscode.workspace.openTextDocument(uri);
      } catch (error) {
        deps.output.warn(`Task graph: could not reopen ${saved}: ${String(error)}`);
        uri = undefined;
      }
    }
    const active = vscode.window.activeTextEditor?.document;
    if (!uri && active && isPlan(active)) uri = active.uri;
    const restoredState = isRecord(state) ? parseViewState(state.view ?? state) : undefined;
    return new TaskGraphPanel(panel, deps, uri, restoredState);
  }

  static webviewOptions(context: vscode.ExtensionContext): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist')],
      retainContextWhenHidden: false,
      enableFindWidget: false,
    };
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly deps: GraphPanelDeps,
    uri: vscode.Uri | undefined,
    viewState: GraphViewState | undefined,
  ) {
    TaskGraphPanel.current = this;
    this.viewState = viewState;
    panel.webview.options = TaskGraphPanel.webviewOptions(deps.context);
    panel.iconPath = vscode.Uri.joinPath(deps.context.extensionUri, 'images', 'icon.png');
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((raw: unknown) => void this.onMessage(raw)),
      panel.onDidChangeViewState((e) => {
        // Hidden webviews are torn down (retainContextWhenHidden: false); they post `ready` again.
        if (!e.webviewPanel.visible) this.ready = false;
      }),
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        if (editor && isPlan(editor.document) && editor.document.uri.toString() !== this.documentUri?.toString()) {
          this.follow(editor.document.uri);
        }
      }),
      vscode.window.onDidChangeTextEditorSelection((e) => this.onSelection(e)),
      vscode.window.onDidChangeActiveColorTheme((theme) => this.post({ type: 'theme', kind: themeKind(theme.kind) })),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('planmark.graphFocusThreshold')) this.postSettings();
      }),
      deps.client.onPlanChanged((e) => {
        if (e.uri === this.documentUri?.toString()) void this.refresh();
      }),
      deps.client.onDidStart(() => void this.refresh()),
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (d.uri.toString() === this.documentUri?.toString()) {
          this.post({ type: 'stale', reason: `${vscode.workspace.asRelativePath(d.uri)} was closed.` });
        }
      }),
    );
    this.render();
    if (uri) this.follow(uri);
    else this.updateTitle();
  }

  /** The plan the panel shows. */
  get uri(): vscode.Uri | undefined {
    return this.documentUri;
  }

  /** The last graph received from the server. */
  get graph(): GraphPayload | undefined {
    return this.payload;
  }

  /** Switches the panel to another plan and requests its graph. */
  follow(uri: vscode.Uri): void {
    if (uri.toString() !== this.documentUri?.toString()) {
      this.documentUri = uri;
      this.payload = undefined;
      this.highlighted = this.taskUnderActiveCursor();
      if (this.highlighted) this.post({ type: 'highlight', taskId: this.highlighted });
      void this.deps.context.workspaceState.update(LAST_URI_KEY, uri.toString());
      this.updateTitle();
    }
    void this.refresh();
  }

  /** planmark.graphFocusThreshold: above this many tasks the view opens focused on the cursor's task. */
  private postSettings(): void {
    const value = vscode.workspace.getConfiguration('planmark').get<number>('graphFocusThreshold');
    this.post({ type: 'settings', focusThreshold: typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 300 });
  }

  private updateTitle(): void {
    const name = this.documentUri ? this.documentUri.path.split('/').pop() : undefined;
    this.panel.title = name ? `Task Graph: ${name}` : 'Task Graph';
  }

  private render(): void {
    const webview = this.panel.webview;
    const dist = vscode.Uri.joinPath(this.deps.context.extensionUri, 'dist');
    this.ready = false;
    try {
      webview.html = webviewHtml({
        cspSource: webview.cspSource,
        nonce: randomBytes(18).toString('base64'),
        scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
        enginesScriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview-engines.js')).toString(),
        styleUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.css')).toString(),
        initialState: this.viewState,
      });
    } catch (error) {
      // Never leave a blank panel: say what went wrong (a static page, no scripts).
      this.deps.output.error(`Task graph: could not build the page: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
      webview.html =
        `<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none';"></head>` +
        `<body><p>The task graph could not be shown. Details are in the "Planmark" output.</p></body></html>`;
    }
  }

  /** Requests the graph of the followed plan and posts it (or `stale` on failure). */
  async refresh(): Promise<void> {
    const uri = this.documentUri;
    if (!uri) {
      this.post({ type: 'stale', reason: 'Open a plan to see its task graph.' });
      return;
    }
    this.requestSource?.cancel();
    const source = (this.requestSource = new vscode.CancellationTokenSource());
    const sequence = ++this.sequence;
    try {
      const params: TaskGraphParams = { uri: uri.toString() };
      const payload = await this.deps.client.request<GraphPayload | null>(TaskGraphRequest.method, params, source.token);
      if (sequence !== this.sequence) return;
      if (!payload) {
        this.post({ type: 'stale', reason: `${vscode.workspace.asRelativePath(uri)} is not a plan.` });
        return;
      }
      this.payload = payload;
      this.post({ type: 'graph', payload });
    } catch (error) {
      if (sequence !== this.sequence || source.token.isCancellationRequested) return;
      const reason = error instanceof Error ? error.message : String(error);
      this.deps.output.warn(`Task graph: request failed for ${uri.toString()}: ${reason}`);
      this.post({ type: 'stale', reason: `The graph could not be updated: ${reason}` });
    } finally {
      if (this.requestSource === source) this.requestSource = undefined;
      source.dispose();
    }
  }

  private post(message: ExtensionToWebviewMessage): void {
    // Before `ready` the page is not listening; everything is sent again on `ready`.
    if (!this.ready) return;
    void this.panel.webview.postMessage(message);
  }

  private onSelection(e: vscode.TextEditorSelectionChangeEvent): void {
    if (!this.ready || e.textEditor.document.uri.toString() !== this.documentUri?.toString()) return;
    const position = e.selections[0]?.active;
    if (!position) return;
    const taskId = this.taskAt(e.textEditor.document, position);
    if (taskId === this.highlighted) return;
    this.highlighted = taskId;
    this.post({ type: 'highlight', taskId });
  }

  /** The task ID at `position` when the graph has (or may have) that task. */
  private taskAt(document: vscode.TextDocument, position: vscode.Position): string | null {
    const pattern = vscode.workspace.getConfiguration('planmark', document.uri).get<string>('taskIdPattern');
    const id = taskIdAt(document.lineAt(position.line).text, position.character, pattern);
    return id && (!this.payload || this.payload.nodes.some((n) => n.id === id)) ? id : null;
  }

  /** The task under the cursor of the active editor when it shows the followed plan. */
  private taskUnderActiveCursor(): string | null {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.uri.toString() !== this.documentUri?.toString()) return null;
    return this.taskAt(editor.document, editor.selection.active);
  }

  private async onMessage(raw: unknown): Promise<void> {
    const parsed = parseWebviewMessage(raw);
    if (!parsed.ok) {
      this.deps.output.warn(`Task graph: ignored a webview message (${parsed.reason}).`);
      return;
    }
    try {
      await this.handle(parsed.message);
    } catch (error) {
      this.deps.output.error(`Task graph: handling "${parsed.message.type}" failed: ${String(error)}`);
      void vscode.window.showErrorMessage(`Planmark task graph: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private async handle(message: WebviewToExtensionMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.post({ type: 'theme', kind: themeKind(vscode.window.activeColorTheme.kind) });
        this.postSettings();
        if (this.payload) this.post({ type: 'graph', payload: this.payload });
        // The cursor may already be on a task when the panel opens (or the page is rebuilt).
        this.highlighted ??= this.taskUnderActiveCursor();
        if (this.highlighted) this.post({ type: 'highlight', taskId: this.highlighted });
        await this.refresh();
        return;
      case 'reveal':
        // The webview names a task, never a place: only a task of the plan shown can be revealed.
        if (!(await this.reveal(message.taskId))) {
          this.deps.output.warn(`Task graph: ignored a reveal of ${JSON.stringify(message.taskId.slice(0, 50))}, not a task of the plan shown.`);
        }
        return;
      case 'exportSvg':
        await this.save('svg', new TextEncoder().encode(message.svg));
        return;
      case 'exportPng': {
        const bytes = decodePngDataUrl(message.dataUrl);
        if (!bytes) throw new Error('the exported image is not a PNG');
        await this.save('png', bytes);
        return;
      }
      case 'copySource':
        await vscode.env.clipboard.writeText(message.source);
        void vscode.window.showInformationMessage('Mermaid source of the task graph copied to the clipboard.');
        return;
      case 'state':
        this.viewState = message.state;
        return;
      case 'rendered':
        this.lastRendered = { nodes: message.nodes, edges: message.edges, ms: message.ms };
        this.deps.output.debug(`Task graph: rendered ${message.nodes} nodes, ${message.edges} edges in ${Math.round(message.ms)} ms.`);
        return;
    }
  }

  /** Selects the task's row in the editor showing the plan (opening one when none does). */
  async reveal(taskId: string): Promise<boolean> {
    const node = this.payload?.nodes.find((n) => n.id === taskId);
    const uri = this.documentUri;
    if (!node?.range || !uri || this.payload?.uri !== uri.toString()) return false;
    const document =
      vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString()) ?? (await vscode.workspace.openTextDocument(uri));
    const visible = vscode.window.visibleTextEditors.find((e) => e.document === document);
    const editor = visible
      ? await vscode.window.showTextDocument(document, { viewColumn: visible.viewColumn, preserveFocus: false })
      : await editorFor(document);
    if (this.payload.version !== document.version) {
      // The payload is older than the text: refresh first so the range is right.
      await this.refresh();
      const fresh = this.payload?.nodes.find((n) => n.id === taskId);
      if (fresh?.range) revealRange(editor, toRange(fresh.range));
      return !!fresh?.range;
    }
    revealRange(editor, toRange(node.range));
    return true;
  }

  private async save(extension: 'svg' | 'png', bytes: Uint8Array): Promise<void> {
    const plan = this.documentUri;
    const name = exportFileName(plan?.path ?? 'plan', extension);
    const folder =
      plan?.scheme === 'file'
        ? vscode.Uri.joinPath(plan, '..')
        : (vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(homedir()));
    const target = await vscode.window.showSaveDialog({
      title: `Export Task Graph as ${extension.toUpperCase()}`,
      defaultUri: vscode.Uri.joinPath(folder, name),
      filters: extension === 'svg' ? { 'SVG image': ['svg'] } : { 'PNG image': ['png'] },
      saveLabel: 'Export',
    });
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, bytes);
    void vscode.window.showInformationMessage(`Task graph exported to ${vscode.workspace.asRelativePath(target)}.`);
  }

  dispose(): void {
    if (TaskGraphPanel.current === this) TaskGraphPanel.current = undefined;
    this.requestSource?.cancel();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/** Registers the panel's serializer so an open graph survives a window reload. */
export function registerTaskGraphSerializer(deps: GraphPanelDeps): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(TASK_GRAPH_VIEW_TYPE, {
    deserializeWebviewPanel: async (panel, state) => {
      await TaskGraphPanel.revive(panel, deps, state);
    },
  });
}
