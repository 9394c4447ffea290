"""ADB, the container format of apk-tools 3 (.apk packages and packages.adb indexes).

Facts from apk-tools' doc/apk-v3.5 and src/adb.h, src/adb.c, src/adb_comp.c, src/io_gunzip.c:

- A file is the 4-byte magic "ADB." then the 4-byte schema ("pckg", "indx") then blocks. A
  compressed file is "ADBd" then one raw deflate stream (no zlib or gzip wrapper) of exactly
  those bytes.
- A block starts with a little-endian u32: 2 type bits (0 ADB, 1 SIG, 2 DATA) above 30 bits of
  size, the size counting the 4-byte header. Blocks are padded with zeros to a multiple of 8.
  One ADB block comes first, then SIG blocks, then DATA blocks.
- The ADB block holds an 8-byte header (u8 compat version 0, u8 version 0, u16 reserved 0,
  u32 root value) and then the values the root reaches. Offsets in values count from the
  start of the ADB block's payload (the header is at offset 0).
- A value is a little-endian u32: 4 type bits above 28 bits of immediate value or offset.
  0x0 special (0 is NULL), 0x1 int (immediate, < 2^28), 0x2 int32 and 0x3 int64 (offset,
  4-aligned), 0x8/0x9/0xa blob with a u8/u16/u32 length before the bytes (aligned to the
  length's size), 0xd array and 0xe object (offset, 4-aligned, of u32 slots whose slot 0 is
  the slot count including itself; trailing NULL slots are not written, and an object or
  array with none but NULL slots is NULL itself).
"""

import struct
import zlib

TYPE_SPECIAL = 0x00000000
TYPE_INT = 0x10000000
TYPE_INT32 = 0x20000000
TYPE_INT64 = 0x30000000
TYPE_BLOB8 = 0x80000000
TYPE_BLOB16 = 0x90000000
TYPE_BLOB32 = 0xA0000000
TYPE_ARRAY = 0xD0000000
TYPE_OBJECT = 0xE0000000
TYPE_MASK = 0xF0000000
VALUE_MASK = 0x0FFFFFFF
NULL = 0

BLOCK_ADB = 0
BLOCK_SIG = 1
BLOCK_DATA = 2
BLOCK_ALIGNMENT = 8
# 30 size bits; apk writes larger blocks in an extended form that this writer never needs.
BLOCK_MAX_SIZE = 0x3FFFFFFF

MAGIC = b"ADB."
MAGIC_DEFLATE = b"ADBd"
HEADER_SIZE = 8  # the ADB block's own header: compat version, version, reserved, root


class Builder:
    """The payload of one ADB block, values appended after the header at their alignment."""

    def __init__(self):
        self.data = bytearray(HEADER_SIZE)

    def _append(self, raw, alignment):
        self.data += bytes(-len(self.data) % alignment)
        offset = len(self.data)
        if offset > VALUE_MASK:
            raise ValueError("ADB block larger than a value can address")
        self.data += raw
        return offset

    def blob(self, raw):
        """A blob value; an empty blob is NULL, as apk writes it."""
        raw = bytes(raw)
        n = len(raw)
        if n == 0:
            return NULL
        if n <= 0xFF:
            return TYPE_BLOB8 | self._append(struct.pack("<B", n) + raw, 1)
        if n <= 0xFFFF:
            return TYPE_BLOB16 | self._append(struct.pack("<H", n) + raw, 2)
        return TYPE_BLOB32 | self._append(struct.pack("<I", n) + raw, 4)

    def blob_offset(self, value):
        """Where the bytes of a blob value start (after its length)."""
        length_size = {TYPE_BLOB8: 1, TYPE_BLOB16: 2, TYPE_BLOB32: 4}[value & TYPE_MASK]
        return (value & VALUE_MASK) + length_size

    def int(self, n):
        if n < 0:
            raise ValueError("ADB integers are unsigned")
        if n <= VALUE_MASK:
            return TYPE_INT | n
        if n <= 0xFFFFFFFF:
            return TYPE_INT32 | self._append(struct.pack("<I", n), 4)
        return TYPE_INT64 | self._append(struct.pack("<Q", n), 4)

    def _slots(self, kind, slots):
        while slots and slots[-1] == NULL:
            slots.pop()
        if not slots:
            return NULL
        raw = struct.pack("<%dI" % (len(slots) + 1), len(slots) + 1, *slots)
        return kind | self._append(raw, 4)

    def object(self, fields):
        """An object from {field id: value}; ids start at 1."""
        slots = [NULL] * max(fields, default=0)
        for field, value in fields.items():
            slots[field - 1] = value
        return self._slots(TYPE_OBJECT, slots)

    def array(self, items):
        """An array of the non-NULL values, in the given order (apk skips NULL items)."""
        return self._slots(TYPE_ARRAY, [v for v in items if v != NULL])

    def finish(self, root):
        struct.pack_into("<BBHI", self.data, 0, 0, 0, 0, root)
        return bytes(self.data)


def block(kind, payload):
    size = 4 + len(payload)
    if size > BLOCK_MAX_SIZE:
        raise ValueError("block of %d bytes is too large" % size)
    return struct.pack("<I", (kind << 30) | size) + payload + bytes(-size % BLOCK_ALIGNMENT)


def container(schema, blocks, compress):
    raw = MAGIC + schema + b"".join(blocks)
    if not compress:
        return raw
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15, 8, zlib.Z_DEFAULT_STRATEGY)
    return MAGIC_DEFLATE + deflate.compress(raw) + deflate.flush()


def read_container(data):
    """(schema, [(block type, payload)]) of a file, compressed or not."""
    if data[:4] == MAGIC_DEFLATE:
        inflate = zlib.decompressobj(-15)
        data = inflate.decompress(data[4:]) + inflate.flush()
        if inflate.unused_data or not inflate.eof:
            raise ValueError("the deflate stream does not end where the file ends")
    if data[:4] != MAGIC:
        raise ValueError("not an ADB file")
    schema, pos, blocks = data[4:8], 8, []
    while pos < len(data):
        (type_size,) = struct.unpack_from("<I", data, pos)
        kind, size = type_size >> 30, type_size & BLOCK_MAX_SIZE
        if kind == 3 or size < 4 or pos + size > len(data):
            raise ValueError("bad block at %d" % pos)
        blocks.append((kind, data[pos + 4:pos + size]))
        pos += size + (-size % BLOCK_ALIGNMENT)
    return schema, blocks


def decode(adb, value):
    """A value of an ADB block as a tree: None, int, bytes, ("object", {id: tree}) or ("array", [tree])."""
    kind, offset = value & TYPE_MASK, value & VALUE_MASK
    if value == NULL:
        return None
    if kind == TYPE_INT:
        return offset
    if kind == TYPE_INT32:
        return struct.unpack_from("<I", adb, offset)[0]
    if kind == TYPE_INT64:
        return struct.unpack_from("<Q", adb, offset)[0]
    if kind in (TYPE_BLOB8, TYPE_BLOB16, TYPE_BLOB32):
        fmt = {TYPE_BLOB8: "<B", TYPE_BLOB16: "<H", TYPE_BLOB32: "<I"}[kind]
        (n,) = struct.unpack_from(fmt, adb, offset)
        start = offset + struct.calcsize(fmt)
        return bytes(adb[start:start + n])
    if kind in (TYPE_OBJECT, TYPE_ARRAY):
        (count,) = struct.unpack_from("<I", adb, offset)
        slots = struct.unpack_from("<%dI" % count, adb, offset)[1:]
        if kind == TYPE_ARRAY:
            return ("array", [decode(adb, v) for v in slots])
        return ("object", {i + 1: decode(adb, v) for i, v in enumerate(slots) if v != NULL})
    raise ValueError("value 0x%08x has an unknown type" % value)


def encode(builder, tree):
    """The value of a tree from decode(), written into builder."""
    if tree is None:
        return NULL
    if isinstance(tree, int):
        return builder.int(tree)
    if isinstance(tree, bytes):
        return builder.blob(tree)
    kind, items = tree
    if kind == "array":
        return builder.array([encode(builder, t) for t in items])
    return builder.object({i: encode(builder, t) for i, t in items.items()})


def root(adb):
    return struct.unpack_from("<I", adb, 4)[0]
