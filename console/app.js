// dockerman's console: the Docker pages of the router, talking to dockerman's own routes with a
// LuCI session (session/login) sent as "Authorization: Bearer". Plain JS, no framework.
'use strict';

(function () {
  const API = document.querySelector('meta[name="dockerman-api"]').content;
  const KEY = 'dockerman.session';
  const $ = (id) => document.getElementById(id);

  // ---- the session -------------------------------------------------------------------------

  function session() {
    try { return JSON.parse(sessionStorage.getItem(KEY)); } catch (e) { return null; }
  }

  function endSession(message) {
    sessionStorage.removeItem(KEY);
    stopLogs();
    showLogin(message);
  }

  // A refusal that means "log in again": no session, or one rpcd no longer knows.
  class LoginNeeded extends Error {}

  // dockerman's errors (and the daemon's) are {"message": ...}.
  class ApiError extends Error {
    constructor(status, message) { super(message); this.status = status; }
  }

  async function errorOf(response) {
    let message = response.status + ' ' + response.statusText;
    try {
      const body = await response.json();
      if (body && typeof body.message === 'string') message = body.message;
    } catch (e) { /* not JSON: the status says it */ }
    return new ApiError(response.status, message);
  }

  // One call to dockerman. Answers the Response (ok), or throws ApiError / LoginNeeded.
  async function call(method, path, query, options) {
    const s = session();
    if (!s) throw new LoginNeeded('Log in first.');
    const url = new URL(API + path, location.href);
    for (const [k, v] of Object.entries(query || {})) {
      if (v !== undefined && v !== null) url.searchParams.set(k, String(v));
    }
    const response = await fetch(url, {
      method,
      headers: { Authorization: 'Bearer ' + s.session },
      cache: 'no-store',
      signal: options && options.signal,
    });
    if (response.ok) return response;
    const error = await errorOf(response);
    if (response.status === 401 || (response.status === 403 && /expired|unknown/i.test(error.message))) {
      throw new LoginNeeded(error.message);
    }
    throw error;
  }

  async function json(method, path, query) {
    const response = await call(method, path, query);
    const text = await response.text();
    return text ? JSON.parse(text) : null;
  }

  // What any failed action does: back to the login form, or the message on screen.
  function failed(error) {
    if (error instanceof LoginNeeded) {
      endSession(error.message);
    } else if (error.name !== 'AbortError') {
      notice(error.message, 'error');
    }
  }

  function notice(text, kind) {
    const n = $('notice');
    n.textContent = text;
    n.className = kind || '';
    n.hidden = !text;
  }

  // The lines of a streamed body as they arrive (bytes split at \n, decoded one line at a time);
  // onLine(text, bytes) gets each line without its \n, bytes counting the \n.
  async function readLines(response, onLine) {
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let pending = new Uint8Array(0);
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      const chunk = new Uint8Array(pending.length + value.length);
      chunk.set(pending);
      chunk.set(value, pending.length);
      let start = 0;
      for (let i = 0; i < chunk.length; i++) {
        if (chunk[i] === 10) {
          onLine(decoder.decode(chunk.subarray(start, i)), i + 1 - start);
          start = i + 1;
        }
      }
      pending = chunk.slice(start);
    }
    if (pending.length) onLine(decoder.decode(pending), pending.length);
  }

  // ---- views -------------------------------------------------------------------------------

  const views = ['containers', 'images', 'system'];
  const loaders = { containers: loadContainers, images: loadImages, system: loadSystem };

  function showLogin(message) {
    for (const v of views) $(v).hidden = true;
    $('nav').hidden = true;
    $('who').hidden = true;
    notice('');
    $('login').hidden = false;
    $('login-error').textContent = message || '';
    $('password').value = '';
    $('username').focus();
  }

  function show(view) {
    $('login').hidden = true;
    $('nav').hidden = false;
    $('who').hidden = false;
    $('user').textContent = (session() || {}).username || '';
    for (const v of views) $(v).hidden = v !== view;
    for (const b of $('nav').querySelectorAll('button')) {
      if (b.dataset.view === view) b.setAttribute('aria-current', 'page');
      else b.removeAttribute('aria-current');
    }
    if (view !== 'containers') stopLogs();
    notice('');
    loaders[view]().catch(failed);
  }

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') e.className = v;
      else if (k.startsWith('data-')) e.setAttribute(k, v);
      else e[k] = v;
    }
    for (const c of children) e.append(c);
    return e;
  }

  function button(label, name, action) {
    const b = el('button', { type: 'button', textContent: label });
    b.setAttribute('aria-label', label + ' ' + name);
    b.addEventListener('click', async () => {
      b.disabled = true;
      try { await action(); } catch (e) { failed(e); } finally { b.disabled = false; }
    });
    return b;
  }

  // ---- containers --------------------------------------------------------------------------

  const nameOf = (c) => (c.Names && c.Names[0] ? c.Names[0].replace(/^\//, '') : c.Id.slice(0, 12));

  async function loadContainers() {
    const list = await json('GET', 'container/list', { all: 1 });
    const rows = $('container-rows');
    rows.replaceChildren();
    for (const c of list) {
      const name = nameOf(c);
      const running = c.State === 'running' || c.State === 'restarting' || c.State === 'paused';
      const actions = el('td', { class: 'actions' });
      if (running) {
        actions.append(button('Stop', name, () => act('stop', c.Id, name, 'stopped')),
          button('Restart', name, () => act('restart', c.Id, name, 'restarted')));
      } else {
        actions.append(button('Start', name, () => act('start', c.Id, name, 'started')));
      }
      actions.append(button('Logs', name, () => openLogs(c.Id, name)),
        button('Remove', name, () => removeContainer(c.Id, name)));
      rows.append(el('tr', { 'data-name': name, 'data-state': c.State },
        el('td', { 'data-label': 'Name', textContent: name }),
        el('td', { 'data-label': 'Image', textContent: c.Image }),
        el('td', { 'data-label': 'State', class: 'state ' + c.State, textContent: c.Status || c.State }),
        actions));
    }
    $('containers-empty').hidden = list.length > 0;
  }

  async function act(what, id, name, done) {
    await call('POST', 'container/' + what + '/' + encodeURIComponent(id));
    notice(name + ' ' + done + '.', 'ok');
    await loadContainers();
  }

  async function removeContainer(id, name) {
    if (!window.confirm('Remove the container ' + name + '?')) return;
    await call('POST', 'container/remove/' + encodeURIComponent(id));
    if (logs.id === id) stopLogs();
    notice(name + ' removed.', 'ok');
    await loadContainers();
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

  // ---- images and pulls --------------------------------------------------------------------

  function size(bytes) {
    const units = ['B', 'kB', 'MB', 'GB', 'TB'];
    let i = 0;
    while (bytes >= 1000 && i < units.length - 1) { bytes /= 1000; i++; }
    return (i ? bytes.toFixed(1) : bytes) + ' ' + units[i];
  }

  async function loadImages() {
    const list = await json('GET', 'image/list');
    const rows = $('image-rows');
    rows.replaceChildren();
    for (const image of list) {
      const tags = (image.RepoTags || []).filter((t) => t !== '<none>:<none>');
      rows.append(el('tr', { 'data-tags': tags.join(' ') },
        el('td', { 'data-label': 'Tags', textContent: tags.join(', ') || '<none>' }),
        el('td', { 'data-label': 'Id', textContent: image.Id.replace(/^sha256:/, '').slice(0, 12) }),
        el('td', { 'data-label': 'Size', textContent: size(image.Size) }),
        el('td', { 'data-label': 'Created', textContent: new Date(image.Created * 1000).toLocaleString() })));
    }
  }

  // "host:5000/a/b:tag" → fromImage "host:5000/a/b", tag "tag"; a digest stays in fromImage.
  function splitReference(ref) {
    if (ref.includes('@')) return { fromImage: ref };
    const colon = ref.lastIndexOf(':');
    return colon > ref.lastIndexOf('/') ? { fromImage: ref.slice(0, colon), tag: ref.slice(colon + 1) } : { fromImage: ref, tag: 'latest' };
  }

  // A pull is a background job of dockerman's: image/create answers its id (X-Dockerman-Job) and
  // streams its progress until the job ends or the deadline; job/get/<id>?offset=N goes on from
  // the bytes already read, and job/list tells whether the job has ended.
  async function pull(ref) {
    const list = $('pull-progress');
    const result = $('pull-result');
    const layers = new Map();
    list.replaceChildren();
    $('pull').hidden = false;
    result.textContent = 'Pulling ' + ref + '…';
    result.dataset.state = 'running';
    let error = null;
    let last = '';
    let offset = 0;
    const onLine = (line, bytes) => {
      if (line === '') return; // a heartbeat, not progress: not counted in the offset
      offset += bytes;
      let p;
      try { p = JSON.parse(line); } catch (e) { return; }
      if (p.error || p.errorDetail) { error = p.error || p.errorDetail.message; return; }
      const text = [p.status, p.progress].filter(Boolean).join(' ');
      if (p.id && p.status && !p.status.startsWith('Pulling from')) {
        let item = layers.get(p.id);
        if (!item) { item = el('li', { 'data-layer': p.id }); layers.set(p.id, item); list.append(item); }
        item.textContent = p.id + ': ' + text;
      } else {
        last = text;
        list.append(el('li', { textContent: text }));
      }
    };
    let response = await call('POST', 'image/create', splitReference(ref));
    const job = response.headers.get('X-Dockerman-Job');
    for (;;) {
      await readLines(response, onLine);
      const jobs = await json('GET', 'job/list');
      const info = (jobs || []).find((j) => j.id === job);
      if (!info || info.state !== 'running') {
        if (info && info.state === 'failed' && !error) error = info.error || 'the pull failed';
        break;
      }
      response = await call('GET', 'job/get/' + job, { offset });
    }
    result.dataset.state = error ? 'failed' : 'done';
    result.textContent = error ? 'Pull of ' + ref + ' failed: ' + error : (last || 'Pulled ' + ref + '.');
    if (error) notice(error, 'error');
    await loadImages();
  }

  // ---- system ------------------------------------------------------------------------------

  async function loadSystem() {
    const [info, version] = await Promise.all([json('GET', 'info'), json('GET', 'version')]);
    const facts = [
      ['Name', info.Name],
      ['Docker', version.Version + ' (API ' + version.ApiVersion + ')'],
      ['Operating system', info.OperatingSystem],
      ['Kernel', info.KernelVersion],
      ['Architecture', info.Architecture],
      ['CPUs', info.NCPU],
      ['Memory', size(info.MemTotal)],
      ['Containers', info.Containers + ' (' + info.ContainersRunning + ' running, ' + info.ContainersStopped + ' stopped)'],
      ['Images', info.Images],
      ['Storage driver', info.Driver],
      ['Docker root', info.DockerRootDir],
    ];
    const dl = $('system-info');
    dl.replaceChildren();
    for (const [k, v] of facts) dl.append(el('dt', { textContent: k }), el('dd', { textContent: String(v ?? '') }));
  }

  // ---- wiring ------------------------------------------------------------------------------

  $('login-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const submit = $('login-submit');
    submit.disabled = true;
    $('login-error').textContent = '';
    try {
      const response = await fetch(new URL(API + 'session/login', location.href), {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ username: $('username').value, password: $('password').value }),
        cache: 'no-store',
      });
      if (!response.ok) throw await errorOf(response);
      const s = await response.json();
      sessionStorage.setItem(KEY, JSON.stringify({ session: s.session, username: s.username }));
      show('containers');
    } catch (e) {
      $('login-error').textContent = e.message;
    } finally {
      submit.disabled = false;
    }
  });

  $('logout').addEventListener('click', () => endSession('Logged out.'));
  for (const b of $('nav').querySelectorAll('button')) b.addEventListener('click', () => show(b.dataset.view));
  $('containers-refresh').addEventListener('click', () => loadContainers().catch(failed));
  $('images-refresh').addEventListener('click', () => loadImages().catch(failed));
  $('system-refresh').addEventListener('click', () => loadSystem().catch(failed));
  $('logs-close').addEventListener('click', stopLogs);
  $('logs-follow').addEventListener('change', () => { if (logs.id) openLogs(logs.id, logs.name); });
  $('pull-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const ref = $('pull-image').value.trim();
    if (!ref) return;
    const submit = $('pull-submit');
    submit.disabled = true;
    try { await pull(ref); } catch (e) {
      $('pull-result').dataset.state = 'failed';
      $('pull-result').textContent = 'Pull of ' + ref + ' failed: ' + e.message;
      failed(e);
    } finally { submit.disabled = false; }
  });

  if (session()) show('containers'); else showLogin('');
})();
