// The images view: a row per tag (as `docker images` lists them; an untagged image by its id) with
// inspect, history, save, push, tag and remove; prune; and pulls as background jobs with each layer's
// progress. Pushes, loads and builds are in image-transfer.js.
'use strict';

(function () {
  const { $, el, button, call, json, notice, failed, onSubmit, size, shortId, details, downloadUrl } = DM;

  // An image reference in a route's path: each segment encoded, the '/' between them kept.
  const refPath = (ref) => ref.split('/').map(encodeURIComponent).join('/');

  // "host:5000/a/b:tag" → fromImage "host:5000/a/b", tag "tag"; a digest stays in fromImage.
  function splitReference(ref) {
    if (ref.includes('@')) return { fromImage: ref };
    const colon = ref.lastIndexOf(':');
    return colon > ref.lastIndexOf('/') ? { fromImage: ref.slice(0, colon), tag: ref.slice(colon + 1) } : { fromImage: ref, tag: 'latest' };
  }

  async function load() {
    const list = await json('GET', 'image/list');
    const rows = $('image-rows');
    rows.replaceChildren();
    for (const image of list) {
      const tags = (image.RepoTags || []).filter((t) => t !== '<none>:<none>');
      for (const ref of tags.length ? tags : [shortId(image.Id)]) rows.append(row(image, ref));
    }
    $('images-empty').hidden = list.length > 0;
    await loadJobs();
  }

  function row(image, ref) {
    const save = el('a', { class: 'button', href: downloadUrl('image/get/' + refPath(ref)), download: '', textContent: 'Save', 'aria-label': 'Save ' + ref });
    const actions = el('td', { class: 'actions' },
      button('Inspect', ref, () => inspect(ref)),
      button('History', ref, () => history(ref)),
      save,
      button('Tag', ref, () => openTag(ref)),
      button('Push', ref, () => DM.images.openPush(ref)),
      button('Remove', ref, () => remove(ref)));
    return el('tr', { 'data-tags': ref, 'data-id': image.Id },
      el('td', { 'data-label': 'Tag', textContent: ref }),
      el('td', { 'data-label': 'Id', textContent: shortId(image.Id) }),
      el('td', { 'data-label': 'Size', textContent: size(image.Size) }),
      el('td', { 'data-label': 'Created', textContent: new Date(image.Created * 1000).toLocaleString() }),
      actions);
  }

  async function inspect(ref) {
    details('Image ' + ref, await json('GET', 'image/inspect/' + refPath(ref)));
  }

  async function history(ref) {
    const layers = await json('GET', 'image/history/' + refPath(ref));
    details('History of ' + ref, (layers || []).map((l) =>
      [new Date(l.Created * 1000).toLocaleString(), size(l.Size), l.CreatedBy || l.Comment || ''].join('  ')).join('\n'));
  }

  // Removing a tag untags it (and deletes the image with its last tag); force also removes an
  // image that containers use or that has other tags.
  async function remove(ref) {
    const force = $('images-force').checked;
    if (!window.confirm('Remove the image ' + ref + (force ? ', forced' : '') + '?')) return;
    const done = await json('POST', 'image/remove/' + refPath(ref), force ? { force: 1 } : undefined);
    const deleted = (done || []).filter((d) => d.Deleted).length;
    notice(ref + ' removed' + (deleted ? ' (' + deleted + ' deleted)' : '') + '.', 'ok');
    await load();
  }

  // Prune: the daemon removes the images no tag and no container holds (dangling ones).
  async function prune() {
    if (!window.confirm('Remove every dangling image (no tag, no container)?')) return;
    const done = await json('POST', 'image/prune');
    notice('Dangling images pruned, ' + size((done && done.SpaceReclaimed) || 0) + ' freed.', 'ok');
    await load();
  }

  // ---- tag: a new name for an image ---------------------------------------------------------

  let tagging = null;

  function openTag(ref) {
    tagging = ref;
    $('tag-source').textContent = ref;
    $('tag-new').value = '';
    $('tag-form').hidden = false;
    $('tag-new').focus();
  }

  function closeTag() { tagging = null; $('tag-form').hidden = true; }

  onSubmit($('tag-form'), async () => {
    const target = $('tag-new').value.trim();
    if (!tagging || !target) return;
    const { fromImage, tag } = splitReference(target);
    await call('POST', 'image/tag/' + refPath(tagging), { repo: fromImage, tag });
    notice('Tagged ' + tagging + ' as ' + fromImage + ':' + tag + '.', 'ok');
    closeTag();
    await load();
  });

  // ---- pulls and pushes: background jobs, followed across page reloads ----------------------

  async function loadJobs() {
    const jobs = ((await json('GET', 'job/list')) || []).sort((a, b) => b.started - a.started);
    $('job-rows').replaceChildren(...jobs.map(jobRow));
    $('jobs').hidden = jobs.length === 0;
    // A job that runs on with no follower here is taken up again from its first byte.
    const orphan = jobs.find((j) => j.state === 'running' && DM.claimJob(j.id));
    if (orphan) {
      call('GET', 'job/get/' + encodeURIComponent(orphan.id), { offset: 0 })
        .then((response) => followInView(orphan.kind === 'push' ? 'Push' : 'Pull', orphan.target, response, orphan.id))
        .catch((e) => { DM.releaseJob(orphan.id); failed(e); });
    }
  }

  function jobRow(job) {
    const state = job.state + (job.error ? ': ' + job.error : '');
    const actions = el('td', { class: 'actions' });
    if (job.state === 'running') actions.append(button('Cancel', job.target, () => cancel(job)));
    return el('tr', { 'data-job': job.id, 'data-state': job.state },
      el('td', { 'data-label': 'Job', textContent: job.kind + ' ' + job.target }),
      el('td', { 'data-label': 'State', class: 'state ' + job.state, textContent: state }),
      el('td', { 'data-label': 'Started', textContent: new Date(job.started * 1000).toLocaleString() }),
      actions);
  }

  async function cancel(job) {
    if (!window.confirm('Cancel the ' + job.kind + ' of ' + job.target + '?')) return;
    await call('POST', 'job/cancel/' + encodeURIComponent(job.id));
    notice(job.kind + ' of ' + job.target + ' cancelled.', 'ok');
    await loadJobs();
  }

  // A job's progress in the pull area, to its end; then the lists again.
  async function followInView(verb, ref, response, id) {
    const result = $('pull-result');
    const progress = DM.jobProgress($('pull-progress'));
    $('pull').hidden = false;
    result.textContent = verb + 'ing ' + ref + '…';
    result.dataset.state = 'running';
    const following = DM.followJob(response, progress.onObject, id);
    loadJobs().catch(failed); // the job listed, with its Cancel
    const error = await following;
    result.dataset.state = error ? 'failed' : 'done';
    result.textContent = error ? verb + ' of ' + ref + ' failed: ' + error : (progress.last() || verb + ' of ' + ref + ' done.');
    if (error) notice(error, 'error');
    await load();
  }

  async function pull(ref) {
    await followInView('Pull', ref, await call('POST', 'image/create', splitReference(ref)));
  }

  $('images-refresh').addEventListener('click', () => load().catch(failed));
  $('images-prune').addEventListener('click', () => prune().catch(failed));
  $('tag-cancel').addEventListener('click', closeTag);
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

  // What image-transfer.js uses; it adds openPush.
  DM.images = { load, refPath, splitReference, openPush: () => {} };
  DM.view('images', { load, leave: closeTag });
})();
