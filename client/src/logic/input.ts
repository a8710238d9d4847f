// Pure parsing of what a user types or a caller passes to the commands.

/** Parses an hours input box value: "" -> undefined (no estimate), "4", "2.5" -> number. */
export function parseHours(value: string): { ok: true; hours: number | undefined } | { ok: false; message: string } {
  const v = value.trim().replace(/h(ours?)?$/i, '').trim();
  if (v === '') return { ok: true, hours: undefined };
  if (!/^\d+(\.\d+)?$/.test(v)) return { ok: false, message: 'Enter a positive number of hours, e.g. 4 or 2.5, or leave empty.' };
  const hours = Number(v);
  if (!(hours > 0) || !Number.isFinite(hours)) return { ok: false, message: 'Hours must be more than 0.' };
  return { ok: true, hours };
}

/** Sections for the Insert Section quick pick: missing ones first, each group in template order. */
export function orderSections<T extends { present: boolean }>(sections: readonly T[]): T[] {
  return [...sections.filter((s) => !s.present), ...sections.filter((s) => s.present)];
}

/**
 * The step a new task with these dependencies naturally belongs to: the latest step (in document
 * order) that schedules one of its dependencies, or undefined when none does.
 */
export function suggestStep(
  steps: readonly { title: string }[],
  tasks: readonly { id: string; step?: string }[],
  dependsOn: readonly string[],
): string | undefined {
  const order = new Map(steps.map((s, i) => [s.title, i]));
  let best: number | undefined;
  for (const dep of dependsOn) {
    const step = tasks.find((t) => t.id === dep)?.step;
    const index = step === undefined ? undefined : order.get(step);
    if (index !== undefined && (best === undefined || index > best)) best = index;
  }
  return best === undefined ? undefined : steps[best].title;
}

export interface AddTaskArgs {
  id?: string;
  dependsOn?: string[];
  /** A number, or null for "no estimate". Absent: ask. */
  hours?: number | null;
  /** A step title, or null for "no step". Absent: ask. */
  step?: string | null;
}

/** Reads the optional argument object of planmark.addTask; throws on a malformed one. */
export function readAddTaskArgs(raw: Record<string, unknown>): AddTaskArgs {
  const out: AddTaskArgs = {};
  if (raw.id !== undefined) {
    if (typeof raw.id !== 'string' || !raw.id.trim()) throw new Error('id must be a non-empty string');
    out.id = raw.id.trim();
  }
  if (raw.dependsOn !== undefined) {
    if (!Array.isArray(raw.dependsOn) || !raw.dependsOn.every((d) => typeof d === 'string')) {
      throw new Error('dependsOn must be an array of task IDs');
    }
    out.dependsOn = raw.dependsOn as string[];
  }
  if ('hours' in raw) {
    const h = raw.hours;
    if (h === null || h === undefined || h === '') out.hours = null;
    else if (typeof h === 'number' && Number.isFinite(h) && h > 0) out.hours = h;
    else if (typeof h === 'string') {
      const parsed = parseHours(h);
      if (!parsed.ok) throw new Error(`hours: ${parsed.message}`);
      out.hours = parsed.hours ?? null;
    } else throw new Error('hours must be a positive number or null');
  }
  if ('step' in raw) {
    const s = raw.step;
    if (s === null || s === undefined || s === '') out.step = null;
    else if (typeof s === 'string') out.step = s;
    else throw new Error('step must be a step title or null');
  }
  return out;
}
