// Cancellation of long requests. A client cancels a request it no longer needs ($/cancelRequest:
// the user typed on, moved the cursor, closed the graph); the work left is then skipped and the
// request answered with RequestCancelled, as LSP asks. Long work checks between its steps:
//   throwIfCancelled(token)            at each await and between the items of a workspace-wide loop
import { LSPErrorCodes, ResponseError, type CancellationToken } from 'vscode-languageserver';

export function isCancellation(error: unknown): boolean {
  return error instanceof ResponseError && error.code === LSPErrorCodes.RequestCancelled;
}

/** Throws RequestCancelled when the client has cancelled the request. */
export function throwIfCancelled(token: CancellationToken | undefined): void {
  if (token?.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'The request was cancelled.');
}
