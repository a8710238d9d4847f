// Output formats of `planmark check` for CI services: SARIF 2.1.0 (GitHub code scanning and
// other SARIF consumers) and GitHub Actions workflow commands (annotations on the pull request).
// Both read the diagnostics the language server computes; positions are 1-based, columns in
// UTF-16 code units (LSP's unit, and SARIF's default columnKind).
import type { Diagnostic } from 'vscode-languageserver-types';
import { DIAGNOSTIC_CODES, type SeveritySetting } from '../../../shared/settings';

export interface FileDiagnostics {
  /** Path as shown to the user: relative to the current folder when inside it. */
  file: string;
  diagnostics: Diagnostic[];
}

const INFORMATION_URI = 'https://github.com/planmark/planmark';

/** LSP severity (1 error ... 4 hint) to SARIF's level. */
function sarifLevel(severity: number | undefined): 'error' | 'warning' | 'note' {
  return severity === 2 ? 'warning' : severity === 3 || severity === 4 ? 'note' : 'error';
}

function sarifLevelOf(setting: SeveritySetting): 'error' | 'warning' | 'note' | 'none' {
  return setting === 'error' ? 'error' : setting === 'warning' ? 'warning' : setting === 'off' ? 'none' : 'note';
}

/** A relative path as a SARIF artifact URI: forward slashes, each segment percent-encoded. */
export function artifactUri(file: string): string {
  return file
    .split(/[\\/]/)
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}

const messageText = (d: Diagnostic) => (typeof d.message === 'string' ? d.message : String(d.message));

/** One SARIF 2.1.0 log with one run; every diagnostic code is a rule of the driver. */
export function toSarif(results: FileDiagnostics[], version: string): object {
  const codes = Object.keys(DIAGNOSTIC_CODES) as (keyof typeof DIAGNOSTIC_CODES)[];
  const used = new Set(results.flatMap((r) => r.diagnostics.map((d) => String(d.code))));
  // Codes the tool does not know (none today) still get a rule, so every result has its ruleIndex.
  const extra = [...used].filter((c) => !(c in DIAGNOSTIC_CODES)).sort();
  const rules = [
    ...codes.map((id) => ({
      id,
      name: id.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase()),
      shortDescription: { text: DIAGNOSTIC_CODES[id].description },
      defaultConfiguration: { level: sarifLevelOf(DIAGNOSTIC_CODES[id].severity) },
      helpUri: `${INFORMATION_URI}#diagnostics`,
    })),
    ...extra.map((id) => ({ id, shortDescription: { text: id } })),
  ];
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'planmark', version, semanticVersion: version, informationUri: INFORMATION_URI, rules } },
        columnKind: 'utf16CodeUnits',
        results: results.flatMap((r) =>
          r.diagnostics.map((d) => ({
            ruleId: String(d.code),
            ruleIndex: ruleIndex.get(String(d.code)),
            level: sarifLevel(d.severity),
            message: { text: messageText(d) },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: artifactUri(r.file), uriBaseId: '%SRCROOT%' },
                  region: {
                    startLine: d.range.start.line + 1,
                    startColumn: d.range.start.character + 1,
                    endLine: d.range.end.line + 1,
                    endColumn: d.range.end.character + 1,
                  },
                },
              },
            ],
          })),
        ),
      },
    ],
  };
}

/** Escapes the message of a workflow command (GitHub's rules: %, CR, LF). */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes a property value of a workflow command (also `:` and `,`, which delimit properties). */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** GitHub Actions annotations: one `::error file=...,line=...::message` command per diagnostic. */
export function toGithubCommands(results: FileDiagnostics[]): string {
  let out = '';
  for (const r of results) {
    const file = r.file.split('\\').join('/');
    for (const d of r.diagnostics) {
      const command = d.severity === 2 ? 'warning' : d.severity === 3 || d.severity === 4 ? 'notice' : 'error';
      const properties = [
        `file=${escapeProperty(file)}`,
        `line=${d.range.start.line + 1}`,
        `col=${d.range.start.character + 1}`,
        `endLine=${d.range.end.line + 1}`,
        `endColumn=${d.range.end.character + 1}`,
        `title=${escapeProperty(`planmark ${String(d.code)}`)}`,
      ];
      out += `::${command} ${properties.join(',')}::${escapeData(messageText(d))}\n`;
    }
  }
  return out;
}
