/* splitbrain report client: renders the embedded report data (reports/data.ts). Plain ES2020, no
 * dependencies but uPlot (inlined before this script). Every history-derived string goes through
 * textContent or SVG text nodes: values are data, never markup. */
(function () {
  'use strict';
  var D = JSON.parse(document.getElementById('report-data').textContent);
  /** Wall-clock time (HH:MM:SS.mmm, local) of a history time in ms. */
  function clock(ms) {
    var d = new Date(D.t0Ms + ms);
    function p(n, w) {
      return String(n).padStart(w || 2, '0');
    }
    return p(d.getHours()) + ':' + p(d.getMinutes()) + ':' + p(d.getSeconds()) + '.' + p(d.getMilliseconds(), 3);
  }
  var O = D.ops;
  var N = O.n;
  var TYPES = ['invoke', 'ok', 'fail', 'info'];
  var COLORS = { 1: '#2e9e4f', 2: '#d64545', 3: '#e0a800', 4: '#9aa0a6' };
  var FAMILY_RGB = { partition: '66,133,244', kill: '214,69,69', pause: '142,68,173', other: '110,110,110' };
  var app = document.getElementById('app');
  var tooltip = document.getElementById('tooltip');

  // ------------------------------------------------------------------ helpers
  function el(tag, attrs, kids) {
    var e = document.createElement(tag);
    if (attrs)
      for (var k in attrs) {
        if (k === 'text') e.textContent = attrs[k];
        else if (k === 'class') e.className = attrs[k];
        else if (k.slice(0, 2) === 'on') e.addEventListener(k.slice(2), attrs[k]);
        else if (attrs[k] !== undefined && attrs[k] !== null) e.setAttribute(k, attrs[k]);
      }
    if (kids)
      for (var i = 0; i < kids.length; i++) if (kids[i] != null) e.appendChild(typeof kids[i] === 'string' ? document.createTextNode(kids[i]) : kids[i]);
    return e;
  }
  function svg(tag, attrs, text) {
    var e = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function fmtS(ms) {
    return (ms / 1000).toFixed(3) + ' s';
  }
  function fmtDur(ms) {
    return ms == null ? '—' : ms < 1000 ? ms.toFixed(ms < 10 ? 2 : 0) + ' ms' : (ms / 1000).toFixed(2) + ' s';
  }
  function pct(x) {
    return x == null ? '—' : (x * 100).toFixed(1) + '%';
  }
  function validWord(v) {
    return v === true ? 'valid' : v === false ? 'invalid' : 'unknown';
  }
  function dictOf(name, i) {
    return i < 0 ? '' : D.dict[name][i];
  }
  function opIndex(pos) {
    return O.ix ? O.ix[pos] : pos;
  }
  function procName(pos) {
    return O.p[pos] < 0 ? 'nemesis' : String(O.p[pos]);
  }
  function invokeOf(pos) {
    return O.ty[pos] === 0 ? pos : O.pair[pos] >= 0 ? O.pair[pos] : pos;
  }
  function valueOf(pos) {
    // Completions that repeat their invoke's value store '' (see reports/data.ts).
    if (O.v[pos] === '' && O.ty[pos] !== 0 && O.pair[pos] >= 0) return O.v[O.pair[pos]];
    return O.v[pos];
  }
  var lastMs = N > 0 ? O.t[N - 1] : 1000;
  var FULL = { t0: -lastMs * 0.01, t1: lastMs * 1.02 + 1 };
  function section(id, title, note) {
    var h = el('h2', null, [title, note ? el('small', { text: note }) : null]);
    var s = el('section', { id: id }, [h]);
    app.appendChild(s);
    return s;
  }
  function describeOp(pos) {
    var inv = invokeOf(pos);
    var comp = O.ty[inv] === 0 ? O.pair[inv] : -1;
    var lines = [];
    var f = dictOf('f', O.f[inv]);
    var key = dictOf('k', O.k[inv]);
    lines.push(f + (key ? ' ' + key : '') + '  (process ' + procName(inv) + ')');
    var iv = O.v[inv];
    lines.push('invoke   ' + fmtS(O.t[inv]) + (D.t0Ms ? ' (' + clock(O.t[inv]) + ')' : '') + '  op #' + opIndex(inv) + (iv ? '  value ' + iv : ''));
    if (comp >= 0) {
      var cv = valueOf(comp);
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
      var nd = dictOf('nd', O.nd[comp] >= 0 ? O.nd[comp] : O.nd[inv]);
      if (nd) lines.push('node     ' + nd);
      var er = dictOf('e', O.e[comp]);
      if (er) lines.push('error    ' + er);
    } else if (O.ty[inv] === 0) {
      lines.push('never completed');
    }
    return lines.join('\n');
  }
  function showTip(text, x, y) {
    tooltip.textContent = text;
    tooltip.style.display = 'block';
    var w = tooltip.offsetWidth,
      h = tooltip.offsetHeight;
    tooltip.style.left = Math.min(window.innerWidth - w - 8, x + 14) + 'px';
    tooltip.style.top = (y + 16 + h > window.innerHeight ? y - h - 10 : y + 16) + 'px';
  }
  function hideTip() {
    tooltip.style.display = 'none';
  }

  // ------------------------------------------------------------------ previous run, error
  if (D.previous) {
    var prev = document.getElementById('previous');
    prev.appendChild(
      el('span', null, [
        'Compared with the previous run of this scenario (',
        el('a', { href: D.previous.href, text: D.previous.ts }),
        ', ',
        el('span', { class: 'chip ' + D.previous.verdict, text: D.previous.verdict }),
        '):',
      ]),
    );
    var ul = el('ul');
    D.previous.lines.forEach(function (l) {
      ul.appendChild(el('li', { text: l }));
    });
    prev.appendChild(ul);
  }
  if (D.error) {
    var es = section('error', 'Why the run failed');
    es.appendChild(el('pre', { class: 'error', text: D.error }));
  }
  if (D.warnings && D.warnings.length) {
    var ws = section('warnings', 'History warnings');
    var wl = el('ul');
    D.warnings.forEach(function (w) {
      wl.appendChild(el('li', { text: w }));
    });
    ws.appendChild(wl);
  }

  // ------------------------------------------------------------------ scenario + checkers
  (function () {
    var grid = el('div', { class: 'grid' });
    var left = el('div');
    left.appendChild(el('h2', { text: 'Scenario' }));
    var dl = el('dl', { class: 'kv' });
    D.scenario.forEach(function (kv) {
      dl.appendChild(el('dt', { text: kv[0] }));
      dl.appendChild(el('dd', { text: kv[1] }));
    });
    left.appendChild(dl);
    var code = el('code', { id: 'replay-cmd', text: D.replay });
    var copy = el('button', {
      text: 'copy',
      title: 'copy the command',
      onclick: function () {
        if (navigator.clipboard)
          navigator.clipboard.writeText(D.replay).then(
            function () {
              copy.textContent = 'copied';
            },
            function () {},
          );
      },
    });
    left.appendChild(el('div', { class: 'replay' }, [el('span', { class: 'muted', text: 'reproduce:' }), code, copy]));
    var right = el('div');
    right.appendChild(el('h2', { text: 'Checkers' }));
    var t = el('table', { id: 'checkers' });
    t.appendChild(el('tr', null, [el('th', { text: 'checker' }), el('th', { text: 'verdict' }), el('th', { text: 'summary' })]));
    if (!D.checkers.length)
      t.appendChild(el('tr', null, [el('td', { colspan: '3', class: 'muted', text: 'No checker ran: the run did not get as far as checking its history.' })]));
    D.checkers.forEach(function (c) {
      var w = validWord(c.valid);
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
  var CLASS_LABEL = { anomalous: 'anomalous', expected: 'expected by design', configuration: 'lost by configuration' };
  function classLabel(a) {
    if (a.class) return ' · ' + CLASS_LABEL[a.class];
    return a.expected ? ' · expected' : '';
  }
  function windowLine(a) {
    return a.window ? el('span', { class: 'window muted', text: 'window ' + a.window }) : null;
  }

  (function () {
    var real = D.anomalies.filter(function (a) {
      return !a.expected;
    }).length;
    var exp = D.anomalies.length - real;
    var s = section(
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
    var bar = el('div', { class: 'toolbar' });
    var showExp = el('input', { type: 'checkbox', id: 'show-expected' });
    showExp.checked = real === 0;
    bar.appendChild(el('label', null, [showExp, ' show losses expected by design or lost by configuration (' + exp + ')']));
    s.appendChild(bar);
    var list = el('ul', { id: 'anomaly-list' });
    s.appendChild(list);
    function render() {
      list.textContent = '';
      D.anomalies.forEach(function (a, i) {
        if (a.expected && !showExp.checked) return;
        var ops = el('span', { class: 'ops' });
        a.pos.slice(0, 6).forEach(function (p) {
          ops.appendChild(
            el('button', {
              class: 'oplink',
              'data-pos': String(p),
              text: '#' + opIndex(p),
              title: 'show op ' + opIndex(p) + ' on the timeline',
              onclick: function (ev) {
                ev.stopPropagation();
                jumpTo(p, true);
              },
            }),
          );
        });
        var li = el(
          'li',
          {
            class: 'anomaly' + (a.expected ? ' expected' : ''),
            'data-anomaly': String(i),
            onclick: function () {
              if (a.pos.length) jumpTo(a.pos[0], true);
            },
          },
          [
            el('span', { class: 'chip ' + (a.expected ? 'expected' : 'invalid'), text: a.checker }),
            el('span', { class: 'chip kind', text: a.kind + classLabel(a) }),
            el('span', { class: 'msg', text: a.message }),
            windowLine(a),
            ops,
          ].filter(Boolean),
        );
        list.appendChild(li);
      });
    }
    showExp.addEventListener('change', render);
    render();
  })();

  // ------------------------------------------------------------------ timeline
  // Bars: one per client invoke, from invoke to completion (or the end of the history).
  var bars = { n: 0 };
  (function () {
    var cnt = 0;
    for (var i = 0; i < N; i++) if (O.ty[i] === 0 && O.p[i] >= 0) cnt++;
    bars = { n: cnt, s: new Float64Array(cnt), e: new Float64Array(cnt), ty: new Uint8Array(cnt), lane: new Int32Array(cnt), pos: new Int32Array(cnt) };
    var byLane = D.lanes.map(function () {
      return [];
    });
    var b = 0;
    for (var j = 0; j < N; j++) {
      if (O.ty[j] !== 0 || O.p[j] < 0) continue;
      var c = O.pair[j];
      bars.s[b] = O.t[j];
      bars.e[b] = c >= 0 ? O.t[c] : lastMs;
      bars.ty[b] = c >= 0 ? O.ty[c] : 4;
      bars.lane[b] = O.lane[j];
      bars.pos[b] = j;
      if (O.lane[j] >= 0) byLane[O.lane[j]].push(b);
      b++;
    }
    bars.byLane = byLane.map(function (a) {
      return Int32Array.from(a);
    });
    // Longest bar per lane bounds the backwards scan when hit-testing.
    bars.maxLen = byLane.map(function (a) {
      var m = 0;
      a.forEach(function (k) {
        m = Math.max(m, bars.e[k] - bars.s[k]);
      });
      return m;
    });
  })();
  var barOfPos = new Int32Array(N).fill(-1);
  for (var bi = 0; bi < bars.n; bi++) barOfPos[bars.pos[bi]] = bi;

  var TL = {};
  (function () {
    var s = section(
      'timeline-sec',
      'Timeline',
      'ops per client as bars (invoke → completion); shaded: faults. Drag to pan, Ctrl+wheel or shift-drag to zoom, double-click to reset',
    );
    var bar = el('div', { class: 'toolbar' });
    var legend = el('span', { class: 'legend' });
    [
      ['ok', 1],
      ['fail', 2],
      ['info', 3],
      ['pending', 4],
    ].forEach(function (x) {
      legend.appendChild(el('span', null, [el('i', { style: 'background:' + COLORS[x[1]] }), x[0]]));
    });
    ['partition', 'kill', 'pause', 'other'].forEach(function (f) {
      legend.appendChild(el('span', null, [el('i', { style: 'background:rgba(' + FAMILY_RGB[f] + ',.35)' }), f]));
    });
    bar.appendChild(
      el('button', {
        text: '−',
        title: 'zoom out',
        onclick: function () {
          zoom(2, 0.5);
        },
      }),
    );
    bar.appendChild(
      el('button', {
        text: '+',
        title: 'zoom in',
        onclick: function () {
          zoom(0.5, 0.5);
        },
      }),
    );
    bar.appendChild(
      el('button', {
        text: 'reset',
        title: 'show the whole run',
        onclick: function () {
          setView(FULL.t0, FULL.t1, 'ui');
        },
      }),
    );
    var range = el('span', { class: 'mono', id: 'tl-range' });
    bar.appendChild(range);
    bar.appendChild(legend);
    s.appendChild(bar);
    var wrap = el('div', { id: 'tl-wrap' });
    var canvas = el('canvas', { id: 'timeline' });
    var faultLayer = el('div', { id: 'tl-faults' });
    var sel = el('div', { id: 'tl-select' });
    wrap.appendChild(canvas);
    wrap.appendChild(faultLayer);
    wrap.appendChild(sel);
    s.appendChild(wrap);
    TL.canvas = canvas;
    TL.wrap = wrap;
    var GUTTER = 96,
      AXIS = 24,
      RIGHT = 8;
    var nl = Math.max(1, D.lanes.length);
    var laneH = nl <= 16 ? 24 : Math.max(4, Math.min(24, Math.floor(480 / nl)));
    var height = AXIS + nl * laneH + 8;
    var view = { t0: FULL.t0, t1: FULL.t1 };
    var highlight = -1,
      hover = -1,
      width = 0,
      dpr = 1;
    TL.view = view;
    var bands = D.faults.map(function (f) {
      var b = el('div', { class: 'fault-band ' + f.family + (f.instant ? ' instant' : ''), 'data-fault': String(f.id) }, [el('span', { text: f.label })]);
      faultLayer.appendChild(b);
      return b;
    });
    function x(t) {
      return GUTTER + ((t - view.t0) / (view.t1 - view.t0)) * (width - GUTTER - RIGHT);
    }
    function tAt(px) {
      return view.t0 + ((px - GUTTER) / (width - GUTTER - RIGHT)) * (view.t1 - view.t0);
    }
    function resize() {
      dpr = window.devicePixelRatio || 1;
      width = wrap.clientWidth;
      canvas.width = Math.round(width * dpr);
      canvas.height = Math.round(height * dpr);
      canvas.style.height = height + 'px';
      draw();
    }
    function niceTick(span, px) {
      var target = span / Math.max(2, px / 110);
      var p = Math.pow(10, Math.floor(Math.log10(target)));
      var m = target / p;
      return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
    }
    var pending = false;
    function draw() {
      pending = false;
      var ctx = canvas.getContext('2d');
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.clearRect(0, 0, width, height);
      ctx.font = '11px system-ui, sans-serif';
      // lanes
      for (var l = 0; l < nl; l++) {
        if (l % 2) {
          ctx.fillStyle = '#f6f8fa';
          ctx.fillRect(0, AXIS + l * laneH, width, laneH);
        }
      }
      ctx.fillStyle = '#656d76';
      ctx.textBaseline = 'middle';
      if (laneH >= 10) for (var l2 = 0; l2 < nl; l2++) ctx.fillText(D.lanes[l2], 6, AXIS + l2 * laneH + laneH / 2);
      else {
        ctx.fillText(nl + ' lanes', 6, AXIS + 10);
      }
      // axis
      var step = niceTick(view.t1 - view.t0, width - GUTTER);
      ctx.strokeStyle = '#e6e8eb';
      ctx.fillStyle = '#656d76';
      ctx.textBaseline = 'alphabetic';
      ctx.textAlign = 'center';
      for (var tk = Math.ceil(view.t0 / step) * step; tk <= view.t1; tk += step) {
        var px = x(tk);
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
      var paths = { 1: new Path2D(), 2: new Path2D(), 3: new Path2D(), 4: new Path2D() };
      var bh = Math.max(2, laneH - (laneH > 8 ? 4 : 1));
      var off = (laneH - bh) / 2;
      for (var ln = 0; ln < nl; ln++) {
        var arr = bars.byLane[ln];
        if (!arr) continue;
        // first bar that may be visible: starts after view.t0 - longest bar of the lane
        var lo = 0,
          hi = arr.length,
          from = view.t0 - bars.maxLen[ln];
        while (lo < hi) {
          var m = (lo + hi) >> 1;
          if (bars.s[arr[m]] < from) lo = m + 1;
          else hi = m;
        }
        var y = AXIS + ln * laneH + off;
        var lastPx = -1;
        for (var k = lo; k < arr.length; k++) {
          var b = arr[k];
          if (bars.s[b] > view.t1) break;
          if (bars.e[b] < view.t0) continue;
          var x0 = Math.max(GUTTER, x(bars.s[b]));
          var x1 = Math.min(width - RIGHT, x(bars.e[b]));
          var w = Math.max(1.5, x1 - x0);
          // Dense zoomed-out lanes: skip bars fully covered by the previous pixel of the same type.
          if (x0 + w <= lastPx && bars.ty[b] === 1) continue;
          paths[bars.ty[b]].rect(x0, y, w, bh);
          lastPx = x0 + w;
        }
      }
      [1, 4, 3, 2].forEach(function (tyc) {
        ctx.fillStyle = COLORS[tyc];
        ctx.fill(paths[tyc]);
      });
      function outline(b, color, lw) {
        if (b < 0) return;
        var yy = AXIS + bars.lane[b] * laneH + off;
        var xa = x(bars.s[b]),
          xb = x(bars.e[b]);
        ctx.strokeStyle = color;
        ctx.lineWidth = lw;
        ctx.strokeRect(xa - 1, yy - 1, Math.max(3, xb - xa) + 2, bh + 2);
        ctx.lineWidth = 1;
      }
      outline(hover, '#1f2328', 1.5);
      if (highlight >= 0) {
        var hb = barOfPos[highlight];
        var ht = O.t[highlight];
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
      D.faults.forEach(function (f, i) {
        var a = x(f.startMs),
          z = x(f.instant ? f.startMs : f.endMs);
        var band = bands[i];
        if (z < GUTTER || a > width - RIGHT) {
          band.style.display = 'none';
          return;
        }
        band.style.display = '';
        var left = Math.max(GUTTER, a);
        band.style.left = left + 'px';
        band.style.width = Math.max(f.instant ? 0 : 2, Math.min(width - RIGHT, z) - left) + 'px';
        band.style.top = AXIS - 2 + (i % 2) * 0 + 'px';
        band.firstChild.style.top = 2 + (i % 3) * 15 + 'px';
      });
      range.textContent =
        fmtS(Math.max(0, view.t0)) + ' – ' + fmtS(view.t1) + (D.t0Ms ? '  (' + clock(Math.max(0, view.t0)) + ' – ' + clock(view.t1) + ' wall clock)' : '');
      canvas.dataset.viewStart = String(view.t0);
      canvas.dataset.viewEnd = String(view.t1);
      canvas.dataset.highlight = String(highlight);
    }
    function redraw() {
      if (!pending) {
        pending = true;
        requestAnimationFrame(draw);
      }
    }
    function setView(t0, t1, src) {
      var minW = 0.5;
      if (t1 - t0 < minW) {
        var c = (t0 + t1) / 2;
        t0 = c - minW / 2;
        t1 = c + minW / 2;
      }
      var span = FULL.t1 - FULL.t0;
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
    function zoom(factor, at) {
      var c = view.t0 + (view.t1 - view.t0) * at;
      setView(c - (c - view.t0) * factor, c + (view.t1 - c) * factor, 'ui');
    }
    function hit(px, py) {
      var ln = Math.floor((py - AXIS) / laneH);
      if (ln < 0 || ln >= nl || !bars.byLane[ln]) return -1;
      var t = tAt(px),
        tol = (4 * (view.t1 - view.t0)) / (width - GUTTER);
      var arr = bars.byLane[ln];
      var lo = 0,
        hi = arr.length;
      while (lo < hi) {
        var m = (lo + hi) >> 1;
        if (bars.s[arr[m]] <= t + tol) lo = m + 1;
        else hi = m;
      }
      for (var k = lo - 1; k >= 0; k--) {
        var b = arr[k];
        if (bars.e[b] + tol >= t) return b;
        if (bars.s[b] < t - bars.maxLen[ln] - tol) break;
      }
      return -1;
    }
    function faultAt(t) {
      for (var i = 0; i < D.faults.length; i++) {
        var f = D.faults[i];
        if (t >= f.startMs && t <= (f.instant ? f.startMs + (view.t1 - view.t0) / 200 : f.endMs)) return f;
      }
      return null;
    }
    function faultText(f) {
      return (
        f.label +
        '\n' +
        fmtS(f.startMs) +
        ' → ' +
        (f.instant ? 'instant' : fmtS(f.endMs) + (f.healed ? '' : ' (never healed)')) +
        (f.instant
          ? ''
          : '\navailability ' + pct(f.availability) + ', first ok write after ' + fmtDur(f.firstWriteMs) + ', longest gap ' + fmtDur(f.unavailableMs))
      );
    }
    var drag = null;
    canvas.addEventListener('mousedown', function (ev) {
      var r = canvas.getBoundingClientRect();
      drag = { x: ev.clientX - r.left, t0: view.t0, t1: view.t1, select: ev.shiftKey, moved: false };
      if (!drag.select) canvas.classList.add('dragging');
      ev.preventDefault();
    });
    window.addEventListener('mousemove', function (ev) {
      var r = canvas.getBoundingClientRect();
      var px = ev.clientX - r.left,
        py = ev.clientY - r.top;
      if (drag) {
        if (Math.abs(px - drag.x) > 3) drag.moved = true;
        if (drag.select) {
          sel.style.display = 'block';
          sel.style.left = Math.min(px, drag.x) + 'px';
          sel.style.width = Math.abs(px - drag.x) + 'px';
        } else if (drag.moved) {
          var dt = ((px - drag.x) / (width - GUTTER - RIGHT)) * (drag.t1 - drag.t0);
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
      var b = hit(px, py);
      if (b !== hover) {
        hover = b;
        redraw();
      }
      if (b >= 0) showTip(describeOp(bars.pos[b]), ev.clientX, ev.clientY);
      else {
        var f = px > GUTTER ? faultAt(tAt(px)) : null;
        if (f) showTip(faultText(f), ev.clientX, ev.clientY);
        else hideTip();
      }
    });
    window.addEventListener('mouseup', function (ev) {
      if (!drag) return;
      var r = canvas.getBoundingClientRect();
      var px = ev.clientX - r.left,
        py = ev.clientY - r.top;
      canvas.classList.remove('dragging');
      sel.style.display = 'none';
      if (drag.select && drag.moved) setView(tAt(Math.min(px, drag.x)), tAt(Math.max(px, drag.x)), 'ui');
      else if (!drag.moved) {
        var b = hit(px, py);
        if (b >= 0) {
          highlight = bars.pos[b];
          redraw();
          selectRow(highlight);
        }
      }
      drag = null;
    });
    canvas.addEventListener('mouseleave', function () {
      if (!drag) {
        hover = -1;
        hideTip();
        redraw();
      }
    });
    canvas.addEventListener('dblclick', function () {
      setView(FULL.t0, FULL.t1, 'ui');
    });
    canvas.addEventListener(
      'wheel',
      function (ev) {
        var r = canvas.getBoundingClientRect();
        if (ev.ctrlKey || ev.metaKey) {
          ev.preventDefault();
          var at = Math.max(0, Math.min(1, (ev.clientX - r.left - GUTTER) / (width - GUTTER - RIGHT)));
          zoom(Math.pow(1.0015, ev.deltaY), at);
        } else if (Math.abs(ev.deltaX) > Math.abs(ev.deltaY)) {
          ev.preventDefault();
          var dt = (ev.deltaX / (width - GUTTER)) * (view.t1 - view.t0);
          setView(view.t0 + dt, view.t1 + dt, 'ui');
        }
      },
      { passive: false },
    );
    window.addEventListener('resize', resize);
    TL.setView = setView;
    TL.setHighlight = function (pos) {
      highlight = pos;
      canvas.dataset.highlight = String(pos);
      redraw();
    };
    TL.resize = resize;
    resize();
  })();

  /** Shows op `pos` on the timeline: centred, zoomed so it is visible, outlined. */
  function jumpTo(pos, scroll) {
    var inv = invokeOf(pos);
    var s = O.t[inv];
    var c = O.ty[inv] === 0 ? O.pair[inv] : -1;
    var e = c >= 0 ? O.t[c] : s;
    var w = Math.min(FULL.t1 - FULL.t0, Math.max(2000, (e - s) * 8));
    var mid = (s + e) / 2;
    TL.setHighlight(inv === pos || O.p[pos] < 0 ? pos : inv);
    TL.setView(mid - w / 2, mid + w / 2, 'jump');
    if (scroll) TL.wrap.scrollIntoView({ block: 'center' });
    selectRow(pos);
  }
  window.splitbrainReport = { jumpTo: jumpTo, data: D };

  // ------------------------------------------------------------------ latency and throughput (uPlot)
  var charts = [];
  var syncing = false;
  // uPlot may report a scale change after setScale returns: remember what we set, to not echo it.
  var chartsReady = false,
    lastSet = null;
  function syncCharts(t0, t1) {
    if (syncing || !chartsReady) return;
    syncing = true;
    lastSet = { min: t0 / 1000, max: t1 / 1000 };
    charts.forEach(function (u) {
      u.setScale('x', { min: t0 / 1000, max: t1 / 1000 });
    });
    syncing = false;
  }
  (function () {
    var s = section('plots', 'Latency and throughput', 'faults shaded; drag to zoom (the timeline follows), double-click to reset');
    if (typeof uPlot === 'undefined' || !bars.n) {
      s.appendChild(el('p', { class: 'muted', text: 'No client ops to plot.' }));
      return;
    }
    var grid = el('div', { class: 'plots' });
    var latBox = el('div', { class: 'plot', id: 'latency-plot' }, [
      el('h3', { text: 'Latency (ms, log scale): ok p50 / p95 / max per bucket, fail and info ops as points' }),
    ]);
    var tpBox = el('div', { class: 'plot', id: 'throughput-plot' }, [el('h3', { text: 'Throughput (completions per second)' })]);
    grid.appendChild(latBox);
    grid.appendChild(tpBox);
    s.appendChild(grid);
    var B = D.latencyBucketMs;
    var nb = Math.floor(lastMs / B) + 1;
    var okLat = [];
    for (var i = 0; i < nb; i++) okLat.push([]);
    var tp = [new Float64Array(nb), new Float64Array(nb), new Float64Array(nb)];
    var pts = [];
    for (var b = 0; b < bars.n; b++) {
      var pos = bars.pos[b];
      if (O.f[pos] >= 0 && D.dict.f[O.f[pos]] === 'final-read') continue;
      var ty = bars.ty[b];
      if (ty === 4) continue;
      var lat = Math.max(0.01, bars.e[b] - bars.s[b]);
      var bk = Math.floor(bars.s[b] / B);
      if (ty === 1) okLat[bk].push(lat);
      else pts.push([bars.s[b] / 1000, ty, lat]);
      tp[ty - 1][Math.min(nb - 1, Math.floor(bars.e[b] / B))]++;
    }
    function q(a, p) {
      return a.length ? a[Math.min(a.length - 1, Math.max(0, Math.ceil(p * a.length) - 1))] : null;
    }
    var rows = [];
    for (var k = 0; k < nb; k++) {
      var a = okLat[k];
      if (!a.length) continue;
      a.sort(function (x, y) {
        return x - y;
      });
      rows.push([((k + 0.5) * B) / 1000, q(a, 0.5), q(a, 0.95), a[a.length - 1], null, null]);
    }
    // Points beyond 20k are sampled evenly: the plot shows the shape, the explorer every op.
    var stride = Math.max(1, Math.ceil(pts.length / 20000));
    for (var j = 0; j < pts.length; j += stride)
      rows.push([pts[j][0], null, null, null, pts[j][1] === 2 ? pts[j][2] : null, pts[j][1] === 3 ? pts[j][2] : null]);
    rows.sort(function (x, y) {
      return x[0] - y[0];
    });
    var cols = [0, 1, 2, 3, 4, 5].map(function (c) {
      return rows.map(function (r) {
        return r[c];
      });
    });
    var tx = [],
      tok = [],
      tfail = [],
      tinfo = [];
    for (var m = 0; m < nb; m++) {
      tx.push((m * B) / 1000);
      tok.push((tp[0][m] * 1000) / B);
      tfail.push((tp[1][m] * 1000) / B);
      tinfo.push((tp[2][m] * 1000) / B);
    }
    function shade(u) {
      var ctx = u.ctx,
        top = u.bbox.top,
        h = u.bbox.height;
      ctx.save();
      ctx.font = 11 * devicePixelRatio + 'px system-ui, sans-serif';
      D.faults.forEach(function (f, i) {
        var x0 = u.valToPos(f.startMs / 1000, 'x', true),
          x1 = u.valToPos((f.instant ? f.startMs : f.endMs) / 1000, 'x', true);
        var l = Math.max(u.bbox.left, x0),
          r = Math.min(u.bbox.left + u.bbox.width, x1);
        if (r < u.bbox.left || l > u.bbox.left + u.bbox.width) return;
        var rgb = FAMILY_RGB[f.family] || FAMILY_RGB.other;
        ctx.fillStyle = 'rgba(' + rgb + ',' + (f.instant ? '.8' : '.13') + ')';
        ctx.fillRect(l, top, Math.max(f.instant ? 2 : 1, r - l), h);
        ctx.fillStyle = 'rgb(' + rgb + ')';
        ctx.fillText(f.label, l + 3 * devicePixelRatio, top + (12 + (i % 3) * 12) * devicePixelRatio);
      });
      ctx.restore();
    }
    var common = function (w) {
      return {
        width: w,
        height: 230,
        cursor: { sync: { key: 'sb' }, drag: { x: true, y: false } },
        scales: { x: { time: false } },
        legend: { live: true },
        hooks: {
          drawClear: [shade],
          setScale: [
            function (u, key) {
              if (key !== 'x' || syncing || !chartsReady) return;
              var mn = u.scales.x.min,
                mx = u.scales.x.max;
              if (lastSet && Math.abs(mn - lastSet.min) < 1e-6 && Math.abs(mx - lastSet.max) < 1e-6) return;
              lastSet = { min: mn, max: mx };
              syncing = true;
              charts.forEach(function (o) {
                if (o !== u) o.setScale('x', { min: mn, max: mx });
              });
              syncing = false;
              TL.setView(mn * 1000, mx * 1000, 'chart');
            },
          ],
        },
      };
    };
    var w0 = Math.max(300, latBox.clientWidth);
    var latOpts = common(w0);
    latOpts.scales.y = { distr: 3 };
    latOpts.axes = [{ label: 's' }, { label: 'ms' }];
    var ptsStyle = function (color) {
      return { show: true, size: 4, fill: color, stroke: color };
    };
    latOpts.series = [
      {
        label: 't (s)',
        value: function (u, v) {
          return v == null ? '—' : v.toFixed(2);
        },
      },
      { label: 'ok p50', stroke: '#2e9e4f', width: 1.5, spanGaps: true, points: { show: false } },
      { label: 'ok p95', stroke: '#1a7f37', width: 1, dash: [4, 3], spanGaps: true, points: { show: false } },
      { label: 'ok max', stroke: '#8fd19e', width: 1, spanGaps: true, points: { show: false } },
      {
        label: 'fail',
        stroke: '#d64545',
        paths: function () {
          return null;
        },
        points: ptsStyle('#d64545'),
      },
      {
        label: 'info',
        stroke: '#e0a800',
        paths: function () {
          return null;
        },
        points: ptsStyle('#e0a800'),
      },
    ];
    charts.push(new uPlot(latOpts, cols, latBox));
    var tpOpts = common(w0);
    tpOpts.axes = [{ label: 's' }, { label: 'ops/s' }];
    tpOpts.series = [
      {
        label: 't (s)',
        value: function (u, v) {
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
    window.addEventListener('resize', function () {
      charts.forEach(function (u) {
        u.setSize({ width: Math.max(300, latBox.clientWidth), height: 230 });
      });
    });
  })();

  // ------------------------------------------------------------------ faults table
  (function () {
    var s = section('faults', 'Faults', D.faults.length ? D.faults.length + ' from the nemesis; click one to zoom the timeline to it' : 'none injected');
    if (!D.faults.length) return;
    var t = el('table');
    t.appendChild(
      el(
        'tr',
        null,
        ['#', 'fault', 'nodes', 'from', 'to', 'lasted', 'availability', 'first ok write after', 'longest gap without ok'].map(function (h) {
          return el('th', { text: h });
        }),
      ),
    );
    D.faults.forEach(function (f) {
      t.appendChild(
        el(
          'tr',
          {
            class: 'fault-row',
            style: 'cursor:pointer',
            onclick: function () {
              var pad = Math.max(1000, (f.endMs - f.startMs) * 0.3);
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
            el('td', { text: pct(f.availability) }),
            el('td', { text: f.instant ? '—' : f.firstWriteMs == null ? 'none' : fmtDur(f.firstWriteMs) }),
            el('td', { text: f.instant ? '—' : fmtDur(f.unavailableMs) }),
          ],
        ),
      );
    });
    s.appendChild(t);
  })();

  // ------------------------------------------------------------------ linearization view
  (function () {
    if (!D.lin.length) return;
    var s = section(
      'linearization',
      'Linearization',
      'keys that are not linearizable: the longest linearizable prefix found, and the ops that could not be placed after it',
    );
    D.lin.forEach(function (L) {
      var box = el('div', { class: 'lin', 'data-key': L.key });
      var w = validWord(L.valid);
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
      var shown = L.steps
        .map(function (x) {
          return x.pos;
        })
        .concat(L.unplaced)
        .filter(function (p) {
          return p >= 0;
        });
      var stepOf = {};
      L.steps.forEach(function (x) {
        stepOf[x.pos] = x.step;
      });
      if (shown.length) {
        var t0 = Infinity,
          t1 = -Infinity,
          procs = [];
        shown.forEach(function (p) {
          var c = O.pair[p];
          t0 = Math.min(t0, O.t[p]);
          t1 = Math.max(t1, c >= 0 ? O.t[c] : O.t[p]);
          if (procs.indexOf(O.p[p]) < 0) procs.push(O.p[p]);
        });
        procs.sort(function (a, b) {
          return a - b;
        });
        var pad = Math.max(1, (t1 - t0) * 0.04);
        t0 -= pad;
        t1 += pad;
        var W = 1000,
          LH = 22,
          top = 20,
          H = top + procs.length * LH + 6,
          G = 70;
        var sv = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, preserveAspectRatio: 'none', height: String(H) });
        var X = function (t) {
          return G + ((t - t0) / (t1 - t0)) * (W - G - 6);
        };
        D.faults.forEach(function (f) {
          var a = f.startMs,
            z = f.instant ? f.startMs : f.endMs;
          if (z < t0 || a > t1) return;
          var rgb = FAMILY_RGB[f.family] || FAMILY_RGB.other;
          var xa = X(Math.max(a, t0)),
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
        procs.forEach(function (p, i) {
          sv.appendChild(svg('text', { x: 4, y: top + i * LH + 15, 'font-size': 11, fill: '#656d76' }, 'process ' + p));
        });
        shown.forEach(function (p) {
          var c = O.pair[p];
          var lane = procs.indexOf(O.p[p]);
          var xa = X(O.t[p]),
            xz = X(c >= 0 ? O.t[c] : t1);
          var placed = stepOf[p] !== undefined;
          var r = svg('rect', {
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
          r.addEventListener('click', function () {
            jumpTo(p, true);
          });
          sv.appendChild(r);
          if (placed && xz - xa > 22)
            sv.appendChild(svg('text', { x: xa + 3, y: top + lane * LH + 15, 'font-size': 10, fill: '#fff', 'pointer-events': 'none' }, String(stepOf[p])));
        });
        box.appendChild(sv);
      }
      var tbl = el('table');
      tbl.appendChild(
        el(
          'tr',
          null,
          ['step', 'op', 'process', 'operation', 'model state after'].map(function (h) {
            return el('th', { text: h });
          }),
        ),
      );
      function opBtn(p) {
        return el('button', {
          class: 'oplink',
          text: '#' + opIndex(p),
          onclick: function () {
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
      L.steps.forEach(function (x) {
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
      var rest = L.unplaced.slice();
      if (L.stuckAt != null && L.stuckAt >= 0) {
        rest = rest.filter(function (p) {
          return p !== L.stuckAt;
        });
        tbl.appendChild(
          el('tr', { class: 'stuck' }, [
            el('td', { text: '✗' }),
            el('td', null, [opBtn(L.stuckAt)]),
            el('td', { text: procName(L.stuckAt) }),
            el('td', { class: 'mono', text: L.desc[L.stuckAt] || '' }),
            el('td', { text: 'cannot be placed here: its result is impossible in every order consistent with real time' }),
          ]),
        );
      }
      rest.forEach(function (p) {
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
  var selectRow = function () {};
  (function () {
    var s = section('explorer', 'History', N + ' ops; filter, then click a row to show it on the timeline');
    var ROW = 22;
    var filters = el('div', { class: 'filters' });
    function select(name, values) {
      var sl = el('select', { 'data-filter': name }, [el('option', { value: '', text: name + ': any' })]);
      values.forEach(function (v) {
        sl.appendChild(el('option', { value: v[0], text: v[1] }));
      });
      sl.addEventListener('change', apply);
      filters.appendChild(sl);
      return sl;
    }
    var fProc = el('input', { placeholder: 'process (e.g. 3, nemesis)', size: '18', 'data-filter': 'process' });
    fProc.addEventListener('input', apply);
    filters.appendChild(fProc);
    var fKey = select(
      'key',
      D.dict.k
        .map(function (k, i) {
          return [String(i), k];
        })
        .sort(function (a, b) {
          return a[1] < b[1] ? -1 : 1;
        }),
    );
    var fF = select(
      'f',
      D.dict.f.map(function (k, i) {
        return [String(i), k];
      }),
    );
    var fT = select(
      'type',
      TYPES.map(function (k, i) {
        return [String(i), k];
      }),
    );
    var fN = select(
      'node',
      D.dict.nd.map(function (k, i) {
        return [String(i), k];
      }),
    );
    var fText = el('input', { placeholder: 'value or error contains…', size: '22', 'data-filter': 'text' });
    fText.addEventListener('input', apply);
    filters.appendChild(fText);
    var count = el('span', { class: 'muted', id: 'ex-count' });
    filters.appendChild(count);
    s.appendChild(filters);
    var heads = ['#', 'time', 'process', 'type', 'f', 'key', 'value', 'node', 'error', 'latency'];
    s.appendChild(
      el(
        'div',
        { class: 'ex-head' },
        heads.map(function (h) {
          return el('span', { text: h });
        }),
      ),
    );
    var scroller = el('div', { id: 'ex-scroll' });
    var spacer = el('div', { id: 'ex-spacer' });
    var rowsEl = el('div', { id: 'ex-rows' });
    scroller.appendChild(spacer);
    scroller.appendChild(rowsEl);
    s.appendChild(scroller);
    var rows = new Int32Array(N);
    for (var i = 0; i < N; i++) rows[i] = i;
    var count_ = N;
    var selected = -1;
    // Browsers cap element heights (~17M px in Firefox): past that, scroll position maps proportionally.
    var MAX_PX = 8000000;
    var pool = [];
    function ensurePool(n) {
      while (pool.length < n) {
        var r = el('div', { class: 'ex-row' });
        for (var c = 0; c < heads.length; c++) r.appendChild(el('span'));
        r.addEventListener('click', onRowClick);
        rowsEl.appendChild(r);
        pool.push(r);
      }
    }
    function onRowClick(ev) {
      var pos = Number(ev.currentTarget.dataset.pos);
      if (pos >= 0) {
        selected = pos;
        render();
        jumpTo(pos, false);
      }
    }
    function firstRow() {
      var total = count_ * ROW;
      var vh = scroller.clientHeight;
      if (total <= MAX_PX) return { first: Math.floor(scroller.scrollTop / ROW), offset: scroller.scrollTop % ROW };
      var frac = scroller.scrollTop / Math.max(1, MAX_PX - vh);
      return { first: Math.floor(frac * Math.max(0, count_ - Math.floor(vh / ROW))), offset: 0 };
    }
    function render() {
      var vh = scroller.clientHeight || 440;
      var visible = Math.ceil(vh / ROW) + 1;
      ensurePool(visible);
      var fr = firstRow();
      rowsEl.style.transform = 'translateY(' + (scroller.scrollTop - fr.offset) + 'px)';
      for (var k = 0; k < pool.length; k++) {
        var r = pool[k];
        var idx = fr.first + k;
        if (k >= visible || idx >= count_) {
          r.style.display = 'none';
          r.dataset.pos = '-1';
          continue;
        }
        var pos = rows[idx];
        r.style.display = '';
        r.dataset.pos = String(pos);
        r.className = 'ex-row' + (pos === selected ? ' sel' : '') + (O.p[pos] < 0 ? ' nemesis' : '');
        var cells = r.children;
        var ty = O.ty[pos];
        var pr = O.pair[pos];
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
    function apply() {
      var pv = fProc.value.trim();
      var proc = pv === '' ? null : pv === 'nemesis' ? -1 : Number(pv);
      var k = fKey.value === '' ? null : Number(fKey.value);
      var f = fF.value === '' ? null : Number(fF.value);
      var t = fT.value === '' ? null : Number(fT.value);
      var nd = fN.value === '' ? null : Number(fN.value);
      var text = fText.value.toLowerCase();
      // Error texts are few (a dictionary): decide once per entry, not per row.
      var errHit = text
        ? D.dict.e.map(function (e) {
            return e.toLowerCase().indexOf(text) >= 0;
          })
        : null;
      var c = 0;
      for (var i = 0; i < N; i++) {
        if (proc !== null && O.p[i] !== proc) continue;
        if (k !== null && O.k[i] !== k) continue;
        if (f !== null && O.f[i] !== f) continue;
        if (t !== null && O.ty[i] !== t) continue;
        if (nd !== null && O.nd[i] !== nd) continue;
        if (text && !(O.e[i] >= 0 && errHit[O.e[i]]) && valueOf(i).toLowerCase().indexOf(text) < 0) continue;
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
      function () {
        requestAnimationFrame(render);
      },
      { passive: true },
    );
    selectRow = function (pos) {
      selected = pos;
      var lo = 0,
        hi = count_;
      while (lo < hi) {
        var m = (lo + hi) >> 1;
        if (rows[m] < pos) lo = m + 1;
        else hi = m;
      }
      if (lo < count_ && rows[lo] === pos) {
        var vh = scroller.clientHeight || 440;
        var total = count_ * ROW;
        var target = total <= MAX_PX ? lo * ROW - vh / 2 : (lo / Math.max(1, count_ - Math.floor(vh / ROW))) * (MAX_PX - vh);
        scroller.scrollTop = Math.max(0, target);
      }
      render();
    };
    apply();
  })();
})();
