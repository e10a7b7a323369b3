// Mosaic dashboard page: polls the JSON API and draws tables and uPlot charts.
// No build step and nothing from the network but this server: the page must work offline.
(function () {
  'use strict';

  const STATUSES = ['OK', 'WARN', 'STALL', 'STOP', 'REWIND', 'ERR'];
  const PALETTE = ['#3b7ddd', '#2e9d5b', '#d9a400', '#d23c3c', '#8a4fd1', '#e07a1f', '#1fa3a3', '#7a7a7a', '#b5467c', '#4f6d1f'];
  const HOUR_S = 3600;

  const state = {
    groups: [],
    history: {},          // group -> {t: [s], lag: [], secs: [], cons: [], prod: []}
    lastHistoryMs: 0,
    selected: decodeURIComponent((location.hash.match(/group=([^&]+)/) || [])[1] || ''),
    // Until the user picks a group, the detail follows the group with the largest lag.
    autoSelect: !/group=/.test(location.hash),
    sort: {key: 'status', desc: true},
    filter: '',
    statusFilter: 'all',
    period: 2000,
  };
  const charts = {lag: null, seconds: null, rates: null, partitions: null};
  const chartKeys = {lag: '', seconds: '', rates: '', partitions: ''};
  window.mosaicDashboard = {state, charts};

  const $ = (id) => document.getElementById(id);

  // ---- formatting ---------------------------------------------------------------------------
  const int = (n) => n == null ? '-' : Math.round(n).toLocaleString('en-US');
  const rate = (n) => n == null ? '-' : (n >= 100 ? n.toFixed(0) : n.toFixed(1));
  function duration(s, lag) {
    if (s == null) return lag > 0 ? '\u221e' : '-';
    if (s < 60) return s.toFixed(s < 10 ? 1 : 0) + ' s';
    if (s < 3600) return Math.floor(s / 60) + ' min ' + Math.round(s % 60) + ' s';
    return Math.floor(s / 3600) + ' h ' + Math.round((s % 3600) / 60) + ' min';
  }
  const time = (ms) => ms == null ? '-' : new Date(ms).toLocaleTimeString();
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') e.className = v; else if (k === 'text') e.textContent = v; else e.setAttribute(k, v);
    }
    for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return e;
  }
  const statusBadge = (s) => el('span', {class: 'status ' + s, text: s});

  async function getJson(path) {
    const response = await fetch(path, {cache: 'no-store'});
    if (!response.ok && response.status !== 404) throw new Error(path + ': HTTP ' + response.status);
    return response.json();
  }

  // ---- groups table -------------------------------------------------------------------------
  function sortValue(g, key) {
    if (key === 'status') return STATUSES.indexOf(g.status);
    if (key === 'group') return g.group;
    const v = g[key];
    if (v == null) return key === 'drainSeconds' && g.lag > 0 ? Infinity : -Infinity;
    return v;
  }

  function renderGroups() {
    const body = $('groups').tBodies[0];
    const {key, desc} = state.sort;
    const rows = state.groups
      .filter((g) => g.group.toLowerCase().includes(state.filter.toLowerCase()))
      .filter((g) => state.statusFilter === 'all' || g.status !== 'OK')
      .sort((a, b) => {
        const x = sortValue(a, key), y = sortValue(b, key);
        const c = x < y ? -1 : x > y ? 1 : a.group.localeCompare(b.group);
        return desc ? -c : c;
      });
    body.replaceChildren(...rows.map((g) => {
      const little = g.little && g.little.meanLag != null && g.little.lambdaW != null
        ? g.little.meanLag.toFixed(1) + ' vs ' + g.little.lambdaW.toFixed(1) : '-';
      const tr = el('tr', {'data-group': g.group, class: g.group === state.selected ? 'selected' : ''},
        el('td', {}, statusBadge(g.status)),
        el('td', {class: 'group-name', text: g.group}),
        el('td', {class: 'num', text: g.members + ' (' + g.state + ')'}),
        el('td', {class: 'num', text: g.partitionCount}),
        el('td', {class: 'num lag', text: int(g.lag)}),
        el('td', {class: 'num lag-seconds', text: duration(g.lagSeconds, 0)}),
        el('td', {class: 'num', text: rate(g.consumeRate)}),
        el('td', {class: 'num', text: rate(g.produceRate)}),
        el('td', {class: 'num', text: duration(g.drainSeconds, g.lag)}),
        el('td', {class: 'num', text: little}));
      tr.addEventListener('click', () => select(g.group));
      return tr;
    }));
    $('no-groups').hidden = state.groups.length > 0;
    for (const th of $('groups').tHead.rows[0].cells) {
      th.classList.toggle('sorted-asc', th.dataset.sort === key && !desc);
      th.classList.toggle('sorted-desc', th.dataset.sort === key && desc);
    }
  }

  function select(group) {
    state.autoSelect = false;
    state.selected = group;
    history.replaceState(null, '', '#group=' + encodeURIComponent(group));
    renderGroups();
    refreshDetail();
  }

  // ---- history and charts -------------------------------------------------------------------
  function mergeHistory(doc) {
    const cutoff = Date.now() / 1000 - HOUR_S;
    for (const [group, h] of Object.entries(doc.groups || {})) {
      const mine = state.history[group] || (state.history[group] = {t: [], lag: [], secs: [], cons: [], prod: []});
      h.time.forEach((t, i) => {
        mine.t.push(t / 1000);
        mine.lag.push(h.lag[i]);
        mine.secs.push(h.lagSeconds[i]);
        mine.cons.push(h.consumeRate[i]);
        mine.prod.push(h.produceRate[i]);
        state.lastHistoryMs = Math.max(state.lastHistoryMs, t);
      });
      let drop = 0;
      while (drop < mine.t.length && mine.t[drop] < cutoff) drop++;
      if (drop > 0) for (const k of Object.keys(mine)) mine[k].splice(0, drop);
    }
    const present = new Set(state.groups.map((g) => g.group));
    for (const g of Object.keys(state.history)) if (!present.has(g)) delete state.history[g];
  }

  function chartWidth(id) {
    return Math.max(300, $(id).clientWidth || 600);
  }

  function countPoints(data) {
    let n = 0;
    for (let s = 1; s < data.length; s++) for (const v of data[s]) if (v != null) n++;
    return n;
  }

  function draw(name, id, key, makeOpts, data) {
    const box = $(id);
    if (!charts[name] || chartKeys[name] !== key) {
      if (charts[name]) charts[name].destroy();
      box.replaceChildren();
      charts[name] = new uPlot(makeOpts(chartWidth(id)), data, box);
      chartKeys[name] = key;
    } else {
      charts[name].setData(data);
    }
    box.dataset.points = String(countPoints(data));
  }

  function timeSeriesOpts(labels, yLabel) {
    return (width) => ({
      width, height: 240,
      // A single sample has no span: show the minute before it rather than years around it.
      scales: {x: {time: true, range: (u, min, max) => (min === max ? [min - 60, max + 1] : [min, max])}},
      series: [{}].concat(labels.map((l, i) => ({label: l, stroke: PALETTE[i % PALETTE.length], width: 2, spanGaps: false}))),
      axes: [{}, {label: yLabel, size: 70}],
      legend: {live: false},
    });
  }

  function drawGroupCharts() {
    const groups = state.groups.map((g) => g.group).filter((g) => state.history[g] && state.history[g].t.length);
    if (!groups.length) return;
    const key = groups.join('\u0000');
    const tables = (field) => groups.map((g) => [state.history[g].t, state.history[g][field]]);
    const joined = (field) => groups.length === 1 ? [state.history[groups[0]].t.slice(), state.history[groups[0]][field].slice()]
      : uPlot.join(tables(field));
    draw('lag', 'chart-lag', key, timeSeriesOpts(groups, 'records'), joined('lag'));
    draw('seconds', 'chart-seconds', key, timeSeriesOpts(groups, 'seconds'), joined('secs'));
    if (state.selected && state.history[state.selected]) {
      const h = state.history[state.selected];
      draw('rates', 'chart-rates', state.selected, timeSeriesOpts(['consumed/s', 'produced/s'], 'records/s'),
        [h.t.slice(), h.cons.slice(), h.prod.slice()]);
    }
  }

  function drawPartitions(detail) {
    const parts = detail.partitions;
    const topics = new Set(parts.map((p) => p.topic));
    const shortTopic = (t) => {
      const name = t.replace(/^mosaic[.-]/, '');
      return name.length > 14 ? name.slice(0, 13) + '\u2026' : name;
    };
    const labels = parts.map((p) => topics.size === 1 ? String(p.partition) : shortTopic(p.topic) + '-' + p.partition);
    const widest = labels.reduce((w, l) => Math.max(w, l.length), 1);
    const data = [parts.map((_, i) => i), parts.map((p) => p.lag)];
    const key = state.selected + '\u0000' + labels.join(',');
    draw('partitions', 'chart-partitions', key, (width) => ({
      width, height: 240,
      scales: {x: {time: false, range: [-0.5, Math.max(0.5, parts.length - 0.5)]}},
      series: [{}, {label: 'lag', stroke: PALETTE[0], fill: PALETTE[0] + '99', width: 1,
        paths: uPlot.paths.bars({size: [0.7, 60]}), points: {show: false}}],
      axes: [{values: (u, splits) => splits.map((s) => Number.isInteger(s) ? (labels[s] || '') : ''),
        space: Math.max(20, widest * 7 + 10), incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]},
        {label: 'records', size: 70}],
      legend: {show: false},
    }), data);
  }

  // ---- detail -------------------------------------------------------------------------------
  async function refreshDetail() {
    const section = $('detail');
    if (!state.selected || !state.groups.some((g) => g.group === state.selected)) {
      section.hidden = true;
      return;
    }
    const doc = await getJson('/api/groups/' + encodeURIComponent(state.selected) + '?since=' + Date.now());
    if (!doc.group) {
      section.hidden = true;
      return;
    }
    const g = doc.group;
    section.hidden = false;
    $('detail-name').textContent = g.group;
    $('detail-status').className = 'status ' + g.status;
    $('detail-status').textContent = g.status;
    $('detail-summary').textContent = g.members + ' members (' + g.state + '), topics ' + g.topics.join(', ')
      + ' · ' + g.status + ' since ' + time(g.statusSince)
      + ' · catch-up ' + duration(g.catchUpSeconds, g.lag)
      + (g.error ? ' · error: ' + g.error : '');
    $('partitions').tBodies[0].replaceChildren(...g.partitions.map((p) => el('tr', {},
      el('td', {}, statusBadge(p.status)),
      el('td', {text: p.topic}),
      el('td', {class: 'num', text: p.partition}),
      el('td', {class: 'num', text: int(p.committedOffset)}),
      el('td', {class: 'num', text: int(p.latestOffset)}),
      el('td', {class: 'num', text: int(p.lag) + (p.markers ? ' (+' + p.markers + ' markers)' : '')}),
      el('td', {class: 'num', text: duration(p.lagSeconds, 0)}),
      el('td', {class: 'num', text: rate(p.consumeRate)}),
      el('td', {class: 'num', text: rate(p.produceRate)}),
      el('td', {text: p.owner ? p.owner.clientId + ' @ ' + p.owner.host : '(none)'}))));
    drawPartitions(g);
  }

  // ---- jobs and alerts ----------------------------------------------------------------------
  function ms(value) {
    return value >= 100 ? Math.round(value) + '' : value.toFixed(1);
  }

  function renderJobs(doc) {
    $('card-images').textContent = doc.imagesPerSecond == null ? '-' : doc.imagesPerSecond.toFixed(1);
    const running = doc.jobs.filter((j) => j.state !== 'COMPLETED').length;
    const stalled = doc.jobs.filter((j) => j.stalled).length;
    $('card-jobs').textContent = doc.tracking ? running + (stalled ? ' (' + stalled + ' stalled)' : '') : '-';
    $('jobs').tBodies[0].replaceChildren(...doc.jobs.map((j) => {
      const pct = Math.round(j.progress * 100);
      const bar = el('div', {class: 'bar' + (j.state === 'COMPLETED' ? '' : ' running'), title: pct + '%'}, el('span', {style: 'width:' + pct + '%'}));
      return el('tr', {'data-job': j.jobId},
        el('td', {text: j.jobId}),
        // A job that stopped moving shows it here: the workers' lag stays near zero behind the dispatcher.
        j.stalled ? el('td', {title: 'no result for ' + Math.round(j.sinceResultMs / 1000) + ' s'}, j.state + ' ',
          el('span', {class: 'status STALL', text: 'STALLED'})) : el('td', {text: j.state}),
        el('td', {text: (j.priority || 'NORMAL').toLowerCase()}),
        el('td', {}, bar),
        el('td', {class: 'num', text: j.done + ' / ' + (j.taskCount == null ? '?' : j.taskCount)}),
        el('td', {class: 'num', text: j.failed}),
        el('td', {class: 'num', text: j.share == null ? '-' : Math.round(j.share * 100) + '%'}),
        el('td', {class: 'num', title: j.queued + ' held back, ' + j.inFlight + ' in the workers\' queue',
          text: j.state === 'COMPLETED' ? '-' : (j.queued + j.inFlight) + ' (' + j.queued + ' held)'}),
        el('td', {class: 'num', title: 'per image: getting it from its source / decoding / measuring; listing the source took '
            + (j.timing ? j.timing.listingMs : 0) + ' ms',
          text: !j.timing || j.done === 0 ? '-' : ms(j.timing.fetchMs) + ' / ' + ms(j.timing.decodeMs) + ' / ' + ms(j.timing.analysisMs)}),
        el('td', {text: time(j.startedAt)}));
    }));
    $('no-jobs').hidden = doc.jobs.length > 0;
  }

  function renderAlerts(doc) {
    $('alerts').replaceChildren(...doc.alerts.slice(0, 10).map((a) =>
      el('li', {class: a.event}, time(Date.parse(a.time)) + ' ' + a.text)));
    $('no-alerts').hidden = doc.alerts.length > 0;
    $('no-alerts').textContent = doc.enabled ? 'No alert sent.' : 'Alerts are off (set alert.webhook.urls).';
  }

  // ---- polling ------------------------------------------------------------------------------
  async function tick() {
    try {
      const [groups, hist, jobs, alerts] = await Promise.all([
        getJson('/api/groups'),
        getJson('/api/history?since=' + state.lastHistoryMs),
        getJson('/api/jobs'),
        getJson('/api/alerts')]);
      state.groups = groups.groups;
      state.period = Math.min(2000, Math.max(1000, groups.intervalMs));
      $('cluster').textContent = groups.cluster;
      $('interval').textContent = duration(groups.intervalMs / 1000, 0);
      $('updated').textContent = time(groups.time);
      $('error').hidden = !groups.error;
      $('error').textContent = groups.error || '';
      $('card-groups').textContent = groups.groups.length;
      $('card-unhealthy').textContent = groups.groups.filter((g) => g.status !== 'OK').length;
      $('card-lag').textContent = int(groups.groups.reduce((s, g) => s + g.lag, 0));
      if ((state.autoSelect || !state.selected) && groups.groups.length) {
        const current = groups.groups.find((g) => g.group === state.selected);
        const worst = groups.groups.slice().sort((a, b) => b.lag - a.lag)[0];
        if (!current || worst.lag > current.lag) state.selected = worst.group;
      }
      mergeHistory(hist);
      renderGroups();
      drawGroupCharts();
      renderJobs(jobs);
      renderAlerts(alerts);
      await refreshDetail();
    } catch (e) {
      $('error').hidden = false;
      $('error').textContent = 'dashboard unreachable: ' + e.message;
    }
    setTimeout(tick, state.period);
  }

  $('filter').addEventListener('input', (e) => { state.filter = e.target.value; renderGroups(); });
  $('status-filter').addEventListener('change', (e) => { state.statusFilter = e.target.value; renderGroups(); });
  for (const th of $('groups').tHead.rows[0].cells) {
    if (!th.dataset.sort) continue;
    th.addEventListener('click', () => {
      const key = th.dataset.sort;
      state.sort = {key, desc: state.sort.key === key ? !state.sort.desc : key !== 'group'};
      renderGroups();
    });
  }
  window.addEventListener('resize', () => {
    for (const [name, chart] of Object.entries(charts)) {
      if (chart) chart.setSize({width: chartWidth(chart.root.parentNode.id), height: 240});
    }
  });
  tick();
})();
