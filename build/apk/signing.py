"""The SIG block of an ADB file, made with the openssl command line.

Facts from apk-tools' src/adb.h, src/adb.c (adb_trust_write_signatures, adb_digest_v0_signature)
and src/crypto_openssl.c (apk_pkey_init, apk_sign_start):

- The payload is u8 sign_ver (0), u8 hash_alg (4, SHA-512 in apk's numbering: 1 MD5, 2 SHA1,
  3 SHA256, 4 SHA512), 16 bytes of key id, then the signature as openssl makes it (for ECDSA
  the DER SEQUENCE of r and s).
- What is signed, with the key and SHA-512 (EVP_DigestSign): the schema as 4 little-endian
  bytes ("pckg", "indx"), the 18 bytes of sign_ver, hash_alg and key id, then the SHA-512 of
  the ADB block's payload (header and values; not the block's own 4-byte header, not the
  padding).
- The key id is the first 16 bytes of the SHA-512 of the public key as i2d_PublicKey writes
  it: for an EC key the point (0x04, X, Y; 65 bytes for P-256), for RSA the PKCS#1
  RSAPublicKey. Both are what a SubjectPublicKeyInfo's BIT STRING holds.
- apk tries every key in /etc/apk/keys whose id matches; the file name does not matter.
"""

import hashlib
import subprocess

SIGN_VERSION = 0
HASH_SHA512 = 4
KEY_ID_LENGTH = 16


def _der(data, pos):
    """(tag, content start, content end) of the DER element at pos."""
    tag, length = data[pos], data[pos + 1]
    pos += 2
    if length & 0x80:
        count = length & 0x7F
        length = int.from_bytes(data[pos:pos + count], "big")
        pos += count
    return tag, pos, pos + length


def public_key_bits(spki):
    """The subjectPublicKey bytes of a DER SubjectPublicKeyInfo (without the unused-bits byte)."""
    tag, start, end = _der(spki, 0)
    if tag != 0x30:
        raise ValueError("not a SubjectPublicKeyInfo")
    _, _, algorithm_end = _der(spki, start)
    tag, bits_start, bits_end = _der(spki, algorithm_end)
    if tag != 0x03 or spki[bits_start] != 0:
        raise ValueError("no public key BIT STRING")
    return spki[bits_start + 1:bits_end]


def _openssl(*args, stdin=None):
    run = subprocess.run(["openssl", *args], input=stdin, capture_output=True, check=False)
    if run.returncode != 0:
        raise RuntimeError("openssl %s: %s" % (args[0], run.stderr.decode(errors="replace").strip()))
    return run.stdout


def key_id(private_key_path):
    spki = _openssl("pkey", "-in", private_key_path, "-pubout", "-outform", "DER")
    return hashlib.sha512(public_key_bits(spki)).digest()[:KEY_ID_LENGTH]


def signed_message(schema, header, adb_payload):
    """What the signature covers: schema, sign_ver/hash_alg/key id, SHA-512 of the ADB block."""
    return schema + header + hashlib.sha512(adb_payload).digest()


def signature_block_payload(private_key_path, schema, adb_payload):
    header = bytes([SIGN_VERSION, HASH_SHA512]) + key_id(private_key_path)
    message = signed_message(schema, header, adb_payload)
    signature = _openssl("dgst", "-sha512", "-sign", private_key_path, "-binary", stdin=message)
    return header + signature
