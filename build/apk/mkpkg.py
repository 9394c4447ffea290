#!/usr/bin/python3 -B
"""Writes an apk-tools 3 package (.apk, the ADB format) from a folder, as `apk mkpkg` does.

    mkpkg.py --files DIR --output FILE --info KEY:VALUE... [--script TYPE:FILE...]
             [--mtime EPOCH] [--sign-key PEM] [--no-compress]

The layout (apk-tools' doc/apk-v3.5, doc/apk-package.5, src/app_mkpkg.c, src/extract_v3.c):
the root object's info (name, version, a 20-byte unique id, description, arch, license,
origin, build time, installed size, dependencies), its paths (one entry per folder, the root
folder first with no name, each folder's files sorted by name; folders and files sorted by
the bytes of their names), and the scripts. Then one DATA block per non-empty regular file, in
the order of the paths, each starting with the u32 folder and file numbers (from 1).
Owners are recorded as root, every mtime is EPOCH.
"""

import argparse
import hashlib
import os
import stat
import struct
import sys

import adb
import schema
import signing

INFO_FIELDS = {
    "name": schema.PI_NAME,
    "version": schema.PI_VERSION,
    "description": schema.PI_DESCRIPTION,
    "arch": schema.PI_ARCH,
    "license": schema.PI_LICENSE,
    "origin": schema.PI_ORIGIN,
    "maintainer": schema.PI_MAINTAINER,
    "url": schema.PI_URL,
    "build-time": schema.PI_BUILD_TIME,
    "depends": schema.PI_DEPENDS,
}
OWNER = b"root"


class Entry:
    def __init__(self, name, st, content=None, target=None):
        self.name, self.mode, self.content, self.target = name, stat.S_IMODE(st.st_mode), content, target
        self.size = len(content) if content is not None else len(target)


def scan(root):
    """[(folder path relative to root as bytes, folder mode, [Entry])], sorted as apk sorts them."""
    folders = []

    def visit(rel):
        path = os.path.join(root, os.fsdecode(rel)) if rel else root
        entries = []
        with os.scandir(path) as it:
            for e in it:
                st = e.stat(follow_symlinks=False)
                name = os.fsencode(e.name)
                if stat.S_ISDIR(st.st_mode):
                    visit(rel + b"/" + name if rel else name)
                elif stat.S_ISLNK(st.st_mode):
                    entries.append(Entry(name, st, target=os.fsencode(os.readlink(e.path))))
                elif stat.S_ISREG(st.st_mode):
                    with open(e.path, "rb") as f:
                        entries.append(Entry(name, st, content=f.read()))
                else:
                    raise ValueError("%s: only folders, files and symbolic links can be packed" % e.path)
        entries.sort(key=lambda x: x.name)
        folders.append((rel, stat.S_IMODE(os.lstat(path).st_mode), entries))

    visit(b"")
    folders.sort(key=lambda f: f[0])
    return folders


def acl(b, mode):
    return b.object({schema.ACL_MODE: b.int(mode), schema.ACL_USER: b.blob(OWNER), schema.ACL_GROUP: b.blob(OWNER)})


def file_value(b, entry, mtime):
    fields = {
        schema.FI_NAME: b.blob(entry.name),
        schema.FI_ACL: acl(b, entry.mode),
        schema.FI_SIZE: b.int(entry.size),
        schema.FI_MTIME: b.int(mtime),
    }
    if entry.target is None:
        fields[schema.FI_HASHES] = b.blob(hashlib.sha256(entry.content).digest())
    else:
        fields[schema.FI_TARGET] = b.blob(struct.pack("<H", schema.S_IFLNK) + entry.target)
    return b.object(fields)


def info_value(b, info, installed_size):
    fields = {}
    for key, text in info.items():
        field = INFO_FIELDS[key]
        if field == schema.PI_DEPENDS:
            names = sorted(set(text.split()))
            deps = [b.object({schema.DEP_NAME: b.blob(n.encode())}) for n in names]
            fields[field] = b.array(deps)
        elif field == schema.PI_BUILD_TIME:
            fields[field] = b.int(int(text))
        else:
            fields[field] = b.blob(text.encode())
    fields[schema.PI_INSTALLED_SIZE] = b.int(installed_size)
    placeholder = b.blob(bytes(schema.UNIQUE_ID_LENGTH))
    fields[schema.PI_HASHES] = placeholder
    return b.object(fields), placeholder


def build(files, info, scripts, mtime, sign_key, compress):
    folders = scan(files)
    b = adb.Builder()
    paths = []
    for rel, mode, entries in folders:
        names = b.array([file_value(b, e, mtime) for e in entries])
        paths.append(b.object({schema.DI_NAME: b.blob(rel), schema.DI_ACL: acl(b, mode), schema.DI_FILES: names}))
    paths_val = b.array(paths)
    installed = sum(e.size for _, _, entries in folders for e in entries if e.target is None) or 1
    info_val, uid = info_value(b, info, installed)
    root = {schema.PKG_INFO: info_val, schema.PKG_PATHS: paths_val}
    if scripts:
        root[schema.PKG_SCRIPTS] = b.object({schema.SCRIPTS[k]: b.blob(v) for k, v in scripts.items()})
    payload = bytearray(b.finish(b.object(root)))
    at = b.blob_offset(uid)
    payload[at:at + schema.UNIQUE_ID_LENGTH] = hashlib.sha256(payload).digest()[:schema.UNIQUE_ID_LENGTH]
    payload = bytes(payload)

    blocks = [adb.block(adb.BLOCK_ADB, payload)]
    if sign_key:
        blocks.append(adb.block(adb.BLOCK_SIG, signing.signature_block_payload(sign_key, schema.SCHEMA_PACKAGE, payload)))
    for i, (_, _, entries) in enumerate(folders, 1):
        for j, e in enumerate(entries, 1):
            if e.target is None and e.size > 0:
                blocks.append(adb.block(adb.BLOCK_DATA, struct.pack("<II", i, j) + e.content))
    return adb.container(schema.SCHEMA_PACKAGE, blocks, compress)


def pairs(values, what):
    out = {}
    for v in values:
        key, sep, rest = v.partition(":")
        if not sep:
            raise SystemExit("mkpkg: --%s %s: expected KEY:VALUE" % (what, v))
        out[key] = rest
    return out


def main(argv):
    p = argparse.ArgumentParser(description="Writes an apk-tools 3 package.")
    p.add_argument("--files", required=True)
    p.add_argument("--output", required=True)
    p.add_argument("--info", action="append", default=[])
    p.add_argument("--script", action="append", default=[])
    p.add_argument("--mtime", type=int, default=0)
    p.add_argument("--sign-key")
    p.add_argument("--no-compress", action="store_true")
    a = p.parse_args(argv)
    info = pairs(a.info, "info")
    unknown = set(info) - set(INFO_FIELDS)
    if unknown or not {"name", "version"} <= set(info):
        raise SystemExit("mkpkg: --info needs name and version; unknown: %s" % " ".join(sorted(unknown)))
    scripts = {}
    for kind, path in pairs(a.script, "script").items():
        if kind not in schema.SCRIPTS:
            raise SystemExit("mkpkg: unknown script type %s" % kind)
        with open(path, "rb") as f:
            scripts[kind] = f.read()
    data = build(a.files, info, dict(sorted(scripts.items(), key=lambda s: schema.SCRIPTS[s[0]])), a.mtime,
                 a.sign_key, not a.no_compress)
    with open(a.output + ".tmp", "wb") as f:
        f.write(data)
    os.replace(a.output + ".tmp", a.output)


if __name__ == "__main__":
    main(sys.argv[1:])
