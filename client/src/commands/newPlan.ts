// Planmark: New Plan — a plan from the shipped template with Phase, Phase Name, title and dates filled.
import * as vscode from 'vscode';
import { fillTemplate, isoDate, suggestedPlanPath, validatePhase, validatePhaseName } from '../logic/template';
import { commandOptions } from './common';

const TITLE = 'Planmark: New Plan';

/**
 * Arguments (all optional; whatever is missing is asked for):
 * - `phase`: phase number or label ("1", "2b");
 * - `name`: phase name;
 * - `target`: `"untitled"` (default) for an unsaved document — in a workspace it is pre-named
 *   `plans/phase-<phase>-<name>.md`, so saving puts it there — or a file Uri / URI string to
 *   write the plan to (refused when the file exists).
 * Resolves to the new document's URI string, or undefined when cancelled.
 */
export async function newPlan(context: vscode.ExtensionContext, arg?: unknown): Promise<string | undefined> {
  const options = commandOptions(arg);
  let phase = typeof options.phase === 'number' ? String(options.phase) : (options.phase as string | undefined);
  let name = options.name as string | undefined;
  if (phase !== undefined && (typeof phase !== 'string' || validatePhase(phase))) {
    void vscode.window.showErrorMessage(`${TITLE}: ${validatePhase(String(phase)) ?? 'invalid phase'}`);
    return undefined;
  }
  if (name !== undefined && (typeof name !== 'string' || validatePhaseName(name))) {
    void vscode.window.showErrorMessage(`${TITLE}: ${validatePhaseName(String(name)) ?? 'invalid name'}`);
    return undefined;
  }
  phase ??= await vscode.window.showInputBox({
    title: `${TITLE} (1/2)`,
    prompt: 'Phase number',
    placeHolder: 'e.g. 1',
    ignoreFocusOut: true,
    validateInput: validatePhase,
  });
  if (phase === undefined) return undefined;
  name ??= await vscode.window.showInputBox({
    title: `${TITLE} (2/2)`,
    prompt: `Name of phase ${phase.trim()}`,
    placeHolder: 'e.g. Authentication',
    ignoreFocusOut: true,
    validateInput: validatePhaseName,
  });
  if (name === undefined) return undefined;

  const templateUri = vscode.Uri.joinPath(context.extensionUri, 'templates', 'plan-template.md');
  let template: string;
  try {
    template = new TextDecoder().decode(await vscode.workspace.fs.readFile(templateUri));
  } catch (error) {
    void vscode.window.showErrorMessage(`${TITLE}: the plan template is missing from the extension (${String(error)}).`);
    return undefined;
  }
  const text = fillTemplate(template, { phase, name, date: isoDate() });

  const target = options.target;
  if (target !== undefined && target !== 'untitled') {
    const uri = target instanceof vscode.Uri ? target : typeof target === 'string' ? vscode.Uri.parse(target, true) : undefined;
    if (!uri) {
      void vscode.window.showErrorMessage(`${TITLE}: target must be "untitled" or a file URI.`);
      return undefined;
    }
    try {
      await vscode.workspace.fs.stat(uri);
      void vscode.window.showErrorMessage(`${TITLE}: ${vscode.workspace.asRelativePath(uri)} already exists.`);
      return undefined;
    } catch {
      // Does not exist: good.
    }
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    return document.uri.toString();
  }

  const folder = vscode.workspace.workspaceFolders?.[0];
  let document: vscode.TextDocument;
  if (folder && folder.uri.scheme === 'file') {
    // An untitled document with an associated path: Save writes it straight to plans/…
    const path = vscode.Uri.joinPath(folder.uri, ...suggestedPlanPath(phase, name).split('/'));
    let candidate = path;
    for (let n = 2; n < 100 && (await exists(candidate)); n++) {
      candidate = path.with({ path: path.path.replace(/\.md$/, `-${n}.md`) });
    }
    document = await vscode.workspace.openTextDocument(candidate.with({ scheme: 'untitled' }));
    if (document.getText() === '') {
      const edit = new vscode.WorkspaceEdit();
      edit.insert(document.uri, new vscode.Position(0, 0), text);
      await vscode.workspace.applyEdit(edit);
    }
  } else {
    document = await vscode.workspace.openTextDocument({ language: 'markdown', content: text });
  }
  if (document.languageId !== 'markdown') document = await vscode.languages.setTextDocumentLanguage(document, 'markdown');
  await vscode.window.showTextDocument(document);
  return document.uri.toString();
}

/** True when the file exists, or an untitled document for that path is already open. */
async function exists(uri: vscode.Uri): Promise<boolean> {
  const untitled = uri.with({ scheme: 'untitled' }).toString();
  if (vscode.workspace.textDocuments.some((d) => d.uri.toString() === untitled)) return true;
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}
