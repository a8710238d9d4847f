// The graph view's data: what the server understood of the plan's dependencies, including
// the problems it found. The webview only draws this.
import type { Diagnostic } from 'vscode-languageserver-types';
import type { GraphEdge, GraphNode, GraphPayload } from '../../../shared/protocol';
import { criticalPath, dependencyGraph, edgeKey, findDependencyCycles, planProgress, stepsByTask, type Plan } from '../plan';
import { toRange } from './util';

export function buildTaskGraph(plan: Plan, diagnostics: Diagnostic[] = []): GraphPayload {
  const graph = dependencyGraph(plan);
  const cycles = findDependencyCycles(plan);
  const critical = criticalPath(plan);
  const steps = stepsByTask(plan);
  const progress = planProgress(plan);
  const next = new Set(progress.next);
  const inCycle = new Set(cycles.flatMap((c) => c.members));
  // Every edge between two tasks of one strongly connected component lies on a cycle, not only
  // the edges of the one path a diagnostic names.
  const component = new Map<string, number>();
  cycles.forEach((c, i) => c.members.forEach((m) => component.set(m, i)));
  const onCycle = (from: string, to: string) => from === to || (component.has(from) && component.get(from) === component.get(to));
  const criticalSet = new Set(critical.tasks);
  const criticalEdges = new Set<string>();
  for (let i = 0; i + 1 < critical.tasks.length; i++) criticalEdges.add(edgeKey(critical.tasks[i], critical.tasks[i + 1]));

  // Problems by task, from the diagnostics that name one.
  const problems = new Map<string, string[]>();
  for (const d of diagnostics) {
    // A diagnostic about one task names it; one about an edge belongs to the dependent.
    const data = d.data as { id?: string; to?: string } | undefined;
    const id = data?.id ?? data?.to;
    if (!id || d.code === 'placeholder') continue;
    const message = typeof d.message === 'string' ? d.message : d.message.value;
    const list = problems.get(id);
    if (list) list.push(message);
    else problems.set(id, [message]);
  }
  const labels = new Map<string, string>();
  for (const block of plan.mermaid) {
    for (const n of block.flowchart?.nodes ?? []) {
      if (!n.taskId || labels.has(n.taskId) || !n.label) continue;
      const rest = n.label.replace(n.taskId, '').replace(/^[\s:·–—-]+/, '').trim();
      if (rest) labels.set(n.taskId, rest);
    }
  }
  const nodes: GraphNode[] = graph.ids.map((id) => {
    const task = plan.taskById.get(id);
    const stepIndexes = steps.get(id) ?? [];
    const step = stepIndexes.length ? plan.steps[stepIndexes[0]] : undefined;
    // Only undefined tasks need a search of the mentions for where they are first named.
    const firstMention = task ? undefined : plan.mentions.find((m) => m.id === id);
    const span = task?.rowSpan ?? firstMention?.span;
    return {
      id,
      label: labels.get(id) ?? task?.title ?? '',
      hours: task?.hours !== undefined && task.hours > 0 ? task.hours : undefined,
      step: step?.title,
      stepIndex: step?.number,
      defined: !!task,
      inCycle: inCycle.has(id),
      critical: criticalSet.has(id),
      problems: problems.get(id) ?? [],
      range: span ? toRange(plan, span) : undefined,
      dependencies: graph.prerequisites.get(id) ?? [],
      dependents: graph.dependents.get(id) ?? [],
      ...(task?.status ? { status: task.status } : {}),
      ...(next.has(id) ? { next: true } : {}),
      ...(task?.parallel ? { parallel: true } : {}),
    };
  });
  const edges: GraphEdge[] = [];
  for (const [key, s] of graph.statements) {
    const [from, to] = key.split('\u0000');
    edges.push({
      from,
      to,
      source: s.table.length && s.mermaid.length ? 'both' : s.table.length ? 'table' : 'mermaid',
      critical: criticalEdges.has(key),
      inCycle: onCycle(from, to),
    });
  }
  return {
    uri: plan.uri,
    version: plan.version,
    title: plan.title?.text ?? '',
    nodes,
    edges,
    cycles: cycles.map((c) => c.path),
    criticalPath: critical,
    steps: plan.steps.map((s) => ({ title: s.title, index: s.number, tasks: [...new Set(s.tasks.map((t) => t.id))] })),
    kind: plan.kind,
    ...(progress.tracked ? { progress: { done: progress.done, total: progress.total } } : {}),
  };
}
