// Workspace-wide work (findings across plans, workspace symbols) is written as generators that
// yield between their items, one plan at a time: the language server runs them in slices it can
// cancel (server/src/cancellation.ts runCancellable); the CLI and the tests run them at once.

/** Runs work written as steps to its end and returns its result. */
export function runToEnd<T>(steps: Iterator<unknown, T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}
