// The containers view: the list with each one's state and actions, and its logs followed as text.
// container-create.js adds the form that creates one; container-panel.js the panel of one
// container's less common actions ("More"), container-files.js its files.
'use strict';

(function () {
  const { $, el, button, call, json, notice, failed, readLines } = DM;

  const nameOf = (c) => (c.Names && c.Names[0] ? c.Names[0].replace(/^\//, '') : c.Id.slice(0, 12));
  // Docker's own grammar of container names (RestrictedNamePattern): two characters at least.
  const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
  const panel = () => DM.containerPanel;

  async function load() {
    const list = await json('GET', 'container/list', { all: 1 });
    const rows = $('container-rows');
    rows.replaceChildren();
    for (const c of list) {
      const name = nameOf(c);
      const running = c.State === 'running' || c.State === 'restarting' || c.State === 'paused';
      const actions = el('td', { class: 'actions' });
      if (c.State === 'paused') actions.append(button('Unpause', name, () => act('unpause', c.Id, name, 'unpaused')));
      if (running) {
        actions.append(button('Stop', name, () => act('stop', c.Id, name, 'stopped')),
          button('Restart', name, () => act('restart', c.Id, name, 'restarted')));
      } else {
        actions.append(button('Start', name, () => act('start', c.Id, name, 'started')));
      }
      if (c.State === 'running') actions.append(button('Pause', name, () => act('pause', c.Id, name, 'paused')));
      const more = button('More', name, () => {
        if ((panel().shown() || {}).id === c.Id) panel().close(); else panel().open(c);
        markOpen();
      });
      more.setAttribute('aria-controls', 'container-panel');
      more.dataset.id = c.Id;
      actions.append(button('Logs', name, () => openLogs(c.Id, name)), more,
        button('Remove', name, () => remove(c.Id, name)));
      rows.append(el('tr', { 'data-name': name, 'data-state': c.State },
        el('td', { 'data-label': 'Name', textContent: name }),
        el('td', { 'data-label': 'Image', textContent: c.Image }),
        el('td', { 'data-label': 'State', class: 'state ' + c.State, textContent: c.Status || c.State }),
        actions));
    }
    $('containers-empty').hidden = list.length > 0;
    panel().sync(list, nameOf);
    markOpen();
  }

  // Each "More" says whether the panel is open for its container.
  function markOpen() {
    const open = panel().shown();
    for (const b of $('container-rows').querySelectorAll('button[aria-controls="container-panel"]')) {
      b.setAttribute('aria-expanded', String(!!open && open.id === b.dataset.id));
    }
  }

  async function act(what, id, name, done, query) {
    await call('POST', 'container/' + what + '/' + encodeURIComponent(id), query);
    notice(name + ' ' + done + '.', 'ok');
    await load();
  }

  async function remove(id, name) {
    if (!window.confirm('Remove the container ' + name + '?')) return;
    await call('POST', 'container/remove/' + encodeURIComponent(id));
    if (logs.id === id) stopLogs();
    notice(name + ' removed.', 'ok');
    await load();
  }

  // ---- logs: plain text, followed by a streaming fetch -------------------------------------

  // Streams end at dockerman's deadline (before the web server's): then the next one starts
  // from the last line's time (since=), which timestamps=1 puts at the head of every line.
  const logs = { id: null, name: '', run: null, controller: null, since: null };
  const MAX_LOG_LINES = 5000;

  function stopLogs() {
    if (logs.controller) logs.controller.abort();
    logs.controller = null;
    logs.id = null;
    logs.run = null;
    $('logs').hidden = true;
  }

  function openLogs(id, name) {
    stopLogs();
    const run = {};
    logs.id = id;
    logs.name = name;
    logs.run = run;
    logs.since = null;
    $('logs-title').textContent = 'Logs of ' + name;
    $('log-lines').textContent = '';
    $('logs').hidden = false;
    followLogs(id, run);
  }

  // "2024-01-02T03:04:05.123456789Z" → "1704164645.123456790": just after that line.
  function nextSince(stamp) {
    const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/.exec(stamp);
    if (!m) return null;
    const seconds = Math.floor(Date.parse(m[1] + 'Z') / 1000);
    const nanos = parseInt(((m[2] || '') + '000000000').slice(0, 9), 10) + 1;
    return nanos >= 1e9 ? String(seconds + 1) + '.000000000' : seconds + '.' + String(nanos).padStart(9, '0');
  }

  // One run per opening of the panel: a run that was stopped (or replaced) ends quietly.
  async function followLogs(id, run) {
    const pre = $('log-lines');
    while (logs.run === run) {
      const follow = $('logs-follow').checked;
      const controller = new AbortController();
      logs.controller = controller;
      const query = { stdout: 1, stderr: 1, timestamps: 1, format: 'text', follow: follow ? 1 : 0 };
      if (logs.since) query.since = logs.since; else query.tail = 200;
      try {
        const response = await call('GET', 'container/logs/' + encodeURIComponent(id), query, { signal: controller.signal });
        await readLines(response, (line) => {
          const space = line.indexOf(' ');
          const since = space > 0 ? nextSince(line.slice(0, space)) : null;
          if (since) logs.since = since;
          const stick = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
          pre.append((since ? line.slice(space + 1) : line) + '\n');
          while (pre.childNodes.length > MAX_LOG_LINES) pre.firstChild.remove();
          if (stick) pre.scrollTop = pre.scrollHeight;
        });
      } catch (e) {
        if (logs.run === run) { failed(e); stopLogs(); }
        return;
      }
      if (!follow) return;
      const state = await json('GET', 'container/inspect/' + encodeURIComponent(id)).catch(() => null);
      if (!state || !state.State || !state.State.Running) return; // it stopped: no more lines
    }
  }

  // Prune: the daemon removes every stopped container.
  async function prune() {
    if (!window.confirm('Remove every stopped container?')) return;
    const done = await json('POST', 'container/prune');
    const removed = (done && done.ContainersDeleted) || [];
    notice(removed.length + ' stopped container' + (removed.length === 1 ? '' : 's') + ' removed, ' +
      DM.size((done && done.SpaceReclaimed) || 0) + ' freed.', 'ok');
    await load();
  }

  $('containers-refresh').addEventListener('click', () => load().catch(failed));
  $('containers-prune').addEventListener('click', () => prune().catch(failed));
  $('logs-close').addEventListener('click', stopLogs);
  $('logs-follow').addEventListener('change', () => { if (logs.id) openLogs(logs.id, logs.name); });

  DM.containers = { load, act, nameOf, markOpen, NAME };
  DM.view('containers', { load, leave: () => { stopLogs(); panel().close(); } });
})();
