"""Tiny OLE compound files (the container of .doc, .xls and password-protected .docx), written by hand.

Enough of the format for a reader to list the streams and read them: one FAT sector, one directory
sector, every stream padded to 4096 bytes so it lives in regular sectors (no mini stream).
"""

from __future__ import annotations

import struct
from pathlib import Path

MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SECTOR = 512
FREE, END, FAT_SECTOR, NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def _entry(
    name: str, kind: int, start: int, size: int, child: int = NO_STREAM, right: int = NO_STREAM
) -> bytes:
    encoded = name.encode("utf-16-le") + b"\x00\x00"
    raw = encoded.ljust(64, b"\x00")
    raw += struct.pack("<HBB", len(encoded), kind, 1)  # name length, type, colour (black)
    raw += struct.pack("<III", NO_STREAM, right, child)  # left, right sibling, child
    raw += b"\x00" * 16 + struct.pack("<I", 0) + b"\x00" * 16  # clsid, state bits, times
    raw += struct.pack("<IQ", start, size)
    return raw


def build_ole(path: Path, streams: dict[str, bytes]) -> Path:
    """Write an OLE file holding `streams` (at most 3) at `path`."""
    assert len(streams) <= 3, "one directory sector holds four entries: the root and three streams"
    fat = [FAT_SECTOR, END]  # sector 0: the FAT; sector 1: the directory
    entries, data = [], b""
    names = list(streams)
    for i, name in enumerate(names):
        body = streams[name].ljust(4096, b"\x00")
        n = -(-len(body) // SECTOR)
        start = len(fat)
        fat.extend(range(start + 1, start + n))
        fat.append(END)
        entries.append(_entry(name, 2, start, len(body), right=i + 2 if i + 1 < len(names) else NO_STREAM))
        data += body.ljust(n * SECTOR, b"\x00")
    root = _entry("Root Entry", 5, END, 0, child=1 if names else NO_STREAM)
    directory = b"".join([root, *entries]).ljust(SECTOR, b"\x00")
    fat_sector = struct.pack(f"<{len(fat)}I", *fat).ljust(SECTOR, b"\xff")
    header = MAGIC + b"\x00" * 16 + struct.pack("<HHHH", 0x3E, 3, 0xFFFE, 9)  # minor, major, byte order
    header += struct.pack("<H", 6) + b"\x00" * 6  # mini sector shift, reserved
    header += struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, END, 0, END, 0)
    header += struct.pack("<I", 0) + struct.pack("<108I", *[FREE] * 108)  # DIFAT: the FAT is sector 0
    assert len(header) == SECTOR
    path.write_bytes(header + fat_sector + directory + data)
    return path


def word_fib(encrypted: bool) -> bytes:
    """The first bytes of a WordDocument stream: the FIB's magic, version and flag word."""
    flags = 0x0100 if encrypted else 0x0000
    return struct.pack("<HHHHHH", 0xA5EC, 0x00C1, 0, 0x0409, 0, flags)
