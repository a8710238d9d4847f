// Validation of messages posted by the graph webview. The webview renders untrusted plan text,
// so everything it sends is checked here before the extension acts on it. Pure: no `vscode`.
import type { GraphViewState, WebviewToExtensionMessage } from '../../../shared/protocol';

export type ParsedMessage = { ok: true; message: WebviewToExtensionMessage } | { ok: false; reason: string };

/** Upper bounds that keep a misbehaving webview from making the extension host do silly work. */
export const MESSAGE_LIMITS = {
  taskId: 200,
  svg: 64 * 1024 * 1024,
  dataUrl: 96 * 1024 * 1024,
  source: 16 * 1024 * 1024,
  filter: 1000,
} as const;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const boundedString = (v: unknown, max: number): v is string => typeof v === 'string' && v.length <= max;

export function parseViewState(v: unknown): GraphViewState | undefined {
  if (!isObject(v)) return undefined;
  if (v.direction !== 'TD' && v.direction !== 'LR') return undefined;
  if (typeof v.groupBySteps !== 'boolean') return undefined;
  if (!boundedString(v.filter, MESSAGE_LIMITS.filter)) return undefined;
  if (!isFiniteNumber(v.zoom) || v.zoom <= 0 || !isFiniteNumber(v.panX) || !isFiniteNumber(v.panY)) return undefined;
  const state: GraphViewState = { direction: v.direction, groupBySteps: v.groupBySteps, filter: v.filter, zoom: v.zoom, panX: v.panX, panY: v.panY };
  if (v.mode === 'overview' || v.mode === 'focus') state.mode = v.mode;
  if (Array.isArray(v.expanded) && v.expanded.length <= 10_000 && v.expanded.every((t) => boundedString(t, 10_000))) state.expanded = v.expanded.slice() as string[];
  if (typeof v.focusDepth === 'number' && Number.isInteger(v.focusDepth) && v.focusDepth >= 0 && v.focusDepth <= 50) state.focusDepth = v.focusDepth;
  if (typeof v.neighbours === 'boolean') state.neighbours = v.neighbours;
  return state;
}

/** Checks a raw message against WebviewToExtensionMessage; returns a fresh object with only the known fields. */
export function parseWebviewMessage(raw: unknown): ParsedMessage {
  if (!isObject(raw)) return { ok: false, reason: 'message is not an object' };
  const type = raw.type;
  if (typeof type !== 'string') return { ok: false, reason: 'message has no type' };
  switch (type) {
    case 'ready':
      return { ok: true, message: { type } };
    case 'reveal':
      if (!boundedString(raw.taskId, MESSAGE_LIMITS.taskId) || raw.taskId.length === 0) {
        return { ok: false, reason: 'reveal: taskId must be a non-empty string' };
      }
      return { ok: true, message: { type, taskId: raw.taskId } };
    case 'exportSvg':
      if (!boundedString(raw.svg, MESSAGE_LIMITS.svg) || !/^\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*|<!DOCTYPE[^>]*>\s*)*<svg[\s>]/i.test(raw.svg.slice(0, 4096))) {
        return { ok: false, reason: 'exportSvg: svg must be an SVG document' };
      }
      return { ok: true, message: { type, svg: raw.svg } };
    case 'exportPng':
      if (!boundedString(raw.dataUrl, MESSAGE_LIMITS.dataUrl) || !/^data:image\/png;base64,[A-Za-z0-9+/]+=*$/.test(raw.dataUrl)) {
        return { ok: false, reason: 'exportPng: dataUrl must be a base64 PNG data URL' };
      }
      // The page's export is canvas.toDataURL('image/png'): bytes that are no PNG are not from it.
      if (!hasPngSignature(raw.dataUrl)) return { ok: false, reason: 'exportPng: the data URL does not hold a PNG image' };
      return { ok: true, message: { type, dataUrl: raw.dataUrl } };
    case 'copySource':
      if (!boundedString(raw.source, MESSAGE_LIMITS.source)) return { ok: false, reason: 'copySource: source must be a string' };
      return { ok: true, message: { type, source: raw.source } };
    case 'state': {
      const state = parseViewState(raw.state);
      if (!state) return { ok: false, reason: 'state: malformed view state' };
      return { ok: true, message: { type, state } };
    }
    case 'rendered':
      if (!isFiniteNumber(raw.nodes) || !isFiniteNumber(raw.edges) || !isFiniteNumber(raw.ms)) {
        return { ok: false, reason: 'rendered: nodes, edges and ms must be numbers' };
      }
      return { ok: true, message: { type, nodes: raw.nodes, edges: raw.edges, ms: raw.ms } };
    default:
      return { ok: false, reason: `unknown message type ${JSON.stringify(type.slice(0, 50))}` };
  }
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** True when the base64 data of a `data:...;base64,` URL starts with the PNG signature (decodes 12 characters only). */
function hasPngSignature(dataUrl: string): boolean {
  const comma = dataUrl.indexOf(',');
  if (comma < 0) return false;
  const head = Buffer.from(dataUrl.slice(comma + 1, comma + 13), 'base64');
  return head.length >= PNG_SIGNATURE.length && PNG_SIGNATURE.every((b, i) => head[i] === b);
}

/** The PNG bytes of a validated `data:image/png;base64,...` URL, or undefined when they are not a PNG. */
export function decodePngDataUrl(dataUrl: string): Uint8Array | undefined {
  const comma = dataUrl.indexOf(',');
  if (comma < 0) return undefined;
  const bytes = Buffer.from(dataUrl.slice(comma + 1), 'base64');
  if (bytes.length < PNG_SIGNATURE.length || PNG_SIGNATURE.some((b, i) => bytes[i] !== b)) return undefined;
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}

/** A default export file name for a plan: phase-1-auth.md -> phase-1-auth.graph.svg. */
export function exportFileName(planPath: string, extension: 'svg' | 'png'): string {
  const base = planPath.replace(/\\/g, '/').split('/').pop() || 'plan';
  const stem = base.replace(/\.(plan\.)?(md|markdown|mdown|mkd)$/i, '') || 'plan';
  return `${stem}.graph.${extension}`;
}
