// A container's files, in its panel (container-panel.js): a path downloaded as the tar archive
// the daemon makes of it (container/get_archive, a plain link), and a file uploaded into a
// directory (container/put_archive) as a one-file tar archive written here.
'use strict';

(function () {
  const { $, call, notice, downloadUrl } = DM;

  // The container of the panel, as its "dm-container" event says: { id, name, … } or null.
  let shown = null;

  // ---- the tar writer: POSIX ustar (the pax utility's "ustar Interchange Format") ---------

  const BLOCK = 512;
  const MAX_SIZE = 0o77777777777; // 11 octal digits: 8 GiB − 1

  // value as length − 1 octal digits (zeros in front) and a NUL.
  function octal(header, offset, length, value) {
    const digits = Math.floor(value).toString(8).padStart(length - 1, '0');
    if (digits.length > length - 1) throw new RangeError(value + ' does not fit ' + length + ' bytes of a tar header');
    for (let i = 0; i < digits.length; i++) header[offset + i] = digits.charCodeAt(i);
    header[offset + length - 1] = 0;
  }

  function ascii(header, offset, text) {
    for (let i = 0; i < text.length; i++) header[offset + i] = text.charCodeAt(i);
  }

  // An archive of one regular file, file (a File or a Blob with its name given), as a Blob that
  // reads the file only when it is sent: the 512-byte header, the data padded with zeros to a
  // multiple of 512, and two zero blocks, the end of the archive.
  function ustar(file, fileName) {
    const name = new TextEncoder().encode(fileName ?? file.name);
    if (!name.length || name.length > 100) throw new Error('A file name of 1 to 100 bytes can be uploaded; rename the file first.');
    if (file.size > MAX_SIZE) throw new Error('A file of at most 8 GiB can be uploaded.');
    const h = new Uint8Array(BLOCK); // every field not set below stays NUL
    h.set(name, 0); //               name      0, 100 (NUL-terminated only when shorter)
    octal(h, 100, 8, 0o644); //      mode    100, 8: rw-r--r--
    octal(h, 108, 8, 0); //          uid     108, 8: root, as the daemon owns what it extracts
    octal(h, 116, 8, 0); //          gid     116, 8
    octal(h, 124, 12, file.size); // size    124, 12
    octal(h, 136, 12, Math.max(0, (file.lastModified ?? Date.now()) / 1000)); // mtime 136, 12: seconds
    h.fill(0x20, 148, 156); //       chksum  148, 8: counted as 8 spaces while summing
    h[156] = 0x30; //                typeflag 156: '0', a regular file
    ascii(h, 257, 'ustar\0'); //     magic   257, 6
    ascii(h, 263, '00'); //          version 263, 2
    ascii(h, 265, 'root'); //        uname   265, 32
    ascii(h, 297, 'root'); //        gname   297, 32
    octal(h, 329, 8, 0); //          devmajor 329, 8
    octal(h, 337, 8, 0); //          devminor 337, 8
    const sum = h.reduce((n, b) => n + b, 0); // prefix 345, 155 stays empty
    octal(h, 148, 7, sum); // six digits and a NUL; the space after them stays
    const padding = (BLOCK - (file.size % BLOCK)) % BLOCK;
    return new Blob([h, file, new Uint8Array(padding + 2 * BLOCK)], { type: 'application/x-tar' });
  }

  // ---- download ----------------------------------------------------------------------------

  let statTimer = 0;
  let statRun = 0;

  function updateLink() {
    const link = $('download-link');
    const path = $('download-path').value.trim();
    $('download-stat').textContent = '';
    if (shown && path) {
      link.href = downloadUrl('container/get_archive/' + encodeURIComponent(shown.id), { path });
      link.removeAttribute('aria-disabled');
    } else {
      link.removeAttribute('href');
      link.setAttribute('aria-disabled', 'true');
    }
    clearTimeout(statTimer);
    statRun++;
    if (shown && path) statTimer = setTimeout(() => stat(shown.id, shown.name, path, statRun), 400);
  }

  // What is at the path (container/info_archive: the daemon's X-Docker-Container-Path-Stat,
  // base64 of JSON with name, size and Go's mode bits), shown beside the link; nothing there
  // takes the link away.
  async function stat(id, name, path, run) {
    let text;
    try {
      const response = await call('GET', 'container/info_archive/' + encodeURIComponent(id), { path });
      const s = JSON.parse(atob(response.headers.get('X-Docker-Container-Path-Stat') || ''));
      const bit = (n) => Math.floor(s.mode / 2 ** n) % 2 === 1;
      text = bit(31) ? 'A directory: the archive holds all it contains.'
        : bit(27) ? 'A link to ' + s.linkTarget + '.'
          : 'A file of ' + DM.size(s.size) + '.';
    } catch (e) {
      if (run !== statRun) return;
      if (e instanceof DM.ApiError && e.status === 404) {
        $('download-link').removeAttribute('href');
        $('download-link').setAttribute('aria-disabled', 'true');
        text = name + ' has nothing at ' + path + '.';
      } else {
        text = e instanceof DM.ApiError ? e.message : '';
      }
    }
    if (run === statRun) $('download-stat').textContent = text;
  }

  // ---- upload ------------------------------------------------------------------------------

  DM.onSubmit($('upload-form'), async () => {
    const file = $('upload-file').files[0];
    const dir = $('upload-dir').value.trim();
    if (!file) throw new Error('Choose the file to upload.');
    if (!dir.startsWith('/')) throw new Error('The directory in the container starts with /, as /tmp.');
    const { id, name } = shown;
    const tar = ustar(file);
    await call('POST', 'container/put_archive/' + encodeURIComponent(id), { path: dir }, { body: tar, type: 'application/x-tar' });
    notice(file.name + ' uploaded to ' + name + ' in ' + dir + '.', 'ok');
    $('upload-file').value = '';
    updateLink();
  });

  $('download-path').addEventListener('input', updateLink);
  $('container-panel').addEventListener('dm-container', (event) => {
    const before = shown && shown.id;
    shown = event.detail;
    if (!shown) {
      clearTimeout(statTimer);
      statRun++;
      return;
    }
    if (shown.id !== before) $('upload-file').value = '';
    $('download-link').setAttribute('aria-label', 'Download from ' + shown.name);
    $('upload-submit').setAttribute('aria-label', 'Upload to ' + shown.name);
    updateLink();
  });

  DM.ustar = ustar;
})();
