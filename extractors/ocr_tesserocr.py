"""Tesseract in this process (tesserocr, built against the system's libtesseract): no process start, no
model load, no image file per read.

The `tesseract` command costs a process start and a model load per run, and reads each image back
from a file; on a page of prose and a page of cells that is about a fifth of the OCR time. The library
reads the same pixels with the same parameters, so its TSV is the command's, word for word (a test
compares them on a corpus scan).

One `PyTessBaseAPI` per language and thread: an API is not thread-safe, and loading a model
takes about 0.1 s, so each thread keeps its own. Tesseract's OpenMP threads make it ten times more
expensive in CPU on a busy machine (150 s against 16 s on 33 pages), so this module sets
`OMP_THREAD_LIMIT=1` before libtesseract is loaded, and refuses to load it (`available` is False:
the command is used) when an OpenMP runtime was already loaded without that limit.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

TIMEOUT_MS = 120_000
TSV_HEADER = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"


def _openmp_loaded() -> bool:
    """Whether an OpenMP runtime is mapped into this process already (it reads its limit when loaded)."""
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            return any("libgomp" in line or "libomp" in line for line in maps)
    except OSError:
        return False


def _load() -> Any:
    if os.environ.get("OMP_THREAD_LIMIT") != "1":
        if _openmp_loaded():
            return None  # too late to limit its threads: the command, which gets the limit, is used
        os.environ["OMP_THREAD_LIMIT"] = "1"
    try:
        import tesserocr
    except ImportError:
        return None
    return tesserocr


_tesserocr = _load()
available = _tesserocr is not None
_local = threading.local()


class ModelMissing(RuntimeError):
    """The language's model is not installed (the caller says what to install)."""


class RecognitionTimeout(Exception):
    """Tesseract's own cap on one image (TIMEOUT_MS) ran out. Not a `TimeoutError`: that one is the
    file's time limit (a signal), which goes through to the caller as it is."""


def _api(language: str) -> Any:
    apis: dict[str, Any] = _local.__dict__.setdefault("apis", {})
    api = apis.get(language)
    if api is None:
        path, languages = _tesserocr.get_languages()
        if language not in languages:
            raise ModelMissing(language)
        api = _tesserocr.PyTessBaseAPI(path=path, lang=language)
        apis[language] = api
    return api


def read_images(
    images: Sequence[np.ndarray], dpi: float, psm: int, language: str, whitelist: str | None
) -> str:
    """Tesseract's TSV for `images` (header first, `page_num` 1.. per image), as the command prints it.

    Raises RecognitionTimeout when one image takes longer than TIMEOUT_MS.
    """
    api = _api(language)
    api.SetPageSegMode(psm)
    api.SetVariable("tessedit_char_whitelist", whitelist or "")
    parts = [TSV_HEADER]
    for i, image in enumerate(images):
        gray = np.ascontiguousarray(image, dtype=np.uint8)
        height, width = gray.shape
        pixels = gray.tobytes()  # Tesseract reads this buffer without copying it: keep it alive
        api.SetImageBytes(pixels, width, height, 1, width)
        api.SetSourceResolution(round(dpi))
        if not api.Recognize(timeout=TIMEOUT_MS):
            raise RecognitionTimeout(f"Tesseract OCR took longer than {TIMEOUT_MS // 1000} s on one page")
        tsv = api.GetTSVText(i)
        parts.append(tsv if tsv.endswith("\n") or not tsv else tsv + "\n")
        del pixels
    return "".join(parts)
