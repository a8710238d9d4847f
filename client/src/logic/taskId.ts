// Pure helpers to find task IDs in a line of text.
import { DEFAULT_SETTINGS } from '../../../shared/settings';

const cache = new Map<string, RegExp>();

/** A global RegExp for task IDs from the setting's source; falls back to the default on a bad pattern. */
export function taskIdRegExp(pattern: string | undefined): RegExp {
  const source = pattern && pattern.trim() ? pattern : DEFAULT_SETTINGS.taskIdPattern;
  let re = cache.get(source);
  if (!re) {
    try {
      re = new RegExp(source, 'g');
      if (re.test('')) throw new Error('pattern matches the empty string');
    } catch {
      re = new RegExp(DEFAULT_SETTINGS.taskIdPattern, 'g');
    }
    cache.set(source, re);
  }
  re.lastIndex = 0;
  return re;
}

/** The task ID that covers `character` in `line` (touching its end counts), or null. */
export function taskIdAt(line: string, character: number, pattern?: string): string | null {
  if (line.length > 10_000) return null;
  const re = taskIdRegExp(pattern);
  re.lastIndex = 0;
  for (let m = re.exec(line); m; m = re.exec(line)) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    const start = m.index;
    const end = start + m[0].length;
    // Only whole words: TASK_001 inside XTASK_0012 is not a task ID.
    const before = start > 0 ? line[start - 1] : '';
    const after = end < line.length ? line[end] : '';
    if (/[\w]/.test(before) || /[\w]/.test(after)) continue;
    if (character >= start && character <= end) return m[0];
    if (start > character) break;
  }
  return null;
}
