// The events view: the daemon's events as they happen, newest first, optionally of one type.
'use strict';

(function () {
  const { $, el, call, json, failed, shortId } = DM;

  const MAX_ROWS = 500;

  // Each stream ends at dockerman's deadline; the next one asks for the events since the last
  // one's time (since= is inclusive: the events already shown at that very nanosecond are skipped).
  const state = { run: null, controller: null, lastNano: null, seen: new Set() };

  // "2024-01-02T03:04:05.123456789+01:00" (the daemon's clock, info's SystemTime) → "seconds.nanos".
  function sinceOf(stamp) {
    const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(stamp || '');
    if (!m) return null;
    const seconds = Date.parse(m[1] + m[3]) / 1000;
    return Number.isFinite(seconds) ? seconds + '.' + ((m[2] || '') + '000000000').slice(0, 9) : null;
  }

  const sinceOfNano = (nano) => nano.slice(0, -9) + '.' + nano.slice(-9);

  function stop(text) {
    if (state.controller) state.controller.abort();
    state.controller = null;
    state.run = null;
    $('events-state').textContent = text || 'Stopped.';
  }

  async function load() {
    stop();
    const run = {};
    state.run = run;
    state.lastNano = null;
    state.seen = new Set();
    $('event-rows').replaceChildren();
    $('events-state').textContent = 'Connecting…';
    // From the daemon's own now: no event is lost between two streams, even with none shown yet.
    let info;
    try { info = await json('GET', 'info'); } catch (e) { if (state.run === run) stop('Stopped: ' + e.message); throw e; }
    follow(run, sinceOf(info.SystemTime), $('events-type').value);
  }

  // One run per opening of the view (or change of the type): a run stopped or replaced ends quietly.
  async function follow(run, since, type) {
    while (state.run === run) {
      const controller = new AbortController();
      state.controller = controller;
      const query = { since };
      if (type) query.filters = JSON.stringify({ type: [type] });
      const started = Date.now();
      // Said at once: the answer's head may come only with the first event or heartbeat.
      $('events-state').textContent = 'Following the events' + (type ? ' of type ' + type : '') + '.';
      try {
        const response = await call('GET', 'events', query, { signal: controller.signal });
        await DM.readLines(response, (line) => { if (state.run === run) add(line); });
      } catch (e) {
        if (state.run === run) { stop('Stopped: ' + e.message); failed(e); }
        return;
      }
      if (state.lastNano) since = sinceOfNano(state.lastNano);
      // A stream that ends at once (not at the deadline) is not asked for again at full speed.
      if (Date.now() - started < 1000) await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }

  function add(line) {
    if (!line.trim()) return; // a heartbeat
    let ev;
    try { ev = JSON.parse(line); } catch (e) { return; }
    // timeNano is past what a JS number holds exactly: read from the text as it is.
    const m = /"timeNano":\s*(\d+)/.exec(line);
    const nano = m ? m[1] : String(ev.time || 0) + '000000000';
    if (state.lastNano !== null && BigInt(nano) < BigInt(state.lastNano)) return;
    if (nano === state.lastNano) {
      if (state.seen.has(line)) return;
    } else {
      state.lastNano = nano;
      state.seen = new Set();
    }
    state.seen.add(line);
    const actor = ev.Actor || {};
    const attributes = actor.Attributes || {};
    const name = attributes.name || shortId(actor.ID);
    const rows = $('event-rows');
    rows.prepend(el('tr', { 'data-type': ev.Type || '', 'data-action': ev.Action || '', 'data-actor': name },
      el('td', { 'data-label': 'Time', textContent: new Date(Number(nano.slice(0, -6))).toLocaleString() }),
      el('td', { 'data-label': 'Type', textContent: ev.Type || '' }),
      el('td', { 'data-label': 'Action', textContent: ev.Action || '' }),
      el('td', { 'data-label': 'Actor', textContent: name + (attributes.name && actor.ID ? ' (' + shortId(actor.ID) + ')' : '') })));
    while (rows.childElementCount > MAX_ROWS) rows.lastElementChild.remove();
  }

  $('events-type').addEventListener('change', () => load().catch(failed));

  DM.view('events', { load, leave: () => stop() });
})();
