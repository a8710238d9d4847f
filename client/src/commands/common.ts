// What every Planmark command shares: finding the plan it acts on, and applying the edits the
// server computed for it.
import * as vscode from 'vscode';
import type { CommandEditResult, WireRange } from '../../../shared/protocol';
import { decideEdit } from '../logic/edits';
import { activePlanEditor, isPlan } from '../planDocuments';

export function toRange(range: WireRange): vscode.Range {
  return new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
}

export interface PlanTarget {
  document: vscode.TextDocument;
  /** A visible editor showing the document, when there is one. */
  editor?: vscode.TextEditor;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !(v instanceof vscode.Uri);

/** The options object of a command call, whichever way it was invoked (palette, menu, keybinding, API). */
export function commandOptions(arg: unknown): Record<string, unknown> {
  return isRecord(arg) && !Array.isArray(arg) ? arg : {};
}

function uriOf(arg: unknown): vscode.Uri | undefined {
  // Editor title and context menus pass the document's Uri as the first argument.
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string' && /^[a-z][\w+.-]*:/i.test(arg)) return vscode.Uri.parse(arg, true);
  if (isRecord(arg)) {
    const uri = arg.uri;
    if (uri instanceof vscode.Uri) return uri;
    if (typeof uri === 'string') return vscode.Uri.parse(uri, true);
  }
  return undefined;
}

/**
 * The plan a command acts on: the document named by a Uri argument (or `{ uri }`), else the
 * active editor's. Tells the user and returns undefined when that is not a plan.
 */
export async function resolvePlan(arg: unknown, commandTitle: string): Promise<PlanTarget | undefined> {
  const uri = uriOf(arg);
  let document: vscode.TextDocument | undefined;
  if (uri) {
    document =
      vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString()) ??
      (await vscode.workspace.openTextDocument(uri));
  } else {
    document = (activePlanEditor() ?? vscode.window.activeTextEditor)?.document;
  }
  if (!document) {
    void vscode.window.showInformationMessage(`${commandTitle}: open a plan first.`);
    return undefined;
  }
  if (!isPlan(document)) {
    void vscode.window.showInformationMessage(
      `${commandTitle}: ${vscode.workspace.asRelativePath(document.uri)} is not a plan (see the planmark.files setting).`,
    );
    return undefined;
  }
  const editor =
    vscode.window.activeTextEditor?.document === document
      ? vscode.window.activeTextEditor
      : vscode.window.visibleTextEditors.find((e) => e.document === document);
  return { document, editor };
}

/** An editor showing the document: a visible one, or a newly shown one. */
export async function editorFor(document: vscode.TextDocument, preserveFocus = false): Promise<vscode.TextEditor> {
  const visible =
    vscode.window.activeTextEditor?.document === document
      ? vscode.window.activeTextEditor
      : vscode.window.visibleTextEditors.find((e) => e.document === document);
  if (visible) {
    if (!preserveFocus && visible !== vscode.window.activeTextEditor) {
      return vscode.window.showTextDocument(document, { viewColumn: visible.viewColumn, preserveFocus });
    }
    return visible;
  }
  return vscode.window.showTextDocument(document, { preserveFocus });
}

/** Selects the range in the editor and scrolls it into view. */
export function revealRange(editor: vscode.TextEditor, range: vscode.Range): void {
  editor.selection = new vscode.Selection(range.start, range.end);
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}

/**
 * Applies a server-computed edit as ONE WorkspaceEdit (one undo step), after checking that it was
 * computed for exactly this document version. Every edit command goes through here.
 * Resolves to true when the edit was applied.
 */
export async function applyCommandEdit(document: vscode.TextDocument, result: CommandEditResult | null | undefined): Promise<boolean> {
  const decision = decideEdit(result, document.uri.toString(), document.version);
  if (decision.kind === 'nothing') {
    void vscode.window.showInformationMessage(decision.message);
    return false;
  }
  if (decision.kind === 'refuse' || !result) {
    void vscode.window.showWarningMessage(decision.kind === 'refuse' ? decision.message : 'Nothing was changed.');
    return false;
  }
  const edit = new vscode.WorkspaceEdit();
  edit.set(
    document.uri,
    result.edits.map((e) => vscode.TextEdit.replace(toRange(e.range), e.newText)),
  );
  // Checked again right before applying: nothing may have changed since decideEdit.
  if (document.version !== result.version) {
    void vscode.window.showWarningMessage('The plan changed while Planmark computed the edit; nothing was changed.');
    return false;
  }
  const applied = await vscode.workspace.applyEdit(edit);
  if (!applied) void vscode.window.showErrorMessage('Planmark could not apply the edit.');
  return applied;
}

/** Shows a request failure to the user; returns undefined for convenient `return`. */
export function reportFailure(commandTitle: string, error: unknown): undefined {
  const message = error instanceof Error ? error.message : String(error);
  void vscode.window.showErrorMessage(`${commandTitle} failed: ${message}`);
  return undefined;
}
