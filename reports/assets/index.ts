/* store/index.html client: runs table with filters, trends per scenario as SVG sparklines.
 * Type-checked against the embedded IndexData (reports/store-index.ts), compiled to a plain script. */
(() => {
  type IndexData = import('../store-index.js').IndexData;
  type IndexRun = import('../store-index.js').IndexRun;
  type Attrs = Record<string, string | undefined | null>;
  type Kid = Node | string | null | undefined;

  const D = JSON.parse(document.getElementById('index-data')!.textContent!) as IndexData;
  const app = document.getElementById('app')!;
  function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs | null, kids?: Kid[]): HTMLElementTagNameMap[K] {
    const e = document.createElement(tag);
    if (attrs)
      for (const k in attrs) {
        const v = attrs[k];
        if (k === 'text') e.textContent = v as string;
        else if (k === 'class') e.className = v as string;
        else if (v != null) e.setAttribute(k, v);
      }
    (kids || []).forEach((c) => {
      if (c != null) e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    });
    return e;
  }
  function svgEl(tag: string, attrs: Record<string, string | number>): SVGElement {
    const e = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (const k in attrs) e.setAttribute(k, String(attrs[k]));
    return e;
  }
  function ms(x: number | null): string {
    return x == null ? '—' : x < 1000 ? Math.round(x) + ' ms' : (x / 1000).toFixed(2) + ' s';
  }
  function pct(x: number | null): string {
    return x == null ? '—' : (x * 100).toFixed(1) + '%';
  }
  function chip(v: string): HTMLSpanElement {
    return el('span', { class: 'chip ' + v, text: v });
  }
  /** Sparkline of one or more series (arrays of numbers or null), same x. */
  function spark(series: Array<Array<number | null>>, colors: string[], titles: string): SVGElement {
    const W = 150,
      H = 30;
    const all: number[] = [];
    series.forEach((s) => {
      s.forEach((v) => {
        if (v != null) all.push(v);
      });
    });
    const s = svgEl('svg', { class: 'spark', width: W, height: H, viewBox: '0 0 ' + W + ' ' + H });
    if (!all.length) {
      const t = svgEl('text', { x: 2, y: 19, 'font-size': 11, fill: '#8c959f' });
      t.textContent = 'no data';
      s.appendChild(t);
      return s;
    }
    const max = Math.max.apply(null, all.concat([1e-9])),
      n = series[0].length;
    series.forEach((ser, si) => {
      const pts: Array<[number, number]> = [];
      ser.forEach((v, i) => {
        if (v != null) pts.push([n === 1 ? W / 2 : 3 + (i * (W - 6)) / (n - 1), H - 3 - (v / max) * (H - 6)]);
      });
      if (pts.length > 1)
        s.appendChild(
          svgEl('polyline', {
            points: pts.map((p) => p.join(',')).join(' '),
            fill: 'none',
            stroke: colors[si],
            'stroke-width': 1.5,
          }),
        );
      pts.forEach((p) => {
        s.appendChild(svgEl('circle', { cx: p[0], cy: p[1], r: 2, fill: colors[si] }));
      });
    });
    const title = svgEl('title', {});
    title.textContent = titles;
    s.appendChild(title);
    return s;
  }
  const scen: Record<string, IndexRun[]> = {};
  D.runs.forEach((r) => {
    (scen[r.scenario] = scen[r.scenario] || []).push(r);
  });
  const names = Object.keys(scen).sort();
  document.getElementById('store-sub')!.textContent = D.runs.length + ' runs of ' + names.length + ' scenarios · generated ' + D.generatedAt;

  if (D.suites.length) {
    app.appendChild(el('h2', { text: 'Suites' }));
    const st = el('table', { id: 'suites' });
    st.appendChild(
      el(
        'tr',
        null,
        ['suite', 'run', 'valid', 'invalid', 'unknown', 'crashed', 'skipped'].map((h) => el('th', { text: h })),
      ),
    );
    D.suites
      .slice()
      .reverse()
      .forEach((s) => {
        st.appendChild(
          el(
            'tr',
            null,
            ([el('td', { text: s.name }), el('td', null, [el('a', { href: s.href, text: s.ts })])] as Kid[]).concat(
              ['valid', 'invalid', 'unknown', 'crashed', 'skipped'].map((k) => el('td', { class: 'num', text: String(s.counts[k] || 0) })),
            ),
          ),
        );
      });
    app.appendChild(st);
  }

  app.appendChild(el('h2', null, ['Trends per scenario', el('small', { text: 'oldest → newest; hover a sparkline for values' })]));
  const tt = el('table', { id: 'trends' });
  tt.appendChild(
    el(
      'tr',
      null,
      [
        'scenario',
        'runs',
        'verdicts',
        'lost acknowledged writes (plain / WAIT / min-replicas)',
        'failover p50',
        'unavailability (cut-off clients)',
        'availability',
        'latest',
      ].map((h) => el('th', { text: h })),
    ),
  );
  names.forEach((n) => {
    const rs = scen[n];
    const sq = el('span', { class: 'squares' });
    rs.forEach((r) => {
      sq.appendChild(el('a', { class: r.verdict, href: r.href, title: r.ts + ': ' + r.verdict }));
    });
    const last = rs[rs.length - 1];
    const lostTitle = rs.map((r) => r.ts + ': ' + (r.lost ? r.lost.plain + ' / ' + r.lost.wait + ' / ' + r.lost['min-replicas'] : '—')).join('\n');
    tt.appendChild(
      el('tr', { 'data-scenario': n }, [
        el('td', { class: 'mono', text: n }),
        el('td', { class: 'num', text: String(rs.length) }),
        el('td', null, [sq]),
        el('td', null, [
          spark(
            (['plain', 'wait', 'min-replicas'] as const).map((k) => rs.map((r) => (r.lost ? r.lost[k] : null))),
            ['#c5221f', '#8250df', '#bf8700'],
            lostTitle,
          ),
        ]),
        el('td', null, [spark([rs.map((r) => r.failoverP50Ms)], ['#0969da'], rs.map((r) => r.ts + ': ' + ms(r.failoverP50Ms)).join('\n'))]),
        el('td', null, [spark([rs.map((r) => r.unavailableMaxMs)], ['#6e7781'], rs.map((r) => r.ts + ': ' + ms(r.unavailableMaxMs)).join('\n'))]),
        el('td', null, [spark([rs.map((r) => r.availability)], ['#1a7f37'], rs.map((r) => r.ts + ': ' + pct(r.availability)).join('\n'))]),
        el('td', null, [chip(last.verdict), ' ', el('a', { href: last.href, text: last.ts })]),
      ]),
    );
  });
  app.appendChild(tt);

  app.appendChild(el('h2', { text: 'Runs' }));
  const filters = el('div', { class: 'filters' });
  const q = el('input', { id: 'run-filter', placeholder: 'filter: scenario, target, workload, nemesis, seed…', size: '44' });
  const vs = el(
    'select',
    { id: 'verdict-filter' },
    [el('option', { value: '', text: 'any verdict' })].concat(['valid', 'invalid', 'unknown', 'crashed'].map((v) => el('option', { value: v, text: v }))),
  );
  const cnt = el('span', { class: 'muted' });
  filters.appendChild(q);
  filters.appendChild(vs);
  filters.appendChild(cnt);
  app.appendChild(filters);
  const rt = el('table', { id: 'runs' });
  app.appendChild(rt);
  const sorted = D.runs.slice().sort((a, b) => ((b.startedAt || b.ts) < (a.startedAt || a.ts) ? -1 : 1));
  function render(): void {
    rt.textContent = '';
    rt.appendChild(
      el(
        'tr',
        null,
        ['run', 'scenario', 'verdict', 'seed', 'ops', 'lost p / w / m', 'anomalous', 'set lost', 'failover p50 / p95', 'availability'].map((h) =>
          el('th', { text: h }),
        ),
      ),
    );
    const words = q.value.toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    sorted.forEach((r) => {
      if (vs.value && r.verdict !== vs.value) return;
      const hay = [r.scenario, r.target, r.topology, r.workload, r.nemesis, String(r.seed), r.ts, r.verdict].join(' ').toLowerCase();
      for (let i = 0; i < words.length; i++) if (hay.indexOf(words[i]) < 0) return;
      shown++;
      rt.appendChild(
        el('tr', { class: 'run-row' }, [
          el('td', null, [el('a', { href: r.href, text: r.ts })]),
          el('td', { class: 'mono', text: r.scenario }),
          el('td', null, [chip(r.verdict)]),
          el('td', { class: 'num', text: r.seed == null ? '—' : String(r.seed) }),
          el('td', { class: 'num', text: String(r.opCount) }),
          el('td', { class: 'num', text: r.lost ? r.lost.plain + ' / ' + r.lost.wait + ' / ' + r.lost['min-replicas'] : '—' }),
          el('td', { class: 'num', text: r.lostAnomalous == null ? '—' : String(r.lostAnomalous) }),
          el('td', { class: 'num', text: r.setLost == null ? '—' : String(r.setLost) }),
          el('td', { class: 'num', text: ms(r.failoverP50Ms) + ' / ' + ms(r.failoverP95Ms) }),
          el('td', { class: 'num', text: pct(r.availability) }),
        ]),
      );
    });
    cnt.textContent = shown + ' of ' + D.runs.length + ' runs';
  }
  q.addEventListener('input', render);
  vs.addEventListener('change', render);
  render();
})();
