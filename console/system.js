// The system view: what the daemon says of itself (info, version).
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
  }

  $('system-refresh').addEventListener('click', () => load().catch(failed));

  DM.view('system', { load });
})();
