// One file of `planmark check`: read it, decide whether it is a plan and of which kind, parse it
// and compute its own diagnostics and the summary the cross-plan rules read. The same functions
// run in the CLI's thread (few or small files) and in its check workers (checkWorkers.ts), so a
// folder gives the same output whichever way it is checked.
import fs from 'node:fs';
import path from 'node:path';
import type { Diagnostic } from 'vscode-languageserver-types';
import type { WorkspacePlan } from '../../../shared/protocol';
import { hasPlanTitle, matchesPlanGlobs, planKindOf, type PlanKind } from '../../../shared/planFiles';
import type { PlanmarkSettings } from '../../../shared/settings';
import { computeDiagnostics } from '../features/diagnostics';
import { parsePlan, parseRequirements, type Plan, type RequirementIndex } from '../plan';
import type { Finding } from '../workspace/crossPlan';
import { findingsToDiagnostics, mergeDiagnostics } from '../workspace/findings';
import { summarisePlan, withoutCrossPlanFindings } from '../workspace/summary';

export interface Candidate {
  file: string;
  /** Named on the command line: checked whatever it is. */
  explicit: boolean;
  /** Path that planmark.files globs are matched against: relative to the current folder, or to the folder argument. */
  matchPath: string;
}

/** What reading a candidate gave: a plan, nothing (not a plan, or skipped), and maybe a message for stderr. */
export interface ReadResult {
  plan?: Plan;
  /** A line for stderr (cannot read, too large). */
  message?: string;
  /** The file could not be read: counts as an error. */
  unreadable?: boolean;
}

export function readPlanFile({ file, explicit, matchPath }: Candidate, settings: PlanmarkSettings): ReadResult {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    return { message: `planmark: cannot read ${file}: ${error instanceof Error ? error.message : String(error)}\n`, unreadable: true };
  }
  let text = bytes.toString('utf8');
  // A UTF-8 byte order mark is not part of the text an editor shows (nor of what it sends the
  // language server): drop it so that lines and columns match the editor's.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let kind: PlanKind | undefined = planKindOf(matchPath, text, settings.files, [], settings.kinds);
  // A file named on the command line is checked as a template plan, unless it is a document of
  // spec-kit or Kiro that is no task list, or of a kind turned off: those are skipped.
  const recognised = matchesPlanGlobs(matchPath, settings.files) || hasPlanTitle(text) || /(?:^|\/)specs\//i.test(matchPath);
  if (!kind && explicit && !recognised) kind = 'template';
  if (!kind) return {};
  // maxFileSize is in bytes, as the setting says (a UTF-16 length undercounts non-ASCII text).
  if (bytes.length > settings.maxFileSize) {
    return { message: `planmark: ${file} is larger than maxFileSize (${settings.maxFileSize} bytes); skipped.\n` };
  }
  return { plan: parsePlan(text, { uri: file, taskIdPattern: settings.taskIdPattern, kind }) };
}

/** A checked plan as the CLI prints it; plain data, so that a check worker can post it. */
export interface PlanCheck {
  file: string;
  kind: PlanKind;
  /** The plan's own diagnostics (without those the workspace resolves), then with the workspace's findings. */
  diagnostics: Diagnostic[];
  /** What the cross-plan rules read of the plan. */
  summary: WorkspacePlan;
}

/** The plan's own diagnostics and its summary for the cross-plan rules. */
export function checkPlan(file: string, plan: Plan, settings: PlanmarkSettings): PlanCheck {
  // The plan's findings about its cross-plan references are dropped: the workspace resolves them.
  const diagnostics = withoutCrossPlanFindings(plan, computeDiagnostics(plan, settings, requirementsBeside(plan)), settings);
  return { file, kind: plan.kind, diagnostics, summary: summarisePlan(plan, diagnostics, settings, null) };
}

/** The plan's diagnostics with the workspace findings about it added. */
export function withWorkspaceFindings(plan: Plan, diagnostics: Diagnostic[], findings: Finding[], settings: PlanmarkSettings): Diagnostic[] {
  return findings.length ? mergeDiagnostics(diagnostics, findingsToDiagnostics(findings, settings, plan)) : diagnostics;
}

/** Kiro's requirements.md beside a Kiro task list, when there is one. */
export function requirementsBeside(plan: Plan): RequirementIndex | undefined {
  if (plan.kind !== 'kiro') return undefined;
  const neighbour = path.join(path.dirname(plan.uri), 'requirements.md');
  try {
    return parseRequirements(neighbour, fs.readFileSync(neighbour, 'utf8'));
  } catch {
    return undefined;
  }
}
