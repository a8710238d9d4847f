// The one rule for reading a heading as a template section. Every feature that asks "is this
// heading the Implementation Sequence?" (or any other section) calls this file; nothing restates
// it. Written down for users in docs/sections.md.
//
// A heading matches a template section when, after dropping emoji and other symbols, leading
// numbering ("7.", "2)", "IV."), markup, punctuation, "and"/"&", and case, its words begin with
// the section's name, or with the name's core: the words before a trailing "with ..." or
// "for ..." qualifier ("Task Breakdown with Dependencies" is also met by "Task Breakdown"). A
// plural "s" on the last word of the name is tolerated.
//   "## 📋 Overview", "## 2. Overview", "## Technical Strategy & Approach",
//   "## Implementation Sequence (Steps)", "## ⚠️ Risk Mitigation", "## Task Breakdown"
// all match. A heading that matches no section but is a few letters away from one's name
// ("## Risk Mitgation") is "near" it: diagnostics suggest the name instead of saying it is missing.

import { DEFAULT_REQUIRED_SECTIONS } from '../../../shared/settings';

/** The template's ## sections, in template order (the default of planmark.requiredSections). */
export const TEMPLATE_SECTION_NAMES: readonly string[] = DEFAULT_REQUIRED_SECTIONS;

/** The template's ### sub-sections: inside a code block, such a heading means the fence was never closed. */
export const TEMPLATE_SUBSECTION_NAMES: readonly string[] = [
  'Architecture Decisions',
  'Design Patterns',
  'Code Organization',
  'Core Technologies',
  'Libraries & Dependencies',
  'New Tables/Collections',
  'Migrations',
  'Indexes',
  'New Endpoints',
  'Request/Response Examples',
  'Naming Conventions',
  'File Structure Template',
  'Comments Strategy',
  'Error Types',
  'Error Responses',
  'Authentication',
  'Authorization',
  'Input Validation',
  'Data Protection',
  'Unit Tests',
  'Integration Tests',
  'E2E Tests',
  'Optimization Goals',
  'Strategies',
  'Logging Strategy',
  'Monitoring',
  'Build Process',
  'Environment Variables',
  'Deployment Checklist',
  'Code Documentation',
  'User Documentation',
];

/** Longest heading text considered: a longer "heading" is prose, never a section name. */
const MAX_KEY_INPUT = 300;

/**
 * A heading's words as the section rule compares them: lower case, no emoji, symbols,
 * punctuation or markup, no leading numbering, "and"/"&" dropped, single spaces.
 */
export function sectionWords(heading: string): string {
  // Memoized: every assembly and every diagnostics pass asks again for each heading of the plan.
  let words = sectionWordsMemo.get(heading);
  if (words === undefined) {
    if (sectionWordsMemo.size >= 10_000) sectionWordsMemo.clear();
    words = computeSectionWords(heading);
    sectionWordsMemo.set(heading, words);
  }
  return words;
}

const sectionWordsMemo = new Map<string, string>();

function computeSectionWords(heading: string): string {
  let text = heading.length > MAX_KEY_INPUT ? heading.slice(0, MAX_KEY_INPUT) : heading;
  text = text.normalize('NFKC').toLowerCase();
  // Everything that is not a letter, digit or blank separates words (emoji, ":", "&", "(", "/"...).
  text = text.replace(/['’]/g, '').replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
  const words = text.split(' ').filter((w) => w !== '' && w !== 'and');
  // Leading numbering: "7", "7 2" (from "7.2"), roman numerals, a single letter ("a)", "B.").
  while (words.length > 1 && isNumbering(words[0], heading)) words.shift();
  return words.join(' ');
}

function isNumbering(word: string, heading: string): boolean {
  if (/^\d+$/.test(word)) return true;
  if (/^[ivxlc]+$/.test(word) && word.length <= 5) {
    // "IV. Overview" but not "Vision" (the word is whole) nor "I need..." without punctuation.
    return new RegExp(`^[^\\p{L}\\p{N}]*${word}[.):]`, 'iu').test(heading.trimStart());
  }
  if (/^[a-z]$/.test(word)) return new RegExp(`^[^\\p{L}\\p{N}]*${word}[.):]`, 'iu').test(heading.trimStart());
  return false;
}

/** The words of a section name a heading must begin with (the name without a trailing "with"/"for" qualifier). */
function coreWords(name: string): string {
  const words = sectionWords(name);
  const cut = words.search(/ (?:with|for) /);
  return cut > 0 ? words.slice(0, cut) : words;
}

/** Does the heading text name this section, by the rule above? */
export function headingMatchesSection(heading: string, name: string): boolean {
  const key = sectionWords(heading);
  const core = coreWords(name);
  if (!core) return false;
  if (key === core || key.startsWith(core + ' ')) return true;
  // A plural last word: "Risk Mitigations", "Success Criteria" stays as is.
  return key === core + 's' || key.startsWith(core + 's ');
}

/**
 * The template section a heading names, or undefined. When several names match, the one with
 * the most words wins. `names` defaults to the template's; pass the user's required sections
 * (or another plan kind's) to match those.
 */
export function matchTemplateSection(heading: string, names: readonly string[] = TEMPLATE_SECTION_NAMES): string | undefined {
  let best: string | undefined;
  let bestLength = -1;
  for (const name of names) {
    if (!headingMatchesSection(heading, name)) continue;
    const length = coreWords(name).length;
    if (length > bestLength) {
      best = name;
      bestLength = length;
    }
  }
  return best;
}

/**
 * A section name the heading is close to without matching it (a typo, a word dropped or
 * swapped), for a "did you mean" suggestion; undefined when it matches a name or is not close
 * to any.
 */
export function nearTemplateSection(heading: string, names: readonly string[] = TEMPLATE_SECTION_NAMES): string | undefined {
  if (matchTemplateSection(heading, names)) return undefined;
  const key = sectionWords(heading);
  if (key.length < 4 || key.length > 80) return undefined;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const name of names) {
    for (const target of new Set([sectionWords(name), coreWords(name)])) {
      // Compare with the heading cut to the target's length too: "Risk Mitgation Plan".
      const candidates = [key, key.slice(0, target.length)];
      for (const candidate of candidates) {
        const allowed = Math.max(1, Math.floor(target.length / 6));
        const distance = editDistance(candidate, target, allowed);
        if (distance <= allowed && distance < bestDistance) {
          best = name;
          bestDistance = distance;
        }
      }
      // Same words in another order: "Strategy Testing".
      if (bestDistance > 0 && sameWords(key, target)) {
        best = name;
        bestDistance = 0;
      }
    }
  }
  return best;
}

function sameWords(a: string, b: string): boolean {
  const x = a.split(' ').sort().join(' ');
  const y = b.split(' ').sort().join(' ');
  return x === y && a !== b;
}

/** Levenshtein distance with transpositions, capped: returns limit + 1 once it is exceeded. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prevPrev: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prevPrev[j - 2] + 1);
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > limit) return limit + 1;
    prevPrev = prev;
    prev = cur;
  }
  return prev[b.length];
}

/**
 * The number of a step heading ("Step 3: Integration", "🔧 Step 3 - Integration",
 * "3. Step 3"), or undefined when the heading is not a step.
 */
export function stepHeadingNumber(heading: string): number | undefined {
  const words = sectionWords(heading);
  const m = /^step (\d{1,6})(?: |$)/.exec(words);
  return m ? Number(m[1]) : undefined;
}
