"""The field ids of apk-tools 3's package and index schemas (src/apk_adb.h, src/apk_adb.c).

Schemas are not stored in a file; these numbers are the slots each object's fields live in.
"""

SCHEMA_PACKAGE = b"pckg"  # u32 0x676b6370, little-endian
SCHEMA_INDEX = b"indx"  # u32 0x78646e69

# Package (the root of a .apk)
PKG_INFO = 1
PKG_PATHS = 2
PKG_SCRIPTS = 3

# Package info: the part an index copies
PI_NAME = 1
PI_VERSION = 2
PI_HASHES = 3  # in a .apk: a 20-byte unique id; in an index: the package's identity hash
PI_DESCRIPTION = 4
PI_ARCH = 5
PI_LICENSE = 6
PI_ORIGIN = 7
PI_MAINTAINER = 8
PI_URL = 9
PI_BUILD_TIME = 11
PI_INSTALLED_SIZE = 12
PI_FILE_SIZE = 13
PI_DEPENDS = 15

# Dependency
DEP_NAME = 1

# Directory
DI_NAME = 1
DI_ACL = 2
DI_FILES = 3

# File
FI_NAME = 1
FI_ACL = 2
FI_SIZE = 3
FI_MTIME = 4
FI_HASHES = 5
FI_TARGET = 6  # u16 file type (S_IFLNK 0xa000) then the link target

# ACL
ACL_MODE = 1
ACL_USER = 2
ACL_GROUP = 3

# Scripts, by the names apk mkpkg --script takes
SCRIPTS = {
    "trigger": 1,
    "pre-install": 2,
    "post-install": 3,
    "pre-deinstall": 4,
    "post-deinstall": 5,
    "pre-upgrade": 6,
    "post-upgrade": 7,
}

# Index
NDX_DESCRIPTION = 1
NDX_PACKAGES = 2

S_IFLNK = 0o120000

# The unique id apk mkpkg stores in a package's own info: the first 20 bytes of the SHA-256
# of the ADB block written with 20 zero bytes in its place (app_mkpkg.c).
UNIQUE_ID_LENGTH = 20
