// Status bar item on plan files: "$(checklist) 12 tasks · 2 problems · 48h critical path".
import * as vscode from 'vscode';
import { PlanSummaryRequest, type PlanSummary } from '../../shared/protocol';
import { formatSummary } from './logic/status';
import { activePlanEditor, type PlanContextKey } from './planDocuments';
import type { PlanmarkClient } from './planmarkClient';

export class PlanStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];
  private sequence = 0;
  private cancel: vscode.CancellationTokenSource | undefined;
  /** Last summary shown, for tests and for skipping redundant work. */
  lastSummary: PlanSummary | undefined;

  constructor(
    private readonly client: PlanmarkClient,
    planContext: PlanContextKey,
  ) {
    this.item = vscode.window.createStatusBarItem('planmark.status', vscode.StatusBarAlignment.Left, 50);
    this.item.name = 'Planmark';
    this.item.command = { title: 'Go to Task', command: 'planmark.goToTask' };
    this.disposables.push(
      this.item,
      planContext.onDidChange(() => this.refresh()),
      client.onPlanChanged((e) => {
        if (e.uri === activePlanEditor()?.document.uri.toString()) this.refresh();
      }),
      client.onDidStart(() => this.refresh()),
    );
    this.refresh();
  }

  refresh(): void {
    const document = activePlanEditor()?.document;
    this.cancel?.cancel();
    this.cancel = undefined;
    if (!document) {
      this.lastSummary = undefined;
      this.item.hide();
      return;
    }
    const uri = document.uri.toString();
    if (this.lastSummary?.uri !== uri) {
      this.item.text = '$(checklist) Planmark';
      this.item.tooltip = 'Planmark: analysing the plan…';
    }
    this.item.show();
    const sequence = ++this.sequence;
    const source = (this.cancel = new vscode.CancellationTokenSource());
    this.client
      .request(PlanSummaryRequest, { uri }, source.token)
      .then(
        (summary) => {
          if (sequence !== this.sequence) return;
          if (!summary) {
            this.lastSummary = undefined;
            this.item.hide();
            return;
          }
          this.lastSummary = summary;
          const { text, tooltip } = formatSummary(summary);
          this.item.text = text;
          this.item.tooltip = tooltip;
        },
        (error: unknown) => {
          if (sequence !== this.sequence || source.token.isCancellationRequested) return;
          this.item.text = '$(checklist) Planmark';
          this.item.tooltip = `Planmark: no summary (${error instanceof Error ? error.message : String(error)})`;
        },
      )
      .finally(() => {
        if (this.cancel === source) this.cancel = undefined;
        source.dispose();
      });
  }

  dispose(): void {
    this.cancel?.cancel();
    for (const d of this.disposables) d.dispose();
  }
}
