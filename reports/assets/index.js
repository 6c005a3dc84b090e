/* store/index.html client: runs table with filters, trends per scenario as SVG sparklines. */
(function () {
  'use strict';
  var D = JSON.parse(document.getElementById('index-data').textContent);
  var app = document.getElementById('app');
  function el(tag, attrs, kids) {
    var e = document.createElement(tag);
    if (attrs)
      for (var k in attrs) {
        if (k === 'text') e.textContent = attrs[k];
        else if (k === 'class') e.className = attrs[k];
        else if (attrs[k] != null) e.setAttribute(k, attrs[k]);
      }
    (kids || []).forEach(function (c) {
      if (c != null) e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    });
    return e;
  }
  function svgEl(tag, attrs) {
    var e = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    return e;
  }
  function ms(x) {
    return x == null ? '—' : x < 1000 ? Math.round(x) + ' ms' : (x / 1000).toFixed(2) + ' s';
  }
  function pct(x) {
    return x == null ? '—' : (x * 100).toFixed(1) + '%';
  }
  function chip(v) {
    return el('span', { class: 'chip ' + v, text: v });
  }
  /** Sparkline of one or more series (arrays of numbers or null), same x. */
  function spark(series, colors, titles) {
    var W = 150,
      H = 30;
    var all = [];
    series.forEach(function (s) {
      s.forEach(function (v) {
        if (v != null) all.push(v);
      });
    });
    var s = svgEl('svg', { class: 'spark', width: W, height: H, viewBox: '0 0 ' + W + ' ' + H });
    if (!all.length) {
      var t = svgEl('text', { x: 2, y: 19, 'font-size': 11, fill: '#8c959f' });
      t.textContent = 'no data';
      s.appendChild(t);
      return s;
    }
    var max = Math.max.apply(null, all.concat([1e-9])),
      n = series[0].length;
    series.forEach(function (ser, si) {
      var pts = [];
      ser.forEach(function (v, i) {
        if (v != null) pts.push([n === 1 ? W / 2 : 3 + (i * (W - 6)) / (n - 1), H - 3 - (v / max) * (H - 6)]);
      });
      if (pts.length > 1)
        s.appendChild(
          svgEl('polyline', {
            points: pts
              .map(function (p) {
                return p.join(',');
              })
              .join(' '),
            fill: 'none',
            stroke: colors[si],
            'stroke-width': 1.5,
          }),
        );
      pts.forEach(function (p) {
        s.appendChild(svgEl('circle', { cx: p[0], cy: p[1], r: 2, fill: colors[si] }));
      });
    });
    var title = svgEl('title', {});
    title.textContent = titles;
    s.appendChild(title);
    return s;
  }
  var scen = {};
  D.runs.forEach(function (r) {
    (scen[r.scenario] = scen[r.scenario] || []).push(r);
  });
  var names = Object.keys(scen).sort();
  document.getElementById('store-sub').textContent = D.runs.length + ' runs of ' + names.length + ' scenarios · generated ' + D.generatedAt;

  if (D.suites.length) {
    app.appendChild(el('h2', { text: 'Suites' }));
    var st = el('table', { id: 'suites' });
    st.appendChild(
      el(
        'tr',
        null,
        ['suite', 'run', 'valid', 'invalid', 'unknown', 'crashed', 'skipped'].map(function (h) {
          return el('th', { text: h });
        }),
      ),
    );
    D.suites
      .slice()
      .reverse()
      .forEach(function (s) {
        st.appendChild(
          el(
            'tr',
            null,
            [el('td', { text: s.name }), el('td', null, [el('a', { href: s.href, text: s.ts })])].concat(
              ['valid', 'invalid', 'unknown', 'crashed', 'skipped'].map(function (k) {
                return el('td', { class: 'num', text: String(s.counts[k] || 0) });
              }),
            ),
          ),
        );
      });
    app.appendChild(st);
  }

  app.appendChild(el('h2', null, ['Trends per scenario', el('small', { text: 'oldest → newest; hover a sparkline for values' })]));
  var tt = el('table', { id: 'trends' });
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
        'longest unavailability',
        'availability',
        'latest',
      ].map(function (h) {
        return el('th', { text: h });
      }),
    ),
  );
  names.forEach(function (n) {
    var rs = scen[n];
    var sq = el('span', { class: 'squares' });
    rs.forEach(function (r) {
      sq.appendChild(el('a', { class: r.verdict, href: r.href, title: r.ts + ': ' + r.verdict }));
    });
    var last = rs[rs.length - 1];
    var lostTitle = rs
      .map(function (r) {
        return r.ts + ': ' + (r.lost ? r.lost.plain + ' / ' + r.lost.wait + ' / ' + r.lost['min-replicas'] : '—');
      })
      .join('\n');
    tt.appendChild(
      el('tr', { 'data-scenario': n }, [
        el('td', { class: 'mono', text: n }),
        el('td', { class: 'num', text: String(rs.length) }),
        el('td', null, [sq]),
        el('td', null, [
          spark(
            ['plain', 'wait', 'min-replicas'].map(function (k) {
              return rs.map(function (r) {
                return r.lost ? r.lost[k] : null;
              });
            }),
            ['#c5221f', '#8250df', '#bf8700'],
            lostTitle,
          ),
        ]),
        el('td', null, [
          spark(
            [
              rs.map(function (r) {
                return r.failoverP50Ms;
              }),
            ],
            ['#0969da'],
            rs
              .map(function (r) {
                return r.ts + ': ' + ms(r.failoverP50Ms);
              })
              .join('\n'),
          ),
        ]),
        el('td', null, [
          spark(
            [
              rs.map(function (r) {
                return r.unavailableMaxMs;
              }),
            ],
            ['#6e7781'],
            rs
              .map(function (r) {
                return r.ts + ': ' + ms(r.unavailableMaxMs);
              })
              .join('\n'),
          ),
        ]),
        el('td', null, [
          spark(
            [
              rs.map(function (r) {
                return r.availability;
              }),
            ],
            ['#1a7f37'],
            rs
              .map(function (r) {
                return r.ts + ': ' + pct(r.availability);
              })
              .join('\n'),
          ),
        ]),
        el('td', null, [chip(last.verdict), ' ', el('a', { href: last.href, text: last.ts })]),
      ]),
    );
  });
  app.appendChild(tt);

  app.appendChild(el('h2', { text: 'Runs' }));
  var filters = el('div', { class: 'filters' });
  var q = el('input', { id: 'run-filter', placeholder: 'filter: scenario, target, workload, nemesis, seed…', size: '44' });
  var vs = el(
    'select',
    { id: 'verdict-filter' },
    [el('option', { value: '', text: 'any verdict' })].concat(
      ['valid', 'invalid', 'unknown', 'crashed'].map(function (v) {
        return el('option', { value: v, text: v });
      }),
    ),
  );
  var cnt = el('span', { class: 'muted' });
  filters.appendChild(q);
  filters.appendChild(vs);
  filters.appendChild(cnt);
  app.appendChild(filters);
  var rt = el('table', { id: 'runs' });
  app.appendChild(rt);
  var sorted = D.runs.slice().sort(function (a, b) {
    return (b.startedAt || b.ts) < (a.startedAt || a.ts) ? -1 : 1;
  });
  function render() {
    rt.textContent = '';
    rt.appendChild(
      el(
        'tr',
        null,
        ['run', 'scenario', 'verdict', 'seed', 'ops', 'lost p / w / m', 'anomalous', 'set lost', 'failover p50 / p95', 'availability'].map(function (h) {
          return el('th', { text: h });
        }),
      ),
    );
    var words = q.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    sorted.forEach(function (r) {
      if (vs.value && r.verdict !== vs.value) return;
      var hay = [r.scenario, r.target, r.topology, r.workload, r.nemesis, String(r.seed), r.ts, r.verdict].join(' ').toLowerCase();
      for (var i = 0; i < words.length; i++) if (hay.indexOf(words[i]) < 0) return;
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
