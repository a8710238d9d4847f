// Planmark: Show Timeline — the phases of the workspace and their steps as a mermaid gantt
// chart, computed by the server from its workspace index, opened as an untitled Markdown
// document (which the Markdown preview draws) and copied to the clipboard.
import * as vscode from 'vscode';
import { TimelineRequest, type TimelineResult } from '../../../shared/protocol';
import type { PlanmarkClient } from '../planmarkClient';

export async function showTimeline(client: PlanmarkClient): Promise<vscode.TextDocument | undefined> {
  const result = await client.request<TimelineResult>(TimelineRequest.method, {});
  if (!/\n {2}section /.test(result.mermaid)) {
    void vscode.window.showInformationMessage(
      result.plans
        ? 'Planmark: no plan of the workspace has a Target Start, so there is no timeline to draw.'
        : 'Planmark: no plans in this workspace yet.',
    );
    return undefined;
  }
  const content = `# Timeline\n\n\`\`\`mermaid\n${result.mermaid}\`\`\`\n`;
  await vscode.env.clipboard.writeText(result.mermaid);
  const document = await vscode.workspace.openTextDocument({ language: 'markdown', content });
  await vscode.window.showTextDocument(document, { preview: false });
  void vscode.window.showInformationMessage('Planmark: the timeline is a mermaid gantt chart, also copied to the clipboard.');
  return document;
}
