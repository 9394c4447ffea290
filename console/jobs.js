// dockerman's background jobs (pulls and pushes): followed to their end, with each layer's progress.
// The call that starts one answers its id (X-Dockerman-Job) and streams its progress until the job
// ends or the stream's deadline; job/get/<id>?offset=N goes on from the bytes already read, and
// job/list tells whether the job has ended.
'use strict';

(function () {
  const { el, call, json, readLines } = DM;

  // Reads a job's progress to its end: onObject gets each JSON line but the errors. Answers the
  // error (the daemon's error line, or the job's error when it failed), or null when it succeeded.
  // response: what started the job (its id in X-Dockerman-Job), or job/get/<id> of a job that was
  // started before (a page reloaded meanwhile), with its id.
  async function followJob(response, onObject, id) {
    const job = id || response.headers.get('X-Dockerman-Job');
    if (job) following.add(job);
    try {
      return await follow(job, response, onObject);
    } finally {
      following.delete(job);
    }
  }

  // The jobs this page follows now: one that runs on without a follower (the page was reloaded,
  // or another browser started it) can be taken up again.
  const following = new Set();

  async function follow(job, response, onObject) {
    let error = null;
    let offset = 0;
    const onLine = (line, bytes) => {
      if (line === '') return; // a heartbeat, not progress: not counted in the offset
      offset += bytes;
      let p;
      try { p = JSON.parse(line); } catch (e) { return; }
      if (p.error || p.errorDetail) { error = p.error || p.errorDetail.message; return; }
      onObject(p);
    };
    for (;;) {
      await readLines(response, onLine);
      if (!job) break; // no job: the stream was all of it
      const jobs = await json('GET', 'job/list');
      const info = (jobs || []).find((j) => j.id === job);
      if (!info || info.state !== 'running') {
        if (info && info.state === 'failed' && !error) error = info.error || 'the job failed';
        break;
      }
      response = await call('GET', 'job/get/' + encodeURIComponent(job), { offset });
    }
    return error;
  }

  // A list (ul) that shows a pull's or push's progress: a line per layer, updated in place, and the
  // other status lines in order. onObject goes to followJob; last() is the latest status line.
  function jobProgress(list) {
    const layers = new Map();
    let last = '';
    list.replaceChildren();
    return {
      onObject(p) {
        const text = [p.status, p.progress].filter(Boolean).join(' ');
        if (!text) return; // e.g. a push's closing {"aux": {...}}
        if (p.id && !String(p.status).startsWith('Pulling from')) {
          let item = layers.get(p.id);
          if (!item) { item = el('li', { 'data-layer': p.id }); layers.set(p.id, item); list.append(item); }
          item.textContent = p.id + ': ' + text;
        } else {
          last = text;
          list.append(el('li', { textContent: text }));
        }
      },
      last: () => last,
    };
  }

  DM.followJob = followJob;
  // Takes a job up to follow it: false when this page follows it already.
  DM.claimJob = (id) => {
    if (following.has(id)) return false;
    following.add(id);
    return true;
  };
  DM.releaseJob = (id) => following.delete(id);
  DM.jobProgress = jobProgress;
})();
