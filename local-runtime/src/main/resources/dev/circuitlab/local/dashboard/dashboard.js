// The local dashboard page: polls /_dashboard/data and draws each widget of the template's
// dashboards with Chart.js (served from its webjar). Every widget element carries data-widget-title
// and data-widget-type; the circuit-state widget also has a .current-state element (CLOSED,
// HALF_OPEN, OPEN...). After each poll, a widget's data-points attribute holds the number of data
// points its chart shows and data-unavailable the number of its series that have no local source.
'use strict';

(() => {
  const POLL_MS = 1500;
  const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f',
    '#bcbd22', '#17becf'];
  const STATE_TICKS = { 0: 'CLOSED', 1: 'HALF_OPEN', 2: 'OPEN' };

  const root = document.getElementById('dashboards');
  const statusEl = document.getElementById('status');
  const transitionsEl = document.getElementById('transitions');
  const minutesEl = document.getElementById('minutes');
  const periodEl = document.getElementById('period');

  // ?minutes=1&period=10 in the page's URL preselects the window and the period.
  const params = new URLSearchParams(location.search);
  for (const [name, select] of [['minutes', minutesEl], ['period', periodEl]]) {
    const wanted = params.get(name);
    if (wanted && [...select.options].some((o) => o.value === wanted)) select.value = wanted;
  }

  // What the page shows, for people and for the browser test.
  const state = { polls: 0, lastError: null, layout: null };
  window.localDashboard = state;

  const widgets = new Map(); // "dashboard/index" -> { el, chart, ... }

  const pad = (n) => String(n).padStart(2, '0');
  const clock = (ms) => {
    const d = new Date(ms);
    return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  };
  const el = (tag, attrs = {}, ...children) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === 'class') e.className = v;
      else if (k === 'text') e.textContent = v;
      else e.setAttribute(k, v);
    }
    children.forEach((c) => e.append(c));
    return e;
  };

  // A small, safe subset of Markdown for text widgets: headings, lists, links, bold, code.
  function markdown(text) {
    const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    const inline = (s) => esc(s)
      .replace(/`([^`]+)`/g, '<code>$1</code>')
      .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
      .replace(/\[([^\]]+)\]\((https?:\/\/[^)\s]+)\)/g, '<a href="$2" target="_blank" rel="noopener">$1</a>');
    const out = [];
    let list = false;
    for (const line of String(text).split('\n')) {
      const h = line.match(/^(#{1,6})\s+(.*)$/);
      const li = line.match(/^\s*[-*]\s+(.*)$/);
      if (!li && list) { out.push('</ul>'); list = false; }
      if (h) out.push(`<h${h[1].length}>${inline(h[2])}</h${h[1].length}>`);
      else if (li) { if (!list) { out.push('<ul>'); list = true; } out.push(`<li>${inline(li[1])}</li>`); }
      else if (line.trim()) out.push(`<p>${inline(line)}</p>`);
    }
    if (list) out.push('</ul>');
    return out.join('');
  }

  // The layout changes only when the template's dashboards do (the runtime restarted).
  function layoutOf(data) {
    return JSON.stringify(data.dashboards.map((d) => [d.name, d.error || null,
      d.widgets.map((w) => [w.type, w.title, w.view, (w.series || []).map((s) => s.label)])]));
  }

  function build(data) {
    widgets.forEach((w) => w.chart && w.chart.destroy());
    widgets.clear();
    root.replaceChildren();
    for (const d of data.dashboards) {
      const section = el('section', { class: 'dashboard' }, el('h2', { text: d.name }));
      if (d.error) section.append(el('div', { class: 'dashboard-error', text: d.error }));
      const grid = el('div', { class: 'grid' });
      for (const w of d.widgets) {
        const box = el('div', {
          class: 'widget', 'data-widget-type': w.type, 'data-widget-title': w.title || '',
          style: `grid-column: ${w.x + 1} / span ${w.width}; grid-row: ${w.y + 1} / span ${w.height}`,
        });
        const entry = { el: box, widget: w };
        if (w.type === 'metric') buildMetric(entry, w);
        else if (w.type === 'text') box.append(el('div', { class: 'text-widget' }));
        else box.append(el('h3', { text: w.title || w.type }), el('div', { class: 'widget-notes', text: w.note }));
        if (w.type === 'text') box.querySelector('.text-widget').innerHTML = markdown(w.markdown);
        grid.append(box);
        widgets.set(`${d.name}/${w.index}`, entry);
      }
      section.append(grid);
      root.append(section);
    }
  }

  function buildMetric(entry, w) {
    const box = entry.el;
    box.append(el('h3', { text: w.title, title: w.title }));
    box.append(el('div', { class: 'meta', text: '' }));
    if (w.currentState) {
      box.dataset.stateWidget = 'true';
      box.append(el('div', { class: 'state-row' },
        el('div', { class: 'current-state', 'data-state': 'NO DATA', text: 'NO DATA' }),
        el('div', { class: 'state-detail' })));
    }
    if (w.view === 'singleValue') {
      box.append(el('div', { class: 'single-values' }));
    } else {
      const canvas = el('canvas');
      box.append(el('div', { class: 'chart-box' }, canvas, el('div', { class: 'no-data', text: 'No data yet' })));
      entry.chart = new Chart(canvas, chartConfig(w));
    }
    box.append(el('div', { class: 'widget-notes' }));
  }

  function chartConfig(w) {
    const left = (w.yAxis && w.yAxis.left) || {};
    const isState = Boolean(w.currentState);
    const bar = w.view === 'bar';
    return {
      type: bar ? 'bar' : 'line',
      data: { datasets: [] },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        parsing: false,
        normalized: true,
        interaction: { mode: 'nearest', intersect: false },
        plugins: {
          legend: { position: 'bottom', labels: { boxWidth: 10, font: { size: 11 },
            filter: (item, data) => !data.datasets[item.datasetIndex].annotation } },
          tooltip: { callbacks: { title: (items) => (items.length ? clock(items[0].parsed.x) : '') } },
        },
        scales: {
          x: { type: 'linear', ticks: { maxTicksLimit: 6, callback: (v) => clock(v), font: { size: 10 } } },
          y: {
            stacked: Boolean(w.stacked),
            min: typeof left.min === 'number' ? left.min : undefined,
            max: typeof left.max === 'number' ? left.max : undefined,
            beginAtZero: true,
            ticks: {
              font: { size: 10 },
              stepSize: isState ? 1 : undefined,
              callback: isState ? (v) => STATE_TICKS[v] ?? '' : undefined,
            },
          },
        },
      },
    };
  }

  function update(data) {
    for (const d of data.dashboards) {
      for (const w of d.widgets) {
        const entry = widgets.get(`${d.name}/${w.index}`);
        if (entry && w.type === 'metric') updateMetric(entry, w, data);
      }
    }
    updateTransitions(data.transitions);
  }

  function updateMetric(entry, w, data) {
    const box = entry.el;
    const series = w.series || [];
    const available = series.filter((s) => s.available);
    const unavailable = series.filter((s) => !s.available);
    const points = available.reduce((n, s) => n + s.points.length, 0);
    box.dataset.points = String(points);
    box.dataset.unavailable = String(unavailable.length);
    box.dataset.series = String(series.length);
    box.querySelector('.meta').textContent =
      `${w.stat} per ${data.period} s locally (${w.templatePeriod} s in CloudWatch)`;

    const notes = box.querySelector('.widget-notes');
    notes.replaceChildren(...unavailable.map((s) => el('div', { class: 'unavailable', text: `${s.label}: ${s.note}` })));

    if (w.currentState) {
      const label = box.querySelector('.current-state');
      label.textContent = w.currentState.name;
      label.dataset.state = w.currentState.name;
      box.querySelector('.state-detail').textContent = w.currentState.time
        ? `gauge ${w.currentState.value} at ${clock(w.currentState.time)}` : 'no call decided yet';
    }

    if (w.view === 'singleValue') {
      const values = box.querySelector('.single-values');
      values.replaceChildren(...available.map((s) => {
        const last = s.points.length ? s.points[s.points.length - 1][1] : null;
        return el('div', { class: 'single-value' },
          el('div', { class: 'number', text: last === null ? '–' : String(last) }),
          el('div', { class: 'label', text: s.label }));
      }));
      return;
    }

    const chart = entry.chart;
    const datasets = series.map((s, i) => {
      const color = PALETTE[i % PALETTE.length];
      return {
        label: s.available ? s.label : `${s.label} (not available locally)`,
        data: withGaps(s.points, data.period * 1000),
        borderColor: color,
        backgroundColor: w.stacked ? `${color}55` : color,
        fill: Boolean(w.stacked),
        borderWidth: 1.5,
        pointRadius: s.points.length < 3 ? 3 : 1.5,
        stepped: Boolean(w.currentState),
        spanGaps: false,
      };
    });
    const horizontal = ((w.annotations && w.annotations.horizontal) || []).filter((a) => typeof a.value === 'number');
    horizontal.forEach((a) => datasets.push({
      label: a.label || String(a.value),
      annotation: true,
      data: [{ x: data.from, y: a.value }, { x: data.to, y: a.value }],
      borderColor: '#aab7b8',
      borderDash: [4, 4],
      borderWidth: 1,
      pointRadius: 0,
      fill: false,
    }));
    chart.data.datasets = datasets;
    chart.options.scales.x.min = data.from;
    chart.options.scales.x.max = data.to;
    chart.update('none');
    box.querySelector('.no-data').style.display = points > 0 || available.length === 0 ? 'none' : 'flex';
  }

  // A period without a value breaks the line (as CloudWatch draws it) instead of bridging it.
  function withGaps(points, periodMs) {
    const out = [];
    let previous = null;
    for (const [x, y] of points) {
      if (previous !== null && x - previous > periodMs) out.push({ x: previous + periodMs, y: null });
      out.push({ x, y });
      previous = x;
    }
    return out;
  }

  function updateTransitions(transitions) {
    const items = [...transitions].reverse().map((t) => el('li', {},
      el('time', { text: clock(t.time) }),
      el('span', { class: `badge ${t.from}`, text: t.from }), ' → ',
      el('span', { class: `badge ${t.to}`, text: t.to }),
      t.scope === 'instance' ? el('span', { class: 'badge instance', text: 'one instance (store failing)' }) : '',
      el('span', { class: 'reason', text: `${t.circuitId}: ${t.reason}` })));
    if (!items.length) items.push(el('li', { class: 'empty', text: 'No transition in this window.' }));
    transitionsEl.replaceChildren(...items);
  }

  async function poll() {
    try {
      const res = await fetch(`/_dashboard/data?minutes=${minutesEl.value}&period=${periodEl.value}`,
        { cache: 'no-store' });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const data = await res.json();
      const layout = layoutOf(data);
      if (layout !== state.layout) {
        build(data);
        state.layout = layout;
      }
      update(data);
      state.polls += 1;
      state.lastError = null;
      statusEl.textContent = `updated ${clock(data.generatedAt)}`;
      statusEl.classList.remove('error');
    } catch (e) {
      state.lastError = String(e);
      statusEl.textContent = `no data from the local runtime (${e.message}); retrying`;
      statusEl.classList.add('error');
    } finally {
      setTimeout(poll, POLL_MS);
    }
  }

  poll();
})();
