// The system view: what the daemon says of itself (info, version) and its disk use (df).
'use strict';

(function () {
  const { $, el, json, failed, size } = DM;

  async function load() {
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
    diskUse(await json('GET', 'df'));
  }

  // As `docker system df` counts: reclaimable is what no container (running, for containers) holds.
  function diskUse(df) {
    const sum = (list, f) => list.reduce((total, x) => total + Math.max(0, f(x) || 0), 0);
    const images = df.Images || [];
    const containers = df.Containers || [];
    const volumes = df.Volumes || [];
    const cache = (df.BuildCache || []).filter((b) => !b.Shared);
    const usedImages = images.filter((i) => i.Containers > 0);
    const imagesSize = df.LayersSize || sum(images, (i) => i.Size - Math.max(0, i.SharedSize));
    const volumeSize = (v) => (v.UsageData || {}).Size;
    const lines = [
      ['images', 'Images', images.length, usedImages.length, imagesSize,
        imagesSize - sum(usedImages, (i) => i.Size - Math.max(0, i.SharedSize))],
      ['containers', 'Containers', containers.length, containers.filter((c) => c.State === 'running').length,
        sum(containers, (c) => c.SizeRw), sum(containers.filter((c) => c.State !== 'running'), (c) => c.SizeRw)],
      ['volumes', 'Local volumes', volumes.length, volumes.filter((v) => (v.UsageData || {}).RefCount > 0).length,
        sum(volumes, volumeSize), sum(volumes.filter((v) => !((v.UsageData || {}).RefCount > 0)), volumeSize)],
      ['build-cache', 'Build cache', cache.length, cache.filter((b) => b.InUse).length,
        sum(cache, (b) => b.Size), sum(cache.filter((b) => !b.InUse), (b) => b.Size)],
    ];
    $('df-rows').replaceChildren(...lines.map(([key, label, count, active, bytes, reclaimable]) => el('tr', { 'data-type': key },
      el('td', { 'data-label': 'Type', textContent: label }),
      el('td', { 'data-label': 'Count', class: 'count', textContent: String(count) }),
      el('td', { 'data-label': 'Active', textContent: String(active) }),
      el('td', { 'data-label': 'Size', class: 'bytes', textContent: size(bytes) }),
      el('td', { 'data-label': 'Reclaimable', textContent: size(Math.max(0, reclaimable)) +
        (bytes > 0 ? ' (' + Math.round(100 * Math.max(0, reclaimable) / bytes) + '%)' : '') }))));
  }

  $('system-refresh').addEventListener('click', () => load().catch(failed));

  DM.view('system', { load });
})();
