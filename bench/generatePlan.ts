// Generates realistic plans of any size for the benchmark and the scale tests: the template's
// prose sections, a task table, a mermaid graph stating the same edges, and steps of ten tasks.
import fs from 'node:fs';
import path from 'node:path';

export interface GeneratedPlan {
  text: string;
  tasks: number;
  edges: number;
}

const id = (n: number) => `TASK_${String(n).padStart(4, '0')}`;

/** Each task depends on up to two earlier tasks (deterministic), so the graph is a DAG. */
export function dependenciesOf(n: number): number[] {
  if (n === 1) return [];
  const deps = [n - 1];
  if (n > 12 && n % 3 === 0) deps.push(n - 11);
  return deps;
}

export function generatePlan(taskCount: number, options: { eol?: string } = {}): GeneratedPlan {
  const template = fs.readFileSync(path.join(__dirname, '..', 'templates', 'plan-template.md'), 'utf8');
  const fill = (s: string) =>
    s
      .replace(/\[X\]/g, '3')
      .replace(/\[Phase Name\]/g, 'Generated')
      .replace(/\[YYYY-MM-DD\]/g, '2026-05-04');
  const sequenceStart = template.indexOf('## Implementation Sequence');
  const breakdownStart = template.indexOf('## Task Breakdown with Dependencies');
  const afterBreakdown = template.indexOf('## Code Standards for This Phase');
  const lines: string[] = [];
  lines.push(fill(template.slice(0, sequenceStart)).trimEnd(), '', '## Implementation Sequence', '');
  for (let step = 0; step * 10 < taskCount; step++) {
    const ids: string[] = [];
    for (let n = step * 10 + 1; n <= Math.min(taskCount, step * 10 + 10); n++) ids.push(id(n));
    lines.push(`### Step ${step + 1}: Work package ${step + 1}`, `**Tasks:** [${ids.join(', ')}]`, `**Purpose:** Deliver package ${step + 1} of the phase.`, '**Deliverables:**', `- Package ${step + 1} merged`, '');
  }
  lines.push('## Task Breakdown with Dependencies', '', '```mermaid', 'graph TD');
  let edges = 0;
  for (let n = 1; n <= taskCount; n++) {
    const deps = dependenciesOf(n);
    if (deps.length === 0) lines.push(`    ${id(n)}[${id(n)}: Task ${n}]`);
    for (const d of deps) {
      lines.push(`    ${id(d)} --> ${id(n)}`);
      edges++;
    }
  }
  lines.push('```', '', '| Task | Depends On | Estimated Hours |', '|------|-----------|----------------|');
  for (let n = 1; n <= taskCount; n++) {
    const deps = dependenciesOf(n);
    lines.push(`| ${id(n)} | ${deps.length ? deps.map(id).join(', ') : 'None'} | ${(n % 7) + 2} |`);
  }
  lines.push('', fill(template.slice(afterBreakdown)).trimEnd(), '');
  void breakdownStart;
  const eol = options.eol ?? '\n';
  return { text: lines.join('\n').replace(/\n/g, eol), tasks: taskCount, edges };
}

/** A single chain TASK_1 -> ... -> TASK_n, closed into a cycle when `cycle` is set. */
export function generateChain(taskCount: number, cycle = false): string {
  const lines = ['# Implementation Plan: Phase 1 - Chain', '', '## Task Breakdown with Dependencies', '', '| Task | Depends On | Estimated Hours |', '|---|---|---|'];
  for (let n = 1; n <= taskCount; n++) {
    const dep = n === 1 ? (cycle ? id(taskCount) : 'None') : id(n - 1);
    lines.push(`| ${id(n)} | ${dep} | 1 |`);
  }
  return lines.join('\n') + '\n';
}
