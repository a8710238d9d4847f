// Theme: reads the resolved --pm-* colours (defined in graph.css from VS Code variables) and
// turns them into a mermaid theme configuration.
import type { GraphColors } from './graphToMermaid';

export type ThemeKind = 'light' | 'dark' | 'highContrast' | 'highContrastLight';

export interface ThemeInfo {
  kind: ThemeKind;
  mermaidTheme: 'base' | 'dark' | 'default';
  themeVariables: Record<string, string>;
  colors: GraphColors;
  /** Resolved page background, for PNG export. */
  background: string;
}

/** Theme kind from the classes VS Code puts on <body>. */
export function themeKindFromBody(body: HTMLElement = document.body): ThemeKind {
  const c = body.classList;
  if (c.contains('vscode-high-contrast-light')) return 'highContrastLight';
  if (c.contains('vscode-high-contrast')) return 'highContrast';
  if (c.contains('vscode-light')) return 'light';
  if (c.contains('vscode-dark')) return 'dark';
  // Outside VS Code: follow the user agent.
  return typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: light)').matches ? 'light' : 'dark';
}

let ctx: CanvasRenderingContext2D | null | undefined;

/**
 * Normalises any CSS colour to `#rrggbb` (alpha blended over `over`), or undefined when the
 * browser cannot parse it. Uses canvas, which understands every CSS colour syntax.
 */
export function toHex(color: string, over = '#000000'): string | undefined {
  const value = color.trim();
  if (!value) return undefined;
  if (ctx === undefined) ctx = document.createElement('canvas').getContext('2d', { willReadFrequently: true });
  if (!ctx) return /^#[0-9a-f]{6}$/i.test(value) ? value : undefined;
  ctx.clearRect(0, 0, 1, 1);
  ctx.globalCompositeOperation = 'source-over';
  ctx.fillStyle = over;
  ctx.fillRect(0, 0, 1, 1);
  const sentinel = '#010203';
  ctx.fillStyle = sentinel;
  ctx.fillStyle = value;
  if (ctx.fillStyle === sentinel && value.toLowerCase() !== sentinel) return undefined;
  ctx.fillRect(0, 0, 1, 1);
  const [r, g, b] = ctx.getImageData(0, 0, 1, 1).data;
  return '#' + [r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('');
}

function cssVar(style: CSSStyleDeclaration, name: string): string {
  return style.getPropertyValue(name).trim();
}

export function readTheme(kindOverride?: ThemeKind): ThemeInfo {
  const kind = kindOverride ?? themeKindFromBody();
  const style = getComputedStyle(document.body);
  const dark = kind === 'dark' || kind === 'highContrast';
  const fallbackBg = dark ? '#1e1e1e' : '#ffffff';
  const bg = toHex(cssVar(style, '--pm-bg')) ?? fallbackBg;
  const hex = (name: string, fallback: string) => toHex(cssVar(style, name), bg) ?? fallback;

  const fg = hex('--pm-fg', dark ? '#cccccc' : '#333333');
  const nodeBg = hex('--pm-node-bg', dark ? '#252526' : '#f3f3f3');
  const nodeBorder = hex('--pm-node-border', dark ? '#6b6b6b' : '#c8c8c8');
  const edge = hex('--pm-edge', dark ? '#858585' : '#6e7681');
  const clusterBg = hex('--pm-cluster-bg', dark ? '#252526' : '#f3f3f3');
  const clusterBorder = hex('--pm-cluster-border', dark ? '#3c3c3c' : '#d4d4d4');
  const colors: GraphColors = {
    error: hex('--pm-error', '#f14c4c'),
    warning: hex('--pm-warning', '#cca700'),
    critical: hex('--pm-critical', '#d18616'),
    match: hex('--pm-match', '#3794ff'),
  };
  const font = cssVar(style, '--pm-font') || 'sans-serif';
  const fontSize = cssVar(style, '--pm-font-size') || '13px';

  const themeVariables: Record<string, string> = {
    darkMode: String(dark),
    background: bg,
    fontFamily: font,
    fontSize,
    primaryColor: nodeBg,
    primaryTextColor: fg,
    primaryBorderColor: nodeBorder,
    secondaryColor: clusterBg,
    tertiaryColor: clusterBg,
    mainBkg: nodeBg,
    nodeBorder,
    nodeTextColor: fg,
    textColor: fg,
    lineColor: edge,
    clusterBkg: clusterBg,
    clusterBorder,
    titleColor: fg,
    edgeLabelBackground: bg,
  };
  return { kind, mermaidTheme: 'base', themeVariables, colors, background: bg };
}
