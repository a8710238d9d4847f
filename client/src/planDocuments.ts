// Which open documents are plans, from the client's side, and the `planmark.isPlan` context key.
import * as vscode from 'vscode';
import { isPlanDocument } from '../../shared/planFiles';
import { DEFAULT_SETTINGS, resolveSettings } from '../../shared/settings';

/** Schemes the language server is given documents for (see the client's documentSelector). */
export const PLAN_SCHEMES: readonly string[] = ['file', 'untitled'];

export function planGlobs(uri?: vscode.Uri): string[] {
  const value = vscode.workspace.getConfiguration('planmark', uri).get<unknown>('files');
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : DEFAULT_SETTINGS.files;
}

/** planmark.kinds for a document, as the server resolves it. */
export function planKinds(uri?: vscode.Uri) {
  return resolveSettings({ kinds: vscode.workspace.getConfiguration('planmark', uri).get<unknown>('kinds') }).kinds;
}

/** The same rule the server applies (shared/planFiles.ts), for a Markdown document we sync to it. */
export function isPlan(document: vscode.TextDocument | undefined): boolean {
  if (!document || document.languageId !== 'markdown' || !PLAN_SCHEMES.includes(document.uri.scheme)) return false;
  const path = document.uri.scheme === 'file' ? document.uri.fsPath : document.uri.path;
  const roots = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
  return isPlanDocument(path, document.getText(), planGlobs(document.uri), roots, planKinds(document.uri));
}

/**
 * The editor plan commands act on: the active editor when it shows a plan; when focus is in a
 * non-text editor (the task graph, a preview), a visible editor that shows a plan.
 */
export function activePlanEditor(): vscode.TextEditor | undefined {
  const active = vscode.window.activeTextEditor;
  if (active) return isPlan(active.document) ? active : undefined;
  return vscode.window.visibleTextEditors.find((e) => isPlan(e.document));
}

/**
 * Keeps the `planmark.isPlan` context key in step with the active editor, so menus, keybindings
 * and the command palette offer plan commands only on plans.
 */
export class PlanContextKey implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private current: boolean | undefined;
  private lastEditor: vscode.TextEditor | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly emitter = new vscode.EventEmitter<vscode.TextEditor | undefined>();
  /** Fires when the active editor changed or became (or stopped being) a plan. */
  readonly onDidChange = this.emitter.event;

  constructor() {
    this.disposables.push(
      this.emitter,
      vscode.window.onDidChangeActiveTextEditor(() => this.update()),
      vscode.window.onDidChangeVisibleTextEditors(() => this.update()),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (vscode.window.visibleTextEditors.some((v) => v.document === e.document)) this.schedule();
      }),
      vscode.workspace.onDidOpenTextDocument((d) => {
        // A language switch to markdown re-opens the document.
        if (d === vscode.window.activeTextEditor?.document) this.update();
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('planmark.files')) this.update();
      }),
    );
    this.update();
  }

  /** True when the active editor shows a plan. */
  get value(): boolean {
    return this.current ?? false;
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    // The title test reads only the head of the document, but typing fires often: debounce.
    this.timer = setTimeout(() => this.update(), 250);
  }

  update(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const planEditor = activePlanEditor();
    const editor = planEditor ?? vscode.window.activeTextEditor;
    const value = planEditor !== undefined;
    const changed = value !== this.current || editor !== this.lastEditor;
    this.lastEditor = editor;
    if (value !== this.current) {
      this.current = value;
      void vscode.commands.executeCommand('setContext', 'planmark.isPlan', value);
    }
    if (changed) this.emitter.fire(editor);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}
