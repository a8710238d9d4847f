// Kiro's requirements.md: "### Requirement 1" headings (optionally "Requirement 1: Title"),
// each with numbered acceptance criteria. Task lists refer to "1" (the requirement) and "1.2"
// (its second criterion). Read from the text alone; the server finds and reads the file.
import { LineIndex } from '../lineIndex';
import type { RequirementIndex, RequirementInfo } from '../types';

const REQUIREMENT_HEADING = /^[ \t]{0,3}#{1,6}[ \t]+(?:\*\*|__)?Requirement[ \t]+(\d+(?:\.\d+)*)\b[ \t]*[:.\-–—]?[ \t]*(.*?)[ \t#*_]*$/i;
const NUMBERED_HEADING = /^[ \t]{0,3}#{2,6}[ \t]+(\d+(?:\.\d+)*)\.?[ \t]+(.+?)[ \t#]*$/;
const ANY_HEADING = /^[ \t]{0,3}#{1,6}(?:[ \t]|$)/;
const CRITERION = /^[ \t]{0,3}(\d{1,3})[.)][ \t]+(.+)$/;
/** A criterion written with its full ID: "1.2 WHEN ...", "- **1.2**: WHEN ...", "AC 1.2: ...". */
const FULL_ID_CRITERION = /^[ \t]*(?:[-*+][ \t]+)?(?:\*\*|__)?(?:AC[ \t-]*|R[ \t]*)?(\d{1,3}(?:\.\d{1,3})+)\.?(?:\*\*|__)?[ \t]*[:.)\-–—]?[ \t]+(.+)$/i;
const FENCE = /^[ \t]{0,3}(```|~~~)/;

export function parseRequirements(uri: string, text: string): RequirementIndex {
  const lines = new LineIndex(text);
  const byId = new Map<string, RequirementInfo>();
  let current: string | undefined;
  let inFence = false;
  let offset = 0;
  let lineNumber = 0;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    const start = offset;
    offset += raw.length + 1;
    const here = lineNumber++;
    if (FENCE.test(line)) inFence = !inFence;
    if (inFence) continue;
    const range = { start: { line: here, character: 0 }, end: lines.positionAt(start + line.length) };
    const heading = REQUIREMENT_HEADING.exec(line) ?? (current !== undefined || byId.size > 0 ? NUMBERED_HEADING.exec(line) : null);
    if (heading) {
      current = heading[1];
      if (!byId.has(current)) byId.set(current, { id: current, text: line.replace(/^[ \t]*#+[ \t]*/, '').trim(), range });
      continue;
    }
    if (ANY_HEADING.test(line)) {
      // "#### Acceptance Criteria" stays inside the requirement; a ## section ends it.
      if (/^[ \t]{0,3}#{1,2}[ \t]/.test(line)) current = undefined;
      continue;
    }
    const full = FULL_ID_CRITERION.exec(line);
    if (full) {
      if (!byId.has(full[1])) byId.set(full[1], { id: full[1], text: full[2].trim(), range });
      const requirement = full[1].split('.')[0];
      if (!byId.has(requirement)) byId.set(requirement, { id: requirement, text: `Requirement ${requirement}`, range });
      continue;
    }
    const criterion = current !== undefined ? CRITERION.exec(line) : null;
    if (criterion) {
      const id = `${current}.${criterion[1]}`;
      if (!byId.has(id)) byId.set(id, { id, text: criterion[2].trim(), range });
    }
  }
  return { uri, byId };
}
