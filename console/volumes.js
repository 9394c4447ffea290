// The volumes view: the list; create (with labels), inspect, remove, prune.
'use strict';

(function () {
  const { $, el, button, call, json, notice, failed, details, onSubmit, size } = DM;

  // Whether the daemon's prune takes the filter all=true (API 1.42 on): before that it removes
  // every unused volume; from then on only anonymous ones unless all=true.
  let pruneAll = false;

  function apiAtLeast(version, major, minor) {
    const [a, b] = String(version || '0.0').split('.').map((n) => parseInt(n, 10) || 0);
    return a > major || (a === major && b >= minor);
  }

  async function load() {
    const [list, version] = await Promise.all([json('GET', 'volume/list'), json('GET', 'version')]);
    pruneAll = apiAtLeast(version.ApiVersion, 1, 42);
    $('volume-prune-all-label').hidden = !pruneAll;
    $('volume-prune-what').textContent = pruneAll
      ? 'Removes the volumes no container uses: only anonymous ones, unless named volumes too.'
      : 'Removes every volume no container uses, named ones too.';
    const volumes = (list && list.Volumes) || [];
    volumes.sort((a, b) => a.Name.localeCompare(b.Name));
    const rows = $('volume-rows');
    rows.replaceChildren();
    for (const v of volumes) {
      rows.append(el('tr', { 'data-name': v.Name },
        el('td', { 'data-label': 'Name', textContent: v.Name }),
        el('td', { 'data-label': 'Driver', textContent: v.Driver }),
        el('td', { 'data-label': 'Mountpoint', textContent: v.Mountpoint }),
        el('td', { 'data-label': 'Created', textContent: v.CreatedAt ? new Date(v.CreatedAt).toLocaleString() : '' }),
        el('td', { class: 'actions' },
          button('Inspect', v.Name, () => inspect(v.Name)),
          button('Remove', v.Name, () => remove(v.Name)))));
    }
    $('volumes-empty').hidden = volumes.length > 0;
  }

  // "k=v" a line; blank lines skipped; a line without "=" is a label with an empty value.
  function labelsOf(text) {
    const labels = {};
    for (const line of text.split('\n')) {
      const t = line.trim();
      if (!t) continue;
      const eq = t.indexOf('=');
      if (eq < 0) labels[t] = ''; else labels[t.slice(0, eq).trim()] = t.slice(eq + 1).trim();
    }
    return labels;
  }

  async function create(form) {
    const name = $('volume-name').value.trim();
    const body = { Name: name, Driver: $('volume-driver').value.trim() || 'local', Labels: labelsOf($('volume-labels').value) };
    await call('POST', 'volume/create', null, { json: body });
    form.reset();
    notice('Volume ' + name + ' created.', 'ok');
    await load();
  }

  async function inspect(name) {
    details('Volume ' + name, await json('GET', 'volume/inspect/' + encodeURIComponent(name)));
  }

  async function remove(name) {
    if (!window.confirm('Remove the volume ' + name + '?')) return;
    await call('POST', 'volume/remove/' + encodeURIComponent(name));
    notice('Volume ' + name + ' removed.', 'ok');
    await load();
  }

  async function prune() {
    const all = pruneAll && $('volume-prune-all').checked;
    if (!window.confirm(all ? 'Remove every volume no container uses?' : 'Remove the unused volumes?')) return;
    const query = all ? { filters: JSON.stringify({ all: ['true'] }) } : null;
    const result = await json('POST', 'volume/prune', query);
    const deleted = (result && result.VolumesDeleted) || [];
    notice(deleted.length
      ? 'Volumes deleted: ' + deleted.join(', ') + ' (' + size(result.SpaceReclaimed || 0) + ' reclaimed).'
      : 'No unused volumes to delete.', 'ok');
    await load();
  }

  onSubmit($('volume-create'), create);
  onSubmit($('volume-prune'), prune);
  $('volumes-refresh').addEventListener('click', () => load().catch(failed));

  DM.view('volumes', { load });
})();
