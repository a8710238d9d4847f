// The CLI's workspace side: the cross-plan rules over the plans `planmark check` checks, and
// `planmark graph [paths] --format mermaid|json`, the task graph of all of them.
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-types';
import type { WorkspacePlan } from '../../shared/protocol';
import type { PlanmarkSettings } from '../../shared/settings';
import { workspaceGraph, workspaceGraphMermaid } from './features/workspaceGraph';
import type { Plan } from './plan';
import { crossPlanFindings, type Finding } from './workspace/crossPlan';
import { summarisePlan, withoutCrossPlanFindings } from './workspace/summary';

export interface CheckedPlan {
  file: string;
  plan: Plan;
  diagnostics: Diagnostic[];
}

/** The cross-plan rules over the summaries of the plans checked together: each plan's findings, by its URI. */
export function workspaceFindingsByUri(summaries: WorkspacePlan[], settings: PlanmarkSettings): Map<string, Finding[]> {
  const byUri = new Map<string, Finding[]>();
  for (const f of crossPlanFindings(summaries, settings)) {
    const list = byUri.get(f.uri);
    if (list) list.push(f);
    else byUri.set(f.uri, [f]);
  }
  return byUri;
}

export const GRAPH_USAGE = `Usage: planmark graph [options] [paths or globs...]

Prints the task graph of the plans found as \`planmark check\` finds them: every plan's
tasks grouped by plan, with the dependencies inside each plan and the cross-plan ones
(planmark.crossPlanReference, e.g. "Phase 3/TASK_004") between plans.

Options:
  --format mermaid|json   output format (default: mermaid)
  --config FILE           JSON settings, as for planmark check
  -h, --help              show this help
`;

export interface GraphCliDeps {
  /** Reads and parses the plans as `check` finds them; throws the CLI's usage error. */
  loadPlans(inputs: string[], config: string | undefined): { settings: PlanmarkSettings; plans: CheckedPlan[] };
  usageError(message: string): Error;
}

export function runGraphCli(argv: string[], deps: GraphCliDeps, write: (s: string) => void): number {
  let format: 'mermaid' | 'json' = 'mermaid';
  let config: string | undefined;
  const inputs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h' || arg === '--help') {
      write(GRAPH_USAGE);
      return 0;
    }
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw deps.usageError(`${arg} needs a value`);
      return v;
    };
    if (arg === '--format' || arg.startsWith('--format=')) {
      const f = arg === '--format' ? value() : arg.slice('--format='.length);
      if (f !== 'mermaid' && f !== 'json') throw deps.usageError(`--format must be mermaid or json, not "${f}"`);
      format = f;
    } else if (arg === '--config') config = value();
    else if (arg.startsWith('-') && arg !== '-') throw deps.usageError(`unknown option ${arg}`);
    else inputs.push(arg);
  }
  const { settings, plans } = deps.loadPlans(inputs, config);
  const summaries = plans.map((c) => summarisePlan(c.plan, withoutCrossPlanFindings(c.plan, c.diagnostics, settings), settings, null));
  const graph = workspaceGraph(summaries);
  write(format === 'json' ? JSON.stringify(graph, null, 2) + '\n' : workspaceGraphMermaid(graph));
  return 0;
}

export function countProblems(checked: { diagnostics: Diagnostic[] }[]): { errors: number; warnings: number } {
  let errors = 0;
  let warnings = 0;
  for (const c of checked) {
    for (const d of c.diagnostics) {
      if (d.severity === DiagnosticSeverity.Error) errors++;
      else if (d.severity === DiagnosticSeverity.Warning) warnings++;
    }
  }
  return { errors, warnings };
}
