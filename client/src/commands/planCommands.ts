// The plan-editing and navigation commands. Each accepts optional arguments so tests,
// keybindings and other extensions can skip the UI; whatever is missing is asked for.
import * as vscode from 'vscode';
import {
  AddTaskRequest,
  InsertSectionRequest,
  SectionListRequest,
  SyncDependenciesRequest,
  TaskListRequest,
  type AddTaskParams,
  type InsertSectionParams,
  type SyncParams,
  type TaskInfo,
} from '../../../shared/protocol';
import { formatHours } from '../logic/status';
import { orderSections, parseHours, readAddTaskArgs, suggestStep } from '../logic/input';
import type { PlanmarkClient } from '../planmarkClient';
import { applyCommandEdit, commandOptions, editorFor, reportFailure, resolvePlan, revealRange, toRange } from './common';

/**
 * planmark.insertSection — arguments: `{ section?: string, uri?: string }` or the document Uri
 * (menus). `section` is a template heading such as "Risk Mitigation".
 * Resolves to true when an edit was applied.
 */
export async function insertSection(client: PlanmarkClient, arg?: unknown): Promise<boolean> {
  const title = 'Planmark: Insert Section';
  const target = await resolvePlan(arg, title);
  if (!target) return false;
  const { document } = target;
  const uri = document.uri.toString();
  const options = commandOptions(arg);
  let section = typeof options.section === 'string' ? options.section : undefined;
  try {
    if (section === undefined) {
      const list = await client.request(SectionListRequest, { uri });
      if (!list) return false;
      type Item = vscode.QuickPickItem & { section?: string };
      const ordered = orderSections(list.sections);
      const items: Item[] = [];
      let group: boolean | undefined;
      for (const s of ordered) {
        if (s.present !== group) {
          group = s.present;
          items.push({ label: s.present ? 'Already in the plan' : 'Missing', kind: vscode.QuickPickItemKind.Separator });
        }
        items.push({
          label: `${'#'.repeat(Math.max(1, s.level))} ${s.title}`,
          description: s.present ? 'present — insert another copy' : undefined,
          section: s.title,
        });
      }
      const picked = await vscode.window.showQuickPick(items, {
        title,
        placeHolder: ordered.some((s) => !s.present) ? 'Template section to insert (missing ones first)' : 'The plan has every template section',
        matchOnDescription: true,
      });
      if (!picked?.section) return false;
      section = picked.section;
    }
    const params: InsertSectionParams = { uri, section };
    const result = await client.request(InsertSectionRequest, params);
    const applied = await applyCommandEdit(document, result);
    if (applied && result?.edits.length) {
      const editor = await editorFor(document);
      const first = toRange(result.edits[0].range);
      editor.revealRange(new vscode.Range(first.start, first.start), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    }
    return applied;
  } catch (error) {
    return reportFailure(title, error) ?? false;
  }
}

/**
 * planmark.addTask — arguments: `{ id?, dependsOn?: string[], hours?: number | null,
 * step?: string | null, uri? }`. Absent `id` takes the server's next free ID; absent
 * `dependsOn`/`hours`/`step` are asked for; `null` hours or step means none.
 * Resolves to the new task ID when the edit was applied, otherwise undefined.
 */
export async function addTask(client: PlanmarkClient, arg?: unknown): Promise<string | undefined> {
  const title = 'Planmark: Add Task';
  const target = await resolvePlan(arg, title);
  if (!target) return undefined;
  const { document } = target;
  const uri = document.uri.toString();
  let args;
  try {
    args = readAddTaskArgs(commandOptions(arg));
  } catch (error) {
    return reportFailure(title, error);
  }
  try {
    const list = await client.request(TaskListRequest, { uri });
    if (!list) return undefined;
    const id = args.id ?? list.nextFreeId;

    let dependsOn = args.dependsOn;
    if (dependsOn === undefined) {
      type Item = vscode.QuickPickItem & { id: string };
      const items: Item[] = list.tasks.map((t) => ({ id: t.id, label: t.id, ...describeTask(t) }));
      const picked = await vscode.window.showQuickPick(items, {
        title: `${title}: ${id} (1/3)`,
        placeHolder: items.length ? 'Tasks it depends on (none selected: no dependencies)' : 'No tasks yet: press Enter',
        canPickMany: true,
        matchOnDescription: true,
        matchOnDetail: true,
        ignoreFocusOut: true,
      });
      if (!picked) return undefined;
      dependsOn = picked.map((p) => p.id);
    }

    let hours: number | undefined;
    if (args.hours !== undefined) hours = args.hours ?? undefined;
    else {
      const input = await vscode.window.showInputBox({
        title: `${title}: ${id} (2/3)`,
        prompt: 'Estimated hours (leave empty for none)',
        placeHolder: 'e.g. 4',
        ignoreFocusOut: true,
        validateInput: (v) => {
          const r = parseHours(v);
          return r.ok ? undefined : r.message;
        },
      });
      if (input === undefined) return undefined;
      const parsed = parseHours(input);
      hours = parsed.ok ? parsed.hours : undefined;
    }

    let step: string | undefined;
    if (args.step !== undefined) step = args.step ?? undefined;
    else if (list.steps.length > 0) {
      const suggested = suggestStep(list.steps, list.tasks, dependsOn);
      type Item = vscode.QuickPickItem & { step?: string };
      const items: Item[] = list.steps.map((s) => ({
        label: s.title,
        description: s.title === suggested ? 'suggested: after its dependencies' : undefined,
        step: s.title,
      }));
      if (suggested) items.sort((a, b) => Number(b.step === suggested) - Number(a.step === suggested));
      items.push({ label: 'No step', description: 'list it in no step for now' });
      const picked = await vscode.window.showQuickPick(items, {
        title: `${title}: ${id} (3/3)`,
        placeHolder: 'Step of the Implementation Sequence that lists the task',
        ignoreFocusOut: true,
      });
      if (!picked) return undefined;
      step = picked.step;
    }

    const params: AddTaskParams = { uri, id, dependsOn, ...(hours !== undefined ? { hours } : {}), ...(step !== undefined ? { step } : {}) };
    const result = await client.request(AddTaskRequest, params);
    if (!(await applyCommandEdit(document, result))) return undefined;
    void revealTaskAfterEdit(client, document, id);
    return id;
  } catch (error) {
    return reportFailure(title, error);
  }
}

/** After Add Task: select the new row once the server has seen the edit (best effort). */
async function revealTaskAfterEdit(client: PlanmarkClient, document: vscode.TextDocument, id: string): Promise<void> {
  try {
    const list = await client.request(TaskListRequest, { uri: document.uri.toString() });
    const task = list?.version === document.version ? list.tasks.find((t) => t.id === id) : undefined;
    if (!task) return;
    const editor = vscode.window.visibleTextEditors.find((e) => e.document === document);
    if (editor) revealRange(editor, toRange(task.range));
  } catch {
    // Only a convenience.
  }
}

function describeTask(t: TaskInfo): { description?: string; detail?: string } {
  const description = [t.hours !== undefined ? formatHours(t.hours) : undefined, t.step].filter(Boolean).join(' · ');
  const detail = t.dependencies.length ? `depends on ${t.dependencies.join(', ')}` : 'no dependencies';
  return { description: description || undefined, detail };
}

/**
 * planmark.goToTask — arguments: a task ID string, `{ id?: string, uri?: string }`, or the document
 * Uri. Without an ID a quick pick lists the tasks. Selects the task's table row.
 * Resolves to the ID it went to, or undefined.
 */
export async function goToTask(client: PlanmarkClient, arg?: unknown): Promise<string | undefined> {
  const title = 'Planmark: Go to Task';
  const options = commandOptions(arg);
  const idArgument = typeof arg === 'string' && !/^[a-z][\w+.-]*:/i.test(arg);
  const wanted = idArgument ? (arg as string) : typeof options.id === 'string' ? options.id : undefined;
  const target = await resolvePlan(idArgument ? undefined : arg, title);
  if (!target) return undefined;
  const { document } = target;
  try {
    const list = await client.request(TaskListRequest, { uri: document.uri.toString() });
    if (!list) return undefined;
    let task: TaskInfo | undefined;
    if (wanted !== undefined) {
      task = list.tasks.find((t) => t.id === wanted) ?? list.tasks.find((t) => t.id.toLowerCase() === wanted.toLowerCase());
      if (!task) {
        void vscode.window.showInformationMessage(`${title}: the plan has no task ${wanted}.`);
        return undefined;
      }
    } else {
      if (list.tasks.length === 0) {
        void vscode.window.showInformationMessage(`${title}: the plan's task table has no tasks yet.`);
        return undefined;
      }
      type Item = vscode.QuickPickItem & { task: TaskInfo };
      const items: Item[] = list.tasks.map((t) => ({ label: t.id, ...describeTask(t), task: t }));
      const picked = await vscode.window.showQuickPick(items, {
        title,
        placeHolder: 'Task to go to',
        matchOnDescription: true,
        matchOnDetail: true,
      });
      if (!picked) return undefined;
      task = picked.task;
    }
    const editor = await editorFor(document);
    // The list was computed for list.version; a row range from an older version may be off.
    if (list.version !== document.version) {
      const fresh = await client.request(TaskListRequest, { uri: document.uri.toString() });
      task = fresh?.tasks.find((t) => t.id === task!.id) ?? task;
    }
    revealRange(editor, toRange(task.range));
    return task.id;
  } catch (error) {
    return reportFailure(title, error);
  }
}

/**
 * planmark.syncGraphFromTable / planmark.syncTableFromGraph — arguments: `{ uri?: string }` or the
 * document Uri. Applies the server's edit, or shows its message when the sources already agree.
 * Resolves to true when an edit was applied.
 */
export async function syncDependencies(client: PlanmarkClient, direction: SyncParams['direction'], arg?: unknown): Promise<boolean> {
  const title = direction === 'graphFromTable' ? 'Planmark: Update Graph from Table' : 'Planmark: Update Table from Graph';
  const target = await resolvePlan(arg, title);
  if (!target) return false;
  try {
    const params: SyncParams = { uri: target.document.uri.toString(), direction };
    const result = await client.request(SyncDependenciesRequest, params);
    return await applyCommandEdit(target.document, result);
  } catch (error) {
    return reportFailure(title, error) ?? false;
  }
}
