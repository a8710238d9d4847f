// Checks on user-provided settings that the shared defaults cannot express.

/**
 * Why a task ID pattern is unusable, or undefined when it is fine: it must compile, must not
 * match the empty string, and must not take long on adversarial input (a user's pattern runs
 * on every line of every plan).
 */
export function validateTaskIdPattern(pattern: string): string | undefined {
  let re: RegExp;
  try {
    re = new RegExp(`(?:${pattern})`, 'g');
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  if (re.test('')) return 'it matches an empty string';
  // Nested quantifiers are the classic catastrophic-backtracking shape: (a+)+, (\w*)*.
  if (/\([^()]*[+*][^()]*\)[+*{]/.test(pattern)) return 'it has a nested quantifier, which can take exponential time';
  return undefined;
}
