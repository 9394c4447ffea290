// The containers view's form that creates a container from an image (container/create with
// the daemon's JSON, then container/start). Every field is checked here first: bad input is
// refused on the page, next to the field, and nothing is sent.
'use strict';

(function () {
  const { $, call, json, notice, failed, shortId, InputError } = DM;

  const PORT_RANGE = 'a number from 1 to 65535';
  const isPort = (s) => /^\d{1,5}$/.test(s) && Number(s) >= 1 && Number(s) <= 65535;
  const isIPv4 = (s) => /^\d{1,3}(\.\d{1,3}){3}$/.test(s) && s.split('.').every((n) => Number(n) <= 255);
  // Docker's grammar of volume names (the local driver's): as container names.
  const VOLUME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

  // "8080:80/tcp", "127.0.0.1:8080:80", "[::1]:8080:80/udp", "127.0.0.1::80" (any free host
  // port) or "80" (exposed, published on any free host port); one per line or comma-separated.
  function ports(text) {
    const exposed = {};
    const bindings = {};
    for (const item of text.split(/[\s,]+/).filter(Boolean)) {
      const bad = (why) => new InputError('create-ports', 'Port "' + item + '": ' + why + '.');
      let rest = item;
      let proto = 'tcp';
      const slash = rest.lastIndexOf('/');
      if (slash >= 0) {
        proto = rest.slice(slash + 1).toLowerCase();
        rest = rest.slice(0, slash);
        if (!['tcp', 'udp', 'sctp'].includes(proto)) throw bad('the protocol must be tcp, udp or sctp');
      }
      let ip = '';
      if (rest.startsWith('[')) {
        const close = rest.indexOf(']:');
        if (close < 0 || !/^[0-9a-fA-F:.]+$/.test(rest.slice(1, close))) throw bad('an IPv6 address goes in brackets, as [::1]:8080:80');
        ip = rest.slice(1, close);
        rest = rest.slice(close + 2);
        if (!rest.includes(':')) throw bad('after the address come the host port and the container port');
      }
      const parts = rest.split(':');
      if (parts.length === 3 && !ip) {
        ip = parts.shift();
        if (!isIPv4(ip)) throw bad('"' + ip + '" is not an IP address');
      }
      if (parts.length > 2) throw bad('write host:container, as 8080:80');
      const container = parts.pop();
      const host = parts.length ? parts[0] : '';
      if (!isPort(container)) throw bad('the container port "' + container + '" is not ' + PORT_RANGE);
      if (host !== '' && !isPort(host)) throw bad('the host port "' + host + '" is not ' + PORT_RANGE);
      const key = Number(container) + '/' + proto;
      exposed[key] = {};
      (bindings[key] = bindings[key] || []).push({ HostIp: ip, HostPort: host === '' ? '' : String(Number(host)) });
    }
    return { exposed, bindings };
  }

  // "KEY=value", one per line; the value is kept as it is, spaces and "=" included.
  function environment(text) {
    const env = [];
    text.split('\n').forEach((raw, i) => {
      const line = raw.replace(/\r$/, '');
      if (!line.trim()) return;
      const eq = line.indexOf('=');
      const key = eq > 0 ? line.slice(0, eq).trim() : '';
      if (!key || /\s/.test(key)) {
        throw new InputError('create-env', 'Environment, line ' + (i + 1) + ': "' + line.trim() + '" is not KEY=value.');
      }
      env.push(key + '=' + line.slice(eq + 1));
    });
    return env;
  }

  // "volume:/path", "/host/path:/path", each with ":ro" or ":rw" after it if wanted; one per line.
  function volumes(text) {
    const binds = [];
    for (const item of text.split('\n').map((l) => l.trim()).filter(Boolean)) {
      const bad = (why) => new InputError('create-volumes', 'Volume "' + item + '": ' + why + '.');
      const parts = item.split(':');
      if (parts.length < 2 || parts.length > 3) throw bad('write source:/path/in/container, and :ro for read-only');
      const [source, target, mode] = parts;
      if (!source.startsWith('/') && !VOLUME.test(source)) {
        throw bad('the source is a volume name (letters, digits, "_", "." and "-") or a path on the router starting with /');
      }
      if (!target.startsWith('/')) throw bad('the path in the container must start with /');
      if (mode !== undefined && mode !== 'ro' && mode !== 'rw') throw bad('the mode after the path is ro or rw');
      binds.push(item);
    }
    return binds;
  }

  // A command line into words: spaces separate them, quotes ('…' as is, "…" with \" and \\)
  // and a backslash keep spaces in one.
  function words(text) {
    const out = [];
    let word = null;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (c === "'" || c === '"') {
        const end = c === "'" ? text.indexOf("'", i + 1) : closingQuote(text, i + 1);
        if (end < 0) throw new InputError('create-command', 'Command: a ' + c + ' is not closed.');
        const inner = text.slice(i + 1, end);
        word = (word || '') + (c === '"' ? inner.replace(/\\(["\\])/g, '$1') : inner);
        i = end;
      } else if (c === '\\' && i + 1 < text.length) {
        word = (word || '') + text[++i];
      } else if (/\s/.test(c)) {
        if (word !== null) out.push(word);
        word = null;
      } else {
        word = (word || '') + c;
      }
    }
    if (word !== null) out.push(word);
    return out;
  }

  function closingQuote(text, from) {
    for (let i = from; i < text.length; i++) {
      if (text[i] === '\\') i++;
      else if (text[i] === '"') return i;
    }
    return -1;
  }

  // A restart policy from its select and, for on-failure, its retries field (empty: no limit).
  function restartPolicy(select, retriesField) {
    const policy = { Name: $(select).value };
    const retries = $(retriesField).value.trim();
    if (policy.Name === 'on-failure' && retries) {
      if (!/^\d{1,9}$/.test(retries)) throw new InputError(retriesField, 'Retries "' + retries + '": a whole number, or empty for no limit.');
      policy.MaximumRetryCount = Number(retries);
    }
    return policy;
  }

  // The form as the daemon's container/create body, or an InputError.
  function read() {
    const value = (id) => $(id).value;
    const image = value('create-image').trim();
    if (!image) throw new InputError('create-image', 'Name the image to create the container from, as nginx:alpine.');
    if (/\s/.test(image)) throw new InputError('create-image', 'Image "' + image + '": an image reference has no spaces.');
    const name = value('create-name').trim().replace(/^\//, '');
    if (name && !DM.containers.NAME.test(name)) {
      throw new InputError('create-name', 'Name "' + name + '": two or more letters, digits, "_", "." and "-", starting with a letter or digit.');
    }
    const { exposed, bindings } = ports(value('create-ports'));
    const env = environment(value('create-env'));
    const binds = volumes(value('create-volumes'));
    const cmd = words(value('create-command'));
    const body = { Image: image, HostConfig: { RestartPolicy: restartPolicy('create-restart', 'create-retries') } };
    if (cmd.length) body.Cmd = cmd;
    if (env.length) body.Env = env;
    if (Object.keys(exposed).length) {
      body.ExposedPorts = exposed;
      body.HostConfig.PortBindings = bindings;
    }
    if (binds.length) body.HostConfig.Binds = binds;
    return { name, body, start: $('create-start').checked };
  }

  const FIELDS = ['create-image', 'create-name', 'create-command', 'create-ports', 'create-env', 'create-volumes', 'create-retries'];

  function refuse(message, field) {
    $('create-error').textContent = message;
    if (field) {
      $(field).setAttribute('aria-invalid', 'true');
      $(field).focus();
    }
  }

  async function create(spec) {
    const created = await json('POST', 'container/create', { name: spec.name || undefined }, { json: spec.body });
    const label = spec.name || shortId(created.Id);
    let done = 'Created ' + label;
    if (spec.start) {
      try {
        await call('POST', 'container/start/' + encodeURIComponent(created.Id));
        done += ' and started it';
      } catch (e) {
        if (!(e instanceof DM.ApiError)) throw e;
        await DM.containers.load();
        refuse(label + ' was created but did not start: ' + e.message);
        return;
      }
    }
    const warnings = (created.Warnings || []).filter(Boolean);
    notice(done + '.' + (warnings.length ? ' The daemon warns: ' + warnings.join(' ') : ''), 'ok');
    $('create-form').reset();
    showRetries();
    await DM.containers.load();
  }

  function showRetries() { $('create-retries-field').hidden = $('create-restart').value !== 'on-failure'; }

  $('create-restart').addEventListener('change', showRetries);
  for (const id of FIELDS) $(id).addEventListener('input', () => $(id).removeAttribute('aria-invalid'));

  $('create-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const submit = $('create-submit');
    $('create-error').textContent = '';
    for (const id of FIELDS) $(id).removeAttribute('aria-invalid');
    let spec;
    try { spec = read(); } catch (e) {
      if (e instanceof InputError) { refuse(e.message, e.field); return; }
      throw e;
    }
    submit.disabled = true;
    try { await create(spec); } catch (e) {
      if (e instanceof DM.ApiError) refuse(e.message); else failed(e);
    } finally { submit.disabled = false; }
  });

  showRetries();
  DM.containerForm = { ports, environment, volumes, words, restartPolicy };
})();
