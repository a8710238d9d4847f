// The task graph of a whole workspace (`planmark graph`): every plan's tasks, grouped by plan,
// with the dependencies inside each plan and the cross-plan ones between them.
import type { WorkspacePlan } from '../../../shared/protocol';
import { plansOfPhase } from '../workspace/crossPlan';
import { byPhase, planLabel } from '../workspace/summary';

export interface WorkspaceGraph {
  plans: { uri: string; label: string; phase?: string; title: string; tasks: number; criticalPathHours: number }[];
  nodes: { id: string; plan: string; task: string; hours?: number; step?: string; critical: boolean; external?: boolean }[];
  edges: { from: string; to: string; crossPlan: boolean }[];
}

export function workspaceGraph(plans: WorkspacePlan[]): WorkspaceGraph {
  const sorted = [...plans].sort(byPhase);
  const keyOf = (p: WorkspacePlan) => planLabel(p);
  const graph: WorkspaceGraph = { plans: [], nodes: [], edges: [] };
  const nodeIds = new Set<string>();
  for (const p of sorted) {
    const label = keyOf(p);
    const critical = new Set(p.criticalPath.tasks);
    graph.plans.push({ uri: p.uri, label, phase: p.phase?.value, title: p.title, tasks: p.tasks.length, criticalPathHours: p.criticalPath.hours });
    for (const t of p.tasks) {
      const id = `${label}/${t.id}`;
      nodeIds.add(id);
      graph.nodes.push({ id, plan: p.uri, task: t.id, hours: t.hours, step: t.step === undefined ? undefined : p.steps[t.step]?.title, critical: critical.has(t.id) });
    }
  }
  for (const p of sorted) {
    const label = keyOf(p);
    for (const t of p.tasks) {
      for (const d of t.dependsOn) {
        const from = `${label}/${d}`;
        if (!nodeIds.has(from)) {
          nodeIds.add(from);
          graph.nodes.push({ id: from, plan: p.uri, task: d, critical: false });
        }
        graph.edges.push({ from, to: `${label}/${t.id}`, crossPlan: false });
      }
    }
    for (const ref of p.external) {
      const target = plansOfPhase(sorted, ref.phase).find((o) => o.tasks.some((t) => t.id === ref.task));
      const from = target ? `${keyOf(target)}/${ref.task}` : `Phase ${ref.phase}/${ref.task}`;
      if (!nodeIds.has(from)) {
        nodeIds.add(from);
        graph.nodes.push({ id: from, plan: '', task: ref.task, critical: false, external: true });
      }
      graph.edges.push({ from, to: `${label}/${ref.dependent}`, crossPlan: true });
    }
  }
  return graph;
}

/** Text safe inside a quoted mermaid label. */
function mermaidLabel(text: string): string {
  return text.replace(/"/g, '#quot;').replace(/[\r\n]+/g, ' ');
}

export function workspaceGraphMermaid(graph: WorkspaceGraph): string {
  const alias = new Map<string, string>();
  graph.nodes.forEach((n, i) => alias.set(n.id, `n${i + 1}`));
  const lines = ['flowchart TD'];
  graph.plans.forEach((p, i) => {
    lines.push(`  subgraph plan${i + 1}["${mermaidLabel(p.label)}"]`);
    for (const n of graph.nodes) {
      if (n.plan !== p.uri) continue;
      lines.push(`    ${alias.get(n.id)}["${mermaidLabel(n.task)}${n.hours !== undefined ? ` (${n.hours} h)` : ''}"]`);
    }
    lines.push('  end');
  });
  for (const n of graph.nodes) if (n.external) lines.push(`  ${alias.get(n.id)}["${mermaidLabel(n.id)} (not found)"]`);
  for (const e of graph.edges) lines.push(`  ${alias.get(e.from)} ${e.crossPlan ? '-.->' : '-->'} ${alias.get(e.to)}`);
  return lines.join('\n') + '\n';
}
