// The workspace side of the language server: the index of every plan in the workspace folders,
// workspace symbols, cross-plan diagnostics and navigation, the Plans view and the timeline.
// server.ts creates one and calls it from its handlers; everything workspace-wide lives here.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DidChangeWatchedFilesNotification,
  FileChangeType,
  ResponseError,
  type CancellationToken,
  type Connection,
  type Diagnostic,
  type InitializeParams,
  type Location,
  type Position,
  type ServerCapabilities,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import {
  TimelineRequest,
  WorkspacePlansChangedNotification,
  WorkspacePlansRequest,
  type GraphPayload,
  type TimelineResult,
  type WireRange,
  type WorkspacePlan,
  type WorkspacePlansResult,
} from '../../shared/protocol';
import { planKindOf } from '../../shared/planFiles';
import type { PlanKind } from '../../shared/planKinds';
import type { PlanmarkSettings } from '../../shared/settings';
import { findReferences } from './features/references';
import { renameTask } from './features/rename';
import { timelineGantt } from './features/timeline';
import { toRange } from './features/util';
import { workspaceSymbolSteps } from './features/workspaceSymbols';
import { runCancellable, throwIfCancelled } from './cancellation';
import { mentionAt, type Plan } from './plan';
import { crossPlanRefAt, crossPlanRefs } from './plan/crossPlanRefs';
import { crossPlanFindings, crossPlanFindingSteps, plansOfPhase } from './workspace/crossPlan';
import { findingsToDiagnostics, mergeDiagnostics } from './workspace/findings';
import { WorkspaceIndex } from './workspace/index';
import { runToEnd } from './workspace/steps';
import { byPhase, planLabel, summarisePlan, withoutCrossPlanFindings } from './workspace/summary';

export interface WorkspaceServerDeps {
  connection: Connection;
  settings(): PlanmarkSettings;
  roots(): string[];
  /** Parses a plan read from disk (large ones on the background parser). */
  parse(uri: string, text: string, kind: PlanKind): Promise<Plan>;
  /** The model of an open plan document, if the URI is one. */
  openPlan(uri: string): Promise<Plan | undefined>;
  /** URIs of the open plan documents. */
  openUris(): string[];
  /** Re-publish an open document's diagnostics (debounced by the caller). */
  republish(uri: string): void;
  /** Publish an open document's diagnostics now. */
  publishNow(uri: string): Promise<void>;
  log(message: string): void;
}

interface InitializationOptions {
  /** A folder the extension owns (its storage): the index keeps its cache there. */
  storagePath?: string;
}

export class WorkspaceServer {
  readonly index: WorkspaceIndex;
  private watchFiles = false;
  private changeTimer: ReturnType<typeof setTimeout> | undefined;
  /**
   * False until the first read of the workspace has finished. Before, a plan's own diagnostics
   * are published at once and findings across plans are left out: on a partial index they would
   * be wrong (a cross-plan dependency on a plan not read yet is not unknown).
   */
  private firstScanDone = false;
  /** True once the first scan's findings were published for the open plans. */
  private scanPublished = false;
  /** Last cross-plan findings published per open document, to republish only on a change. */
  private readonly published = new Map<string, string>();

  constructor(private readonly deps: WorkspaceServerDeps, params: InitializeParams) {
    const options = (params.initializationOptions ?? {}) as InitializationOptions;
    const cacheFile = typeof options.storagePath === 'string' && options.storagePath ? path.join(options.storagePath, 'workspace-index.json') : undefined;
    this.watchFiles = !!params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration;
    this.index = new WorkspaceIndex({
      settings: deps.settings,
      roots: deps.roots,
      parse: deps.parse,
      log: deps.log,
      cacheFile,
    });
    this.index.onDidChange((uris) => this.onIndexChanged(uris));
    this.register();
  }

  static capabilities(): ServerCapabilities {
    return { workspaceSymbolProvider: true };
  }

  /** After `initialized`: watch Markdown files and read the workspace. */
  async start(): Promise<void> {
    if (this.watchFiles) {
      try {
        await this.deps.connection.client.register(DidChangeWatchedFilesNotification.type, {
          watchers: [{ globPattern: '**/*.{md,markdown,mdown,mkd}' }],
        });
      } catch (error) {
        this.deps.log(`cannot watch plan files: ${String(error)}`);
      }
    }
    try {
      await this.rescan();
    } finally {
      this.firstScanDone = true;
      // Sent before any answer that says the index is ready, so a client that saw
      // `indexing: false` has these diagnostics too.
      for (const uri of this.deps.openUris()) {
        await this.deps.publishNow(uri).catch((error) => this.deps.log(`diagnostics failed for ${uri}: ${String(error)}`));
      }
      this.scanPublished = true;
      this.notifyChanged();
    }
  }

  /** Reads the workspace folders again (at start, and when settings change). */
  async rescan(): Promise<void> {
    if (this.deps.roots().length === 0) return;
    let reporter: { begin(...args: unknown[]): void; report(percent: number, message: string): void; done(): void; token: CancellationToken };
    try {
      reporter = await this.deps.connection.window.createWorkDoneProgress();
    } catch (error) {
      // A client that refuses the progress still gets its workspace read.
      this.deps.log(`no indexing progress: ${String(error)}`);
      reporter = { begin: () => undefined, report: () => undefined, done: () => undefined, token: { isCancellationRequested: false, onCancellationRequested: () => ({ dispose: () => undefined }) } };
    }
    reporter.begin('Planmark', 0, 'Indexing plans…', true);
    let lastPercent = -1;
    const progress = {
      report: (done: number, total: number) => {
        const percent = total ? Math.floor((done / total) * 100) : 100;
        if (percent === lastPercent) return;
        lastPercent = percent;
        reporter.report(percent, `Indexing plans: ${done}/${total} Markdown files`);
      },
      get cancelled() {
        return reporter.token.isCancellationRequested;
      },
    };
    try {
      await this.index.scan(progress);
    } catch (error) {
      this.deps.log(`workspace index: reading the workspace failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    } finally {
      reporter.done();
    }
  }

  private register(): void {
    const { connection } = this.deps;
    connection.onDidChangeWatchedFiles((params) => {
      // Open documents take precedence, but their disk summary is kept current for when they close.
      for (const change of params.changes) {
        if (change.type === FileChangeType.Deleted) this.index.remove(change.uri);
        else void this.index.refreshFile(change.uri);
      }
    });
    connection.onWorkspaceSymbol((params, token) => runCancellable(workspaceSymbolSteps(this.index.plans(), params.query), token));
    connection.onRequest(WorkspacePlansRequest.method, (_params: unknown, token: CancellationToken) => this.workspacePlans(token));
    connection.onRequest(TimelineRequest.method, (): TimelineResult => {
      const plans = this.index.plans();
      return { mermaid: timelineGantt(plans, this.deps.settings().hoursPerDay), plans: plans.length };
    });
  }

  private onIndexChanged(uris: string[]): void {
    // Open plans whose cross-plan findings changed get their diagnostics again.
    if (!this.firstScanDone) return this.notifyChanged();
    for (const uri of this.deps.openUris()) {
      if (uris.length === 1 && uris[0] === uri) continue;
      const key = JSON.stringify(crossPlanFindings(this.index.plans(), this.deps.settings(), uri));
      if (this.published.has(uri) && this.published.get(uri) !== key) this.deps.republish(uri);
    }
    this.notifyChanged();
  }

  private notifyChanged(): void {
    if (this.changeTimer) clearTimeout(this.changeTimer);
    this.changeTimer = setTimeout(() => {
      this.changeTimer = undefined;
      void this.deps.connection.sendNotification(WorkspacePlansChangedNotification.method, { indexing: this.indexing });
    }, 300);
  }

  /** True until the first read of the workspace and its findings are out. */
  get indexing(): boolean {
    return this.index.indexing || !this.scanPublished;
  }

  /**
   * The diagnostics to publish for an open plan: its own (less those about cross-plan
   * references) and the workspace's findings about it. Updates the index with the plan.
   */
  diagnosticsFor(plan: Plan, own: Diagnostic[]): Diagnostic[] {
    return runToEnd(this.diagnosticSteps(plan, own));
  }

  /** diagnosticsFor in a request the client may cancel (the task graph). */
  diagnosticsForRequest(plan: Plan, own: Diagnostic[], token: CancellationToken): Promise<Diagnostic[]> {
    return runCancellable(this.diagnosticSteps(plan, own), token);
  }

  private *diagnosticSteps(plan: Plan, own: Diagnostic[]): Generator<void, Diagnostic[]> {
    const settings = this.deps.settings();
    const filtered = withoutCrossPlanFindings(plan, own, settings);
    this.index.setOpen(summarisePlan(plan, filtered, settings, plan.version));
    if (!this.firstScanDone) return filtered;
    const findings = yield* crossPlanFindingSteps(this.index.plans(), settings, plan.uri);
    this.published.set(plan.uri, JSON.stringify(findings));
    return mergeDiagnostics(filtered, findingsToDiagnostics(findings, settings, plan));
  }

  /** The document is closed or no longer a plan. */
  closed(uri: string): void {
    this.published.delete(uri);
    this.index.closeOpen(uri);
  }

  /** The Plans view: every plan with its problems, findings across plans included. */
  async workspacePlans(token: CancellationToken): Promise<WorkspacePlansResult> {
    const settings = this.deps.settings();
    const plans = this.index.plans().sort(byPhase);
    const findings = await runCancellable(crossPlanFindingSteps(plans, settings), token);
    const diagnostics = new Map<string, Diagnostic[]>();
    for (const f of findings) {
      const list = diagnostics.get(f.uri) ?? [];
      list.push(...findingsToDiagnostics([f], settings));
      diagnostics.set(f.uri, list);
    }
    return {
      indexing: this.indexing,
      plans: plans.map((p) => {
        const extra = diagnostics.get(p.uri) ?? [];
        return {
          ...p,
          label: planLabel(p),
          problems: {
            errors: p.errors + extra.filter((d) => d.severity === 1).length,
            warnings: p.warnings + extra.filter((d) => d.severity === 2).length,
          },
        };
      }),
    };
  }

  // ---- Cross-plan navigation ----

  /** Plans a cross-plan reference names, with the task when they define it. */
  private resolve(phase: string, task: string): { plan: WorkspacePlan; range?: WireRange }[] {
    return plansOfPhase(this.index.plans(), phase).map((plan) => ({ plan, range: plan.tasks.find((t) => t.id === task)?.range }));
  }

  /** Go to definition on `Phase 3/TASK_004`: the task's row in the other plan. */
  definition(plan: Plan, position: Position): Location[] | undefined {
    const settings = this.deps.settings();
    const ref = crossPlanRefAt(plan, settings.crossPlanReference, settings.taskIdPattern, plan.lines.offsetAt(position));
    if (!ref) return undefined;
    return this.resolve(ref.phase, ref.task).flatMap(({ plan: p, range }) => (range ? [{ uri: p.uri, range }] : []));
  }

  /** The plans and task that a position names: a cross-plan reference, or a task of this plan. */
  private targetAt(plan: Plan, position: Position): { plans: WorkspacePlan[]; task: string; viaRef: boolean } | undefined {
    const settings = this.deps.settings();
    const offset = plan.lines.offsetAt(position);
    const ref = crossPlanRefAt(plan, settings.crossPlanReference, settings.taskIdPattern, offset);
    if (ref) return { plans: this.resolve(ref.phase, ref.task).filter((r) => r.range).map((r) => r.plan), task: ref.task, viaRef: true };
    const mention = mentionAt(plan, offset);
    if (!mention || !plan.taskById.has(mention.id)) return undefined;
    const self = this.index.get(plan.uri);
    return self ? { plans: [self], task: mention.id, viaRef: false } : undefined;
  }

  /** Cross-plan references to a task of one of `plans`, in every plan of the workspace (steps: one plan each). */
  private *refsTo(plans: WorkspacePlan[], task: string): Generator<void, Location[]> {
    const targets = new Set(plans.map((p) => p.uri));
    const all = this.index.plans();
    // Whether a phase names one of the targets, decided once per phase.
    const namesTarget = new Map<string, boolean>();
    const out: Location[] = [];
    for (const p of all) {
      yield;
      for (const ref of p.external) {
        if (ref.task !== task) continue;
        let named = namesTarget.get(ref.phase);
        if (named === undefined) namesTarget.set(ref.phase, (named = plansOfPhase(all, ref.phase).some((t) => targets.has(t.uri))));
        if (named) out.push({ uri: p.uri, range: ref.taskRange });
      }
    }
    return out;
  }

  /** Find references, across plans: local ones plus cross-plan references to the task. */
  async references(plan: Plan, position: Position, includeDeclaration: boolean, token: CancellationToken): Promise<Location[]> {
    const target = this.targetAt(plan, position);
    const settings = this.deps.settings();
    const ownRefs = crossPlanRefs(plan, settings.crossPlanReference, settings.taskIdPattern);
    const insideRef = (l: Location) => {
      const offset = plan.lines.offsetAt(l.range.start);
      return ownRefs.some((r) => r.taskSpan.start <= offset && offset < r.taskSpan.end);
    };
    if (!target) return findReferences(plan, position, includeDeclaration).filter((l) => !insideRef(l));
    const out: Location[] = [];
    for (const p of target.plans) {
      const model = p.uri === plan.uri ? plan : await this.modelOf(p.uri);
      throwIfCancelled(token);
      if (!model) continue;
      const def = model.taskById.get(target.task);
      if (!def) continue;
      const at = model.lines.positionAt(def.idSpan.start);
      const refs = crossPlanRefs(model, settings.crossPlanReference, settings.taskIdPattern);
      for (const l of findReferences(model, at, includeDeclaration)) {
        const offset = model.lines.offsetAt(l.range.start);
        if (!refs.some((r) => r.taskSpan.start <= offset && offset < r.taskSpan.end)) out.push({ uri: p.uri, range: l.range });
      }
    }
    out.push(...(await runCancellable(this.refsTo(target.plans, target.task), token)));
    return out;
  }

  /** Rename a task with its cross-plan references; undefined when the position names none. */
  async rename(plan: Plan, position: Position, newName: string, token: CancellationToken): Promise<WorkspaceEdit | undefined> {
    const target = this.targetAt(plan, position);
    if (!target) return undefined;
    if (target.plans.length !== 1) {
      if (!target.viaRef) return undefined;
      throw new ResponseError(-32602, `${target.task} is not a task of exactly one plan of the workspace.`);
    }
    const settings = this.deps.settings();
    const owner = target.plans[0];
    const model = owner.uri === plan.uri ? plan : await this.modelOf(owner.uri);
    throwIfCancelled(token);
    const def = model?.taskById.get(target.task);
    if (!model || !def) return undefined;
    const edit = renameTask(model, model.lines.positionAt(def.idSpan.start), newName);
    if (!edit?.changes) return edit ?? undefined;
    // A same-named ID inside a cross-plan reference of the owner names another plan's task.
    const ownRefs = crossPlanRefs(model, settings.crossPlanReference, settings.taskIdPattern);
    const ownEdits = (edit.changes[model.uri] ?? []).filter((e) => {
      const offset = model.lines.offsetAt(e.range.start);
      return !ownRefs.some((r) => r.taskSpan.start <= offset && offset < r.taskSpan.end);
    });
    const changes: Record<string, { range: Location['range']; newText: string }[]> = { [owner.uri]: ownEdits };
    for (const l of await runCancellable(this.refsTo([owner], target.task), token)) (changes[l.uri] ??= []).push({ range: l.range, newText: newName.trim() });
    return { changes };
  }

  /** Graph payload: tasks of other plans named by cross-plan dependencies become external nodes. */
  markExternalNodes(plan: Plan, payload: GraphPayload, token: CancellationToken): Promise<GraphPayload> {
    return runCancellable(this.externalNodeSteps(plan, payload), token);
  }

  private *externalNodeSteps(plan: Plan, payload: GraphPayload): Generator<void, GraphPayload> {
    const settings = this.deps.settings();
    const refs = crossPlanRefs(plan, settings.crossPlanReference, settings.taskIdPattern);
    if (refs.length === 0) return payload;
    const byTask = new Map(refs.map((r) => [r.task, r]));
    for (const node of payload.nodes) {
      const ref = byTask.get(node.id);
      if (!ref || plan.taskById.has(node.id)) continue;
      yield;
      const resolved = this.resolve(ref.phase, ref.task).find((r) => r.range);
      node.external = {
        phase: ref.phase,
        plan: resolved ? planLabel(resolved.plan) : undefined,
        uri: resolved?.plan.uri,
        range: resolved?.range,
      };
      node.defined = !!resolved;
      node.label = node.label || `Phase ${ref.phase}`;
      node.range = toRange(plan, ref.span);
    }
    return payload;
  }

  /** The model of a plan: the open document's, or parsed from disk. */
  private async modelOf(uri: string): Promise<Plan | undefined> {
    const open = await this.deps.openPlan(uri);
    if (open) return open;
    try {
      const file = uri.startsWith('file:') ? new URL(uri) : undefined;
      if (!file) return undefined;
      let text = await fs.promises.readFile(file, 'utf8');
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      const settings = this.deps.settings();
      const kind = planKindOf(fileURLToPath(file), text, settings.files, this.deps.roots(), settings.kinds);
      return kind ? await this.deps.parse(uri, text, kind) : undefined;
    } catch {
      return undefined;
    }
  }

  dispose(): void {
    if (this.changeTimer) clearTimeout(this.changeTimer);
    this.index.dispose();
  }
}
