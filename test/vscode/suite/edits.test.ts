// Edits that never lose text, in a real VS Code: every quick fix the server offers applies,
// removes the diagnostic it fixes, and one `undo` restores the text byte for byte; a CRLF plan
// stays CRLF through every command and quick fix; a command refuses an edit the server computed
// for an older version of the document.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  AddTaskRequest,
  InsertSectionRequest,
  SyncDependenciesRequest,
  TaskListRequest,
  type CommandEditResult,
  type TaskListResult,
  WorkspacePlansRequest,
  type WorkspacePlansResult,
} from '../../../shared/protocol';
import type { PlanmarkExtensionApi } from '../../../client/src/extension';
import { EXTENSION_ID, waitFor } from '../harness';

/** The diagnostic codes the server has a quick fix for (server/src/features/codeActions.ts). */
const FIXABLE_CODES = [
  'unknown-task',
  'step-unknown-task',
  'graph-unknown-task',
  'graph-missing-edge',
  'table-missing-edge',
  'missing-section',
  'duplicate-dependency',
] as const;

/** A plan with one problem of each fixable kind (see the comment at its top). */
const FIXTURE = 'quickfixes.plan.md';

/** Generous: diagnostics are debounced and computed in the background; no timing is asserted. */
const DIAGNOSTICS_TIMEOUT = 30_000;

const codeOf = (d: vscode.Diagnostic) => (typeof d.code === 'object' ? String(d.code.value) : String(d.code));
/** What identifies a diagnostic across edits that move it: its code and its message. */
const keyOf = (d: vscode.Diagnostic) => `${codeOf(d)}: ${d.message}`;
const planmarkDiagnostics = (document: vscode.TextDocument) =>
  vscode.languages.getDiagnostics(document.uri).filter((d) => d.source === 'planmark');
const diagnosticKeys = (document: vscode.TextDocument) => planmarkDiagnostics(document).map(keyOf).sort();

/**
 * False when the diagnostic says it was computed for another version of the document. The
 * server puts the version into each diagnostic's data, which the language client keeps on the
 * diagnostic it hands VS Code; without it, any diagnostic counts as current.
 */
function isCurrent(d: vscode.Diagnostic, document: vscode.TextDocument): boolean {
  const version = (d as { data?: { version?: unknown } }).data?.version;
  return typeof version !== 'number' || version === document.version;
}

/** A line feed that is not the second half of a CRLF. */
const LONE_LF = /(?<!\r)\n/;

/** A short, readable context for a failed text comparison. */
function firstDifference(a: string, b: string): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return `first difference at offset ${i}: ${JSON.stringify(a.slice(Math.max(0, i - 40), i + 40))} vs ${JSON.stringify(b.slice(Math.max(0, i - 40), i + 40))}`;
}

function assertSameText(actual: string, expected: string, message: string): void {
  if (actual !== expected) assert.fail(`${message} (${firstDifference(actual, expected)})`);
}

interface QuickFix {
  /** The diagnostic it was offered for, as it was before any edit. */
  diagnostic: vscode.Diagnostic;
  action: vscode.CodeAction;
}

suite('Planmark edits never lose text', () => {
  let api: PlanmarkExtensionApi;
  let ext: vscode.Extension<PlanmarkExtensionApi>;
  const fixtures = () => vscode.Uri.joinPath(ext.extensionUri, 'test', 'fixtures', 'vscode');
  /** Text on disk of every document this suite opened, to put back whatever a failed test left. */
  const originals = new Map<string, string>();
  const tempDirs: string[] = [];

  /** Opens a plan in the active editor and waits until the server has analysed this version. */
  async function openPlan(uri: vscode.Uri): Promise<vscode.TextDocument> {
    const document = await vscode.workspace.openTextDocument(uri);
    if (!originals.has(document.uri.toString())) originals.set(document.uri.toString(), document.getText());
    await vscode.window.showTextDocument(document, { preserveFocus: false });
    await waitFor(`the server's task list for ${path.basename(uri.path)}`, async () => {
      const list = await api.client.request<TaskListResult | null>(TaskListRequest.method, { uri: document.uri.toString() });
      return list && list.version === document.version ? list : undefined;
    }, DIAGNOSTICS_TIMEOUT);
    return document;
  }

  /** Waits until the plan's planmark diagnostics are exactly `keys` (after an undo, say). */
  async function waitForDiagnostics(document: vscode.TextDocument, keys: string[], what: string): Promise<void> {
    const wanted = JSON.stringify(keys);
    await waitFor(what, () => JSON.stringify(diagnosticKeys(document)) === wanted, DIAGNOSTICS_TIMEOUT).catch(() => {
      assert.deepEqual(diagnosticKeys(document), keys, what);
    });
  }

  /** Runs `undo` in the plan's editor and checks the text is back, byte for byte. */
  async function undoAndCheck(document: vscode.TextDocument, before: string, what: string): Promise<void> {
    await vscode.window.showTextDocument(document, { preserveFocus: false });
    await vscode.commands.executeCommand('undo');
    await waitFor('undo to restore the text', () => document.getText() === before, 10_000).catch(() => undefined);
    assertSameText(document.getText(), before, `one undo after ${what} restores the text byte for byte`);
  }

  /**
   * The quick fixes offered for each fixable planmark diagnostic of the plan, asked for the way
   * the light bulb asks: at the diagnostic's range, kind quickfix. Waits for every fixable code
   * to be reported first.
   */
  async function quickFixes(document: vscode.TextDocument): Promise<{ fixes: QuickFix[]; baseline: string[] }> {
    // Findings across plans come once the server has read the workspace: wait for that, so the
    // baseline has them (the server publishes them before it says it is done).
    await waitFor('the workspace index', async () => (await api.client.request<WorkspacePlansResult>(WorkspacePlansRequest.method, {})).indexing === false || undefined, DIAGNOSTICS_TIMEOUT);
    const diagnostics = await waitFor(
      `diagnostics of every fixable code on ${path.basename(document.uri.path)}`,
      () => {
        const all = planmarkDiagnostics(document);
        return FIXABLE_CODES.every((code) => all.some((d) => codeOf(d) === code)) ? all : undefined;
      },
      DIAGNOSTICS_TIMEOUT,
    );
    const baseline = diagnostics.map(keyOf).sort();
    const fixes: QuickFix[] = [];
    for (const diagnostic of diagnostics) {
      if (!(FIXABLE_CODES as readonly string[]).includes(codeOf(diagnostic))) continue;
      // The request carries the diagnostics that touch the range; the fixture keeps each
      // fixable diagnostic's range apart from the others, so every fix offered here is for it.
      const neighbours = diagnostics.filter((d) => d !== diagnostic && d.range.intersection(diagnostic.range) !== undefined);
      assert.deepEqual(neighbours.map(keyOf), [], `nothing else at the range of ${keyOf(diagnostic)}`);
      const actions = await waitFor(`quick fixes for ${keyOf(diagnostic)}`, async () => {
        const result = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
          'vscode.executeCodeActionProvider',
          document.uri,
          diagnostic.range,
          vscode.CodeActionKind.QuickFix.value,
        );
        const withEdits = (result ?? []).filter((a): a is vscode.CodeAction => a instanceof vscode.CodeAction && !!a.edit);
        return withEdits.length ? withEdits : undefined;
      }, DIAGNOSTICS_TIMEOUT);
      for (const action of actions) {
        assert.ok(action.kind && vscode.CodeActionKind.QuickFix.contains(action.kind), `"${action.title}" is a quick fix`);
        assert.deepEqual(
          action.edit!.entries().map(([uri]) => uri.toString()),
          [document.uri.toString()],
          `"${action.title}" edits this plan only`,
        );
        fixes.push({ diagnostic, action });
      }
    }
    return { fixes, baseline };
  }

  /**
   * Applies one quick fix as VS Code does when the user picks it, checks the text changed and the
   * diagnostic went away, then undoes it and waits for the diagnostics of the original text.
   * `check` runs on the edited text. Resolves to the edited text.
   */
  async function roundTrip(
    document: vscode.TextDocument,
    fix: QuickFix,
    baseline: string[],
    check?: (text: string) => void,
  ): Promise<string> {
    const what = `"${fix.action.title}" (${keyOf(fix.diagnostic)})`;
    await vscode.window.showTextDocument(document, { preserveFocus: false });
    const before = document.getText();
    assert.equal(await vscode.workspace.applyEdit(fix.action.edit!), true, `${what} applies`);
    const after = document.getText();
    assert.notEqual(after, before, `${what} changes the text`);
    check?.(after);
    const key = keyOf(fix.diagnostic);
    // Fresh diagnostics, computed for the edited text, without the one the fix is for. (Every
    // fix leaves other problems of the fixture behind, so an empty list is never the answer.)
    await waitFor(`${what} to remove its diagnostic`, () => {
      const all = planmarkDiagnostics(document);
      return all.length > 0 && all.every((d) => isCurrent(d, document)) && !all.some((d) => keyOf(d) === key);
    }, DIAGNOSTICS_TIMEOUT);
    await undoAndCheck(document, before, what);
    await waitForDiagnostics(document, baseline, `the diagnostics of the original text after undoing ${what}`);
    return after;
  }

  /** The text has CRLF line ends only, and the document says so. */
  function assertCrlf(document: vscode.TextDocument, text: string, what: string): void {
    assert.equal(document.eol, vscode.EndOfLine.CRLF, `${what}: the document's line ends stay CRLF`);
    const lone = LONE_LF.exec(text);
    if (lone) assert.fail(`${what}: a LF without CR at offset ${lone.index}: ${JSON.stringify(text.slice(Math.max(0, lone.index - 60), lone.index + 20))}`);
  }

  /** Writes a CRLF copy of a fixture into a fresh temporary folder (a plan by its name and title). */
  function crlfCopy(name: string): vscode.Uri {
    const text = fs.readFileSync(vscode.Uri.joinPath(fixtures(), name).fsPath, 'utf8');
    assert.ok(!text.includes('\r'), `${name} has LF line ends in the checkout`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'planmark-crlf-'));
    tempDirs.push(dir);
    const file = path.join(dir, name.replace(/\.plan\.md$/, '-crlf.plan.md'));
    fs.writeFileSync(file, text.replace(/\n/g, '\r\n'));
    return vscode.Uri.file(file);
  }

  suiteSetup(async () => {
    ext = vscode.extensions.getExtension<PlanmarkExtensionApi>(EXTENSION_ID)!;
    assert.ok(ext, `extension ${EXTENSION_ID} is installed`);
    api = await ext.activate();
  });

  teardown(async () => {
    // Put every document back as it is on disk, whatever a failed test left behind.
    for (const document of vscode.workspace.textDocuments) {
      const original = originals.get(document.uri.toString());
      if (original !== undefined && (document.isDirty || document.getText() !== original)) {
        await vscode.window.showTextDocument(document);
        await vscode.commands.executeCommand('workbench.action.files.revert');
      }
    }
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('every quick fix applies, removes its diagnostic, and one undo restores the text', async () => {
    const document = await openPlan(vscode.Uri.joinPath(fixtures(), FIXTURE));
    const original = document.getText();
    const { fixes, baseline } = await quickFixes(document);
    const fixed = new Set<string>();
    for (const fix of fixes) {
      await roundTrip(document, fix, baseline);
      fixed.add(codeOf(fix.diagnostic));
    }
    for (const code of FIXABLE_CODES) assert.ok(fixed.has(code), `${code} got a quick fix that round-tripped`);
    assertSameText(document.getText(), original, 'the plan is as it was');
    assert.equal(document.isDirty, false, 'undo brought the document back to its saved state');
  });

  test('a CRLF plan keeps CRLF through every command and quick fix, and one undo restores it', async () => {
    // The same operation on the LF fixture and on a CRLF copy must give the same text but for
    // the line ends: an edit at a position miscounted across "\r\n" would show up here.
    const lf = await openPlan(vscode.Uri.joinPath(fixtures(), FIXTURE));
    const crlf = await openPlan(crlfCopy(FIXTURE));
    assert.equal(crlf.eol, vscode.EndOfLine.CRLF, 'the copy opens as CRLF');
    assertSameText(crlf.getText(), lf.getText().replace(/\n/g, '\r\n'), 'the copy is the fixture with CRLF');

    const list = await api.client.request<TaskListResult>(TaskListRequest.method, { uri: crlf.uri.toString() });
    const lastStep = list.steps[list.steps.length - 1];
    assert.ok(lastStep, 'the fixture has steps');

    const commands: { name: string; run: (document: vscode.TextDocument) => Thenable<unknown> }[] = [
      {
        name: 'Add Task',
        run: (d) => vscode.commands.executeCommand('planmark.addTask', { uri: d.uri.toString(), dependsOn: ['TASK_004', 'TASK_006'], hours: 2, step: lastStep.title }),
      },
      { name: 'Add Task with no dependencies', run: (d) => vscode.commands.executeCommand('planmark.addTask', { uri: d.uri.toString(), dependsOn: [], hours: null, step: null }) },
      { name: 'Insert Section (missing)', run: (d) => vscode.commands.executeCommand('planmark.insertSection', { uri: d.uri.toString(), section: 'Rollback Plan' }) },
      { name: 'Insert Section (sub-section)', run: (d) => vscode.commands.executeCommand('planmark.insertSection', { uri: d.uri.toString(), section: 'Indexes' }) },
      { name: 'Insert Section (last)', run: (d) => vscode.commands.executeCommand('planmark.insertSection', { uri: d.uri.toString(), section: 'Review Checklist' }) },
      { name: 'Sync Graph from Table', run: (d) => vscode.commands.executeCommand('planmark.syncGraphFromTable', { uri: d.uri.toString() }) },
      { name: 'Sync Table from Graph', run: (d) => vscode.commands.executeCommand('planmark.syncTableFromGraph', { uri: d.uri.toString() }) },
    ];
    for (const command of commands) {
      const results: string[] = [];
      for (const document of [lf, crlf]) {
        await vscode.window.showTextDocument(document, { preserveFocus: false });
        const before = document.getText();
        const result = await command.run(document);
        assert.ok(result !== undefined && result !== false, `${command.name} applies an edit (got ${String(result)})`);
        const after = document.getText();
        assert.notEqual(after, before, `${command.name} changes the text`);
        results.push(after);
        await undoAndCheck(document, before, command.name);
      }
      assertCrlf(crlf, results[1], command.name);
      assertSameText(results[1], results[0].replace(/\n/g, '\r\n'), `${command.name} makes the same edit on the CRLF plan as on the LF one`);
    }

    const lfFixes = await quickFixes(lf);
    const crlfFixes = await quickFixes(crlf);
    // Findings across plans name the other plan: the copy and the original name each other.
    const ownFindings = (keys: string[]) => keys.filter((k) => !/^(?:duplicate-phase|duplicate-phase-name|phase-overlap): /.test(k));
    assert.deepEqual(ownFindings(crlfFixes.baseline), ownFindings(lfFixes.baseline), 'the CRLF copy has the same diagnostics');
    assert.deepEqual(
      crlfFixes.fixes.map((f) => `${keyOf(f.diagnostic)} -> ${f.action.title}`),
      lfFixes.fixes.map((f) => `${keyOf(f.diagnostic)} -> ${f.action.title}`),
      'and the same quick fixes',
    );
    const fixed = new Set<string>();
    for (const [i, fix] of crlfFixes.fixes.entries()) {
      const what = `"${fix.action.title}"`;
      const lfText = await roundTrip(lf, lfFixes.fixes[i], lfFixes.baseline);
      const crlfText = await roundTrip(crlf, fix, crlfFixes.baseline, (text) => assertCrlf(crlf, text, what));
      assertSameText(crlfText, lfText.replace(/\n/g, '\r\n'), `${what} makes the same edit on the CRLF plan as on the LF one`);
      fixed.add(codeOf(fix.diagnostic));
    }
    for (const code of FIXABLE_CODES) assert.ok(fixed.has(code), `${code} got a quick fix on the CRLF plan`);
    assertCrlf(crlf, crlf.getText(), 'in the end');
    assert.equal(crlf.isDirty, false, 'undo brought the CRLF plan back to its saved state');
  });

  test('a command refuses an edit computed for an older version and changes nothing', async () => {
    // The server answers; before the command sees the answer, the document changes (as when the
    // user types while the server computes). The command must refuse the stale edit.
    const document = await openPlan(vscode.Uri.joinPath(fixtures(), FIXTURE));
    const client = api.client as { request: PlanmarkExtensionApi['client']['request'] };
    const hadOwn = Object.prototype.hasOwnProperty.call(client, 'request');
    const ownRequest = client.request;
    const original = client.request.bind(api.client);
    const interloper = '<!-- typed while the server computed -->\n';
    /** The answers the wrapper below held back while it changed the document. */
    const intercepted: { method: string; result: CommandEditResult; versionBefore: number }[] = [];
    let armed: string | undefined;
    client.request = (async (type: string | { method: string }, params: unknown, token?: vscode.CancellationToken) => {
      // Commands send typed requests (shared/protocol.ts); the method name is what identifies them.
      const method = typeof type === 'string' ? type : type.method;
      const result = await original<unknown>(method, params, token);
      if (method === armed) {
        armed = undefined;
        const versionBefore = document.version;
        intercepted.push({ method, result: result as CommandEditResult, versionBefore });
        const edit = new vscode.WorkspaceEdit();
        edit.insert(document.uri, new vscode.Position(0, 0), interloper);
        assert.equal(await vscode.workspace.applyEdit(edit), true, 'the interloping edit applies');
        await waitFor('the interloping edit to reach the document', () => document.version > versionBefore, 10_000);
      }
      return result;
    }) as typeof client.request;

    const cases: { name: string; method: string; refused: unknown; run: () => Thenable<unknown> }[] = [
      {
        name: 'Add Task',
        method: AddTaskRequest.method,
        refused: undefined,
        run: () => vscode.commands.executeCommand('planmark.addTask', { uri: document.uri.toString(), dependsOn: ['TASK_006'], hours: 1, step: null }),
      },
      {
        name: 'Insert Section',
        method: InsertSectionRequest.method,
        refused: false,
        run: () => vscode.commands.executeCommand('planmark.insertSection', { uri: document.uri.toString(), section: 'Rollback Plan' }),
      },
      {
        name: 'Sync Graph from Table',
        method: SyncDependenciesRequest.method,
        refused: false,
        run: () => vscode.commands.executeCommand('planmark.syncGraphFromTable', { uri: document.uri.toString() }),
      },
    ];
    try {
      for (const c of cases) {
        await vscode.window.showTextDocument(document, { preserveFocus: false });
        const before = document.getText();
        intercepted.length = 0;
        armed = c.method;
        const result = await c.run();
        armed = undefined;
        assert.equal(intercepted.length, 1, `${c.name}: the server's answer was intercepted`);
        const [{ result: stale, versionBefore }] = intercepted;
        assert.equal(stale.version, versionBefore, `${c.name}: the server computed the edit for the version it was asked about`);
        assert.ok(stale.edits.length > 0, `${c.name}: the server had an edit to make`);
        assert.equal(result, c.refused, `${c.name} reports that it applied nothing`);
        assertSameText(document.getText(), interloper + before, `${c.name} leaves the text as the user left it`);
        await undoAndCheck(document, before, 'the interloping edit');
      }
    } finally {
      if (hadOwn) client.request = ownRequest;
      else delete (client as { request?: unknown }).request;
    }
  });
});
