// The networks view: the list with each one's subnet and attached containers; create, inspect,
// connect and disconnect a container, remove, prune.
'use strict';

(function () {
  const { $, el, button, call, json, notice, failed, details, onSubmit } = DM;

  const nameOf = (c) => (c.Names && c.Names[0] ? c.Names[0].replace(/^\//, '') : c.Id.slice(0, 12));

  // The network list carries no containers: each container's NetworkSettings names its networks.
  async function load() {
    const [networks, containers] = await Promise.all([
      json('GET', 'network/list'), json('GET', 'container/list', { all: 1 })]);
    networks.sort((a, b) => a.Name.localeCompare(b.Name));
    const attached = new Map(networks.map((n) => [n.Id, []]));
    const byName = new Map(networks.map((n) => [n.Name, n.Id]));
    for (const c of containers) {
      for (const [net, endpoint] of Object.entries((c.NetworkSettings || {}).Networks || {})) {
        const id = attached.has(endpoint.NetworkID) ? endpoint.NetworkID : byName.get(net);
        if (id) attached.get(id).push(nameOf(c));
      }
    }
    const rows = $('network-rows');
    rows.replaceChildren();
    for (const n of networks) {
      const subnets = ((n.IPAM || {}).Config || []).map((c) => c.Subnet).filter(Boolean);
      rows.append(el('tr', { 'data-name': n.Name },
        el('td', { 'data-label': 'Name', textContent: n.Name }),
        el('td', { 'data-label': 'Driver', textContent: n.Driver }),
        el('td', { 'data-label': 'Scope', textContent: n.Scope }),
        el('td', { 'data-label': 'Subnet', textContent: subnets.join(', ') }),
        el('td', { 'data-label': 'Containers', class: 'attached', textContent: attached.get(n.Id).join(', ') }),
        el('td', { class: 'actions' },
          button('Inspect', n.Name, () => inspect(n.Id, n.Name)),
          button('Remove', n.Name, () => remove(n.Id, n.Name)))));
    }
    fill($('attach-network'), networks.map((n) => [n.Id, n.Name]));
    fill($('attach-container'), containers.map((c) => [c.Id, nameOf(c)]));
  }

  // Refills a select with [value, label] pairs, keeping what was chosen when it is still there.
  function fill(select, pairs) {
    const chosen = select.value;
    select.replaceChildren(...pairs.map(([value, label]) => el('option', { value, textContent: label })));
    if (pairs.some(([value]) => value === chosen)) select.value = chosen;
  }

  async function create(form) {
    const name = $('network-name').value.trim();
    const body = { Name: name, Driver: $('network-driver').value };
    const subnet = $('network-subnet').value.trim();
    const gateway = $('network-gateway').value.trim();
    if (subnet || gateway) {
      const config = {};
      if (subnet) config.Subnet = subnet;
      if (gateway) config.Gateway = gateway;
      body.IPAM = { Config: [config] };
    }
    await call('POST', 'network/create', null, { json: body });
    form.reset();
    notice('Network ' + name + ' created.', 'ok');
    await load();
  }

  async function inspect(id, name) {
    details('Network ' + name, await json('GET', 'network/inspect/' + encodeURIComponent(id)));
  }

  async function remove(id, name) {
    if (!window.confirm('Remove the network ' + name + '?')) return;
    await call('POST', 'network/remove/' + encodeURIComponent(id));
    notice('Network ' + name + ' removed.', 'ok');
    await load();
  }

  async function prune() {
    if (!window.confirm('Remove every network no container uses?')) return;
    const result = await json('POST', 'network/prune');
    const deleted = (result && result.NetworksDeleted) || [];
    notice(deleted.length ? 'Networks deleted: ' + deleted.join(', ') + '.' : 'No unused networks to delete.', 'ok');
    await load();
  }

  // Connect or disconnect the chosen container and network.
  async function attach(what) {
    const network = $('attach-network');
    const container = $('attach-container');
    if (!network.value || !container.value) return;
    const names = container.selectedOptions[0].textContent + (what === 'connect' ? ' connected to ' : ' disconnected from ') +
      network.selectedOptions[0].textContent;
    await call('POST', 'network/' + what + '/' + encodeURIComponent(network.value), null, { json: { Container: container.value } });
    notice(names + '.', 'ok');
    await load();
  }

  async function disconnect() {
    const b = $('attach-disconnect');
    b.disabled = true;
    try { await attach('disconnect'); } catch (e) { failed(e); } finally { b.disabled = false; }
  }

  onSubmit($('network-create'), create);
  onSubmit($('network-attach'), () => attach('connect'));
  $('attach-disconnect').addEventListener('click', disconnect);
  $('networks-refresh').addEventListener('click', () => load().catch(failed));
  $('networks-prune').addEventListener('click', () => prune().catch(failed));

  DM.view('networks', { load });
})();
