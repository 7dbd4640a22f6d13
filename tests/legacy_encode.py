"""Unicode → TCVN3 / VNI, the inverse of `normalizers.legacy_text`'s tables: how old keyboards typed."""

from __future__ import annotations

import unicodedata

from normalizers.legacy_text import _tcvn3, _vni


def to_tcvn3(text: str) -> str:
    """Text as the ABC keyboard types it in a .VnTime font (no uppercase toned letters there)."""
    inverse = {u: b for b, u in _tcvn3().items()}
    return "".join(inverse.get(ch, ch) for ch in unicodedata.normalize("NFC", text))


def to_vni(text: str) -> str:
    """Text as the VNI keyboard types it in a VNI-Times font."""
    inverse = {u: s for s, u in _vni().items()}
    return "".join(inverse.get(ch, ch) for ch in unicodedata.normalize("NFC", text))
