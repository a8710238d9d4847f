// Starts the Planmark language server lazily (once a plan is open) and gives the rest of the
// extension one place to send custom requests and hear PlanChanged notifications.
import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  State,
  TransportKind,
  type ErrorHandler,
  type LanguageClientOptions,
  type NotificationType0,
  type RequestType,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { PlanChangedNotification, WorkspacePlansChangedNotification, type PlanChangedParams } from '../../shared/protocol';
import { isPlan, PLAN_SCHEMES } from './planDocuments';

export class PlanmarkClient implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private starting: Promise<LanguageClient> | undefined;
  private disposed = false;
  /** How many times the user was told about a crash (at most once per session). */
  crashNotices = 0;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly planChanged = new vscode.EventEmitter<PlanChangedParams>();
  private readonly running = new vscode.EventEmitter<void>();
  private readonly workspacePlansChanged = new vscode.EventEmitter<void>();
  /** A plan of the workspace changed (the server's index, debounced on its side). */
  readonly onWorkspacePlansChanged = this.workspacePlansChanged.event;
  /** The server re-analysed a plan (debounced on its side). */
  readonly onPlanChanged = this.planChanged.event;
  /** The server is (again) running: state that came from it should be requested anew. */
  readonly onDidStart = this.running.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    readonly output: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      this.planChanged,
      this.running,
      this.workspacePlansChanged,
      vscode.workspace.onDidOpenTextDocument((document) => {
        if (!this.starting && isPlan(document)) void this.start().catch(() => undefined);
      }),
    );
    if (vscode.workspace.textDocuments.some((d) => isPlan(d))) void this.start().catch(() => undefined);
  }

  get isStarted(): boolean {
    return this.starting !== undefined;
  }

  /** Process id of the running server, when there is one (for diagnostics and tests). */
  get serverPid(): number | undefined {
    return this.client?.serverProcess?.pid;
  }

  /** The running client, starting the server first when needed. */
  start(): Promise<LanguageClient> {
    if (this.disposed) return Promise.reject(new Error('Planmark is shutting down'));
    this.starting ??= this.createAndStart().catch((error: unknown) => {
      this.output.error(`Planmark language server failed to start: ${String(error)}`);
      this.starting = undefined;
      throw error;
    });
    return this.starting;
  }

  private async createAndStart(): Promise<LanguageClient> {
    const module = this.context.asAbsolutePath('dist/server.js');
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.ipc },
      debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
    };
    // Filled in once the client exists: the default handler needs the client.
    // eslint-disable-next-line prefer-const -- assigned below, read later by the handlers above
    let fallback: ErrorHandler | undefined;
    const errorHandler: ErrorHandler = {
      // A write to a server that just died fails (EPIPE) for every message in flight; shutting
      // the client down there would leave it stopped for good. Carry on: `closed` decides
      // whether to restart.
      error: () => ({ action: ErrorAction.Continue }),
      closed: async () => {
        const result = await fallback!.closed();
        if (result.action !== CloseAction.Restart) return result; // The client tells the user itself.
        this.output.warn('The Planmark language server stopped unexpectedly; restarting it.');
        if (this.crashNotices === 0) {
          this.crashNotices++;
          void vscode.window
            .showWarningMessage(
              'The Planmark language server stopped unexpectedly and is being restarted. Details are in the "Planmark" output.',
              'Show Output',
            )
            .then((choice) => choice && this.output.show(true));
        }
        // Told once above; later restarts only go to the log.
        return { ...result, handled: true };
      },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: PLAN_SCHEMES.map((scheme) => ({ language: 'markdown', scheme })),
      synchronize: { configurationSection: 'planmark' },
      // The workspace index keeps its summaries of unchanged plans here between sessions.
      initializationOptions: { storagePath: (this.context.storageUri ?? this.context.globalStorageUri).fsPath },
      outputChannel: this.output,
      errorHandler,
    };
    const client = new LanguageClient('planmark', 'Planmark', serverOptions, clientOptions);
    fallback = client.createDefaultErrorHandler();
    this.client = client;
    this.disposables.push(
      client.onNotification(PlanChangedNotification, (params: PlanChangedParams) => this.planChanged.fire(params)),
      client.onNotification(WorkspacePlansChangedNotification, () => this.workspacePlansChanged.fire()),
      client.onDidChangeState((e) => {
        if (e.newState === State.Running) this.running.fire();
      }),
    );
    await client.start();
    return client;
  }

  /**
   * Sends a custom request: a typed request of shared/protocol.ts, whose parameters and result
   * the compiler checks (the method-name form remains for callers not moved yet).
   */
  async request<P, R>(type: RequestType<P, R, void>, params: P, token?: vscode.CancellationToken): Promise<R>;
  async request<R>(method: string, params: unknown, token?: vscode.CancellationToken): Promise<R>;
  async request<R>(type: RequestType<unknown, R, void> | string, params: unknown, token?: vscode.CancellationToken): Promise<R> {
    const client = await this.start();
    return typeof type === 'string' ? client.sendRequest<R>(type, params, token) : client.sendRequest(type, params, token);
  }

  /** Sends a custom notification of shared/protocol.ts. */
  async notify(type: NotificationType0): Promise<void> {
    const client = await this.start();
    await client.sendNotification(type);
  }

  async stop(): Promise<void> {
    this.disposed = true;
    const client = this.client;
    this.client = undefined;
    if (client && client.state !== State.Stopped) await client.stop();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    void this.stop();
  }
}
