// Workspace findings as LSP diagnostics of one plan: the severities of planmark.diagnostics and
// the plan's own <!-- planmark-disable --> comments apply as they do to its other diagnostics.
import type { Diagnostic } from 'vscode-languageserver-types';
import type { PlanmarkSettings } from '../../../shared/settings';
import { disabledFilter, severityOf } from '../features/diagnostics';
import type { Plan } from '../plan';
import type { Finding } from './crossPlan';

export function findingsToDiagnostics(findings: Finding[], settings: PlanmarkSettings, plan?: Plan): Diagnostic[] {
  const isDisabled = plan ? disabledFilter(plan) : () => false;
  const out: Diagnostic[] = [];
  for (const f of findings) {
    const severity = severityOf(f.code, settings);
    if (severity === undefined) continue;
    if (plan && isDisabled(f.code, plan.lines.offsetAt(f.range.start))) continue;
    const diagnostic: Diagnostic = { range: f.range, severity, code: f.code, source: 'planmark', message: f.message };
    if (f.related.length) diagnostic.relatedInformation = f.related.map((r) => ({ location: { uri: r.uri, range: r.range }, message: r.message }));
    out.push(diagnostic);
  }
  return out;
}

/** Merges two sorted diagnostic lists by position. */
export function mergeDiagnostics(a: Diagnostic[], b: Diagnostic[]): Diagnostic[] {
  if (b.length === 0) return a;
  return [...a, ...b].sort((x, y) => x.range.start.line - y.range.start.line || x.range.start.character - y.range.start.character);
}
