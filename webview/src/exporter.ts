// Export of the rendered graph as a standalone SVG document or a PNG data URL.
import type { ThemeInfo } from './theme';

/** CSS with the webview-only edge colours baked in as hex, so exports look like the view. */
function exportCss(theme: ThemeInfo, single: string): string {
  const c = theme.colors;
  return [
    `svg { background-color: ${theme.background}; }`,
    `.flowchart-link.pm-edge-single { stroke: ${single} !important; stroke-dasharray: 6 4 !important; }`,
    `.flowchart-link.pm-edge-critical { stroke: ${c.critical} !important; stroke-width: 3px !important; }`,
    `.flowchart-link.pm-edge-cycle { stroke: ${c.error} !important; stroke-width: 2px !important; }`,
  ].join('\n');
}

/** Serialises the rendered SVG as a standalone document (with the XML declaration). */
export function svgDocument(svg: SVGSVGElement, theme: ThemeInfo, singleEdgeColor: string): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('xmlns:xlink', 'http://www.w3.org/1999/xlink');
  clone.removeAttribute('style');
  for (const n of Array.from(clone.querySelectorAll('.pm-highlight, .pm-related'))) {
    n.classList.remove('pm-highlight', 'pm-related');
  }
  clone.classList.remove('pm-has-hover');
  const style = document.createElementNS('http://www.w3.org/2000/svg', 'style');
  style.textContent = exportCss(theme, singleEdgeColor);
  clone.insertBefore(style, clone.firstChild);
  return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(clone);
}

/** Largest canvas side we ask chromium for (its limit is 32,767 px and ~268M pixels). */
const MAX_SIDE = 16_000;
const MAX_PIXELS = 120_000_000;

/** Rasterises the SVG document onto a canvas (2x, capped) and returns a PNG data URL. */
export async function pngDataUrl(svgDoc: string, width: number, height: number, background: string): Promise<string> {
  let scale = 2;
  scale = Math.min(scale, MAX_SIDE / width, MAX_SIDE / height, Math.sqrt(MAX_PIXELS / (width * height)));
  const w = Math.max(1, Math.floor(width * scale));
  const h = Math.max(1, Math.floor(height * scale));
  const img = new Image();
  img.decoding = 'async';
  const url = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(svgDoc);
  await new Promise<void>((resolve, reject) => {
    img.onload = () => resolve();
    img.onerror = () => reject(new Error('the SVG could not be loaded as an image'));
    img.src = url;
  });
  const canvas = document.createElement('canvas');
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2D canvas');
  ctx.fillStyle = background;
  ctx.fillRect(0, 0, w, h);
  ctx.drawImage(img, 0, 0, w, h);
  return canvas.toDataURL('image/png');
}
