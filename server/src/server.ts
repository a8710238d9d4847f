// The planmark language server: wires the plan model and the language features to an LSP
// connection (stdio with --stdio, IPC when started by the extension). Every handler reads the
// one cached model of its document; nothing here parses Markdown.
import {
  CancellationToken,
  CodeActionKind,
  createConnection,
  ProposedFeatures,
  TextDocumentSyncKind,
  type Connection,
  type Diagnostic,
  type InitializeParams,
  type TextEdit,
} from 'vscode-languageserver/node';
import {
  AddTaskRequest,
  InsertSectionRequest,
  PlanChangedNotification,
  PlanSummaryRequest,
  SectionListRequest,
  StatsRequest,
  TestUncaughtExceptionNotification,
  SyncDependenciesRequest,
  TaskGraphRequest,
  TaskListRequest,
  type CommandEditResult,
} from '../../shared/protocol';
import { DEFAULT_SETTINGS, type PlanmarkSettings } from '../../shared/settings';
import { BackgroundParser, isParserWorker, runParserWorker } from './backgroundParser';
import { fsPathOf, INLINE_PARSE_LIMIT, OpenDocument } from './documents';
import { codeActions } from './features/codeActions';
import { complete, COMPLETION_TRIGGER_CHARACTERS, resolveCompletionItem } from './features/completion';
import { findDefinition } from './features/definition';
import { computeDiagnostics } from './features/diagnostics';
import { documentSymbols } from './features/documentSymbols';
import { foldingRanges } from './features/foldingRanges';
import { hoverTask } from './features/hover';
import { addGraphEdgesEdit, addTaskRowEdit, addTaskToStepEdit, insertSectionEdit, syncGraphFromTable, syncTableFromGraph } from './features/planEdits';
import { planSummary, sectionList, taskList } from './features/planInfo';
import { findReferences } from './features/references';
import { prepareRename, renameTask } from './features/rename';
import { buildTaskGraph } from './features/taskGraph';
import { SettingsStore } from './settingsStore';
import { isCancellation, throwIfCancelled } from './cancellation';
import { extractionPattern, PlanDocument, type Plan, type RequirementIndex } from './plan';
import { WorkspaceServer } from './workspaceServer';
import { Neighbours } from './neighbours';
import { limitHeapGrowth } from './memory';

export function startServer(connection: Connection, parserScript?: string): void {
  const documents = new Map<string, OpenDocument>();
  const parser = new BackgroundParser(parserScript, (message) => connection.console.log(message));
  /** Settings of documents outside every workspace folder, and of workspace-wide work. */
  let settings: PlanmarkSettings = DEFAULT_SETTINGS;
  /** Pulled per workspace folder, or pushed by the client (settingsStore.ts). */
  let store = new SettingsStore(false, () => [], () => undefined);
  /** Settings of the document at `uri` (those of its workspace folder). */
  const settingsFor = (uri: string): PlanmarkSettings => store.for(uri);
  /** Workspace folders, so planmark.files globs match paths relative to them. */
  let roots: string[] = [];
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  // Replaced when settings change, since diagnostics depend on them (and on requirements.md for Kiro).
  let diagnosticsCache = new WeakMap<Plan, { requirements: RequirementIndex | undefined; diagnostics: Diagnostic[] }>();
  const neighbours = new Neighbours((uri) => documents.get(uri)?.text);
  const oversizeNoticeShown = new Set<string>();
  /** The workspace of plans (index, symbols, cross-plan checks); created on initialize. */
  let workspace: WorkspaceServer | undefined;
  /** Settings loaded once: later changes re-read the workspace. */
  let workspaceStarted = false;

  const log = (message: string) => connection.console.log(message);

  /**
   * Runs a handler so that an exception is logged and answered with `fallback`, never fatal. A
   * request the client cancelled is answered with RequestCancelled, before the handler runs or
   * once it has awaited (handlers call throwIfCancelled between steps of long work).
   */
  function guard<P, R>(name: string, fallback: R, handler: (params: P, token: CancellationToken) => R | Promise<R>) {
    return async (params: P, token: CancellationToken = CancellationToken.None): Promise<R> => {
      try {
        throwIfCancelled(token);
        const result = await handler(params, token);
        throwIfCancelled(token);
        return result;
      } catch (error) {
        if (isCancellation(error)) throw error;
        if (error && typeof error === 'object' && 'code' in error && 'message' in error && (error as { code: number }).code === -32602) throw error;
        connection.console.error(`${name} failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
        return fallback;
      }
    };
  }

  /**
   * The model of a plan, for navigation and edits: also for a plan over planmark.maxFileSize,
   * whose model is parsed (on the worker when large) but which gets no deep analysis.
   */
  async function planOf(uri: string): Promise<Plan | undefined> {
    const doc = documents.get(uri);
    if (!doc) return undefined;
    const own = settingsFor(uri);
    const kind = doc.kindOf(own.files, roots, own.kinds);
    if (!kind) return undefined;
    return doc.plan(kind);
  }

  /** The model of a plan for deep analysis (graph, summary): none over planmark.maxFileSize. */
  async function analysedPlanOf(uri: string): Promise<Plan | undefined> {
    const doc = documents.get(uri);
    if (!doc || doc.exceeds(settingsFor(uri).maxFileSize)) return undefined;
    return planOf(uri);
  }

  function diagnosticsOf(plan: Plan): Diagnostic[] {
    const requirements = neighbours.requirementsFor(plan);
    let cached = diagnosticsCache.get(plan);
    if (!cached || cached.requirements !== requirements) {
      cached = { requirements, diagnostics: computeDiagnostics(plan, settingsFor(plan.uri), requirements) };
      diagnosticsCache.set(plan, cached);
    }
    return cached.diagnostics;
  }

  /** A requirements.md changed: the Kiro task lists beside it are checked again. */
  function requirementsChanged(uri: string): void {
    if (!Neighbours.isRequirementsFile(uri)) return;
    for (const doc of documents.values()) {
      if (doc.uri !== uri && Neighbours.requirementsUriOf(doc.uri) === uri) schedule(doc.uri);
    }
  }

  async function publish(uri: string): Promise<void> {
    timers.delete(uri);
    // The connection writes answers from setImmediate callbacks: a debounce timer that fires
    // right after a request was handled would otherwise hold that answer (the hover after a
    // keystroke) until the diagnostics are computed. Let the pending writes go out first.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const doc = documents.get(uri);
    if (!doc) return;
    const docSettings = settingsFor(uri);
    if (!doc.isPlan(docSettings.files, roots, docSettings.kinds)) {
      workspace?.closed(uri);
      void connection.sendDiagnostics({ uri, diagnostics: [] });
      return;
    }
    if (doc.exceeds(docSettings.maxFileSize)) {
      if (!oversizeNoticeShown.has(uri)) {
        oversizeNoticeShown.add(uri);
        void connection.window.showInformationMessage(
          `Planmark: ${uri.split('/').pop()} is ${formatSize(doc.byteLength)}, over planmark.maxFileSize ` +
            `(${formatSize(docSettings.maxFileSize)}); it gets no diagnostics, task graph or summary, but navigation still works.`,
        );
      }
      void connection.sendDiagnostics({ uri, version: doc.version, diagnostics: [] });
      return;
    }
    const plan = await planOf(uri);
    if (!plan || documents.get(uri) !== doc) return; // closed meanwhile
    const started = Date.now();
    const own = diagnosticsOf(plan);
    const diagnostics = workspace ? workspace.diagnosticsFor(plan, own) : own;
    void connection.sendDiagnostics({ uri, version: plan.version, diagnostics });
    void connection.sendNotification(PlanChangedNotification, { uri, version: plan.version });
    const ms = Date.now() - started;
    if (ms > 100) log(`diagnostics for ${uri} took ${ms} ms (${doc.lastUpdate} update)`);
  }

  function schedule(uri: string): void {
    const existing = timers.get(uri);
    if (existing) clearTimeout(existing);
    timers.set(
      uri,
      setTimeout(() => {
        publish(uri).catch((error) => {
          connection.console.error(`diagnostics failed for ${uri}: ${error instanceof Error ? error.stack : String(error)}`);
        });
      }, settings.diagnosticsDelay),
    );
  }

  async function loadSettings(): Promise<void> {
    const patterns = new Map([...documents.values()].map((doc) => [doc.uri, settingsFor(doc.uri).taskIdPattern]));
    await store.load((items) => connection.workspace.getConfiguration(items), log);
    settings = store.global;
    diagnosticsCache = new WeakMap();
    for (const doc of documents.values()) {
      const pattern = settingsFor(doc.uri).taskIdPattern;
      if (patterns.get(doc.uri) !== pattern) doc.reset(pattern);
      schedule(doc.uri);
    }
    if (workspaceStarted) void workspace?.rescan();
    workspaceStarted = true;
  }

  connection.onInitialize((params: InitializeParams) => {
    const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    store = new SettingsStore(!!params.capabilities.workspace?.configuration, () => folders, (message) => {
      void connection.window.showWarningMessage(message);
    });
    // Clients without workspace/configuration often pass their settings here.
    store.push(params.initializationOptions);
    roots = folders.filter((u) => u.startsWith('file:')).map(fsPathOf);
    workspace = new WorkspaceServer(
      {
        connection,
        settings: () => settings,
        roots: () => roots,
        parse: async (uri, text, kind) => {
          const options = { taskIdPattern: settings.taskIdPattern, kind };
          if (text.length <= INLINE_PARSE_LIMIT) return new PlanDocument(uri, text, 0, options).plan;
          return PlanDocument.fromBlocks(uri, text, 0, await parser.parse(text, extractionPattern(options)), options).plan;
        },
        openPlan: (uri) => planOf(uri),
        openUris: () => [...documents.keys()],
        republish: (uri) => schedule(uri),
        publishNow: (uri) => publish(uri),
        log,
      },
      params,
    );
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        completionProvider: { triggerCharacters: COMPLETION_TRIGGER_CHARACTERS, resolveProvider: true },
        definitionProvider: true,
        referencesProvider: true,
        renameProvider: { prepareProvider: true },
        hoverProvider: true,
        documentSymbolProvider: true,
        foldingRangeProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        ...WorkspaceServer.capabilities(),
      },
      serverInfo: { name: 'planmark', version: '0.1.0' },
    };
  });

  connection.onInitialized(() => {
    // The index reads the workspace with the settings, so it starts once they are known.
    void loadSettings()
      .catch((error) => log(`loading settings failed: ${String(error)}`))
      .then(() => workspace?.start());
  });

  connection.onDidChangeConfiguration((params) => {
    store.push(params?.settings);
    void loadSettings();
  });

  connection.onDidOpenTextDocument((params) => {
    const { uri, languageId, text, version } = params.textDocument;
    documents.set(uri, new OpenDocument(uri, languageId, text, version, settingsFor(uri).taskIdPattern, parser, log));
    schedule(uri);
    requirementsChanged(uri);
  });

  connection.onDidChangeTextDocument((params) => {
    const doc = documents.get(params.textDocument.uri);
    if (!doc) return;
    try {
      doc.applyChanges(params.contentChanges, params.textDocument.version);
    } catch (error) {
      connection.console.error(`could not apply a change to ${doc.uri}: ${error instanceof Error ? error.stack : String(error)}`);
      return;
    }
    schedule(doc.uri);
    requirementsChanged(doc.uri);
  });

  connection.onDidCloseTextDocument((params) => {
    const uri = params.textDocument.uri;
    documents.delete(uri);
    const timer = timers.get(uri);
    if (timer) clearTimeout(timer);
    timers.delete(uri);
    oversizeNoticeShown.delete(uri);
    workspace?.closed(uri);
    void connection.sendDiagnostics({ uri, diagnostics: [] });
    requirementsChanged(uri);
  });

  connection.onCompletion(
    guard('completion', null, async (p) => {
      lastCompletionUri = p.textDocument.uri;
      const plan = await planOf(p.textDocument.uri);
      return plan ? complete(plan, p.position, settingsFor(plan.uri)) : null;
    }),
  );
  // The client resolves the item it shows; the plan is the one of the document completed last.
  let lastCompletionUri: string | undefined;
  connection.onCompletionResolve(async (item) => {
    try {
      return resolveCompletionItem(lastCompletionUri ? await planOf(lastCompletionUri) : undefined, item);
    } catch (error) {
      connection.console.error(`completionItem/resolve failed: ${String(error)}`);
      return item;
    }
  });
  connection.onDefinition(
    guard('definition', null, async (p) => {
      const plan = await planOf(p.textDocument.uri);
      return plan ? workspace?.definition(plan, p.position) ?? findDefinition(plan, p.position, neighbours.requirementsFor(plan)) : null;
    }),
  );
  connection.onReferences(
    guard('references', null, async (p, token) => {
      const plan = await planOf(p.textDocument.uri);
      if (!plan) return null;
      throwIfCancelled(token);
      return workspace ? workspace.references(plan, p.position, p.context.includeDeclaration, token) : findReferences(plan, p.position, p.context.includeDeclaration);
    }),
  );
  connection.onPrepareRename(
    guard('prepareRename', null, async (p) => {
      const plan = await planOf(p.textDocument.uri);
      return plan ? prepareRename(plan, p.position) : null;
    }),
  );
  connection.onRenameRequest(
    guard('rename', null, async (p, token) => {
      const plan = await planOf(p.textDocument.uri);
      if (!plan) return null;
      throwIfCancelled(token);
      return (await workspace?.rename(plan, p.position, p.newName, token)) ?? renameTask(plan, p.position, p.newName);
    }),
  );
  connection.onHover(
    guard('hover', null, async (p) => {
      const plan = await planOf(p.textDocument.uri);
      return plan ? hoverTask(plan, p.position, neighbours.requirementsFor(plan)) : null;
    }),
  );
  connection.onDocumentSymbol(
    guard('documentSymbol', null, async (p) => {
      const plan = await planOf(p.textDocument.uri);
      return plan ? documentSymbols(plan) : null;
    }),
  );
  connection.onFoldingRanges(
    guard('foldingRanges', null, async (p) => {
      const plan = await planOf(p.textDocument.uri);
      return plan ? foldingRanges(plan) : null;
    }),
  );
  connection.onCodeAction(
    guard('codeAction', null, async (p) => {
      const plan = await planOf(p.textDocument.uri);
      return plan ? codeActions(plan, p.context.diagnostics) : null;
    }),
  );

  // ---- planmark's own requests ----

  function editResult(plan: Plan, edits: TextEdit[] | string | undefined): CommandEditResult {
    if (typeof edits === 'string') return { uri: plan.uri, version: plan.version, edits: [], message: edits };
    return { uri: plan.uri, version: plan.version, edits: edits ?? [] };
  }

  connection.onRequest(
    TaskGraphRequest,
    guard('taskGraph', null, async (p, token) => {
      const plan = await analysedPlanOf(p.uri);
      if (!plan) return null;
      throwIfCancelled(token);
      const graph = buildTaskGraph(plan, workspace ? await workspace.diagnosticsForRequest(plan, diagnosticsOf(plan), token) : diagnosticsOf(plan));
      return workspace ? workspace.markExternalNodes(plan, graph, token) : graph;
    }),
  );
  connection.onRequest(
    PlanSummaryRequest,
    guard('planSummary', null, async (p) => {
      const plan = await analysedPlanOf(p.uri);
      return plan ? planSummary(plan, diagnosticsOf(plan)) : null;
    }),
  );
  connection.onRequest(
    TaskListRequest,
    guard('taskList', null, async (p) => {
      const plan = await planOf(p.uri);
      return plan ? taskList(plan) : null;
    }),
  );
  connection.onRequest(
    SectionListRequest,
    guard('sectionList', null, async (p) => {
      const plan = await planOf(p.uri);
      return plan ? sectionList(plan) : null;
    }),
  );
  connection.onRequest(
    SyncDependenciesRequest,
    guard('syncDependencies', null, async (p) => {
      const plan = await planOf(p.uri);
      if (!plan) return null;
      return editResult(plan, p.direction === 'graphFromTable' ? syncGraphFromTable(plan) : syncTableFromGraph(plan));
    }),
  );
  connection.onRequest(
    InsertSectionRequest,
    guard('insertSection', null, async (p) => {
      const plan = await planOf(p.uri);
      if (!plan) return null;
      const edit = insertSectionEdit(plan, p.section);
      return editResult(plan, edit ? [edit] : `"${p.section}" is not a section of the plan template.`);
    }),
  );
  connection.onRequest(
    AddTaskRequest,
    guard('addTask', null, async (p) => {
      const plan = await planOf(p.uri);
      if (!plan) return null;
      if (plan.taskById.has(p.id)) return editResult(plan, `${p.id} already exists.`);
      const hours = p.hours !== undefined && Number.isFinite(p.hours) && p.hours > 0 ? String(p.hours) : 'X';
      const row = addTaskRowEdit(plan, p.id, p.dependsOn, hours);
      if (!row) return editResult(plan, 'The plan has no task table (| Task | Depends On | Estimated Hours |) to add the task to.');
      const edits: TextEdit[] = [row];
      const graph = addGraphEdgesEdit(
        plan,
        p.dependsOn.map((d) => ({ from: d, to: p.id })),
        p.dependsOn.length ? [] : [p.id],
      );
      if (graph) edits.push(graph);
      if (p.step) {
        const step = addTaskToStepEdit(plan, p.step, p.id);
        if (step) edits.push(step);
      }
      return editResult(plan, edits);
    }),
  );

  connection.onRequest(
    StatsRequest,
    guard('stats', null, () => {
      const memory = process.memoryUsage();
      return { rss: memory.rss, heapUsed: memory.heapUsed, heapTotal: memory.heapTotal, external: memory.external, documents: documents.size };
    }),
  );

  if (process.env.PLANMARK_TEST_HOOKS === '1') {
    connection.onNotification(TestUncaughtExceptionNotification, () => {
      setTimeout(() => {
        throw new Error('planmark test hook: an uncaught exception');
      });
    });
  }

  connection.listen();
}

/**
 * The server as a program: serves on the transport named on the command line (--stdio,
 * --node-ipc, --socket=N). Run by dist/server.js itself, `planmark lsp` and
 * `planmark-language-server` (bin/).
 */
export function runServer(): void {
  process.on('uncaughtException', (error) => {
    // An exception outside every request handler (those answer with an error and go on) leaves
    // the server in a state nobody knows: exit, so that the client starts a fresh one (VS Code's
    // client restarts it; the user is told once). The error goes to the log for a report.
    // stderr itself: on --stdio the connection redirects console.* into LSP messages.
    process.stderr.write(`planmark server: uncaught ${error.stack ?? error.message}; exiting so that the client restarts the server\n`);
    process.exit(1);
  });
  limitHeapGrowth();
  // The bundle (dist/server.js) is also the parser process's script.
  startServer(createConnection(ProposedFeatures.all), __filename.endsWith('.js') ? __filename : undefined);
}

/** A size in bytes as people read it: "812 bytes", "3.9 KB", "4.0 MB" (units of 1,024). */
function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1048576).toFixed(1)} MB`;
}

// Started as a program (dist/server.js): serve on the transport named on the command line.
if (isParserWorker()) {
  runParserWorker();
} else if (require.main === module) {
  runServer();
}
