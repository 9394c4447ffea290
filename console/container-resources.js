// A container's limits and restart policy, in its panel (container-panel.js): what the daemon has
// now (container/inspect), and a change of CPUs, memory or the policy (container/update, the
// daemon's JSON), checked here first. The daemon takes an empty or zero limit as "unchanged".
'use strict';

(function () {
  const { $, json, notice, failed, InputError } = DM;

  // The container of the panel, as its "dm-container" event says: { id, name, … } or null.
  let shown = null;
  // Each reading of the current values; a newer one (another container) makes older ones moot.
  let reading = 0;

  const UNITS = { '': 1, k: 1024, m: 1024 * 1024, g: 1024 * 1024 * 1024 };

  // "0.5", "2": CPUs as the daemon's NanoCpus (10^-9 CPUs).
  function nanoCpus(text) {
    if (!/^\d+(\.\d{1,9})?$/.test(text) || !(Number(text) > 0)) {
      throw new InputError('resources-cpus', 'CPUs "' + text + '": a number above 0, as 0.5 or 2.');
    }
    return Math.round(Number(text) * 1e9);
  }

  // "256m", "1g", "1.5G", "65536": bytes, as docker's --memory reads them (k, m, g in 1024s).
  function bytes(text) {
    const m = /^(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?$/i.exec(text);
    const value = m ? Math.round(Number(m[1]) * UNITS[m[2].toLowerCase()]) : 0;
    if (!(value > 0) || !Number.isSafeInteger(value)) {
      throw new InputError('resources-memory', 'Memory "' + text + '": a size as 256m or 1g.');
    }
    return value;
  }

  const mib = (n) => {
    const v = n / (1024 * 1024);
    return (Number.isInteger(v) ? v : v.toFixed(1)) + ' MiB';
  };

  function describe(host) {
    const cpus = host.NanoCpus ? host.NanoCpus / 1e9 + ' CPUs' : 'all CPUs';
    const memory = host.Memory ? mib(host.Memory) + ' memory' + (host.MemorySwap > 0 ? ' (with swap ' + mib(host.MemorySwap) + ')' : '') : 'memory unlimited';
    const p = host.RestartPolicy || {};
    const policy = (p.Name || 'no') + (p.Name === 'on-failure' && p.MaximumRetryCount ? ' (' + p.MaximumRetryCount + ' retries)' : '');
    return 'Now: ' + cpus + ', ' + memory + ', restart ' + policy + '.';
  }

  function showRetries() { $('resources-retries-field').hidden = $('resources-restart').value !== 'on-failure'; }

  // The daemon's current values, read when the form is opened and after each change.
  async function read() {
    if (!shown || !$('resources').open) return;
    const run = ++reading;
    const { id } = shown;
    $('resources-now').textContent = 'Reading…';
    const c = await json('GET', 'container/inspect/' + encodeURIComponent(id));
    if (run !== reading || !shown || shown.id !== id) return;
    const host = c.HostConfig || {};
    $('resources-now').textContent = describe(host);
    const p = host.RestartPolicy || {};
    $('resources-restart').value = p.Name || 'no';
    $('resources-retries').value = p.Name === 'on-failure' && p.MaximumRetryCount ? String(p.MaximumRetryCount) : '';
    showRetries();
  }

  function spec() {
    const body = {};
    const cpus = $('resources-cpus').value.trim();
    if (cpus) body.NanoCpus = nanoCpus(cpus);
    const memory = $('resources-memory').value.trim();
    if (memory) {
      body.Memory = bytes(memory);
      // As docker run's --memory alone: swap up to as much again. Sent with it, since the daemon
      // refuses a memory limit above the swap limit it has.
      body.MemorySwap = 2 * body.Memory;
    }
    body.RestartPolicy = DM.containerForm.restartPolicy('resources-restart', 'resources-retries');
    return body;
  }

  const FIELDS = ['resources-cpus', 'resources-memory', 'resources-retries'];

  // DM.onSubmit shows a failure in the notice line (and ends an expired session); a refusal
  // of the input shows only here, by its field, and the daemon's refusal in both places.
  DM.onSubmit($('resources-form'), async () => {
    $('resources-error').textContent = '';
    for (const f of FIELDS) $(f).removeAttribute('aria-invalid');
    let body;
    try { body = spec(); } catch (e) {
      if (!(e instanceof InputError)) throw e;
      $('resources-error').textContent = e.message;
      $(e.field).setAttribute('aria-invalid', 'true');
      $(e.field).focus();
      return;
    }
    const { id, name } = shown;
    try {
      const done = await json('POST', 'container/update/' + encodeURIComponent(id), null, { json: body });
      const warnings = ((done && done.Warnings) || []).filter(Boolean);
      notice('Resources of ' + name + ' updated.' + (warnings.length ? ' The daemon warns: ' + warnings.join(' ') : ''), 'ok');
      $('resources-cpus').value = '';
      $('resources-memory').value = '';
      await read();
    } catch (e) {
      if (e instanceof DM.ApiError) $('resources-error').textContent = e.message;
      throw e;
    }
  });

  $('resources-restart').replaceChildren(...[...$('create-restart').options].map((o) => o.cloneNode(true)));
  $('resources-restart').addEventListener('change', showRetries);
  for (const f of FIELDS) $(f).addEventListener('input', () => $(f).removeAttribute('aria-invalid'));
  $('resources').addEventListener('toggle', () => read().catch(failed));

  $('container-panel').addEventListener('dm-container', (event) => {
    const before = shown && shown.id;
    shown = event.detail;
    if (!shown) { reading++; return; }
    $('resources-submit').setAttribute('aria-label', 'Update resources of ' + shown.name);
    if (shown.id !== before) {
      $('resources-form').reset();
      $('resources-error').textContent = '';
      read().catch(failed);
    }
  });
})();
