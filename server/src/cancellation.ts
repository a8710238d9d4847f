// Cancellation of long requests. A client cancels a request it no longer needs ($/cancelRequest:
// the user typed on, moved the cursor, closed the graph); the work left is then skipped and the
// request answered with RequestCancelled, as LSP asks. Long work checks between its steps:
//   throwIfCancelled(token)            at each await
//   runCancellable(steps, token)       workspace-wide loops, written as generators that yield
//                                      between their items (a plan, a reference)
import { LSPErrorCodes, ResponseError, type CancellationToken } from 'vscode-languageserver';

export function isCancellation(error: unknown): boolean {
  return error instanceof ResponseError && error.code === LSPErrorCodes.RequestCancelled;
}

/** Throws RequestCancelled when the client has cancelled the request. */
export function throwIfCancelled(token: CancellationToken | undefined): void {
  if (token?.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'The request was cancelled.');
}

/**
 * How long a loop runs before it gives the event loop a turn. A $/cancelRequest is only read
 * from the connection then: synchronous work that never yields cannot see it.
 */
const SLICE_MS = 8;

/**
 * Runs synchronous work written as a generator that yields between its items: checks the
 * token before every item (RequestCancelled once the client cancelled) and lets the connection
 * read its messages every few milliseconds, so that a cancellation sent while the loop runs
 * stops it. The generator's return value is the result.
 */
export async function runCancellable<T>(steps: Iterator<unknown, T>, token: CancellationToken | undefined): Promise<T> {
  let sliceStart = Date.now();
  try {
    for (;;) {
      throwIfCancelled(token);
      const step = steps.next();
      if (step.done) return step.value;
      if (Date.now() - sliceStart >= SLICE_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        sliceStart = Date.now();
      }
    }
  } catch (error) {
    // The work left is dropped (its finally blocks run).
    steps.return?.();
    throw error;
  }
}
