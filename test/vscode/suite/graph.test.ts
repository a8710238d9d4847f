// The task graph inside a real VS Code: what the webview actually draws (its SVG, read through
// the runner), for a plain plan, a plan with a dependency cycle, a plan being edited and a plan
// whose labels are hostile markup. A click on a node selecting its row is covered by
// commands.test.ts ("the graph highlights the task under the cursor, and a click ...").
// Needs the code-server back end to reach into the webview (skipped under @vscode/test-electron).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PlanmarkExtensionApi } from '../../../client/src/extension';
import { queryFrames, queryWorkbench, runnerAvailable, type FrameResult, EXTENSION_ID, waitFor } from '../harness';


/** What the webview's SVG shows, read in the webview frame. */
interface SvgState {
  ariaLabel: string;
  nodes: { id: string; text: string; classes: string }[];
  edges: { classes: string }[];
  clusters: string[];
  text: string;
  /** <img>, <script>, <iframe> ... anywhere in the webview document. */
  dangerousElements: string[];
  /** Attributes named on* anywhere in the webview document. */
  handlerAttributes: string[];
  pwned: unknown;
  /** The traps planted by the hostile-label test are still there (same page). */
  trapped: boolean;
}

// Evaluated in every webview frame: null where there is no graph SVG.
const READ_SVG = `(() => {
  const svg = document.querySelector('.pm-canvas svg') || document.querySelector('svg[aria-label^="Task graph"]');
  if (!svg) return null;
  const idOf = (t) => (/TASK_\\d+/.exec(t) || [''])[0];
  const all = [...document.querySelectorAll('*')];
  return {
    ariaLabel: svg.getAttribute('aria-label') || '',
    nodes: [...svg.querySelectorAll('g.node')].map((g) => ({ id: idOf(g.textContent || ''), text: (g.textContent || '').replace(/\\s+/g, ' ').trim(), classes: g.getAttribute('class') || '' })),
    edges: [...svg.querySelectorAll('path.flowchart-link')].map((p) => ({ classes: p.getAttribute('class') || '' })),
    clusters: [...svg.querySelectorAll('g.cluster')].map((g) => (g.textContent || '').replace(/\\s+/g, ' ').trim()),
    text: (svg.textContent || '').replace(/\\s+/g, ' '),
    dangerousElements: [
      ...document.querySelectorAll('img, iframe, object, embed, frame, video, audio'),
      ...svg.querySelectorAll('script, image, a, use, link, style[src]'),
      ...[...document.querySelectorAll('script')].filter((e) => !/\\/webview\\.js(\\?|$)/.test(e.getAttribute('src') || '') && !e.closest('head')),
    ].map((e) => e.outerHTML.slice(0, 200)),
    handlerAttributes: all.flatMap((e) => [...e.attributes].filter((a) => /^on/i.test(a.name)).map((a) => e.localName + '[' + a.name + ']')),
    pwned: window.__pwned === undefined ? null : String(window.__pwned),
    trapped: typeof window.evil === 'function',
  };
})()`;

const contentFrames = <T>(results: FrameResult<T>[]) => results.filter((r) => r.webviewContent && !r.error && r.value);

/** Polls the webview until its SVG satisfies `ready`; returns that state. */
async function waitForSvg(what: string, ready: (s: SvgState) => boolean, timeoutMs = 30_000): Promise<SvgState> {
  let seen: SvgState[] = [];
  try {
    return await waitFor(
      what,
      async () => {
        seen = contentFrames(await queryFrames<SvgState | null>(READ_SVG)).map((r) => r.value!) as SvgState[];
        return seen.find(ready);
      },
      timeoutMs,
    );
  } catch (error) {
    const brief = seen.map((s) => ({ aria: s.ariaLabel, nodes: s.nodes.map((n) => n.id), edges: s.edges.length }));
    throw new Error(`${(error as Error).message}; the webview showed ${JSON.stringify(brief)}`);
  }
}

/**
 * Posts `messages` from inside the graph's page (the content frame running dist/webview.js)
 * exactly as its acquireVsCodeApi().postMessage does. VS Code's webview host frame
 * (webview/browser/pre/index.html) gives the page an API that calls
 * `window.parent.__vscode_post_message__('onmessage', { message, transfer })` and then deletes
 * `window.parent`; a script injected into the page can still reach that host frame through
 * `window.top`, which is what this does. Resolves with the number of frames that posted.
 */
async function postFromGraphPage(messages: unknown[]): Promise<number> {
  const results = await queryFrames<number | string | null>(`((messages) => {
    if (![...document.scripts].some((s) => /\\/webview\\.js(\\?|$)/.test(s.getAttribute('src') || ''))) return null;
    const me = window;
    const hostOf = (w) => {
      for (let i = 0; i < w.frames.length; i++) {
        const f = w.frames[i];
        try {
          if (typeof f.__vscode_post_message__ === 'function' && [...Array(f.frames.length).keys()].some((j) => f.frames[j] === me)) return f;
        } catch { /* another origin */ }
        const r = hostOf(f);
        if (r) return r;
      }
      return null;
    };
    const host = window.parent && typeof window.parent.__vscode_post_message__ === 'function' ? window.parent : hostOf(window.top);
    if (!host) return 'no webview host frame above the page';
    for (const message of messages) host.__vscode_post_message__('onmessage', { message, transfer: undefined });
    return messages.length;
  })(${JSON.stringify(messages)})`);
  const posted = results.filter((r) => r.webviewContent && typeof r.value === 'number');
  assert.ok(posted.length <= 1, `one graph page posted: ${JSON.stringify(posted).slice(0, 500)}`);
  const problems = results.filter((r) => r.webviewContent && typeof r.value === 'string');
  assert.equal(posted.length, 1, `no graph page could post: ${JSON.stringify(problems.length ? problems : results).slice(0, 1500)}`);
  return posted.length;
}

/**
 * The file the extension's "Planmark" LogOutputChannel is written to:
 * <user data>/logs/<session>/exthost<N>/planmark.planmark/Planmark.log on the code-server side.
 * The extension host (this process) keeps it open, so /proc/self/fd names it; otherwise look
 * below the user data run.mjs gives code-server (<state>/user-data, with TMPDIR=<state>/tmp).
 */
function planmarkLogFile(): string | undefined {
  const tail = path.join(EXTENSION_ID, 'Planmark.log');
  try {
    for (const fd of fs.readdirSync('/proc/self/fd')) {
      let target = '';
      try {
        target = fs.readlinkSync(path.join('/proc/self/fd', fd));
      } catch {
        continue;
      }
      if (target.endsWith(path.sep + tail) && fs.existsSync(target)) return target;
    }
  } catch {
    /* no /proc */
  }
  const logs = path.resolve(process.env.TMPDIR ?? os.tmpdir(), '..', 'user-data', 'logs');
  const candidates: string[] = [];
  try {
    for (const session of fs.readdirSync(logs)) {
      for (const dir of fs.readdirSync(path.join(logs, session))) {
        const file = path.join(logs, session, dir, tail);
        if (/^exthost\d*$/.test(dir) && fs.existsSync(file)) candidates.push(file);
      }
    }
  } catch {
    return undefined;
  }
  return candidates.sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
}

/** The messages of the workbench's notifications (toasts and the notification centre). */
const READ_NOTIFICATIONS = `[...document.querySelectorAll('.notification-list-item-message')].map((e) => (e.textContent || '').trim())`;

const ids = (s: SvgState) => s.nodes.map((n) => n.id).sort();
const sameIds = (s: SvgState, expected: string[]) => JSON.stringify(ids(s)) === JSON.stringify([...expected].sort());

suite('Planmark task graph (webview)', function () {
  let api: PlanmarkExtensionApi;
  let ext: vscode.Extension<PlanmarkExtensionApi>;
  const fixture = (...parts: string[]) => vscode.Uri.joinPath(ext.extensionUri, 'test', 'fixtures', ...parts);
  const touched = new Set<string>();

  /** Opens a plan in the first column and shows the graph beside it; waits for the panel's payload. */
  async function showGraphOf(uri: vscode.Uri) {
    const document = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.One, preserveFocus: false });
    assert.equal(await vscode.commands.executeCommand('planmark.showTaskGraph', document.uri), true);
    const panel = await waitFor('the graph panel', () => api.graphPanel());
    const graph = await waitFor(`the graph of ${uri.path.split('/').pop()}`, () =>
      panel.graph?.uri === document.uri.toString() && panel.graph.version === document.version ? panel.graph : undefined,
    );
    return { document, editor, panel, graph };
  }

  suiteSetup(async function () {
    if (!runnerAvailable()) this.skip();
    ext = vscode.extensions.getExtension<PlanmarkExtensionApi>(EXTENSION_ID)!;
    assert.ok(ext, `extension ${EXTENSION_ID} is installed`);
    api = await ext.activate();
  });

  teardown(async () => {
    // Put edited fixtures back as they are on disk.
    for (const document of vscode.workspace.textDocuments) {
      if (touched.has(document.uri.toString()) && document.isDirty) {
        await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.One });
        await vscode.commands.executeCommand('workbench.action.files.revert');
      }
    }
  });

  suiteTeardown(async () => {
    if (ext) await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('node and edge counts of the drawn SVG match the plan', async () => {
    const { graph } = await showGraphOf(fixture('vscode', 'graph.plan.md'));
    // graph.plan.md: 4 tasks; table and mermaid agree on 4 edges.
    assert.deepEqual(graph.nodes.map((n) => n.id), ['TASK_001', 'TASK_002', 'TASK_003', 'TASK_004']);
    assert.equal(graph.edges.length, 4);
    const svg = await waitForSvg('the SVG of graph.plan.md', (s) => sameIds(s, ['TASK_001', 'TASK_002', 'TASK_003', 'TASK_004']));
    assert.equal(svg.nodes.length, 4, 'one g.node per task');
    assert.equal(svg.edges.length, 4, 'one edge path per dependency');
    assert.match(svg.ariaLabel, /Graph Fixture/);
    // Labels from the mermaid node labels, hours from the table.
    assert.match(svg.nodes.find((n) => n.id === 'TASK_003')!.text, /TASK_003 · 5h\s*Read API/);
    // No node is in error: the plan is consistent.
    assert.ok(svg.nodes.every((n) => !/\bpm(Error|Cycle)\b/.test(n.classes)), JSON.stringify(svg.nodes));
  });

  test('the nodes of a dependency cycle carry the error and cycle classes', async () => {
    const { graph } = await showGraphOf(fixture('defects', 'dependency-cycle-two.plan.md'));
    assert.deepEqual(graph.cycles.length > 0, true, 'the server reports the cycle');
    const all = ['TASK_001', 'TASK_002', 'TASK_003', 'TASK_004', 'TASK_005'];
    const svg = await waitForSvg('the SVG of dependency-cycle-two.plan.md', (s) => sameIds(s, all));
    assert.equal(svg.nodes.length, 5);
    // Table and mermaid state the same 8 dependencies, TASK_003 <-> TASK_004 among them.
    assert.equal(graph.edges.length, 8);
    assert.equal(svg.edges.length, 8);
    for (const n of svg.nodes) {
      const inCycle = n.id === 'TASK_003' || n.id === 'TASK_004';
      assert.equal(/\bpmCycle\b/.test(n.classes), inCycle, `${n.id} pmCycle: ${n.classes}`);
      assert.equal(/\bpmError\b/.test(n.classes), inCycle, `${n.id} pmError: ${n.classes}`);
      if (inCycle) assert.match(n.text, /⟳/, `${n.id} shows the cycle mark`);
    }
    assert.equal(svg.edges.filter((e) => /\bpm-edge-cycle\b/.test(e.classes)).length, 2, 'both edges of the cycle are styled');
  });

  test('an edit to the plan (new task row and mermaid edge) shows in the graph', async () => {
    const { document } = await showGraphOf(fixture('vscode', 'graph.plan.md'));
    touched.add(document.uri.toString());
    const before = ['TASK_001', 'TASK_002', 'TASK_003', 'TASK_004'];
    await waitForSvg('the SVG of graph.plan.md', (s) => sameIds(s, before) && s.edges.length === 4);

    const lines = document.getText().split(/\r?\n/);
    const rowLine = lines.findIndex((l) => l.startsWith('| TASK_004 |'));
    const edgeLine = lines.findIndex((l) => /^\s+B --> D\[TASK_004/.test(l));
    assert.ok(rowLine > 0 && edgeLine > 0, 'fixture layout');
    const edit = new vscode.WorkspaceEdit();
    edit.insert(document.uri, new vscode.Position(edgeLine + 1, 0), '    D --> E[TASK_005: Docs]\n');
    edit.insert(document.uri, new vscode.Position(rowLine + 1, 0), '| TASK_005 | TASK_004 | 2 |\n');
    assert.ok(await vscode.workspace.applyEdit(edit), 'the edit applies');

    const after = await waitForSvg('the graph to draw TASK_005', (s) => sameIds(s, [...before, 'TASK_005']));
    assert.equal(after.nodes.length, 5);
    assert.equal(after.edges.length, 5);
    assert.match(after.nodes.find((n) => n.id === 'TASK_005')!.text, /TASK_005 · 2h\s*Docs/);

    // Reverting the document takes the node away again.
    await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.One });
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await waitForSvg('the graph to drop TASK_005 after the revert', (s) => sameIds(s, before) && s.edges.length === 4);
  });

  test('a graph opened with the cursor on a task highlights that task at once', async () => {
    // Regression: the highlight used to wait for the cursor to move after the panel opened.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await waitFor('the graph panel to close', () => api.graphPanel() === undefined);
    const document = await vscode.workspace.openTextDocument(fixture('vscode', 'graph.plan.md'));
    const editor = await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.One });
    const row = document.getText().split(/\r?\n/).findIndex((l) => l.startsWith('| TASK_003 |'));
    editor.selection = new vscode.Selection(row, 3, row, 3);
    await vscode.commands.executeCommand('planmark.showTaskGraph', document.uri);
    await waitForSvg('the SVG of graph.plan.md', (s) => s.nodes.length === 4);
    const highlighted = await waitFor('a highlighted node', async () => {
      const r = contentFrames(await queryFrames<string | null>(`(() => { const e = document.querySelector('.pm-canvas svg .pm-highlight'); return e ? e.textContent : null; })()`));
      return r[0]?.value ?? undefined;
    });
    assert.match(highlighted, /TASK_003/);
  });

  test('hostile labels and step titles render as text and never run', async () => {
    // Start on a harmless plan and plant traps in the webview frame: the panel keeps its page
    // when it follows another plan, so anything the hostile plan manages to run would hit them.
    await showGraphOf(fixture('vscode', 'graph.plan.md'));
    await waitForSvg('the SVG of graph.plan.md', (s) => s.nodes.length === 4);
    const trapped = await queryFrames<boolean>(
      `(() => { window.__pwned = undefined; window.alert = (m) => { window.__pwned = 'alert:' + m; }; window.evil = () => { window.__pwned = 'evil()'; }; return true; })()`,
    );
    assert.ok(trapped.some((r) => r.webviewContent && r.value === true), 'traps planted in the webview frame');

    const { graph } = await showGraphOf(fixture('vscode', 'hostile-labels.plan.md'));
    const labels = graph.nodes.map((n) => n.label);
    assert.deepEqual(labels, ['<img src=x onerror=alert(1)>', '<img src=x onerror=window.__pwned=3>', '"]; click A call evil()'], 'the server passes the labels on as they are');

    const svg = await waitForSvg('the SVG of hostile-labels.plan.md', (s) => sameIds(s, ['TASK_001', 'TASK_002', 'TASK_003']));
    assert.equal(svg.nodes.length, 3, `exactly the three tasks: ${JSON.stringify(svg.nodes)}`);
    assert.equal(svg.edges.length, 2, 'no edge or statement injected');
    assert.deepEqual(svg.dangerousElements, [], 'no <img>, <script>, <iframe> ... in the webview');
    assert.deepEqual(svg.handlerAttributes, [], 'no on* attribute in the webview');
    for (const label of labels) assert.ok(svg.text.includes(label), `"${label}" is shown as text in: ${svg.text}`);

    // Group by step: the step titles become subgraph labels, hostile ones included.
    const clicked = await queryFrames<string | false | null>(
      `(() => { const b = [...document.querySelectorAll('.pm-toolbar button')].find((x) => x.textContent === 'Group by step'); if (!b) return false; b.click(); return b.getAttribute('aria-pressed'); })()`,
    );
    assert.ok(clicked.some((r) => r.webviewContent && r.value === 'true'), `grouped by step: ${JSON.stringify(clicked).slice(0, 300)}`);
    try {
      const grouped = await waitForSvg('the steps drawn as boxes', (s) => s.clusters.length === 2 && s.nodes.length === 3);
      assert.ok(grouped.clusters.some((c) => c.includes('<img src=x onerror=')), `step title as text: ${JSON.stringify(grouped.clusters)}`);
      assert.ok(grouped.clusters.some((c) => c.includes('"]; click A call evil()')), `step title as text: ${JSON.stringify(grouped.clusters)}`);
      assert.deepEqual(grouped.dangerousElements, []);
      assert.deepEqual(grouped.handlerAttributes, []);

      // Clicks on every node (mermaid's `click ... call` would fire here) only reveal rows.
      await queryFrames(`(() => { document.querySelectorAll('svg g.node').forEach((g) => g.dispatchEvent(new MouseEvent('click', { bubbles: true }))); return true; })()`);
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      await queryFrames(
        `(() => { const b = [...document.querySelectorAll('.pm-toolbar button')].find((x) => x.textContent === 'Group by step'); if (b && b.getAttribute('aria-pressed') === 'true') b.click(); return true; })()`,
      );
    }
    const final = await waitForSvg('the ungrouped graph', (s) => s.clusters.length === 0 && s.nodes.length === 3);
    assert.equal(final.pwned, null, `window.__pwned was set in the webview: ${String(final.pwned)}`);
    assert.equal(final.trapped, true, 'the webview kept its page (and the traps) all along');
    const everywhere = await queryFrames<unknown>('window.__pwned === undefined ? null : String(window.__pwned)');
    assert.deepEqual(everywhere.filter((r) => r.value != null).map((r) => `${r.url}: ${String(r.value)}`), [], 'no frame was pwned');
    assert.equal(await queryWorkbench('window.__pwned === undefined ? null : String(window.__pwned)'), null, 'the workbench was not pwned');
  });

  test('messages a hostile webview posts are ignored and logged', async () => {
    const { document, editor } = await showGraphOf(fixture('vscode', 'graph.plan.md'));
    await waitForSvg('the SVG of graph.plan.md', (s) => sameIds(s, ['TASK_001', 'TASK_002', 'TASK_003', 'TASK_004']));
    const logFile = planmarkLogFile();
    assert.ok(logFile, 'the "Planmark" output channel has a log file (exthost*/planmark.planmark/Planmark.log)');
    const logStart = fs.statSync(logFile).size;
    const newLog = () => fs.readFileSync(logFile, 'utf8').slice(logStart);

    // Park the cursor away from any task, and note what the user sees.
    editor.selection = new vscode.Selection(2, 2, 2, 7);
    await waitFor('the plan to be the active editor', () => vscode.window.activeTextEditor?.document === document);
    const text = document.getText();
    const version = document.version;
    const selection = editor.selection;
    const terminals = vscode.window.terminals.length;
    const visibleEditors = () => vscode.window.visibleTextEditors.map((e) => `${e.viewColumn}:${e.document.uri.toString()}`).sort();
    const tabs = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => `${g.viewColumn}:${t.label}`)).sort();
    const documents = () => vscode.workspace.textDocuments.map((d) => d.uri.toString()).sort();
    const before = { visible: visibleEditors(), tabs: tabs(), documents: documents() };
    const notificationsBefore = await queryWorkbench<string[]>(READ_NOTIFICATIONS);

    const longId = 'TASK_' + 'x'.repeat(10_000);
    await postFromGraphPage([
      { type: 'runCommand', command: 'workbench.action.terminal.new' },
      'not an object',
      ['reveal', 'TASK_001'],
      { type: 'reveal', taskId: 'TASK_999' },
      { type: 'reveal', taskId: '../../etc/passwd' },
      { type: 'reveal', taskId: longId },
      { type: 'exportSvg', svg: '<script>alert(1)</script>' },
      { type: 'exportPng', dataUrl: 'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==' },
      // A PNG data URL whose bytes are not a PNG (they are the same <script>).
      { type: 'exportPng', dataUrl: 'data:image/png;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==' },
    ]);

    // Every one of them is logged as ignored (this also says they have all been handled).
    const expected = [
      'Task graph: ignored a webview message (unknown message type "runCommand").',
      'Task graph: ignored a webview message (message is not an object).',
      'Task graph: ignored a reveal of "TASK_999", not a task of the plan shown.',
      'Task graph: ignored a reveal of "../../etc/passwd", not a task of the plan shown.',
      'Task graph: ignored a webview message (reveal: taskId must be a non-empty string).',
      'Task graph: ignored a webview message (exportSvg: svg must be an SVG document).',
      'Task graph: ignored a webview message (exportPng: dataUrl must be a base64 PNG data URL).',
      'Task graph: ignored a webview message (exportPng: the data URL does not hold a PNG image).',
    ];
    const count = (log: string, line: string) => log.split('\n').filter((l) => /\[warning\]/.test(l) && l.endsWith(line)).length;
    const log = await waitFor(
      'the ignored messages to be logged',
      () => {
        const log = newLog();
        return count(log, expected[1]) >= 2 && expected.every((line) => count(log, line) >= 1) ? log : undefined;
      },
      30_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}; the log had:\n${newLog().slice(0, 3000)}`);
    });
    assert.ok(!log.includes('x'.repeat(201)), 'the 10,000-character ID is not written to the log');
    assert.doesNotMatch(log, /\[error\]/, 'nothing failed while handling them');

    // Nothing the user can see has moved.
    assert.equal(vscode.window.activeTextEditor?.document, document, 'the plan is still the active editor');
    assert.ok(vscode.window.activeTextEditor.selection.isEqual(selection), `the selection did not move: ${JSON.stringify(vscode.window.activeTextEditor.selection)}`);
    assert.equal(vscode.window.terminals.length, terminals, 'no terminal was opened');
    assert.deepEqual(visibleEditors(), before.visible, 'no editor was opened or closed');
    assert.deepEqual(tabs(), before.tabs, 'no tab was opened or closed');
    assert.deepEqual(documents(), before.documents, 'no document was opened (e.g. /etc/passwd)');
    assert.equal(document.getText(), text, 'the plan text is unchanged');
    assert.equal(document.version, version);
    assert.equal(document.isDirty, false);

    // The same channel works: a reveal of a real task, posted the same way, selects its row.
    await postFromGraphPage([{ type: 'reveal', taskId: 'TASK_003' }]);
    const revealed = await waitFor('the TASK_003 row to be selected', () => {
      const active = vscode.window.activeTextEditor;
      return active?.document === document && !active.selection.isEqual(selection) ? active.selection : undefined;
    });
    assert.equal(document.getText(revealed), '| TASK_003 | TASK_001, TASK_002 | 5 |');
    assert.deepEqual(visibleEditors(), before.visible, 'the reveal used the editor already showing the plan');
    assert.equal(vscode.window.terminals.length, terminals);
    assert.equal(document.getText(), text);

    // And none of the ignored messages put up a notification (the reveal came after them).
    const notificationsAfter = await queryWorkbench<string[]>(READ_NOTIFICATIONS);
    assert.deepEqual(notificationsAfter.filter((m) => !notificationsBefore.includes(m)), [], 'no new notification');
  });
});
