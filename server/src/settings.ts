// Checks on user-provided settings that the shared defaults cannot express.
import { taskIdRegExp } from './plan/facts';

/**
 * The longest planmark.taskIdPattern accepted. A task ID pattern is a few dozen characters; a
 * longer one is a mistake (a pasted document), can exceed V8's regular expression size limit,
 * and would run on every line of every plan.
 */
export const MAX_TASK_ID_PATTERN_LENGTH = 1000;

/**
 * Why a task ID pattern is unusable, or undefined when it is fine: it must be at most
 * MAX_TASK_ID_PATTERN_LENGTH characters, must compile (alone, and inside the group the plan
 * model wraps it in), must not match the empty string, and must not take long on adversarial
 * input (a user's pattern runs on every line of every plan). Never throws, and takes time linear
 * in the pattern's length.
 */
export function validateTaskIdPattern(pattern: string): string | undefined {
  try {
    if (typeof pattern !== 'string') return 'it is not a string';
    if (pattern.length > MAX_TASK_ID_PATTERN_LENGTH) {
      return `it is ${pattern.length} characters long, over the limit of ${MAX_TASK_ID_PATTERN_LENGTH}`;
    }
    // V8 compiles lazily and reports some errors ("regular expression too large") only at the
    // first run, so the runs are inside the try too. Compiled alone as well as wrapped, so that
    // "a)|(b" is refused rather than silently recombined by the wrapper.
    new RegExp(pattern).test('');
    // As the plan model compiles it.
    const re = taskIdRegExp(pattern);
    if (re.test('')) return 'it matches an empty string';
    if (hasNestedQuantifier(pattern)) return 'it has a nested quantifier, which can take exponential time';
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * Nested quantifiers are the classic catastrophic-backtracking shape: (a+)+, (\w*)*, (a*){2,}.
 * True when a group with no group inside it contains a `+` or `*` and is itself followed by
 * `+`, `*` or `{`, as /\([^()]*[+*][^()]*\)[+*{]/ would say, but in one pass (that regular
 * expression is quadratic on a long run of quantifiers in an unclosed group).
 */
function hasNestedQuantifier(pattern: string): boolean {
  let inGroup = false;
  let quantified = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '(') {
      inGroup = true;
      quantified = false;
    } else if (c === ')') {
      const next = pattern[i + 1];
      if (inGroup && quantified && (next === '+' || next === '*' || next === '{')) return true;
      inGroup = false;
      quantified = false;
    } else if (inGroup && (c === '+' || c === '*')) {
      quantified = true;
    }
  }
  return false;
}
