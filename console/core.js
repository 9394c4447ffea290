// dockerman's console: the Docker pages of the router, talking to dockerman's own routes with a
// LuCI session (session/login) sent as "Authorization: Bearer". Plain JS, no framework.
// This file is what every view uses: the session, calls to dockerman, streams, the views' frame,
// a panel for details and the endpoint switch. Each view (containers.js, images.js, ...) registers
// itself with DM.view(); start.js wires the login form and shows the first view.
'use strict';

window.DM = (function () {
  const API = document.querySelector('meta[name="dockerman-api"]').content;
  const KEY = 'dockerman.session';
  const ENDPOINT_KEY = 'dockerman.endpoint';
  const $ = (id) => document.getElementById(id);

  // ---- the session -------------------------------------------------------------------------

  function session() {
    try { return JSON.parse(sessionStorage.getItem(KEY)); } catch (e) { return null; }
  }

  function endSession(message) {
    sessionStorage.removeItem(KEY);
    leaveView();
    showLogin(message);
  }

  // A refusal that means "log in again": no session, or one rpcd no longer knows.
  class LoginNeeded extends Error {}

  // dockerman's errors (and the daemon's) are {"message": ...}.
  class ApiError extends Error {
    constructor(status, message) { super(message); this.status = status; }
  }

  // A refusal of one field of a form, before any request: field is the input's id.
  class InputError extends Error {
    constructor(field, message) { super(message); this.field = field; }
  }

  async function errorOf(response) {
    let message = response.status + ' ' + response.statusText;
    try {
      const body = await response.json();
      if (body && typeof body.message === 'string') message = body.message;
    } catch (e) { /* not JSON: the status says it */ }
    return new ApiError(response.status, message);
  }

  // The endpoint (a named daemon of the router) every call goes to; none: the default daemon.
  function endpoint() { return sessionStorage.getItem(ENDPOINT_KEY) || ''; }

  function url(path, query) {
    const u = new URL(API + path, location.href);
    for (const [k, v] of Object.entries(query || {})) {
      if (v === undefined || v === null) continue;
      if (Array.isArray(v)) for (const item of v) u.searchParams.append(k, String(item));
      else u.searchParams.set(k, String(v));
    }
    if (endpoint() && !u.searchParams.has('endpoint')) u.searchParams.set('endpoint', endpoint());
    return u;
  }

  // One call to dockerman. options: signal; json (an object sent as the JSON body); body and type
  // (a Blob or File sent as is, e.g. a tar archive); headers. Answers the Response (ok), or throws
  // ApiError / LoginNeeded.
  async function call(method, path, query, options) {
    const o = options || {};
    const s = session();
    if (!s) throw new LoginNeeded('Log in first.');
    const headers = Object.assign({ Authorization: 'Bearer ' + s.session }, o.headers || {});
    let body;
    if (o.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(o.json);
    } else if (o.body !== undefined) {
      headers['Content-Type'] = o.type || 'application/x-tar';
      body = o.body;
    }
    const response = await fetch(url(path, query), { method, headers, body, cache: 'no-store', signal: o.signal });
    if (response.ok) return response;
    const error = await errorOf(response);
    if (response.status === 401 || (response.status === 403 && /expired|unknown/i.test(error.message))) {
      throw new LoginNeeded(error.message);
    }
    throw error;
  }

  async function json(method, path, query, options) {
    const response = await call(method, path, query, options);
    const text = await response.text();
    return text ? JSON.parse(text) : null;
  }

  // A plain link that saves a file (exports, archives, image saves): GET downloads take the
  // session as a sessionid query value, since a link cannot carry a header.
  function downloadUrl(path, query) {
    const s = session();
    return url(path, Object.assign({}, query, { sessionid: s ? s.session : '' })).toString();
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

  // A stream of JSON objects, one a line (progress of pulls, pushes, builds and loads; events;
  // stats): onObject gets each object; blank lines (heartbeats) and lines that are not JSON are skipped.
  function readJsonLines(response, onObject) {
    return readLines(response, (line) => {
      if (!line.trim()) return;
      let value;
      try { value = JSON.parse(line); } catch (e) { return; }
      onObject(value);
    });
  }

  // ---- building the page -------------------------------------------------------------------

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') e.className = v;
      else if (k.startsWith('data-') || k.startsWith('aria-')) e.setAttribute(k, v);
      else e[k] = v;
    }
    for (const c of children) e.append(c);
    return e;
  }

  // A control named "<label> <name>" (for screen readers and tests alike) that runs action once
  // at a time and shows its failure.
  function button(label, name, action) {
    const b = el('button', { type: 'button', textContent: label });
    b.setAttribute('aria-label', name ? label + ' ' + name : label);
    b.addEventListener('click', async () => {
      b.disabled = true;
      try { await action(); } catch (e) { failed(e); } finally { b.disabled = false; }
    });
    return b;
  }

  // A form whose submit runs action(form) once at a time; a failure shows as the notice.
  function onSubmit(form, action) {
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const submit = form.querySelector('button[type="submit"]');
      if (submit) submit.disabled = true;
      try { await action(form); } catch (e) { failed(e); } finally { if (submit) submit.disabled = false; }
    });
  }

  function size(bytes) {
    const units = ['B', 'kB', 'MB', 'GB', 'TB'];
    let i = 0;
    while (bytes >= 1000 && i < units.length - 1) { bytes /= 1000; i++; }
    return (i ? bytes.toFixed(1) : bytes) + ' ' + units[i];
  }

  const shortId = (id) => String(id || '').replace(/^sha256:/, '').slice(0, 12);

  // ---- the details panel: what an inspect answers, or any text -----------------------------

  function details(title, value) {
    $('details-title').textContent = title;
    $('details-body').textContent = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
    $('details').hidden = false;
    $('details-body').focus();
  }

  function closeDetails() { $('details').hidden = true; }

  // ---- views -------------------------------------------------------------------------------

  // name → { load(): Promise, leave(): void, available(): Promise<boolean> }; the nav holds a
  // button data-view=name for each. A view with available() applies to some daemons only (a swarm
  // manager, say): its button shows once the current daemon has said yes.
  const views = new Map();
  let current = null;

  function view(name, handlers) { views.set(name, handlers); }

  const navButton = (name) => $('nav').querySelector('button[data-view="' + name + '"]');

  // Asks each view with available() about the current daemon, and shows or hides its button.
  async function refreshNav() {
    await Promise.all([...views].filter(([, v]) => v.available).map(async ([name, v]) => {
      let yes = false;
      try { yes = await v.available(); } catch (e) { if (e instanceof LoginNeeded) throw e; }
      navButton(name).hidden = !yes;
    }));
  }

  const offered = (name) => !navButton(name).hidden;

  function leaveView() {
    if (current && views.get(current).leave) views.get(current).leave();
    closeDetails();
  }

  function showLogin(message) {
    for (const v of views.keys()) $(v).hidden = true;
    current = null;
    $('nav').hidden = true;
    $('who').hidden = true;
    $('endpoint-switch').hidden = true;
    notice('');
    $('login').hidden = false;
    $('login-error').textContent = message || '';
    $('password').value = '';
    $('username').focus();
  }

  function show(name) {
    leaveView();
    current = name;
    $('login').hidden = true;
    $('nav').hidden = false;
    $('who').hidden = false;
    $('user').textContent = (session() || {}).username || '';
    for (const v of views.keys()) $(v).hidden = v !== name;
    for (const b of $('nav').querySelectorAll('button[data-view]')) {
      if (b.dataset.view === name) b.setAttribute('aria-current', 'page');
      else b.removeAttribute('aria-current');
    }
    notice('');
    return views.get(name).load().catch(failed);
  }

  function reload() { return current ? show(current) : Promise.resolve(); }

  // ---- endpoints: the daemons this router reaches ------------------------------------------

  // The daemons to choose from, then which views apply to the chosen one.
  async function loadEndpoints() {
    const select = $('endpoint');
    let list;
    try { list = await json('GET', 'endpoint/list'); } catch (e) { failed(e); return; }
    const reachable = (list || []).filter((e) => !e.error);
    select.replaceChildren(...reachable.map((e) => el('option', {
      value: e.default ? '' : e.name,
      textContent: e.name + (e.default ? '' : ' (' + e.host + ')'),
    })));
    if (!reachable.some((e) => (e.default ? '' : e.name) === endpoint())) sessionStorage.removeItem(ENDPOINT_KEY);
    select.value = endpoint();
    $('endpoint-switch').hidden = reachable.length < 2;
    try { await refreshNav(); } catch (e) { failed(e); }
  }

  // Another daemon: the views it offers, and the current one shown from it (or the first view,
  // when the current one does not apply there).
  async function switchEndpoint(name) {
    if (name) sessionStorage.setItem(ENDPOINT_KEY, name); else sessionStorage.removeItem(ENDPOINT_KEY);
    try { await refreshNav(); } catch (e) { failed(e); return; }
    if (current && !offered(current)) return show('containers');
    return reload();
  }

  return {
    API, $, session, endSession, LoginNeeded, ApiError, InputError, errorOf, endpoint, call, json, downloadUrl,
    failed, notice, readLines, readJsonLines, el, button, onSubmit, size, shortId, details, closeDetails,
    view, show, reload, showLogin, loadEndpoints, switchEndpoint, refreshNav,
    KEY,
  };
})();
