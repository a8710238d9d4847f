// Entry of the engine bundle (dist/webview-engines.js), loaded on demand by engines.ts: mermaid
// with its ELK layout, and the direct engine's ELK and dagre layouts.
import mermaid from 'mermaid';
import elkLayouts from '@mermaid-js/layout-elk';
import type { Engines } from './engines';
import { layoutWithDagre, layoutWithElk } from './heavyLayouts';

/** Top-level sections of mermaid's default configuration that a flowchart reads. */
const FLOWCHART_SECTIONS = new Set(['flowchart', 'elk', 'secure', 'themeVariables', 'swimlane']);

/**
 * Mermaid deep-copies its whole configuration (getConfig) several times per node and per edge;
 * the defaults of the ~25 other diagram types are 60% of it. Emptying those sections (the
 * webview only draws flowcharts) makes every copy cheaper: 100 tasks 459 -> 313 ms, 500 tasks
 * 2.5 -> 1.7 s (same run). The top level of defaultConfig is frozen, the sections are not;
 * arrays (`secure`, the keys directives may not override) and frozen sections are kept.
 */
export function pruneMermaidDefaults(m: typeof mermaid): void {
  const defaults = (m.mermaidAPI as unknown as { defaultConfig?: Record<string, unknown> } | undefined)?.defaultConfig;
  if (!defaults) return;
  for (const [key, value] of Object.entries(defaults)) {
    if (FLOWCHART_SECTIONS.has(key) || !value || typeof value !== 'object' || Array.isArray(value) || Object.isFrozen(value)) continue;
    for (const k of Object.keys(value)) delete (value as Record<string, unknown>)[k];
  }
}

mermaid.registerLayoutLoaders(elkLayouts);
pruneMermaidDefaults(mermaid);
const engines: Engines = { mermaid, layoutWithElk, layoutWithDagre };
(globalThis as { __planmarkEngines?: Engines }).__planmarkEngines = engines;
