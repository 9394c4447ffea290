// The images view: the list, and pulls as background jobs with each layer's progress.
'use strict';

(function () {
  const { $, el, call, json, notice, failed, readLines, size, shortId } = DM;

  async function load() {
    const list = await json('GET', 'image/list');
    const rows = $('image-rows');
    rows.replaceChildren();
    for (const image of list) {
      const tags = (image.RepoTags || []).filter((t) => t !== '<none>:<none>');
      rows.append(el('tr', { 'data-tags': tags.join(' ') },
        el('td', { 'data-label': 'Tags', textContent: tags.join(', ') || '<none>' }),
        el('td', { 'data-label': 'Id', textContent: shortId(image.Id) }),
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
    await load();
  }

  $('images-refresh').addEventListener('click', () => load().catch(failed));
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

  DM.view('images', { load });
})();
