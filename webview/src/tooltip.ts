// Hover tooltip for a task, built with DOM APIs and textContent only (plan text is untrusted).
import type { GraphNode, GraphPayload } from '../../shared/protocol';

const MAX_LIST = 12;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

function row(label: string, value: string): HTMLDivElement {
  const d = el('div');
  d.append(el('span', 'pm-tt-label', label), document.createTextNode(value));
  return d;
}

function list(label: string, items: string[], itemClass?: string): HTMLDivElement {
  const d = el('div');
  d.append(el('span', 'pm-tt-label', label));
  if (items.length === 0) {
    d.append(document.createTextNode('none'));
    return d;
  }
  const ul = el('ul');
  for (const item of items.slice(0, MAX_LIST)) ul.append(el('li', itemClass, item));
  if (items.length > MAX_LIST) ul.append(el('li', undefined, `\u2026 and ${items.length - MAX_LIST} more`));
  d.append(ul);
  return d;
}

export class Tooltip {
  readonly element: HTMLDivElement;
  private deps = new Map<string, { dependencies: string[]; dependents: string[] }>();
  private nodes = new Map<string, GraphNode>();

  constructor(parent: HTMLElement) {
    this.element = el('div', 'pm-tooltip');
    this.element.hidden = true;
    this.element.setAttribute('role', 'tooltip');
    parent.append(this.element);
  }

  /** Indexes a payload; dependencies/dependents fall back to the edge list. */
  setPayload(payload: GraphPayload): void {
    this.nodes = new Map(payload.nodes.map((n) => [n.id, n]));
    this.deps = new Map();
    const entry = (id: string) => {
      let e = this.deps.get(id);
      if (!e) this.deps.set(id, (e = { dependencies: [], dependents: [] }));
      return e;
    };
    for (const e of payload.edges) {
      entry(e.to).dependencies.push(e.from);
      entry(e.from).dependents.push(e.to);
    }
  }

  show(taskId: string, clientX: number, clientY: number): void {
    const node = this.nodes.get(taskId);
    const edges = this.deps.get(taskId);
    const box = this.element;
    box.replaceChildren();
    const title = node && node.label && node.label !== taskId ? `${taskId} \u2014 ${node.label}` : taskId;
    box.append(el('div', 'pm-tt-title', title));
    if (node) {
      if (!node.defined) box.append(el('div', 'pm-tt-problem', 'Not defined in the task table'));
      if (node.inCycle) box.append(el('div', 'pm-tt-problem', 'On a dependency cycle'));
      if (node.critical) box.append(el('div', undefined, 'On the critical path'));
      box.append(row('Hours:', typeof node.hours === 'number' ? String(node.hours) : '\u2014'));
      if (node.step) box.append(row('Step:', node.step));
    }
    const dependencies = node?.dependencies.length ? node.dependencies : (edges?.dependencies ?? []);
    const dependents = node?.dependents.length ? node.dependents : (edges?.dependents ?? []);
    box.append(list('Depends on:', dependencies));
    box.append(list('Needed by:', dependents));
    if (node && node.problems.length) box.append(list('Problems:', node.problems, 'pm-tt-problem'));
    box.hidden = false;
    this.move(clientX, clientY);
  }

  move(clientX: number, clientY: number): void {
    if (this.element.hidden) return;
    const pad = 14;
    const w = this.element.offsetWidth;
    const h = this.element.offsetHeight;
    let x = clientX + pad;
    let y = clientY + pad;
    if (x + w > window.innerWidth - 4) x = Math.max(4, clientX - w - pad);
    if (y + h > window.innerHeight - 4) y = Math.max(4, clientY - h - pad);
    this.element.style.left = `${x}px`;
    this.element.style.top = `${y}px`;
  }

  hide(): void {
    this.element.hidden = true;
  }
}
