// Pure helpers for `Planmark: New Plan`: fill the shipped template and suggest a file name.
// No `vscode` import, so unit tests run them in plain Node.

export interface NewPlanFields {
  /** Phase number or label, e.g. "1" or "2b". */
  phase: string;
  /** Phase name, e.g. "Authentication". */
  name: string;
  /** YYYY-MM-DD. */
  date: string;
}

/** Today's date in the local time zone as YYYY-MM-DD. */
export function isoDate(date: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** Error message for an unusable phase, or undefined when it is fine. */
export function validatePhase(value: string): string | undefined {
  const v = value.trim();
  if (!v) return 'Enter the phase number, e.g. 1.';
  if (v.length > 20) return 'Keep the phase short (at most 20 characters).';
  if (!/^[\p{L}\p{N}._-]+$/u.test(v)) return 'Use letters, digits, ".", "_" or "-" only, e.g. 1 or 2b.';
  return undefined;
}

/** Error message for an unusable phase name, or undefined when it is fine. */
export function validatePhaseName(value: string): string | undefined {
  const v = value.trim();
  if (!v) return 'Enter a name for the phase, e.g. Authentication.';
  if (v.length > 120) return 'Keep the name under 120 characters.';
  if (/[\r\n]/.test(v)) return 'The name must fit on one line.';
  if (/[[\]]/.test(v)) return 'Square brackets would read as a template placeholder; leave them out.';
  return undefined;
}

/** Lower-case, dash-separated file name part: "User Auth & SSO" -> "user-auth-sso". */
export function slugify(text: string): string {
  const slug = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
  return slug.slice(0, 60).replace(/-+$/, '') || 'plan';
}

/** Suggested path, relative to a workspace folder, for a new plan: plans/phase-1-authentication.md. */
export function suggestedPlanPath(phase: string, name: string): string {
  return `plans/phase-${slugify(phase.trim())}-${slugify(name.trim())}.md`;
}

/**
 * Fills the template's title, Phase, Phase Name and Created (and Last Updated) with the given
 * values. Everything else stays as the template has it, including the line endings.
 */
export function fillTemplate(template: string, fields: NewPlanFields): string {
  const phase = fields.phase.trim();
  const name = fields.name.trim();
  // Replacement strings go through functions so "$" in a name is never a group reference.
  let text = template.replace(
    /^([ \t]{0,3}#[ \t]+Implementation Plan:[ \t]*)Phase \[X\] - \[Phase Name\][ \t]*$/m,
    (_m, head: string) => `${head}Phase ${phase} - ${name}`,
  );
  const field = (key: string, value: string) => {
    const re = new RegExp(`^([ \\t]*[-*+][ \\t]+\\*\\*${key}:\\*\\*[ \\t]*)\\[[^\\]\\r\\n]*\\]`, 'm');
    text = text.replace(re, (_m, head: string) => head + value);
  };
  field('Phase', phase);
  field('Phase Name', name);
  field('Created', fields.date);
  text = text.replace(/^(\*\*Last Updated:\*\*[ \t]*)\[YYYY-MM-DD\]/m, (_m, head: string) => head + fields.date);
  return text;
}
