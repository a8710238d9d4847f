// Sizes and types shared by the direct engine's layouts (directRenderer.ts, and ELK/dagre in
// heavyLayouts.ts, which only the lazily loaded engine bundle contains).
import type { ElkPoint } from 'elkjs/lib/elk-api';

/** Node padding (like mermaid's flowchart.padding 12: 2x horizontally, 1x vertically). */
export const PAD_X = 24;
export const PAD_Y = 12;
export const NODE_SPACING = 40;
export const RANK_SPACING = 50;
export const MARGIN = 8;
export const CLUSTER_PAD = 16;
/** Height of a step box's title band. */
export const TITLE_BAND = 28;

export type DirectLayoutName = 'layered' | 'dagre' | 'elk';

export interface Box {
  /** Centre. */
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface DirectLayout {
  width: number;
  height: number;
  nodes: Map<string, Box>;
  clusters: Map<string, Box>;
  /** Edge routes by edge index (absolute coordinates, from the source border to the target border). */
  edges: ElkPoint[][];
  /** True: draw routes as B-splines (dagre); false: straight segments (ELK, orthogonal). */
  curved: boolean;
  /** Set for the built-in layered layout: routes are drawn with bandPathData (straight in ranks, curved between). */
  bands?: 'TD' | 'LR';
}
