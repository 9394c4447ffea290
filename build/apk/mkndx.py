#!/usr/bin/python3 -B
"""Writes an apk-tools 3 repository index (packages.adb) of .apk files, as `apk mkndx` does.

    mkndx.py --output FILE [--description TEXT] [--sign-key PEM] [--no-compress] PACKAGE.apk...

Facts from apk-tools' src/app_mkndx.c, src/extract_v3.c, src/adb.c and doc/apk-repositories.5:
the index (schema "indx") holds 1 a description and 2 the packages: for each, a copy of the
package's info with 3 hashes replaced by the package's identity, the SHA-256 of its ADB block's
payload, and 13 file-size set to the size of the .apk. apk trusts a package fetched from a
signed index when the SHA-256 of its ADB block equals that identity, so the packages need no
signature of their own. A repository line naming FILE serves each package from FILE's folder
as <name>-<version>.apk.
"""

import argparse
import hashlib
import os
import sys

import adb
import schema
import signing


def index_entry(builder, path):
    with open(path, "rb") as f:
        data = f.read()
    kind, blocks = adb.read_container(data)
    if kind != schema.SCHEMA_PACKAGE or not blocks or blocks[0][0] != adb.BLOCK_ADB:
        raise SystemExit("mkndx: %s is not an apk v3 package" % path)
    payload = blocks[0][1]
    package = adb.decode(payload, adb.root(payload))
    info = dict(package[1][schema.PKG_INFO][1])
    info[schema.PI_HASHES] = hashlib.sha256(payload).digest()
    info[schema.PI_FILE_SIZE] = len(data)
    name = info[schema.PI_NAME].decode()
    version = info[schema.PI_VERSION].decode()
    if os.path.basename(path) != "%s-%s.apk" % (name, version):
        raise SystemExit("mkndx: %s: apk fetches it as %s-%s.apk" % (path, name, version))
    # Sorted as apk sorts the array (adb_wa_sort): by name, then version, then the rest.
    return (info[schema.PI_NAME], info[schema.PI_VERSION]), adb.encode(builder, ("object", info))


def build(packages, description, sign_key, compress):
    b = adb.Builder()
    entries = sorted(index_entry(b, p) for p in packages)
    root = b.object({
        schema.NDX_DESCRIPTION: b.blob(description.encode()),
        schema.NDX_PACKAGES: b.array([value for _, value in entries]),
    })
    payload = b.finish(root)
    blocks = [adb.block(adb.BLOCK_ADB, payload)]
    if sign_key:
        blocks.append(adb.block(adb.BLOCK_SIG, signing.signature_block_payload(sign_key, schema.SCHEMA_INDEX, payload)))
    return adb.container(schema.SCHEMA_INDEX, blocks, compress)


def main(argv):
    p = argparse.ArgumentParser(description="Writes an apk-tools 3 repository index.")
    p.add_argument("--output", required=True)
    p.add_argument("--description", default="")
    p.add_argument("--sign-key")
    p.add_argument("--no-compress", action="store_true")
    p.add_argument("packages", nargs="+")
    a = p.parse_args(argv)
    data = build(a.packages, a.description, a.sign_key, not a.no_compress)
    with open(a.output + ".tmp", "wb") as f:
        f.write(data)
    os.replace(a.output + ".tmp", a.output)


if __name__ == "__main__":
    main(sys.argv[1:])
