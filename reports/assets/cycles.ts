/* splitbrain report: the dependency-cycle view of the transactional (Elle-style) checker. A plain
 * script inlined before report.js; report.ts calls window.splitbrainCycles with a section and the
 * cycles of the report data (reports/data.ts CycleView). Each cycle is drawn as a ring of its
 * transactions with the edges labelled by relation, followed by each edge in words and Elle's
 * "Let … Then … a contradiction!" text. Text only through textContent / SVG text nodes. */

// biome-ignore lint/correctness/noUnusedVariables: merges into the DOM's Window (this file is a script, not a module)
interface Window {
  splitbrainCycles?: (section: HTMLElement, cycles: import('../data.js').CycleView[], jumpTo: (pos: number, scroll: boolean) => void) => void;
}

(() => {
  type CycleView = import('../data.js').CycleView;
  const NS = 'http://www.w3.org/2000/svg';
  /** Edge colours by relation; data dependencies warm, orders grey/blue. */
  const REL_COLOR: Record<string, string> = { ww: '#d64545', wr: '#2e9e4f', rw: '#e07b00', process: '#6a5acd', realtime: '#4285f4' };

  function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> | null, kids?: (Node | string)[]): HTMLElementTagNameMap[K] {
    const e = document.createElement(tag);
    for (const k in attrs ?? {}) {
      if (k === 'text') e.textContent = attrs![k]!;
      else if (k === 'class') e.className = attrs![k]!;
      else e.setAttribute(k, attrs![k]!);
    }
    for (const kid of kids ?? []) e.appendChild(typeof kid === 'string' ? document.createTextNode(kid) : kid);
    return e;
  }
  function svg(tag: string, attrs: Record<string, string | number>, text?: string): SVGElement {
    const e = document.createElementNS(NS, tag);
    for (const k in attrs) e.setAttribute(k, String(attrs[k]));
    if (text !== undefined) e.textContent = text;
    return e;
  }

  /** The ring: transactions on a circle, one arrow per edge, labelled with its relation. */
  function drawRing(c: CycleView, jumpTo: (pos: number, scroll: boolean) => void): SVGElement {
    const n = c.txns.length;
    const R = n <= 2 ? 70 : Math.min(170, 45 + 22 * n);
    const W = 2 * R + 160;
    const H = 2 * R + 90;
    const cx = W / 2;
    const cy = H / 2;
    const root = svg('svg', { width: W, height: H, viewBox: `0 0 ${W} ${H}`, class: 'cycle-ring', role: 'img' });
    const defs = svg('defs', {});
    for (const rel in REL_COLOR) {
      const m = svg('marker', { id: `arrow-${rel}`, viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' });
      m.appendChild(svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', fill: REL_COLOR[rel]! }));
      defs.appendChild(m);
    }
    root.appendChild(defs);
    const at = (i: number): [number, number] => {
      const a = -Math.PI / 2 + (2 * Math.PI * i) / n;
      return [cx + R * Math.cos(a), cy + R * Math.sin(a)];
    };
    const NODE = 22;
    c.steps.forEach((s, i) => {
      const [x1, y1] = at(i);
      const [x2, y2] = at((i + 1) % n);
      // A curve bending outwards (two nodes: one arc each way), stopping at the node circles.
      const mx = (x1 + x2) / 2;
      const my = (y1 + y2) / 2;
      let nx = mx - cx;
      let ny = my - cy;
      const len = Math.hypot(nx, ny);
      if (len < 1) {
        nx = -(y2 - y1);
        ny = x2 - x1;
      }
      const nl = Math.hypot(nx, ny) || 1;
      const bend = n === 2 ? 45 : 18;
      const qx = mx + (nx / nl) * bend;
      const qy = my + (ny / nl) * bend;
      const trim = (px: number, py: number, tx: number, ty: number): [number, number] => {
        const d = Math.hypot(tx - px, ty - py) || 1;
        return [px + ((tx - px) / d) * NODE, py + ((ty - py) / d) * NODE];
      };
      const [sx, sy] = trim(x1, y1, qx, qy);
      const [ex, ey] = trim(x2, y2, qx, qy);
      const color = REL_COLOR[s.rel] ?? '#555';
      const path = svg('path', {
        d: `M ${sx} ${sy} Q ${qx} ${qy} ${ex} ${ey}`,
        fill: 'none',
        stroke: color,
        'stroke-width': 2,
        'marker-end': `url(#arrow-${s.rel in REL_COLOR ? s.rel : 'ww'})`,
        class: 'edge',
      });
      path.appendChild(svg('title', {}, `${s.from} → ${s.to}: ${s.text}`));
      root.appendChild(path);
      const lx = (sx + 2 * qx + ex) / 4 + (nx / nl) * 12;
      const ly = (sy + 2 * qy + ey) / 4 + (ny / nl) * 12;
      root.appendChild(svg('text', { x: lx, y: ly + 4, 'text-anchor': 'middle', class: 'rel', fill: color }, s.rel));
    });
    c.txns.forEach((t, i) => {
      const [x, y] = at(i);
      const g = svg('g', { class: 'txn', transform: `translate(${x},${y})`, 'data-pos': t.pos, tabindex: 0 });
      g.appendChild(svg('circle', { r: NODE, class: 'txn-node' }));
      g.appendChild(svg('text', { y: 5, 'text-anchor': 'middle', class: 'txn-name' }, t.name));
      g.appendChild(svg('text', { y: NODE + 14, 'text-anchor': 'middle', class: 'txn-op' }, `op ${t.index}`));
      g.appendChild(svg('title', {}, `${t.name} = op ${t.index} (process ${t.process}): ${t.txn}`));
      if (t.pos >= 0) g.addEventListener('click', () => jumpTo(t.pos, true));
      root.appendChild(g);
    });
    return root;
  }

  window.splitbrainCycles = (section, cycles, jumpTo) => {
    cycles.forEach((c, ci) => {
      const box = el('div', { class: 'cycle', 'data-cycle': String(ci), 'data-type': c.type });
      box.appendChild(el('h3', null, [c.type + ' ', el('small', { text: `${c.txns.length} transactions, ${c.steps.map((s) => s.rel).join(' → ')}` })]));
      const row = el('div', { class: 'cycle-row' });
      row.appendChild(drawRing(c, jumpTo));
      const words = el('ol', { class: 'cycle-steps' });
      c.steps.forEach((s) => {
        const li = el('li', null, [el('span', { class: `chip rel-${s.rel}`, text: s.rel }), ' ', s.text]);
        words.appendChild(li);
      });
      const txns = el('ul', { class: 'cycle-txns' });
      c.txns.forEach((t) => {
        const b = el('button', { class: 'oplink', text: `#${t.index}`, title: `show op ${t.index} on the timeline` });
        b.addEventListener('click', () => {
          if (t.pos >= 0) jumpTo(t.pos, true);
        });
        txns.appendChild(el('li', null, [el('b', { text: t.name }), ' ', b, ` process ${t.process}: ${t.txn}`]));
      });
      row.appendChild(el('div', { class: 'cycle-text' }, [words, txns]));
      box.appendChild(row);
      const det = el('details', null, [el('summary', { text: 'as Elle explains it' }), el('pre', { text: c.explanation })]);
      box.appendChild(det);
      section.appendChild(box);
    });
  };
})();
