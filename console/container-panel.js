// The panel of one container, opened by its row's "More": the less common actions (rename,
// kill with a signal, inspect, its processes, live stats, its changes, an export).
// container-files.js adds its files and container-resources.js its limits; they learn which
// container the panel shows from the panel's "dm-container" event.
'use strict';

(function () {
  const { $, el, button, call, json, notice, failed, readJsonLines, size, details } = DM;

  // The container the panel is open for: { id, name, state, image }, or null.
  let shown = null;

  function open(c) {
    close();
    shown = { id: c.Id };
    update(c);
    $('container-panel').hidden = false;
    $('panel-title').focus();
  }

  function close() {
    if (!shown) return;
    const id = shown.id;
    const hadFocus = $('container-panel').contains(document.activeElement);
    stopStats();
    shown = null;
    $('top').hidden = true;
    $('container-panel').hidden = true;
    announce();
    DM.containers.markOpen();
    const more = $('container-rows').querySelector('button[aria-controls="container-panel"][data-id="' + id + '"]');
    if (more && hadFocus) more.focus();
  }

  // After each load of the list: the panel follows its container's name and state, and closes
  // when the container is gone.
  function sync(list, nameOf) {
    if (!shown) return;
    const c = list.find((x) => x.Id === shown.id);
    if (!c) close();
    else if (nameOf(c) !== shown.name || c.State !== shown.state) update(c);
    else $('panel-state').textContent = stateLine(c);
  }

  const stateLine = (c) => (c.Status || c.State) + ' · ' + c.Image;

  function update(c) {
    shown.name = DM.containers.nameOf(c);
    shown.state = c.State;
    shown.image = c.Image;
    $('panel-title').textContent = shown.name;
    $('panel-state').textContent = stateLine(c);
    $('rename-submit').setAttribute('aria-label', 'Rename ' + shown.name);
    renderActions();
    announce();
  }

  function announce() {
    $('container-panel').dispatchEvent(new CustomEvent('dm-container', { detail: shown && Object.assign({}, shown) }));
  }

  // The buttons again (a name or state changed); the focus stays on the one that had it.
  function renderActions() {
    const box = $('panel-actions');
    const focused = box.contains(document.activeElement) ? document.activeElement.dataset.action : null;
    const { name, state } = shown;
    const up = state === 'running' || state === 'paused' || state === 'restarting';
    const buttons = [
      ['inspect', button('Inspect', name, inspect)],
      ['top', button('Processes', name, showTop)],
      // Not awaited: the stream runs on after the press, and stops itself on a failure.
      ['stats', stats.run ? button('Stop stats', name, stopStats) : button('Stats', name, () => { startStats(); })],
      ['changes', button('Changes', name, changes)],
      // The container's whole filesystem as a tar: a plain link, the session as sessionid=.
      ['export', el('a', { class: 'button', href: DM.downloadUrl('container/export/' + encodeURIComponent(shown.id)),
        download: '', textContent: 'Export', 'aria-label': 'Export ' + name })],
    ];
    for (const [action, b] of buttons) b.dataset.action = action;
    box.replaceChildren(...buttons.map(([, b]) => b));
    $('kill-field').hidden = !up;
    if (up) $('kill-slot').replaceChildren(button('Kill', name, kill));
    const again = focused && box.querySelector('[data-action="' + focused + '"]');
    if (again) again.focus();
  }

  async function inspect() {
    const { id, name } = shown;
    details('Inspect of ' + name, await json('GET', 'container/inspect/' + encodeURIComponent(id)));
  }

  // What the container changed in its image's files: A added, C changed, D deleted.
  async function changes() {
    const { id, name } = shown;
    const list = (await json('GET', 'container/changes/' + encodeURIComponent(id))) || [];
    details('Changes in ' + name, list.length ? list.map((c) => 'CAD'[c.Kind] + ' ' + c.Path).join('\n') : 'No changes.');
  }

  async function kill() {
    const { id, name } = shown;
    const signal = $('kill-signal').value;
    if (!window.confirm('Send ' + signal + ' to ' + name + '?')) return;
    await DM.containers.act('kill', id, name, signal === 'SIGKILL' ? 'killed' : 'sent ' + signal, { signal });
  }

  // ---- processes: container/top as a table -------------------------------------------------

  async function showTop() {
    const { id, name } = shown;
    const top = await json('GET', 'container/top/' + encodeURIComponent(id));
    if (!shown || shown.id !== id) return;
    const titles = top.Titles || [];
    const processes = top.Processes || [];
    $('top-title').textContent = 'Processes of ' + name + ' (' + processes.length + ')';
    $('top-head').replaceChildren(...titles.map((t) => el('th', { scope: 'col', textContent: t })));
    $('top-rows').replaceChildren(...processes.map((p) =>
      el('tr', {}, ...p.map((v) => el('td', { textContent: v })))));
    $('top').hidden = false;
  }

  // ---- live stats: container/stats?stream=1, one JSON object a second ----------------------

  // One stream at most: a run per opening, ended by Stop stats, the panel closing or the view
  // left. A stream ends at dockerman's deadline; the run then asks again.
  const stats = { run: null, controller: null };

  function stopStats() {
    stats.run = null;
    if (stats.controller) stats.controller.abort();
    stats.controller = null;
    $('stats').hidden = true;
    if (shown) renderActions();
  }

  async function startStats() {
    stopStats();
    const run = {};
    const { id, name } = shown;
    stats.run = run;
    $('stats-title').textContent = 'Live stats of ' + name;
    $('stats').dataset.updates = '0';
    for (const dd of $('stats-facts').querySelectorAll('dd')) { dd.textContent = '…'; delete dd.dataset.bytes; }
    $('stats').hidden = false;
    renderActions();
    while (stats.run === run) {
      const controller = new AbortController();
      stats.controller = controller;
      const began = Date.now();
      let got = 0;
      try {
        const response = await call('GET', 'container/stats/' + encodeURIComponent(id), { stream: 1 }, { signal: controller.signal });
        await readJsonLines(response, (s) => { if (stats.run === run) { got++; showStats(s); } });
      } catch (e) {
        if (stats.run === run) { stopStats(); failed(e); }
        return;
      }
      if (!got && stats.run === run) {
        stopStats();
        notice('No stats came from ' + name + '.', 'error');
      }
      // A stream the daemon ended at once (its container stopped): the next one a second later.
      if (Date.now() - began < 1000) await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }

  const sum = (list, pick) => list.reduce((n, x) => n + (pick(x) || 0), 0);

  // The figures as docker stats works them out: CPU against the whole machine's time since the
  // previous sample, times the CPUs; memory without the page cache that is free to drop
  // (cgroup v1: total_inactive_file, v2: inactive_file).
  function showStats(s) {
    const cpu = s.cpu_stats || {};
    const pre = s.precpu_stats || {};
    const used = ((cpu.cpu_usage || {}).total_usage || 0) - ((pre.cpu_usage || {}).total_usage || 0);
    const system = (cpu.system_cpu_usage || 0) - (pre.system_cpu_usage || 0);
    const cpus = cpu.online_cpus || ((cpu.cpu_usage || {}).percpu_usage || []).length || 1;
    $('stats-cpu').textContent = pre.system_cpu_usage && system > 0 && used >= 0 ? (used / system * cpus * 100).toFixed(1) + ' %' : '…';

    const m = s.memory_stats || {};
    const ms = m.stats || {};
    const inactive = ms.total_inactive_file ?? ms.inactive_file ?? 0;
    const memory = $('stats-memory');
    if (typeof m.usage === 'number') {
      const bytes = inactive < m.usage ? m.usage - inactive : m.usage;
      memory.dataset.bytes = String(bytes);
      memory.textContent = size(bytes) + (m.limit ? ' of ' + size(m.limit) + ' (' + (bytes / m.limit * 100).toFixed(1) + ' %)' : '');
    } else {
      delete memory.dataset.bytes;
      memory.textContent = '—';
    }

    const nets = Object.values(s.networks || {});
    $('stats-network').textContent = nets.length
      ? 'received ' + size(sum(nets, (n) => n.rx_bytes)) + ', sent ' + size(sum(nets, (n) => n.tx_bytes)) : '—';
    const io = (s.blkio_stats || {}).io_service_bytes_recursive || [];
    $('stats-io').textContent = 'read ' + size(sum(io, (x) => /^read$/i.test(x.op) && x.value)) +
      ', written ' + size(sum(io, (x) => /^write$/i.test(x.op) && x.value));
    $('stats-pids').textContent = String((s.pids_stats || {}).current ?? '—');
    const read = Date.parse(s.read);
    $('stats-read').textContent = Number.isNaN(read) || read <= 0 ? '—' : new Date(read).toLocaleTimeString();
    $('stats').dataset.updates = String(Number($('stats').dataset.updates || 0) + 1);
  }

  // ---- rename ------------------------------------------------------------------------------

  DM.onSubmit($('rename-form'), async () => {
    const { id, name } = shown;
    const to = $('rename-name').value.trim().replace(/^\//, '');
    if (!DM.containers.NAME.test(to)) {
      throw new Error('"' + to + '" is no container name: two or more letters, digits, "_", "." and "-", starting with a letter or digit.');
    }
    await call('POST', 'container/rename/' + encodeURIComponent(id), { name: to });
    $('rename-name').value = '';
    notice(name + ' renamed to ' + to + '.', 'ok');
    await DM.containers.load();
  });

  $('panel-close').addEventListener('click', close);

  DM.containerPanel = { open, close, sync, shown: () => shown && Object.assign({}, shown) };
})();
