// The kinds of plan planmark reads. Plain types and constants only, so every bundle can import it.

/**
 * planmark's phase template (a task table), a GitHub spec-kit task list
 * (specs/NNN-feature/tasks.md) or a Kiro task list (.kiro/specs/feature/tasks.md).
 */
export type PlanKind = 'template' | 'specKit' | 'kiro';

/** Which kinds planmark treats as plans (planmark.kinds); a kind turned off is left alone. */
export interface PlanKindSettings {
  template: boolean;
  specKit: boolean;
  kiro: boolean;
}

export const ALL_PLAN_KINDS: PlanKindSettings = { template: true, specKit: true, kiro: true };
