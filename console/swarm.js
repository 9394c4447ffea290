// The swarm view, for a daemon that is a swarm manager: nodes and their availability; services
// created, scaled, given a new image, removed; their tasks; secrets and configs.
'use strict';

(function () {
  const { $, el, button, call, json, notice, failed, details, shortId } = DM;

  const enc = encodeURIComponent;
  // What the lists last gave: ids → names, for the tasks' table.
  const known = { services: new Map(), nodes: new Map() };
  let timer = null;

  // Only a manager holds the cluster's state: on any other daemon the view is left out.
  async function available() {
    const info = await json('GET', 'info');
    return !!(info && info.Swarm && info.Swarm.ControlAvailable);
  }

  async function load() {
    await Promise.all([loadNodes(), loadServices(), loadSecrets('secret'), loadSecrets('config')]);
    await loadTasks();
    follow();
  }

  // While the view is open, tasks and replica counts follow what the orchestrator does; a run
  // that was stopped (the view left, or opened again) ends at its next turn.
  let run = 0;

  function follow() {
    stop();
    const mine = run;
    timer = setTimeout(async () => {
      if (mine !== run) return;
      if (!document.hidden) {
        try { await Promise.all([loadTasks(), loadCounts()]); } catch (e) { if (mine === run) failed(e); return; }
      }
      if (mine === run) follow();
    }, 4000);
  }

  function stop() {
    run++;
    if (timer) clearTimeout(timer);
    timer = null;
  }

  function td(label, text, cls) {
    return el('td', Object.assign({ 'data-label': label, textContent: text == null ? '' : String(text) }, cls ? { class: cls } : {}));
  }

  // ---- nodes -------------------------------------------------------------------------------

  const AVAILABILITY = [['active', 'Activate'], ['pause', 'Pause'], ['drain', 'Drain']];

  async function loadNodes() {
    const list = await json('GET', 'node/list');
    list.sort((a, b) => (a.Description.Hostname || '').localeCompare(b.Description.Hostname || ''));
    known.nodes = new Map(list.map((n) => [n.ID, n.Description.Hostname || shortId(n.ID)]));
    $('node-rows').replaceChildren(...list.map((n) => {
      const host = known.nodes.get(n.ID);
      const m = n.ManagerStatus;
      const actions = el('td', { class: 'actions' }, button('Inspect', 'node ' + host,
        async () => details('Node ' + host, await json('GET', 'node/inspect/' + enc(n.ID)))));
      for (const [value, label] of AVAILABILITY) {
        if (value !== n.Spec.Availability) actions.append(button(label, host, () => setAvailability(n.ID, host, value)));
      }
      return el('tr', { 'data-name': host, 'data-availability': n.Spec.Availability },
        td('Hostname', host), td('Role', n.Spec.Role), td('Availability', n.Spec.Availability),
        td('State', n.Status.State, 'state ' + n.Status.State),
        td('Manager', m ? (m.Leader ? 'leader' : m.Reachability) : ''), actions);
    }));
  }

  // An update names the version it read: a change made meanwhile makes the daemon refuse it.
  async function setAvailability(id, host, availability) {
    const node = await json('GET', 'node/inspect/' + enc(id));
    await call('POST', 'node/update/' + enc(id), { version: node.Version.Index },
      { json: Object.assign({}, node.Spec, { Availability: availability }) });
    notice(host + ': ' + availability + '.', 'ok');
    await Promise.all([loadNodes(), loadTasks()]);
  }

  // ---- services ----------------------------------------------------------------------------

  function modeOf(s) {
    const mode = s.Spec.Mode || {};
    if (mode.Replicated) return 'replicated';
    if (mode.Global) return 'global';
    return Object.keys(mode)[0] || '';
  }

  const counts = (s) => (s.ServiceStatus ? s.ServiceStatus.RunningTasks + '/' + s.ServiceStatus.DesiredTasks : '');

  async function loadServices() {
    const list = await json('GET', 'service/list', { status: 1 });
    list.sort((a, b) => a.Spec.Name.localeCompare(b.Spec.Name));
    known.services = new Map(list.map((s) => [s.ID, s.Spec.Name]));
    $('service-rows').replaceChildren(...list.map(serviceRow));
    $('services-empty').hidden = list.length > 0;
    const select = $('task-service');
    const chosen = select.value;
    select.replaceChildren(el('option', { value: '', textContent: 'All services' }),
      ...list.map((s) => el('option', { value: s.Spec.Name, textContent: s.Spec.Name })));
    select.value = list.some((s) => s.Spec.Name === chosen) ? chosen : '';
  }

  async function loadCounts() {
    const list = await json('GET', 'service/list', { status: 1 });
    for (const s of list) {
      const cell = $('service-rows').querySelector('tr[data-id="' + s.ID + '"] td.replicas');
      if (cell) cell.textContent = counts(s);
    }
  }

  function serviceRow(s) {
    const name = s.Spec.Name;
    const image = s.Spec.TaskTemplate.ContainerSpec.Image.replace(/@sha256:[0-9a-f]{64}$/, '');
    const actions = el('td', { class: 'actions' });
    if (s.Spec.Mode && s.Spec.Mode.Replicated) {
      const replicas = el('input', { type: 'number', min: 0, value: s.Spec.Mode.Replicated.Replicas || 0, 'aria-label': 'Replicas of ' + name });
      actions.append(replicas, button('Scale', name, () => scale(s.ID, name, replicas.value)));
    }
    const newImage = el('input', { value: image, autocapitalize: 'none', spellcheck: false, 'aria-label': 'Image of ' + name });
    actions.append(newImage, button('Update image', name, () => updateImage(s.ID, name, newImage.value.trim())),
      button('Tasks', name, () => { $('task-service').value = name; return loadTasks(); }),
      button('Logs', name, () => logs(s.ID, name)),
      button('Inspect', 'service ' + name, async () => details('Service ' + name, await json('GET', 'service/inspect/' + enc(s.ID)))),
      button('Remove', 'service ' + name, () => removeService(s.ID, name)));
    return el('tr', { 'data-name': name, 'data-id': s.ID },
      td('Name', name), td('Image', image), td('Mode', modeOf(s)), td('Replicas', counts(s), 'replicas'), actions);
  }

  // Scaling and new images are updates of the whole spec: read it, change it, send it back with
  // the version it had.
  async function update(id, change) {
    const service = await json('GET', 'service/inspect/' + enc(id));
    const spec = service.Spec;
    change(spec);
    await call('POST', 'service/update/' + enc(id), { version: service.Version.Index }, { json: spec });
  }

  async function scale(id, name, value) {
    const replicas = Number(value);
    if (!Number.isInteger(replicas) || replicas < 0) { notice('Replicas: a whole number, 0 or more.', 'error'); return; }
    await update(id, (spec) => { spec.Mode.Replicated.Replicas = replicas; });
    notice(name + ' scaled to ' + replicas + '.', 'ok');
    await Promise.all([loadServices(), loadTasks()]);
  }

  // ForceUpdate changed: the tasks are replaced even when the reference names the same image.
  async function updateImage(id, name, image) {
    if (!image) { notice('Image: a reference such as alpine:3.20.', 'error'); return; }
    await update(id, (spec) => {
      spec.TaskTemplate.ContainerSpec.Image = image;
      spec.TaskTemplate.ForceUpdate = (spec.TaskTemplate.ForceUpdate || 0) + 1;
    });
    notice(name + ' updated to ' + image + '.', 'ok');
    await Promise.all([loadServices(), loadTasks()]);
  }

  async function removeService(id, name) {
    if (!window.confirm('Remove the service ' + name + ' and its tasks?')) return;
    await call('DELETE', 'service/remove/' + enc(id));
    notice(name + ' removed.', 'ok');
    await Promise.all([loadServices(), loadTasks()]);
  }

  async function logs(id, name) {
    const response = await call('GET', 'service/logs/' + enc(id), { stdout: 1, stderr: 1, tail: 200, format: 'text' });
    details('Logs of ' + name, await response.text());
  }

  // A command line as a shell splits it: words at blanks, 'single' and "double" quotes kept whole.
  function words(line) {
    const out = [];
    let word = null;
    for (const m of line.matchAll(/'([^']*)'|"((?:[^"\\]|\\.)*)"|(\s+)|([^\s'"]+)/g)) {
      if (m[3] !== undefined) { if (word !== null) out.push(word); word = null; continue; }
      const part = m[1] !== undefined ? m[1] : m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[4];
      word = (word || '') + part;
    }
    if (word !== null) out.push(word);
    return out;
  }

  DM.onSubmit($('service-form'), async (form) => {
    const name = $('service-name').value.trim();
    const replicas = Number($('service-replicas').value || 0);
    const containerSpec = { Image: $('service-image').value.trim() };
    const args = words($('service-command').value);
    if (args.length) containerSpec.Args = args; // the image's own command otherwise
    await call('POST', 'service/create', null, { json: {
      Name: name,
      TaskTemplate: { ContainerSpec: containerSpec },
      Mode: { Replicated: { Replicas: replicas } },
    } });
    notice(name + ' created.', 'ok');
    form.reset();
    await Promise.all([loadServices(), loadTasks()]);
  });

  // ---- tasks -------------------------------------------------------------------------------

  async function loadTasks() {
    const service = $('task-service').value;
    const list = await json('GET', 'task/list', service ? { filters: JSON.stringify({ service: [service] }) } : {});
    const nameOf = (t) => known.services.get(t.ServiceID) || shortId(t.ServiceID);
    list.sort((a, b) => nameOf(a).localeCompare(nameOf(b)) || (a.Slot || 0) - (b.Slot || 0)
      || String(b.UpdatedAt).localeCompare(String(a.UpdatedAt)));
    $('task-rows').replaceChildren(...list.map((t) => {
      const label = nameOf(t) + (t.Slot ? '.' + t.Slot : '');
      return el('tr', { 'data-service': nameOf(t), 'data-state': t.Status.State, 'data-desired': t.DesiredState },
        td('Id', shortId(t.ID)), td('Service', label),
        td('Node', known.nodes.get(t.NodeID) || shortId(t.NodeID)), td('Desired', t.DesiredState),
        td('Current', t.Status.State, 'state ' + t.Status.State), td('Error', t.Status.Err || ''));
    }));
    $('tasks-empty').hidden = list.length > 0;
  }

  // ---- secrets and configs: the same routes under secret/ and config/ ----------------------

  // Base64 of the text's UTF-8 bytes, as the daemon takes Data.
  function base64(text) {
    let binary = '';
    for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
    return btoa(binary);
  }

  function fromBase64(data) {
    const bytes = Uint8Array.from(atob(data || ''), (c) => c.charCodeAt(0));
    return new TextDecoder().decode(bytes);
  }

  async function loadSecrets(kind) {
    const list = await json('GET', kind + '/list');
    list.sort((a, b) => a.Spec.Name.localeCompare(b.Spec.Name));
    $(kind + '-rows').replaceChildren(...list.map((x) => el('tr', { 'data-name': x.Spec.Name },
      td('Name', x.Spec.Name), td('Created', new Date(x.CreatedAt).toLocaleString()),
      el('td', { class: 'actions' },
        button('Inspect', kind + ' ' + x.Spec.Name, () => inspectSecret(kind, x.ID, x.Spec.Name)),
        button('Remove', kind + ' ' + x.Spec.Name, () => removeSecret(kind, x.ID, x.Spec.Name))))));
    $(kind + 's-empty').hidden = list.length > 0;
  }

  // A secret's data never leaves the daemon; a config's is shown as text.
  async function inspectSecret(kind, id, name) {
    const x = await json('GET', kind + '/inspect/' + enc(id));
    let text = JSON.stringify(x, null, 2);
    if (kind === 'config' && x.Spec && x.Spec.Data) text += '\n\nData:\n' + fromBase64(x.Spec.Data);
    details((kind === 'secret' ? 'Secret ' : 'Config ') + name, text);
  }

  async function removeSecret(kind, id, name) {
    if (!window.confirm('Remove the ' + kind + ' ' + name + '?')) return;
    await call('DELETE', kind + '/remove/' + enc(id));
    notice(name + ' removed.', 'ok');
    await loadSecrets(kind);
  }

  for (const kind of ['secret', 'config']) {
    DM.onSubmit($(kind + '-form'), async (form) => {
      const name = $(kind + '-name').value.trim();
      await call('POST', kind + '/create', null, { json: { Name: name, Data: base64($(kind + '-data').value) } });
      notice(name + ' created.', 'ok');
      form.reset();
      await loadSecrets(kind);
    });
  }

  $('swarm-refresh').addEventListener('click', () => load().catch(failed));
  $('task-service').addEventListener('change', () => loadTasks().catch(failed));

  DM.view('swarm', { load, leave: stop, available });
})();
