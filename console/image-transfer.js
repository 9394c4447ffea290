// Images in and out of the daemon: pushes to a registry (a background job, with the registry's
// credentials), loads of a tar as `docker save` writes it, and builds from an uploaded context.
'use strict';

(function () {
  const { $, call, notice, onSubmit, readJsonLines, shortId } = DM;

  function setResult(p, state, text) {
    p.dataset.state = state;
    p.textContent = text;
  }

  // ---- push: X-Registry-Auth is base64 of {"username", "password", "serveraddress"} ---------

  // The registry of a reference: its first segment when that names a host, else Docker Hub
  // (the daemon pushes with the credentials given whatever this says).
  function registryOf(name) {
    const slash = name.indexOf('/');
    const first = slash > 0 ? name.slice(0, slash) : '';
    return /[.:]/.test(first) || first === 'localhost' ? first : 'docker.io';
  }

  // btoa takes bytes as a "binary string": a password may hold any character.
  function base64(text) {
    let binary = '';
    for (const b of new TextEncoder().encode(text)) binary += String.fromCharCode(b);
    return btoa(binary);
  }

  function openPush(ref) {
    $('push-panel').open = true;
    $('push-image').value = ref;
    $('push-user').focus();
  }

  async function push(ref, username, password) {
    const result = $('push-result');
    const progress = DM.jobProgress($('push-progress'));
    $('push').hidden = false;
    const { fromImage, tag } = DM.images.splitReference(ref);
    if (!tag) throw new Error('A push needs a tag, not a digest: ' + ref);
    setResult(result, 'running', 'Pushing ' + fromImage + ':' + tag + '…');
    // The daemon wants the header even without a login ({}). It goes in a form body, never in the
    // address, which web servers log.
    const auth = base64(JSON.stringify(username ? { username, password, serveraddress: registryOf(fromImage) } : {}));
    const response = await call('POST', 'image/push/' + DM.images.refPath(fromImage), { tag },
      { body: new URLSearchParams({ 'X-Registry-Auth': auth }), type: 'application/x-www-form-urlencoded' });
    const error = await DM.followJob(response, progress.onObject);
    if (error) {
      setResult(result, 'failed', 'Push of ' + fromImage + ':' + tag + ' failed: ' + error);
      notice(error, 'error');
    } else {
      setResult(result, 'done', progress.last() || 'Pushed ' + fromImage + ':' + tag + '.');
      notice('Pushed ' + fromImage + ':' + tag + '.', 'ok');
    }
  }

  onSubmit($('push-form'), async () => {
    const ref = $('push-image').value.trim();
    const password = $('push-password').value;
    $('push-password').value = ''; // kept no longer than the push needs it
    try {
      await push(ref, $('push-user').value.trim(), password);
    } catch (e) {
      setResult($('push-result'), 'failed', 'Push of ' + ref + ' failed: ' + e.message);
      throw e;
    }
  });

  // ---- load and build: the file is the body, the reply streams JSON lines -------------------

  // Appends a stream's text ({"stream": ...}, {"status": ...}) to a pre as it arrives; answers
  // the error line's message and the aux ID (a build's image), if any.
  async function streamInto(pre, response) {
    const seen = { error: null, id: null };
    await readJsonLines(response, (p) => {
      if (p.error || p.errorDetail) {
        seen.error = p.error || p.errorDetail.message;
        pre.append('Error: ' + seen.error + '\n');
      } else if (p.aux && p.aux.ID) {
        seen.id = p.aux.ID;
      } else if (typeof p.stream === 'string') {
        pre.append(p.stream);
      } else if (p.status) {
        pre.append([p.id, p.status, p.progress].filter(Boolean).join(' ') + '\n');
      }
      pre.scrollTop = pre.scrollHeight;
    });
    return seen;
  }

  onSubmit($('load-form'), async () => {
    const file = $('load-file').files[0];
    if (!file) return;
    const pre = $('load-output');
    pre.textContent = '';
    pre.hidden = false;
    const response = await call('POST', 'image/load', { quiet: 1 }, { body: file, type: 'application/x-tar' });
    const seen = await streamInto(pre, response);
    if (seen.error) notice('Load of ' + file.name + ' failed: ' + seen.error, 'error');
    else notice('Loaded ' + file.name + '.', 'ok');
    await DM.images.load();
  });

  onSubmit($('build-form'), async () => {
    const file = $('build-file').files[0];
    if (!file) return;
    const tag = $('build-tag').value.trim();
    const dockerfile = $('build-dockerfile').value.trim();
    const result = $('build-result');
    const pre = $('build-output');
    pre.textContent = '';
    pre.hidden = false;
    setResult(result, 'running', 'Building' + (tag ? ' ' + tag : '') + '…');
    let seen;
    try {
      // A .tar.gz goes as it is: the daemon unpacks a compressed context itself. forcerm: no
      // container of a failed step is left behind.
      const query = { t: tag || undefined, dockerfile: dockerfile || undefined, forcerm: 1 };
      const response = await call('POST', 'image/build', query, { body: file, type: 'application/x-tar' });
      seen = await streamInto(pre, response);
    } catch (e) {
      setResult(result, 'failed', 'Build failed: ' + e.message);
      throw e;
    }
    if (seen.error) {
      setResult(result, 'failed', 'Build failed: ' + seen.error);
      notice(seen.error, 'error');
    } else if (seen.id || /Successfully built/.test(pre.textContent)) {
      const id = seen.id || /Successfully built (\S+)/.exec(pre.textContent)[1];
      setResult(result, 'done', 'Built ' + shortId(id) + (tag ? ', tagged ' + tag : '') + '.');
      await DM.images.load();
    } else {
      setResult(result, 'failed', 'The output ended before the build did: it may still be running in the daemon.');
    }
  });

  DM.images.openPush = openPush;
})();
