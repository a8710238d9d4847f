// Which Markdown documents are plans. Shared by the client (to start the server only when a
// plan is open), the server (to analyse only plans) and the CLI.
import picomatch from 'picomatch';

const PLAN_TITLE = /^[ \t]{0,3}#{1,6}[ \t]+Implementation Plan\b/i;
const ATX_HEADING = /^[ \t]{0,3}#{1,6}(?:[ \t]|$)/;

/** True when the first ATX heading of the text starts with "Implementation Plan". */
export function hasPlanTitle(text: string): boolean {
  // Only the head of the document matters; bound the scan so huge files stay cheap.
  const head = text.length > 65536 ? text.slice(0, 65536) : text;
  let inFence = false;
  for (const line of head.split(/\r\n|\r|\n/)) {
    if (/^[ \t]{0,3}(```|~~~)/.test(line)) inFence = !inFence;
    if (inFence) continue;
    if (ATX_HEADING.test(line)) return PLAN_TITLE.test(line);
  }
  return false;
}

const matcherCache = new Map<string, (path: string) => boolean>();

/** True when the path matches one of the globs (matched against the whole path and its tail). */
export function matchesPlanGlobs(fsPath: string, globs: readonly string[]): boolean {
  const key = globs.join('\u0000');
  let match = matcherCache.get(key);
  if (!match) {
    const isMatch = picomatch(globs as string[], { dot: true, nocase: process.platform === 'win32' });
    match = (p: string) => isMatch(p) || isMatch(p.replace(/^\/+/, ''));
    matcherCache.set(key, match);
  }
  return match(fsPath.replace(/\\/g, '/'));
}

export function isMarkdownPath(fsPath: string): boolean {
  return /\.(md|markdown|mdown|mkd)$/i.test(fsPath);
}

/**
 * The path globs are matched against: relative to the innermost workspace folder holding the
 * file, so a folder named "plans" above the workspace does not make every file a plan.
 */
export function pathForGlobs(fsPath: string, roots: readonly string[]): string {
  const file = fsPath.replace(/\\/g, '/');
  let best: string | undefined;
  for (const root of roots) {
    const r = root.replace(/\\/g, '/').replace(/\/+$/, '');
    if (file.startsWith(r + '/') && (!best || r.length > best.length)) best = r;
  }
  return best ? file.slice(best.length + 1) : file;
}

/** The planmark.files rule: a Markdown path matching the globs, or a document titled "Implementation Plan...". */
export function isPlanDocument(fsPath: string, text: string, globs: readonly string[], roots: readonly string[] = []): boolean {
  return matchesPlanGlobs(pathForGlobs(fsPath, roots), globs) || hasPlanTitle(text);
}
