/* splitbrain report client: renders the embedded report data (reports/data.ts), type-checked against
 * ReportData and compiled to a plain script inlined into report.html (reports/build-assets.mjs).
 * No dependencies but uPlot (inlined before this script). Every history-derived string goes through
 * textContent or SVG text nodes: values are data, never markup. */

// biome-ignore lint/correctness/noUnusedVariables: merges into the DOM's Window (this file is a script, not a module)
interface Window {
  splitbrainReport: { jumpTo(pos: number, scroll: boolean): void; data: import('../data.js').ReportData };
}

(() => {
  type ReportData = import('../data.js').ReportData;
  type ReportFault = import('../data.js').ReportFault;
  type FaultGroupView = import('../data.js').FaultGroupView;
  type UPlot = uPlot;
  type UPlotOptions = uPlot.Options;
  /** Attributes of `el`: text, class, on<event> handlers, anything else as an attribute. */
  type Attrs = Record<string, string | ((ev: never) => void) | undefined | null>;
  type Kid = Node | string | null | undefined;
  /** Completion type codes of the bars: 1 ok, 2 fail, 3 info, 4 pending. */
  type BarType = 1 | 2 | 3 | 4;

  const D = JSON.parse(document.getElementById('report-data')!.textContent!) as ReportData;
  /** Wall-clock time (HH:MM:SS.mmm, local) of a history time in ms. */
  function clock(ms: number): string {
    const d = new Date(D.t0Ms! + ms);
    function p(n: number, w?: number): string {
      return String(n).padStart(w || 2, '0');
    }
    return p(d.getHours()) + ':' + p(d.getMinutes()) + ':' + p(d.getSeconds()) + '.' + p(d.getMilliseconds(), 3);
  }
  const O = D.ops;
  const N = O.n;
  const TYPES = ['invoke', 'ok', 'fail', 'info'];
  const COLORS: Record<BarType, string> = { 1: '#2e9e4f', 2: '#d64545', 3: '#e0a800', 4: '#9aa0a6' };
  const FAMILY_RGB: Record<string, string> = { partition: '66,133,244', kill: '214,69,69', pause: '142,68,173', other: '110,110,110' };
  const app = document.getElementById('app')!;
  const tooltip = document.getElementById('tooltip')!;

  // ------------------------------------------------------------------ helpers
  function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs | null, kids?: Kid[]): HTMLElementTagNameMap[K] {
    const e = document.createElement(tag);
    if (attrs)
      for (const k in attrs) {
        const v = attrs[k];
        if (k === 'text') e.textContent = v as string;
        else if (k === 'class') e.className = v as string;
        else if (k.slice(0, 2) === 'on') e.addEventListener(k.slice(2), v as EventListener);
        else if (v !== undefined && v !== null) e.setAttribute(k, v as string);
      }
    if (kids)
      for (let i = 0; i < kids.length; i++) {
        const kid = kids[i];
        if (kid != null) e.appendChild(typeof kid === 'string' ? document.createTextNode(kid) : kid);
      }
    return e;
  }
  function svg(tag: string, attrs: Record<string, string | number>, text?: string): SVGElement {
    const e = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (const k in attrs) e.setAttribute(k, String(attrs[k]));
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function fmtS(ms: number): string {
    return (ms / 1000).toFixed(3) + ' s';
  }
  function fmtDur(ms: number | null): string {
    return ms == null ? '—' : ms < 1000 ? ms.toFixed(ms < 10 ? 2 : 0) + ' ms' : (ms / 1000).toFixed(2) + ' s';
  }
  function pct(x: number | null): string {
    return x == null ? '—' : (x * 100).toFixed(1) + '%';
  }
  /** The group a fault is judged by: the clients it cut off, or everyone else when it cut off no one. */
  function judged(f: ReportFault): FaultGroupView {
    return f.cutOff && f.cutOff.clients > 0 ? f.cutOff : (f.others ?? f.cutOff!);
  }
  /** From the fault's start until writes succeeded again. */
  function backAfter(g: FaultGroupView): string {
    if (g.clients === 0 || g.longestGapMs == null) return '—';
    return g.recoveredMs == null ? 'never' : fmtDur(g.recoveredMs);
  }
  function validWord(v: boolean | 'unknown'): string {
    return v === true ? 'valid' : v === false ? 'invalid' : 'unknown';
  }
  function dictOf(name: keyof ReportData['dict'], i: number): string {
    return i < 0 ? '' : D.dict[name][i];
  }
  function opIndex(pos: number): number {
    return O.ix ? O.ix[pos] : pos;
  }
  function procName(pos: number): string {
    return O.p[pos] < 0 ? 'nemesis' : String(O.p[pos]);
  }
  function invokeOf(pos: number): number {
    return O.ty[pos] === 0 ? pos : O.pair[pos] >= 0 ? O.pair[pos] : pos;
  }
  function valueOf(pos: number): string {
    // Completions that repeat their invoke's value store '' (see reports/data.ts).
    if (O.v[pos] === '' && O.ty[pos] !== 0 && O.pair[pos] >= 0) return O.v[O.pair[pos]];
    return O.v[pos];
  }
  const lastMs = N > 0 ? O.t[N - 1] : 1000;
  const FULL = { t0: -lastMs * 0.01, t1: lastMs * 1.02 + 1 };
  function section(id: string, title: string, note?: string): HTMLElement {
    const h = el('h2', null, [title, note ? el('small', { text: note }) : null]);
    const s = el('section', { id: id }, [h]);
    app.appendChild(s);
    return s;
  }
  function describeOp(pos: number): string {
    const inv = invokeOf(pos);
    const comp = O.ty[inv] === 0 ? O.pair[inv] : -1;
    const lines: string[] = [];
    const f = dictOf('f', O.f[inv]);
    const key = dictOf('k', O.k[inv]);
    lines.push(f + (key ? ' ' + key : '') + '  (process ' + procName(inv) + ')');
    const iv = O.v[inv];
    lines.push('invoke   ' + fmtS(O.t[inv]) + (D.t0Ms ? ' (' + clock(O.t[inv]) + ')' : '') + '  op #' + opIndex(inv) + (iv ? '  value ' + iv : ''));
    if (comp >= 0) {
      const cv = valueOf(comp);
      lines.push(
        TYPES[O.ty[comp]].padEnd(8) +
          ' ' +
          fmtS(O.t[comp]) +
          '  op #' +
          opIndex(comp) +
          '  after ' +
          fmtDur(O.t[comp] - O.t[inv]) +
          (cv && cv !== iv ? '  value ' + cv : ''),
      );
      const nd = dictOf('nd', O.nd[comp] >= 0 ? O.nd[comp] : O.nd[inv]);
      if (nd) lines.push('node     ' + nd);
      const er = dictOf('e', O.e[comp]);
      if (er) lines.push('error    ' + er);
    } else if (O.ty[inv] === 0) {
      lines.push('never completed');
    }
    return lines.join('\n');
  }
  function showTip(text: string, x: number, y: number): void {
    tooltip.textContent = text;
    tooltip.style.display = 'block';
    const w = tooltip.offsetWidth,
      h = tooltip.offsetHeight;
    tooltip.style.left = Math.min(window.innerWidth - w - 8, x + 14) + 'px';
    tooltip.style.top = (y + 16 + h > window.innerHeight ? y - h - 10 : y + 16) + 'px';
  }
  function hideTip(): void {
    tooltip.style.display = 'none';
  }

  // ------------------------------------------------------------------ previous run, error
  if (D.previous) {
    const prev = document.getElementById('previous')!;
    prev.appendChild(
      el('span', null, [
        'Compared with the previous run of this scenario (',
        el('a', { href: D.previous.href, text: D.previous.ts }),
        ', ',
        el('span', { class: 'chip ' + D.previous.verdict, text: D.previous.verdict }),
        '):',
      ]),
    );
    const ul = el('ul');
    D.previous.lines.forEach((l) => {
      ul.appendChild(el('li', { text: l }));
    });
    prev.appendChild(ul);
  }
  if (D.error) {
    const es = section('error', 'Why the run failed');
    es.appendChild(el('pre', { class: 'error', text: D.error }));
  }
  if (D.warnings?.length) {
    const ws = section('warnings', 'History warnings');
    const wl = el('ul');
    D.warnings.forEach((w) => {
      wl.appendChild(el('li', { text: w }));
    });
    ws.appendChild(wl);
  }

  // ------------------------------------------------------------------ scenario + checkers
  (() => {
    const grid = el('div', { class: 'grid' });
    const left = el('div');
    left.appendChild(el('h2', { text: 'Scenario' }));
    const dl = el('dl', { class: 'kv' });
    D.scenario.forEach((kv) => {
      dl.appendChild(el('dt', { text: kv[0] }));
      dl.appendChild(el('dd', { text: kv[1] }));
    });
    left.appendChild(dl);
    const replay = D.replay;
    if (replay === null) {
      left.appendChild(
        el('div', { class: 'replay muted', text: 'reproduce: not possible, the run stopped before it recorded its fault schedule (see the error).' }),
      );
    } else {
      const code = el('code', { id: 'replay-cmd', text: replay });
      const copy = el('button', {
        text: 'copy',
        title: 'copy the command',
        onclick: () => {
          if (navigator.clipboard)
            navigator.clipboard.writeText(replay).then(
              () => {
                copy.textContent = 'copied';
              },
              () => {},
            );
        },
      });
      left.appendChild(el('div', { class: 'replay' }, [el('span', { class: 'muted', text: 'reproduce:' }), code, copy]));
    }
    const right = el('div');
    right.appendChild(el('h2', { text: 'Checkers' }));
    const t = el('table', { id: 'checkers' });
    t.appendChild(el('tr', null, [el('th', { text: 'checker' }), el('th', { text: 'verdict' }), el('th', { text: 'summary' })]));
    if (!D.checkers.length)
      t.appendChild(el('tr', null, [el('td', { colspan: '3', class: 'muted', text: 'No checker ran: the run did not get as far as checking its history.' })]));
    D.checkers.forEach((c) => {
      const w = validWord(c.valid);
      t.appendChild(
        el('tr', { 'data-checker': c.name }, [
          el('td', { class: 'mono', text: c.name }),
          el('td', null, [el('span', { class: 'chip ' + w, text: w })]),
          el('td', { text: c.summary }),
        ]),
      );
    });
    right.appendChild(t);
    grid.appendChild(left);
    grid.appendChild(right);
    app.appendChild(grid);
  })();

  // ------------------------------------------------------------------ anomalies
  // A loss's class under the fault model, and the window that applied (reports/explain.ts).
  const CLASS_LABEL: Record<string, string> = { anomalous: 'anomalous', expected: 'expected by design', configuration: 'lost by configuration' };
  function classLabel(a: { class?: string; expected: boolean }): string {
    if (a.class) return ' · ' + (CLASS_LABEL[a.class] ?? a.class);
    return a.expected ? ' · expected' : '';
  }
  function windowLine(a: { window?: string }): HTMLElement | null {
    return a.window ? el('span', { class: 'window muted', text: 'window ' + a.window }) : null;
  }

  (() => {
    const real = D.anomalies.filter((a) => !a.expected).length;
    const exp = D.anomalies.length - real;
    const s = section(
      'anomalies',
      'Anomalies',
      real +
        ' anomalous, ' +
        exp +
        ' expected by design or lost by configuration' +
        (D.anomaliesTruncated ? ', ' + D.anomaliesTruncated + ' more in results.json' : '') +
        ' — click one to see it on the timeline',
    );
    if (!D.anomalies.length) {
      s.appendChild(
        el('p', {
          class: 'muted',
          text: D.verdict === 'crashed' ? 'None found: the history was never checked.' : 'None: no checker found anything to explain.',
        }),
      );
      return;
    }
    const bar = el('div', { class: 'toolbar' });
    const showExp = el('input', { type: 'checkbox', id: 'show-expected' });
    showExp.checked = real === 0;
    bar.appendChild(el('label', null, [showExp, ' show losses expected by design or lost by configuration (' + exp + ')']));
    s.appendChild(bar);
    const list = el('ul', { id: 'anomaly-list' });
    s.appendChild(list);
    function render(): void {
      list.textContent = '';
      D.anomalies.forEach((a, i) => {
        if (a.expected && !showExp.checked) return;
        const ops = el('span', { class: 'ops' });
        a.pos.slice(0, 6).forEach((p) => {
          ops.appendChild(
            el('button', {
              class: 'oplink',
              'data-pos': String(p),
              text: '#' + opIndex(p),
              title: 'show op ' + opIndex(p) + ' on the timeline',
              onclick: (ev: MouseEvent) => {
                ev.stopPropagation();
                jumpTo(p, true);
              },
            }),
          );
        });
        const li = el(
          'li',
          {
            class: 'anomaly' + (a.expected ? ' expected' : ''),
            'data-anomaly': String(i),
            onclick: () => {
              if (a.pos.length) jumpTo(a.pos[0], true);
            },
          },
          [
            el('span', { class: 'chip ' + (a.expected ? 'expected' : 'invalid'), text: a.checker }),
            el('span', { class: 'chip kind', text: a.kind + classLabel(a) }),
            el('span', { class: 'msg', text: a.message }),
            windowLine(a),
            ops,
          ],
        );
        list.appendChild(li);
      });
    }
    showExp.addEventListener('change', render);
    render();
  })();

  // ------------------------------------------------------------------ dependency cycles (drawn by cycles.ts)
  if (D.cycles?.length && window.splitbrainCycles)
    window.splitbrainCycles(
      section('cycles', 'Dependency cycles', 'each anomaly as its cycle of transactions; click a transaction to see it on the timeline'),
      D.cycles,
      jumpTo,
    );

  // ------------------------------------------------------------------ timeline
  // Bars: one per client invoke, from invoke to completion (or the end of the history).
  interface Bars {
    n: number;
    s: Float64Array;
    e: Float64Array;
    ty: Uint8Array;
    lane: Int32Array;
    pos: Int32Array;
    byLane: Int32Array[];
    maxLen: number[];
  }
  const bars: Bars = (() => {
    let cnt = 0;
    for (let i = 0; i < N; i++) if (O.ty[i] === 0 && O.p[i] >= 0) cnt++;
    const bs: Bars = {
      n: cnt,
      s: new Float64Array(cnt),
      e: new Float64Array(cnt),
      ty: new Uint8Array(cnt),
      lane: new Int32Array(cnt),
      pos: new Int32Array(cnt),
      byLane: [],
      maxLen: [],
    };
    const byLane: number[][] = D.lanes.map(() => []);
    let b = 0;
    for (let j = 0; j < N; j++) {
      if (O.ty[j] !== 0 || O.p[j] < 0) continue;
      const c = O.pair[j];
      bs.s[b] = O.t[j];
      bs.e[b] = c >= 0 ? O.t[c] : lastMs;
      bs.ty[b] = c >= 0 ? O.ty[c] : 4;
      bs.lane[b] = O.lane[j];
      bs.pos[b] = j;
      if (O.lane[j] >= 0) byLane[O.lane[j]].push(b);
      b++;
    }
    bs.byLane = byLane.map((a) => Int32Array.from(a));
    // Longest bar per lane bounds the backwards scan when hit-testing.
    bs.maxLen = byLane.map((a) => {
      let m = 0;
      a.forEach((k) => {
        m = Math.max(m, bs.e[k] - bs.s[k]);
      });
      return m;
    });
    return bs;
  })();
  const barOfPos = new Int32Array(N).fill(-1);
  for (let bi = 0; bi < bars.n; bi++) barOfPos[bars.pos[bi]] = bi;

  type ViewSource = 'ui' | 'chart' | 'jump';
  interface Timeline {
    canvas: HTMLCanvasElement;
    wrap: HTMLDivElement;
    view: { t0: number; t1: number };
    setView(t0: number, t1: number, src: ViewSource): void;
    setHighlight(pos: number): void;
    resize(): void;
  }
  const TL = {} as Timeline;
  (() => {
    const s = section(
      'timeline-sec',
      'Timeline',
      'ops per client as bars (invoke → completion); shaded: faults. Drag to pan, Ctrl+wheel or shift-drag to zoom, double-click to reset',
    );
    const bar = el('div', { class: 'toolbar' });
    const legend = el('span', { class: 'legend' });
    (
      [
        ['ok', 1],
        ['fail', 2],
        ['info', 3],
        ['pending', 4],
      ] as const
    ).forEach((x) => {
      legend.appendChild(el('span', null, [el('i', { style: 'background:' + COLORS[x[1]] }), x[0]]));
    });
    ['partition', 'kill', 'pause', 'other'].forEach((f) => {
      legend.appendChild(el('span', null, [el('i', { style: 'background:rgba(' + FAMILY_RGB[f] + ',.35)' }), f]));
    });
    bar.appendChild(
      el('button', {
        text: '−',
        title: 'zoom out',
        onclick: () => {
          zoom(2, 0.5);
        },
      }),
    );
    bar.appendChild(
      el('button', {
        text: '+',
        title: 'zoom in',
        onclick: () => {
          zoom(0.5, 0.5);
        },
      }),
    );
    bar.appendChild(
      el('button', {
        text: 'reset',
        title: 'show the whole run',
        onclick: () => {
          setView(FULL.t0, FULL.t1, 'ui');
        },
      }),
    );
    const range = el('span', { class: 'mono', id: 'tl-range' });
    bar.appendChild(range);
    bar.appendChild(legend);
    s.appendChild(bar);
    const wrap = el('div', { id: 'tl-wrap' });
    const canvas = el('canvas', { id: 'timeline' });
    const faultLayer = el('div', { id: 'tl-faults' });
    const sel = el('div', { id: 'tl-select' });
    wrap.appendChild(canvas);
    wrap.appendChild(faultLayer);
    wrap.appendChild(sel);
    s.appendChild(wrap);
    TL.canvas = canvas;
    TL.wrap = wrap;
    const GUTTER = 96,
      AXIS = 24,
      RIGHT = 8;
    const nl = Math.max(1, D.lanes.length);
    const laneH = nl <= 16 ? 24 : Math.max(4, Math.min(24, Math.floor(480 / nl)));
    const height = AXIS + nl * laneH + 8;
    const view = { t0: FULL.t0, t1: FULL.t1 };
    let highlight = -1,
      hover = -1,
      width = 0,
      dpr = 1;
    TL.view = view;
    const bands = D.faults.map((f) => {
      const b = el('div', { class: 'fault-band ' + f.family + (f.instant ? ' instant' : ''), 'data-fault': String(f.id) }, [el('span', { text: f.label })]);
      faultLayer.appendChild(b);
      return b;
    });
    function x(t: number): number {
      return GUTTER + ((t - view.t0) / (view.t1 - view.t0)) * (width - GUTTER - RIGHT);
    }
    function tAt(px: number): number {
      return view.t0 + ((px - GUTTER) / (width - GUTTER - RIGHT)) * (view.t1 - view.t0);
    }
    function resize(): void {
      dpr = window.devicePixelRatio || 1;
      width = wrap.clientWidth;
      canvas.width = Math.round(width * dpr);
      canvas.height = Math.round(height * dpr);
      canvas.style.height = height + 'px';
      draw();
    }
    function niceTick(span: number, px: number): number {
      const target = span / Math.max(2, px / 110);
      const p = 10 ** Math.floor(Math.log10(target));
      const m = target / p;
      return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
    }
    let pending = false;
    function draw(): void {
      pending = false;
      const ctx = canvas.getContext('2d')!;
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.clearRect(0, 0, width, height);
      ctx.font = '11px system-ui, sans-serif';
      // lanes
      for (let l = 0; l < nl; l++) {
        if (l % 2) {
          ctx.fillStyle = '#f6f8fa';
          ctx.fillRect(0, AXIS + l * laneH, width, laneH);
        }
      }
      ctx.fillStyle = '#656d76';
      ctx.textBaseline = 'middle';
      if (laneH >= 10) for (let l2 = 0; l2 < nl; l2++) ctx.fillText(D.lanes[l2], 6, AXIS + l2 * laneH + laneH / 2);
      else {
        ctx.fillText(nl + ' lanes', 6, AXIS + 10);
      }
      // axis
      const step = niceTick(view.t1 - view.t0, width - GUTTER);
      ctx.strokeStyle = '#e6e8eb';
      ctx.fillStyle = '#656d76';
      ctx.textBaseline = 'alphabetic';
      ctx.textAlign = 'center';
      for (let tk = Math.ceil(view.t0 / step) * step; tk <= view.t1; tk += step) {
        const px = x(tk);
        if (px < GUTTER) continue;
        ctx.beginPath();
        ctx.moveTo(px + 0.5, AXIS - 4);
        ctx.lineTo(px + 0.5, height);
        ctx.stroke();
        ctx.fillText(
          step >= 1000 ? (tk / 1000).toFixed(step >= 10000 ? 0 : 1) + ' s' : (tk / 1000).toFixed(step >= 100 ? 1 : step >= 10 ? 2 : 3) + ' s',
          px,
          AXIS - 8,
        );
      }
      ctx.textAlign = 'left';
      // bars, one path per completion type
      const paths: Record<BarType, Path2D> = { 1: new Path2D(), 2: new Path2D(), 3: new Path2D(), 4: new Path2D() };
      const bh = Math.max(2, laneH - (laneH > 8 ? 4 : 1));
      const off = (laneH - bh) / 2;
      for (let ln = 0; ln < nl; ln++) {
        const arr = bars.byLane[ln];
        if (!arr) continue;
        // first bar that may be visible: starts after view.t0 - longest bar of the lane
        let lo = 0,
          hi = arr.length;
        const from = view.t0 - bars.maxLen[ln];
        while (lo < hi) {
          const m = (lo + hi) >> 1;
          if (bars.s[arr[m]] < from) lo = m + 1;
          else hi = m;
        }
        const y = AXIS + ln * laneH + off;
        let lastPx = -1;
        for (let k = lo; k < arr.length; k++) {
          const b = arr[k];
          if (bars.s[b] > view.t1) break;
          if (bars.e[b] < view.t0) continue;
          const x0 = Math.max(GUTTER, x(bars.s[b]));
          const x1 = Math.min(width - RIGHT, x(bars.e[b]));
          const w = Math.max(1.5, x1 - x0);
          // Dense zoomed-out lanes: skip bars fully covered by the previous pixel of the same type.
          if (x0 + w <= lastPx && bars.ty[b] === 1) continue;
          paths[bars.ty[b] as BarType].rect(x0, y, w, bh);
          lastPx = x0 + w;
        }
      }
      ([1, 4, 3, 2] as const).forEach((tyc) => {
        ctx.fillStyle = COLORS[tyc];
        ctx.fill(paths[tyc]);
      });
      function outline(b: number, color: string, lw: number): void {
        if (b < 0) return;
        const yy = AXIS + bars.lane[b] * laneH + off;
        const xa = x(bars.s[b]),
          xb = x(bars.e[b]);
        ctx.strokeStyle = color;
        ctx.lineWidth = lw;
        ctx.strokeRect(xa - 1, yy - 1, Math.max(3, xb - xa) + 2, bh + 2);
        ctx.lineWidth = 1;
      }
      outline(hover, '#1f2328', 1.5);
      if (highlight >= 0) {
        const hb = barOfPos[highlight];
        const ht = O.t[highlight];
        ctx.strokeStyle = '#0969da';
        ctx.setLineDash([4, 3]);
        ctx.beginPath();
        ctx.moveTo(x(ht) + 0.5, AXIS);
        ctx.lineTo(x(ht) + 0.5, height);
        ctx.stroke();
        ctx.setLineDash([]);
        outline(hb, '#0969da', 2.5);
      }
      // gutter mask
      ctx.fillStyle = 'rgba(255,255,255,.92)';
      ctx.fillRect(0, 0, GUTTER - 2, AXIS);
      // fault bands (DOM, so they can carry labels and be found by tests)
      D.faults.forEach((f, i) => {
        const a = x(f.startMs),
          z = x(f.instant ? f.startMs : f.endMs);
        const band = bands[i];
        if (z < GUTTER || a > width - RIGHT) {
          band.style.display = 'none';
          return;
        }
        band.style.display = '';
        const left = Math.max(GUTTER, a);
        band.style.left = left + 'px';
        band.style.width = Math.max(f.instant ? 0 : 2, Math.min(width - RIGHT, z) - left) + 'px';
        band.style.top = AXIS - 2 + (i % 2) * 0 + 'px';
        (band.firstChild as HTMLElement).style.top = 2 + (i % 3) * 15 + 'px';
      });
      range.textContent =
        fmtS(Math.max(0, view.t0)) + ' – ' + fmtS(view.t1) + (D.t0Ms ? '  (' + clock(Math.max(0, view.t0)) + ' – ' + clock(view.t1) + ' wall clock)' : '');
      canvas.dataset.viewStart = String(view.t0);
      canvas.dataset.viewEnd = String(view.t1);
      canvas.dataset.highlight = String(highlight);
    }
    function redraw(): void {
      if (!pending) {
        pending = true;
        requestAnimationFrame(draw);
      }
    }
    function setView(t0: number, t1: number, src: ViewSource): void {
      const minW = 0.5;
      if (t1 - t0 < minW) {
        const c = (t0 + t1) / 2;
        t0 = c - minW / 2;
        t1 = c + minW / 2;
      }
      const span = FULL.t1 - FULL.t0;
      if (t1 - t0 > span) {
        t0 = FULL.t0;
        t1 = FULL.t1;
      }
      if (t0 < FULL.t0) {
        t1 += FULL.t0 - t0;
        t0 = FULL.t0;
      }
      if (t1 > FULL.t1) {
        t0 -= t1 - FULL.t1;
        t1 = FULL.t1;
      }
      view.t0 = t0;
      view.t1 = t1;
      // Written at once (not only on the next frame) so a caller can read the view right away.
      canvas.dataset.viewStart = String(t0);
      canvas.dataset.viewEnd = String(t1);
      redraw();
      if (src !== 'chart') syncCharts(t0, t1);
    }
    function zoom(factor: number, at: number): void {
      const c = view.t0 + (view.t1 - view.t0) * at;
      setView(c - (c - view.t0) * factor, c + (view.t1 - c) * factor, 'ui');
    }
    function hit(px: number, py: number): number {
      const ln = Math.floor((py - AXIS) / laneH);
      if (ln < 0 || ln >= nl || !bars.byLane[ln]) return -1;
      const t = tAt(px),
        tol = (4 * (view.t1 - view.t0)) / (width - GUTTER);
      const arr = bars.byLane[ln];
      let lo = 0,
        hi = arr.length;
      while (lo < hi) {
        const m = (lo + hi) >> 1;
        if (bars.s[arr[m]] <= t + tol) lo = m + 1;
        else hi = m;
      }
      for (let k = lo - 1; k >= 0; k--) {
        const b = arr[k];
        if (bars.e[b] + tol >= t) return b;
        if (bars.s[b] < t - bars.maxLen[ln] - tol) break;
      }
      return -1;
    }
    function faultAt(t: number): ReportFault | null {
      for (let i = 0; i < D.faults.length; i++) {
        const f = D.faults[i];
        if (t >= f.startMs && t <= (f.instant ? f.startMs + (view.t1 - view.t0) / 200 : f.endMs)) return f;
      }
      return null;
    }
    function groupText(name: string, g: FaultGroupView | null): string {
      if (!g || g.clients === 0) return name + ': none';
      return (
        name + ' (' + g.clients + '): writes in ' + pct(g.availability) + ' of the time, back after ' + backAfter(g) + ', longest gap ' + fmtDur(g.longestGapMs)
      );
    }
    function faultText(f: ReportFault): string {
      return (
        f.label +
        '\n' +
        fmtS(f.startMs) +
        ' → ' +
        (f.instant ? 'instant' : fmtS(f.endMs) + (f.healed ? '' : ' (never healed)')) +
        (f.instant ? '' : '\n' + groupText('cut-off clients', f.cutOff) + '\n' + groupText('other clients', f.others))
      );
    }
    let drag: { x: number; t0: number; t1: number; select: boolean; moved: boolean } | null = null;
    canvas.addEventListener('mousedown', (ev) => {
      const r = canvas.getBoundingClientRect();
      drag = { x: ev.clientX - r.left, t0: view.t0, t1: view.t1, select: ev.shiftKey, moved: false };
      if (!drag.select) canvas.classList.add('dragging');
      ev.preventDefault();
    });
    window.addEventListener('mousemove', (ev) => {
      const r = canvas.getBoundingClientRect();
      const px = ev.clientX - r.left,
        py = ev.clientY - r.top;
      if (drag) {
        if (Math.abs(px - drag.x) > 3) drag.moved = true;
        if (drag.select) {
          sel.style.display = 'block';
          sel.style.left = Math.min(px, drag.x) + 'px';
          sel.style.width = Math.abs(px - drag.x) + 'px';
        } else if (drag.moved) {
          const dt = ((px - drag.x) / (width - GUTTER - RIGHT)) * (drag.t1 - drag.t0);
          setView(drag.t0 - dt, drag.t1 - dt, 'ui');
        }
        hideTip();
        return;
      }
      if (px < 0 || py < 0 || px > width || py > height) {
        if (hover >= 0) {
          hover = -1;
          redraw();
        }
        return;
      }
      const b = hit(px, py);
      if (b !== hover) {
        hover = b;
        redraw();
      }
      if (b >= 0) showTip(describeOp(bars.pos[b]), ev.clientX, ev.clientY);
      else {
        const f = px > GUTTER ? faultAt(tAt(px)) : null;
        if (f) showTip(faultText(f), ev.clientX, ev.clientY);
        else hideTip();
      }
    });
    window.addEventListener('mouseup', (ev) => {
      if (!drag) return;
      const r = canvas.getBoundingClientRect();
      const px = ev.clientX - r.left,
        py = ev.clientY - r.top;
      canvas.classList.remove('dragging');
      sel.style.display = 'none';
      if (drag.select && drag.moved) setView(tAt(Math.min(px, drag.x)), tAt(Math.max(px, drag.x)), 'ui');
      else if (!drag.moved) {
        const b = hit(px, py);
        if (b >= 0) {
          highlight = bars.pos[b];
          redraw();
          selectRow(highlight);
        }
      }
      drag = null;
    });
    canvas.addEventListener('mouseleave', () => {
      if (!drag) {
        hover = -1;
        hideTip();
        redraw();
      }
    });
    canvas.addEventListener('dblclick', () => {
      setView(FULL.t0, FULL.t1, 'ui');
    });
    canvas.addEventListener(
      'wheel',
      (ev) => {
        const r = canvas.getBoundingClientRect();
        if (ev.ctrlKey || ev.metaKey) {
          ev.preventDefault();
          const at = Math.max(0, Math.min(1, (ev.clientX - r.left - GUTTER) / (width - GUTTER - RIGHT)));
          zoom(1.0015 ** ev.deltaY, at);
        } else if (Math.abs(ev.deltaX) > Math.abs(ev.deltaY)) {
          ev.preventDefault();
          const dt = (ev.deltaX / (width - GUTTER)) * (view.t1 - view.t0);
          setView(view.t0 + dt, view.t1 + dt, 'ui');
        }
      },
      { passive: false },
    );
    window.addEventListener('resize', resize);
    TL.setView = setView;
    TL.setHighlight = (pos) => {
      highlight = pos;
      canvas.dataset.highlight = String(pos);
      redraw();
    };
    TL.resize = resize;
    resize();
  })();

  /** Shows op `pos` on the timeline: centred, zoomed so it is visible, outlined. */
  function jumpTo(pos: number, scroll: boolean): void {
    const inv = invokeOf(pos);
    const s = O.t[inv];
    const c = O.ty[inv] === 0 ? O.pair[inv] : -1;
    const e = c >= 0 ? O.t[c] : s;
    const w = Math.min(FULL.t1 - FULL.t0, Math.max(2000, (e - s) * 8));
    const mid = (s + e) / 2;
    TL.setHighlight(inv === pos || O.p[pos] < 0 ? pos : inv);
    TL.setView(mid - w / 2, mid + w / 2, 'jump');
    if (scroll) TL.wrap.scrollIntoView({ block: 'center' });
    selectRow(pos);
  }
  window.splitbrainReport = { jumpTo: jumpTo, data: D };

  // ------------------------------------------------------------------ latency and throughput (uPlot)
  const charts: UPlot[] = [];
  let syncing = false;
  // uPlot may report a scale change after setScale returns: remember what we set, to not echo it.
  let chartsReady = false,
    lastSet: { min: number; max: number } | null = null;
  function syncCharts(t0: number, t1: number): void {
    if (syncing || !chartsReady) return;
    syncing = true;
    lastSet = { min: t0 / 1000, max: t1 / 1000 };
    charts.forEach((u) => {
      u.setScale('x', { min: t0 / 1000, max: t1 / 1000 });
    });
    syncing = false;
  }
  (() => {
    const s = section('plots', 'Latency and throughput', 'faults shaded; drag to zoom (the timeline follows), double-click to reset');
    if (typeof uPlot === 'undefined' || !bars.n) {
      s.appendChild(el('p', { class: 'muted', text: 'No client ops to plot.' }));
      return;
    }
    const grid = el('div', { class: 'plots' });
    const latBox = el('div', { class: 'plot', id: 'latency-plot' }, [
      el('h3', { text: 'Latency (ms, log scale): ok p50 / p95 / max per bucket, fail and info ops as points' }),
    ]);
    const tpBox = el('div', { class: 'plot', id: 'throughput-plot' }, [el('h3', { text: 'Throughput (completions per second)' })]);
    grid.appendChild(latBox);
    grid.appendChild(tpBox);
    s.appendChild(grid);
    const B = D.latencyBucketMs;
    const nb = Math.floor(lastMs / B) + 1;
    const okLat: number[][] = [];
    for (let i = 0; i < nb; i++) okLat.push([]);
    const tp = [new Float64Array(nb), new Float64Array(nb), new Float64Array(nb)];
    const pts: Array<[number, number, number]> = [];
    for (let b = 0; b < bars.n; b++) {
      const pos = bars.pos[b];
      if (O.f[pos] >= 0 && D.dict.f[O.f[pos]] === 'final-read') continue;
      const ty = bars.ty[b];
      if (ty === 4) continue;
      const lat = Math.max(0.01, bars.e[b] - bars.s[b]);
      const bk = Math.floor(bars.s[b] / B);
      if (ty === 1) okLat[bk].push(lat);
      else pts.push([bars.s[b] / 1000, ty, lat]);
      tp[ty - 1][Math.min(nb - 1, Math.floor(bars.e[b] / B))]++;
    }
    function q(a: number[], p: number): number | null {
      return a.length ? a[Math.min(a.length - 1, Math.max(0, Math.ceil(p * a.length) - 1))] : null;
    }
    // uPlot breaks a line at null and draws across undefined: a bucket without ok ops is a null
    // row (the ok lines break there), the fail/info points' rows leave the ok columns undefined.
    const rows: Array<Array<number | null | undefined>> = [];
    let okGaps = 0,
      seenOk = false,
      inGap = false;
    for (let k = 0; k < nb; k++) {
      const a = okLat[k];
      if (!a.length) {
        rows.push([((k + 0.5) * B) / 1000, null, null, null, undefined, undefined]);
        if (seenOk && !inGap) okGaps++;
        inGap = true;
        continue;
      }
      seenOk = true;
      inGap = false;
      a.sort((x, y) => x - y);
      rows.push([((k + 0.5) * B) / 1000, q(a, 0.5), q(a, 0.95), a[a.length - 1], undefined, undefined]);
    }
    if (inGap && okGaps > 0) okGaps--; // trailing empty buckets end the line, they do not break it
    latBox.dataset.okGaps = String(okGaps);
    // Points beyond 20k are sampled evenly: the plot shows the shape, the explorer every op.
    const stride = Math.max(1, Math.ceil(pts.length / 20000));
    for (let j = 0; j < pts.length; j += stride)
      rows.push([pts[j][0], undefined, undefined, undefined, pts[j][1] === 2 ? pts[j][2] : null, pts[j][1] === 3 ? pts[j][2] : null]);
    rows.sort((x, y) => (x[0] as number) - (y[0] as number));
    const cols = [0, 1, 2, 3, 4, 5].map((c) => rows.map((r) => r[c]));
    const tx: number[] = [],
      tok: number[] = [],
      tfail: number[] = [],
      tinfo: number[] = [];
    for (let m = 0; m < nb; m++) {
      tx.push((m * B) / 1000);
      tok.push((tp[0][m] * 1000) / B);
      tfail.push((tp[1][m] * 1000) / B);
      tinfo.push((tp[2][m] * 1000) / B);
    }
    function shade(u: UPlot): void {
      const ctx = u.ctx,
        top = u.bbox.top,
        h = u.bbox.height;
      ctx.save();
      ctx.font = 11 * devicePixelRatio + 'px system-ui, sans-serif';
      D.faults.forEach((f, i) => {
        const x0 = u.valToPos(f.startMs / 1000, 'x', true),
          x1 = u.valToPos((f.instant ? f.startMs : f.endMs) / 1000, 'x', true);
        const l = Math.max(u.bbox.left, x0),
          r = Math.min(u.bbox.left + u.bbox.width, x1);
        if (r < u.bbox.left || l > u.bbox.left + u.bbox.width) return;
        const rgb = FAMILY_RGB[f.family] || FAMILY_RGB.other;
        ctx.fillStyle = 'rgba(' + rgb + ',' + (f.instant ? '.8' : '.13') + ')';
        ctx.fillRect(l, top, Math.max(f.instant ? 2 : 1, r - l), h);
        ctx.fillStyle = 'rgb(' + rgb + ')';
        ctx.fillText(f.label, l + 3 * devicePixelRatio, top + (12 + (i % 3) * 12) * devicePixelRatio);
      });
      ctx.restore();
    }
    const common = (w: number): UPlotOptions & { scales: NonNullable<UPlotOptions['scales']> } => {
      return {
        width: w,
        height: 230,
        cursor: { sync: { key: 'sb' }, drag: { x: true, y: false } },
        scales: { x: { time: false } },
        legend: { live: true },
        series: [],
        hooks: {
          drawClear: [shade],
          setScale: [
            (u, key) => {
              if (key !== 'x' || syncing || !chartsReady) return;
              const mn = u.scales.x.min!,
                mx = u.scales.x.max!;
              if (lastSet && Math.abs(mn - lastSet.min) < 1e-6 && Math.abs(mx - lastSet.max) < 1e-6) return;
              lastSet = { min: mn, max: mx };
              syncing = true;
              charts.forEach((o) => {
                if (o !== u) o.setScale('x', { min: mn, max: mx });
              });
              syncing = false;
              TL.setView(mn * 1000, mx * 1000, 'chart');
            },
          ],
        },
      };
    };
    const w0 = Math.max(300, latBox.clientWidth);
    const latOpts = common(w0);
    latOpts.scales.y = { distr: 3 };
    latOpts.axes = [{ label: 's' }, { label: 'ms' }];
    const ptsStyle = (color: string) => {
      return { show: true, size: 4, fill: color, stroke: color };
    };
    latOpts.series = [
      {
        label: 't (s)',
        value: (_u, v) => {
          return v == null ? '—' : v.toFixed(2);
        },
      },
      { label: 'ok p50', stroke: '#2e9e4f', width: 1.5, spanGaps: false, points: { show: false } },
      { label: 'ok p95', stroke: '#1a7f37', width: 1, dash: [4, 3], spanGaps: false, points: { show: false } },
      { label: 'ok max', stroke: '#8fd19e', width: 1, spanGaps: false, points: { show: false } },
      {
        label: 'fail',
        stroke: '#d64545',
        paths: () => {
          return null;
        },
        points: ptsStyle('#d64545'),
      },
      {
        label: 'info',
        stroke: '#e0a800',
        paths: () => {
          return null;
        },
        points: ptsStyle('#e0a800'),
      },
    ];
    charts.push(new uPlot(latOpts, cols as uPlot.AlignedData, latBox));
    const tpOpts = common(w0);
    tpOpts.axes = [{ label: 's' }, { label: 'ops/s' }];
    tpOpts.series = [
      {
        label: 't (s)',
        value: (_u, v) => {
          return v == null ? '—' : v.toFixed(2);
        },
      },
      { label: 'ok', stroke: '#2e9e4f', fill: 'rgba(46,158,79,.12)', width: 1.5, points: { show: false } },
      { label: 'fail', stroke: '#d64545', width: 1.5, points: { show: false } },
      { label: 'info', stroke: '#e0a800', width: 1.5, points: { show: false } },
    ];
    charts.push(new uPlot(tpOpts, [tx, tok, tfail, tinfo], tpBox));
    // Charts start on the timeline's range (not their own data range), then follow it both ways.
    chartsReady = true;
    syncCharts(TL.view.t0, TL.view.t1);
    window.addEventListener('resize', () => {
      charts.forEach((u) => {
        u.setSize({ width: Math.max(300, latBox.clientWidth), height: 230 });
      });
    });
  })();

  // ------------------------------------------------------------------ faults table
  (() => {
    const s = section('faults', 'Faults', D.faults.length ? D.faults.length + ' from the nemesis; click one to zoom the timeline to it' : 'none injected');
    if (!D.faults.length) return;
    const t = el('table');
    t.appendChild(
      el(
        'tr',
        null,
        [
          '#',
          'fault',
          'nodes',
          'from',
          'to',
          'lasted',
          'cut-off clients',
          'writes possible (cut off / others)',
          'writes back after',
          'longest gap without an ok write',
        ].map((h) => el('th', { text: h })),
      ),
    );
    D.faults.forEach((f) => {
      t.appendChild(
        el(
          'tr',
          {
            class: 'fault-row',
            style: 'cursor:pointer',
            onclick: () => {
              const pad = Math.max(1000, (f.endMs - f.startMs) * 0.3);
              TL.setView(f.startMs - pad, (f.instant ? f.startMs : f.endMs) + pad, 'ui');
              TL.wrap.scrollIntoView({ block: 'center' });
            },
          },
          [
            el('td', { text: String(f.id) }),
            el('td', null, [el('span', { class: 'chip kind', style: 'background:rgba(' + (FAMILY_RGB[f.family] || FAMILY_RGB.other) + ',.18)', text: f.f })]),
            el('td', { text: f.nodes.join(', ') || '—' }),
            el('td', { text: fmtS(f.startMs) }),
            el('td', { text: f.instant ? '—' : f.healed ? fmtS(f.endMs) : 'never healed' }),
            el('td', { text: f.instant ? 'instant' : fmtDur(f.endMs - f.startMs) }),
            el('td', { class: 'cut-clients', text: f.cutOff ? String(f.cutOff.clients) : '—' }),
            el('td', { class: 'avail', text: f.cutOff && f.others ? pct(f.cutOff.availability) + ' / ' + pct(f.others.availability) : '—' }),
            el('td', { class: 'back-after', text: f.cutOff ? backAfter(judged(f)) : '—' }),
            el('td', { class: 'gap', text: f.cutOff ? fmtDur(judged(f).longestGapMs) : '—' }),
          ],
        ),
      );
    });
    s.appendChild(t);
  })();

  // ------------------------------------------------------------------ linearization view
  (() => {
    if (!D.lin.length) return;
    const s = section(
      'linearization',
      'Linearization',
      'keys that are not linearizable: the longest linearizable prefix found, and the ops that could not be placed after it',
    );
    D.lin.forEach((L) => {
      const box = el('div', { class: 'lin', 'data-key': L.key });
      const w = validWord(L.valid);
      box.appendChild(
        el('h3', null, [
          el('span', { class: 'chip ' + w, text: w === 'invalid' ? 'not linearizable' : 'undecided' }),
          ' key ',
          el('code', { text: L.key === '' ? '(single register)' : L.key }),
          el('span', {
            class: 'muted',
            text:
              ' — longest linearizable prefix ' +
              L.prefixLength +
              ' of ' +
              L.opCount +
              ' ops; ' +
              L.unplacedCount +
              ' ops could not be placed' +
              (L.timedOut ? ' (search timed out)' : ''),
          }),
        ]),
      );
      const shown = L.steps
        .map((x) => x.pos)
        .concat(L.unplaced)
        .filter((p) => p >= 0);
      const stepOf: Record<number, number> = {};
      L.steps.forEach((x) => {
        stepOf[x.pos] = x.step;
      });
      if (shown.length) {
        let t0 = Infinity,
          t1 = -Infinity;
        const procs: number[] = [];
        shown.forEach((p) => {
          const c = O.pair[p];
          t0 = Math.min(t0, O.t[p]);
          t1 = Math.max(t1, c >= 0 ? O.t[c] : O.t[p]);
          if (procs.indexOf(O.p[p]) < 0) procs.push(O.p[p]);
        });
        procs.sort((a, b) => a - b);
        const pad = Math.max(1, (t1 - t0) * 0.04);
        t0 -= pad;
        t1 += pad;
        const W = 1000,
          LH = 22,
          top = 20,
          H = top + procs.length * LH + 6,
          G = 70;
        const sv = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, preserveAspectRatio: 'none', height: String(H) });
        const X = (t: number): number => G + ((t - t0) / (t1 - t0)) * (W - G - 6);
        D.faults.forEach((f) => {
          const a = f.startMs,
            z = f.instant ? f.startMs : f.endMs;
          if (z < t0 || a > t1) return;
          const rgb = FAMILY_RGB[f.family] || FAMILY_RGB.other;
          const xa = X(Math.max(a, t0)),
            xz = X(Math.min(z, t1));
          sv.appendChild(
            svg('rect', {
              class: 'lin-fault',
              x: xa,
              y: 0,
              width: Math.max(2, xz - xa),
              height: H,
              fill: 'rgba(' + rgb + ',.14)',
              stroke: 'rgba(' + rgb + ',.5)',
            }),
          );
          sv.appendChild(svg('text', { x: xa + 3, y: 12, 'font-size': 11, fill: 'rgb(' + rgb + ')' }, f.label));
        });
        procs.forEach((p, i) => {
          sv.appendChild(svg('text', { x: 4, y: top + i * LH + 15, 'font-size': 11, fill: '#656d76' }, 'process ' + p));
        });
        shown.forEach((p) => {
          const c = O.pair[p];
          const lane = procs.indexOf(O.p[p]);
          const xa = X(O.t[p]),
            xz = X(c >= 0 ? O.t[c] : t1);
          const placed = stepOf[p] !== undefined;
          const r = svg('rect', {
            class: 'op',
            x: xa,
            y: top + lane * LH + 3,
            width: Math.max(3, xz - xa),
            height: LH - 6,
            rx: 2,
            fill: placed ? '#2e9e4f' : '#d64545',
            stroke: p === L.stuckAt ? '#1f2328' : 'none',
            'stroke-width': p === L.stuckAt ? 2.5 : 0,
            'data-pos': String(p),
          });
          r.appendChild(svg('title', {}, (placed ? 'step ' + stepOf[p] + ': ' : 'not placed: ') + (L.desc[p] || '') + '\n' + describeOp(p)));
          r.addEventListener('click', () => {
            jumpTo(p, true);
          });
          sv.appendChild(r);
          if (placed && xz - xa > 22)
            sv.appendChild(svg('text', { x: xa + 3, y: top + lane * LH + 15, 'font-size': 10, fill: '#fff', 'pointer-events': 'none' }, String(stepOf[p])));
        });
        box.appendChild(sv);
      }
      const tbl = el('table');
      tbl.appendChild(
        el(
          'tr',
          null,
          ['step', 'op', 'process', 'operation', 'model state after'].map((h) => el('th', { text: h })),
        ),
      );
      function opBtn(p: number): HTMLButtonElement {
        return el('button', {
          class: 'oplink',
          text: '#' + opIndex(p),
          onclick: () => {
            jumpTo(p, true);
          },
        });
      }
      if (L.steps.length && L.steps[0].step > 1)
        tbl.appendChild(
          el('tr', null, [
            el('td', { text: '…' }),
            el('td'),
            el('td'),
            el('td', { class: 'muted', text: L.steps[0].step - 1 + ' earlier steps' }),
            el('td', { class: 'state', text: L.stateBefore }),
          ]),
        );
      else
        tbl.appendChild(
          el('tr', null, [
            el('td', { text: '0' }),
            el('td'),
            el('td'),
            el('td', { class: 'muted', text: 'initial state' }),
            el('td', { class: 'state', text: L.stateBefore }),
          ]),
        );
      L.steps.forEach((x) => {
        tbl.appendChild(
          el('tr', null, [
            el('td', { text: String(x.step) }),
            el('td', null, [opBtn(x.pos)]),
            el('td', { text: procName(x.pos) }),
            el('td', { class: 'mono', text: L.desc[x.pos] || '' }),
            el('td', { class: 'state', text: x.state }),
          ]),
        );
      });
      let rest = L.unplaced.slice();
      const stuckAt = L.stuckAt;
      if (stuckAt != null && stuckAt >= 0) {
        rest = rest.filter((p) => p !== stuckAt);
        tbl.appendChild(
          el('tr', { class: 'stuck' }, [
            el('td', { text: '✗' }),
            el('td', null, [opBtn(stuckAt)]),
            el('td', { text: procName(stuckAt) }),
            el('td', { class: 'mono', text: L.desc[stuckAt] || '' }),
            el('td', { text: 'cannot be placed here: its result is impossible in every order consistent with real time' }),
          ]),
        );
      }
      rest.forEach((p) => {
        tbl.appendChild(
          el('tr', { class: 'unplaced' }, [
            el('td', { text: '–' }),
            el('td', null, [opBtn(p)]),
            el('td', { text: procName(p) }),
            el('td', { class: 'mono', text: L.desc[p] || '' }),
            el('td', { text: 'not placed' }),
          ]),
        );
      });
      box.appendChild(el('div', { class: 'scroll' }, [tbl]));
      s.appendChild(box);
    });
  })();

  // ------------------------------------------------------------------ history explorer
  let selectRow = (_pos: number): void => {};
  (() => {
    const s = section('explorer', 'History', N + ' ops; filter, then click a row to show it on the timeline');
    const ROW = 22;
    const filters = el('div', { class: 'filters' });
    function select(name: string, values: Array<[string, string]>): HTMLSelectElement {
      const sl = el('select', { 'data-filter': name }, [el('option', { value: '', text: name + ': any' })]);
      values.forEach((v) => {
        sl.appendChild(el('option', { value: v[0], text: v[1] }));
      });
      sl.addEventListener('change', apply);
      filters.appendChild(sl);
      return sl;
    }
    const fProc = el('input', { placeholder: 'process (e.g. 3, nemesis)', size: '18', 'data-filter': 'process' });
    fProc.addEventListener('input', apply);
    filters.appendChild(fProc);
    const fKey = select(
      'key',
      D.dict.k.map((k, i): [string, string] => [String(i), k]).sort((a, b) => (a[1] < b[1] ? -1 : 1)),
    );
    const fF = select(
      'f',
      D.dict.f.map((k, i): [string, string] => [String(i), k]),
    );
    const fT = select(
      'type',
      TYPES.map((k, i): [string, string] => [String(i), k]),
    );
    const fN = select(
      'node',
      D.dict.nd.map((k, i): [string, string] => [String(i), k]),
    );
    const fText = el('input', { placeholder: 'value or error contains…', size: '22', 'data-filter': 'text' });
    fText.addEventListener('input', apply);
    filters.appendChild(fText);
    const count = el('span', { class: 'muted', id: 'ex-count' });
    filters.appendChild(count);
    s.appendChild(filters);
    const heads = ['#', 'time', 'process', 'type', 'f', 'key', 'value', 'node', 'error', 'latency'];
    s.appendChild(
      el(
        'div',
        { class: 'ex-head' },
        heads.map((h) => el('span', { text: h })),
      ),
    );
    const scroller = el('div', { id: 'ex-scroll' });
    const spacer = el('div', { id: 'ex-spacer' });
    const rowsEl = el('div', { id: 'ex-rows' });
    scroller.appendChild(spacer);
    scroller.appendChild(rowsEl);
    s.appendChild(scroller);
    const rows = new Int32Array(N);
    for (let i = 0; i < N; i++) rows[i] = i;
    let count_ = N;
    let selected = -1;
    // Browsers cap element heights (~17M px in Firefox): past that, scroll position maps proportionally.
    const MAX_PX = 8000000;
    const pool: HTMLDivElement[] = [];
    function ensurePool(n: number): void {
      while (pool.length < n) {
        const r = el('div', { class: 'ex-row' });
        for (let c = 0; c < heads.length; c++) r.appendChild(el('span'));
        r.addEventListener('click', onRowClick);
        rowsEl.appendChild(r);
        pool.push(r);
      }
    }
    function onRowClick(ev: MouseEvent): void {
      const pos = Number((ev.currentTarget as HTMLElement).dataset.pos);
      if (pos >= 0) {
        selected = pos;
        render();
        jumpTo(pos, false);
      }
    }
    function firstRow(): { first: number; offset: number } {
      const total = count_ * ROW;
      const vh = scroller.clientHeight;
      if (total <= MAX_PX) return { first: Math.floor(scroller.scrollTop / ROW), offset: scroller.scrollTop % ROW };
      const frac = scroller.scrollTop / Math.max(1, MAX_PX - vh);
      return { first: Math.floor(frac * Math.max(0, count_ - Math.floor(vh / ROW))), offset: 0 };
    }
    function render(): void {
      const vh = scroller.clientHeight || 440;
      const visible = Math.ceil(vh / ROW) + 1;
      ensurePool(visible);
      const fr = firstRow();
      rowsEl.style.transform = 'translateY(' + (scroller.scrollTop - fr.offset) + 'px)';
      for (let k = 0; k < pool.length; k++) {
        const r = pool[k];
        const idx = fr.first + k;
        if (k >= visible || idx >= count_) {
          r.style.display = 'none';
          r.dataset.pos = '-1';
          continue;
        }
        const pos = rows[idx];
        r.style.display = '';
        r.dataset.pos = String(pos);
        r.className = 'ex-row' + (pos === selected ? ' sel' : '') + (O.p[pos] < 0 ? ' nemesis' : '');
        const cells = r.children as HTMLCollectionOf<HTMLElement>;
        const ty = O.ty[pos];
        const pr = O.pair[pos];
        cells[0].textContent = String(opIndex(pos));
        cells[1].textContent = (O.t[pos] / 1000).toFixed(3);
        cells[2].textContent = procName(pos);
        cells[3].textContent = TYPES[ty];
        cells[3].className = 't-' + TYPES[ty];
        cells[4].textContent = dictOf('f', O.f[pos]);
        cells[5].textContent = dictOf('k', O.k[pos]);
        cells[6].textContent = valueOf(pos);
        cells[6].title = valueOf(pos);
        cells[7].textContent = dictOf('nd', O.nd[pos]);
        cells[8].textContent = dictOf('e', O.e[pos]);
        cells[8].title = dictOf('e', O.e[pos]);
        cells[9].textContent = ty !== 0 && pr >= 0 ? fmtDur(O.t[pos] - O.t[pr]) : '';
      }
    }
    function apply(): void {
      const pv = fProc.value.trim();
      const proc = pv === '' ? null : pv === 'nemesis' ? -1 : Number(pv);
      const k = fKey.value === '' ? null : Number(fKey.value);
      const f = fF.value === '' ? null : Number(fF.value);
      const t = fT.value === '' ? null : Number(fT.value);
      const nd = fN.value === '' ? null : Number(fN.value);
      const text = fText.value.toLowerCase();
      // Error texts are few (a dictionary): decide once per entry, not per row.
      const errHit = text ? D.dict.e.map((e) => e.toLowerCase().indexOf(text) >= 0) : null;
      let c = 0;
      for (let i = 0; i < N; i++) {
        if (proc !== null && O.p[i] !== proc) continue;
        if (k !== null && O.k[i] !== k) continue;
        if (f !== null && O.f[i] !== f) continue;
        if (t !== null && O.ty[i] !== t) continue;
        if (nd !== null && O.nd[i] !== nd) continue;
        if (text && !(O.e[i] >= 0 && errHit![O.e[i]]) && valueOf(i).toLowerCase().indexOf(text) < 0) continue;
        rows[c++] = i;
      }
      count_ = c;
      count.textContent = c === N ? N + ' rows' : c + ' of ' + N + ' rows';
      spacer.style.height = Math.min(MAX_PX, c * ROW) + 'px';
      scroller.scrollTop = 0;
      render();
    }
    scroller.addEventListener(
      'scroll',
      () => {
        requestAnimationFrame(render);
      },
      { passive: true },
    );
    selectRow = (pos) => {
      selected = pos;
      let lo = 0,
        hi = count_;
      while (lo < hi) {
        const m = (lo + hi) >> 1;
        if (rows[m] < pos) lo = m + 1;
        else hi = m;
      }
      if (lo < count_ && rows[lo] === pos) {
        const vh = scroller.clientHeight || 440;
        const total = count_ * ROW;
        const target = total <= MAX_PX ? lo * ROW - vh / 2 : (lo / Math.max(1, count_ - Math.floor(vh / ROW))) * (MAX_PX - vh);
        scroller.scrollTop = Math.max(0, target);
      }
      render();
    };
    apply();
  })();
})();
