"""Just enough of the OLE compound-file format to tell what an old Office file is before converting it.

A Word 97–2003 `.doc`, an Excel `.xls` and a password-protected `.docx` all start with the same
eight bytes; only the stream names inside (and, for a `.doc`, one bit of its header) tell them apart.
LibreOffice would stall or fail on an encrypted file with a message nobody understands, so the file
is classified here first. Only the directory and the first bytes of one stream are read.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

from pipeline.base import ExtractionError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_END_OF_CHAIN = 0xFFFFFFFE
_MAX_SECTOR = 0xFFFFFFFA
_MAX_FILE_BYTES = 512 * 1024 * 1024
# The FIB's flag word (offset 0x0A of the WordDocument stream): fEncrypted is bit 8 ([MS-DOC] 2.5.2).
_FIB_FLAGS_OFFSET = 0x0A
_FIB_ENCRYPTED = 0x0100
# An encrypted OOXML file (.docx/.xlsx with a password) is an OLE container with these streams.
_ENCRYPTED_PACKAGE_STREAMS = {"EncryptedPackage", "EncryptionInfo"}
WORD_STREAM = "WordDocument"


@dataclass
class _Entry:
    name: str
    kind: int  # 1 storage, 2 stream, 5 root
    start: int
    size: int


class _Container:
    """An OLE file read into memory (old Word files are small), with its FAT and directory."""

    def __init__(self, data: bytes) -> None:
        if len(data) < 512 or not data.startswith(OLE_MAGIC):
            raise ValueError("not an OLE file")
        self.data = data
        self.sector_size = 1 << struct.unpack_from("<H", data, 0x1E)[0]
        self.mini_size = 1 << struct.unpack_from("<H", data, 0x20)[0]
        n_fat, first_dir = struct.unpack_from("<II", data, 0x2C)
        self.cutoff, first_minifat, n_minifat, first_difat, n_difat = struct.unpack_from("<IIIII", data, 0x38)
        if self.sector_size not in (512, 4096):
            raise ValueError("bad sector size")
        fat_sectors = [s for s in struct.unpack_from("<109I", data, 0x4C) if s <= _MAX_SECTOR]
        sector, per, seen = first_difat, self.sector_size // 4 - 1, set()
        for _ in range(n_difat):
            if sector > _MAX_SECTOR or sector in seen or len(fat_sectors) >= n_fat:
                break
            seen.add(sector)
            values = struct.unpack_from(f"<{per + 1}I", self._sector(sector))
            fat_sectors.extend(v for v in values[:per] if v <= _MAX_SECTOR)
            sector = values[per]
        self.fat: list[int] = []
        for s in fat_sectors[:n_fat]:
            self.fat.extend(struct.unpack(f"<{self.sector_size // 4}I", self._sector(s)))
        self.entries = self._directory(first_dir)
        root = self.entries[0] if self.entries else None
        self.ministream = self._chain_bytes(root.start) if root and root.kind == 5 else b""
        self.minifat: list[int] = []
        if n_minifat:
            raw = self._chain_bytes(first_minifat)
            self.minifat = list(struct.unpack(f"<{len(raw) // 4}I", raw[: len(raw) // 4 * 4]))

    def _sector(self, n: int) -> bytes:
        offset = (n + 1) * self.sector_size
        chunk = self.data[offset : offset + self.sector_size]
        if len(chunk) < self.sector_size:
            raise ValueError("sector beyond the end of the file")
        return chunk

    def _chain(self, start: int, table: list[int]) -> list[int]:
        chain, sector = [], start
        while sector <= _MAX_SECTOR and sector != _END_OF_CHAIN:
            if sector >= len(table) or len(chain) > len(table):
                raise ValueError("broken sector chain")
            chain.append(sector)
            sector = table[sector]
        return chain

    def _chain_bytes(self, start: int) -> bytes:
        return b"".join(self._sector(s) for s in self._chain(start, self.fat))

    def _directory(self, first: int) -> list[_Entry]:
        raw = self._chain_bytes(first)
        entries = []
        for offset in range(0, len(raw) - 127, 128):
            name_len, kind = struct.unpack_from("<HB", raw, offset + 0x40)
            start, size = struct.unpack_from("<II", raw, offset + 0x74)
            name = raw[offset : offset + max(name_len - 2, 0)].decode("utf-16-le", "replace")
            entries.append(_Entry(name, kind, start, size))
        return entries

    def stream_names(self) -> set[str]:
        return {e.name for e in self.entries if e.kind == 2}

    def read(self, name: str, limit: int) -> bytes:
        """The first `limit` bytes of a stream (from the mini stream when it is a small one)."""
        entry = next(e for e in self.entries if e.kind == 2 and e.name == name)
        if entry.size < self.cutoff:
            chunks = [
                self.ministream[s * self.mini_size : (s + 1) * self.mini_size]
                for s in self._chain(entry.start, self.minifat)
            ]
            return b"".join(chunks)[: min(limit, entry.size)]
        return self._chain_bytes(entry.start)[: min(limit, entry.size)]


def classify_ole(path: Path) -> str:
    """Return "doc" for a readable Word 97–2003 file; raise a plain `ExtractionError` for anything else."""
    if path.stat().st_size > _MAX_FILE_BYTES:
        raise ExtractionError(f"refused: {path.name} is larger than any real old Word document")
    try:
        container = _Container(path.read_bytes())
        names = container.stream_names()
        fib = container.read(WORD_STREAM, 16) if WORD_STREAM in names else b""
    except (ValueError, struct.error, StopIteration) as err:
        raise ExtractionError("damaged old Office file (its OLE container cannot be read)") from err
    if names & _ENCRYPTED_PACKAGE_STREAMS:
        raise ExtractionError(
            "password-protected Office file: open it in Word, remove the password (File → Info → "
            "Protect Document) and save it again"
        )
    if WORD_STREAM not in names:
        raise ExtractionError("an old Office file (Excel, PowerPoint …), not a Word document")
    if len(fib) < _FIB_FLAGS_OFFSET + 2:
        raise ExtractionError("damaged old Word .doc file (its header is truncated)")
    (flags,) = struct.unpack_from("<H", fib, _FIB_FLAGS_OFFSET)
    if flags & _FIB_ENCRYPTED:
        raise ExtractionError("password-protected Word .doc: remove the password in Word and save it again")
    return "doc"
