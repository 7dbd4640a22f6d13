"""Tesseract: images in, words with boxes and confidences out (TSV), in this process or as a command.

In this process (`extractors.ocr_tesserocr`, when tesserocr is installed) is the default: the model
loads once per thread and no image goes through a file. The `tesseract` command is the fallback
(`NHIEMVU_OCR_ENGINE=command`, or a `NHIEMVU_TESSERACT` binary): one process reads many images (the
model loads once per run), several processes run side by side. Either way Tesseract runs
single-threaded: its OpenMP threads make it several times slower on a busy machine.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import threading
import unicodedata
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from statistics import median

import numpy as np

from extractors import ocr_tesserocr
from pipeline.base import ExtractionError

TESSERACT = os.environ.get("NHIEMVU_TESSERACT", "tesseract")
ENGINES = ("library", "command")
LANGUAGE = "vie"
_TIMEOUT_S = 120
DASHES = {"-", "–", "—", "~", "_", "=", "−"}  # what a bullet dash comes back as


class OcrError(ExtractionError):
    """OCR could not run (Tesseract or its Vietnamese model missing): the message says what to install."""


@dataclass
class OcrWord:
    """A word as Tesseract returns it, in pixels of the page image (or of the crop it was read in)."""

    text: str
    left: int
    top: int
    right: int
    bottom: int
    conf: float  # 0..1
    line_key: tuple[int, int, int]  # (block, paragraph, line)
    raw: str | None = None  # the text Tesseract gave, when a repair changed it
    bold: bool = False  # judged from the stroke width on the raster

    @property
    def cx(self) -> float:
        return (self.left + self.right) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def height(self) -> int:
        return self.bottom - self.top


def _pgm(gray: np.ndarray) -> bytes:
    """Uncompressed PGM: the cheapest image format Tesseract reads from a pipe."""
    h, w = gray.shape
    return f"P5 {w} {h} 255\n".encode() + np.ascontiguousarray(gray, dtype=np.uint8).tobytes()


@dataclass
class Batch:
    """Images Tesseract reads in one process, with one page-segmentation mode and one alphabet."""

    images: Sequence[np.ndarray]
    psm: int
    language: str = LANGUAGE
    whitelist: str | None = None  # only these characters (the Roman-numeral re-reading)


def _tesseract_cmd(
    source: str, dpi: float, psm: int, language: str = LANGUAGE, whitelist: str | None = None
) -> list[str]:
    cmd = [TESSERACT, source, "stdout", "-l", language, "--psm", str(psm), "--dpi", str(round(dpi))]
    if whitelist:
        cmd += ["-c", f"tessedit_char_whitelist={whitelist}"]
    return [*cmd, "tsv"]


def _no_model(language: str) -> str:
    name = {"vie": "Vietnamese", "eng": "English"}.get(language, language)
    return f"Tesseract has no {name} model (apt-get install tesseract-ocr-{language})"


def _check(returncode: int, stderr: bytes) -> None:
    if returncode == 0:
        return
    message = stderr.decode("utf-8", "replace")
    if "Failed loading language" in message or "Error opening data file" in message:
        raise OcrError(_no_model(LANGUAGE))
    raise OcrError(f"Tesseract OCR failed: {message.strip()[-300:]}")


def _start(cmd: list[str], stdin: bytes | None) -> tuple[subprocess.Popen[bytes], bytes | None]:
    # One thread per process: OpenMP threads make Tesseract several times slower on a busy machine.
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
        )  # fmt: skip
    except FileNotFoundError as err:
        raise OcrError(
            "scanned page, but Tesseract OCR is not installed (apt-get install tesseract-ocr tesseract-ocr-vie)"
        ) from err
    return proc, stdin


def _finish_proc(proc: subprocess.Popen[bytes], stdin: bytes | None) -> str:
    try:
        out, err = proc.communicate(stdin, timeout=_TIMEOUT_S)
    except subprocess.TimeoutExpired as exc:
        proc.kill()
        proc.communicate()
        raise OcrError(f"Tesseract OCR took longer than {_TIMEOUT_S} s on one page") from exc
    _check(proc.returncode, err)
    return out.decode("utf-8", "replace")


def engine() -> str:
    """Which Tesseract reads: "library" (in this process) or "command" (a `tesseract` process per run)."""
    chosen = os.environ.get("NHIEMVU_OCR_ENGINE", "").strip().lower()
    if chosen and chosen not in ENGINES:
        raise OcrError(f"NHIEMVU_OCR_ENGINE={chosen!r} is not an OCR engine; use one of {', '.join(ENGINES)}")
    if chosen == "command" or "NHIEMVU_TESSERACT" in os.environ or not ocr_tesserocr.available:
        return "command"
    return "library"


def run_tesseract_batches(batches: Sequence[Batch], dpi: float) -> list[str]:
    """Tesseract's TSV for each batch (a `page_num` per image), the batches read side by side, so a
    page's prose and its table cells use both cores."""
    if engine() == "library":
        return _library_batches(batches, dpi)
    return _command_batches(batches, dpi)


_side_threads: ThreadPoolExecutor | None = None
_side_lock = threading.Lock()


def _side_pool() -> ThreadPoolExecutor:
    global _side_threads
    with _side_lock:
        if _side_threads is None:
            _side_threads = ThreadPoolExecutor(max_workers=2, thread_name_prefix="nhiemvu-ocr")
        return _side_threads


def _library_read(batch: Batch, dpi: float) -> str:
    try:
        return ocr_tesserocr.read_images(batch.images, dpi, batch.psm, batch.language, batch.whitelist)
    except ocr_tesserocr.ModelMissing as err:
        raise OcrError(_no_model(str(err))) from err
    except ocr_tesserocr.RecognitionTimeout as err:
        raise OcrError(str(err)) from err
    except RuntimeError as err:  # tesserocr's "Failed to init API" and the like
        raise OcrError(f"Tesseract OCR failed: {err}") from err


def _library_batches(batches: Sequence[Batch], dpi: float) -> list[str]:
    """The first batch in this thread (a signal such as the file's time limit stops it), the others
    in side threads at the same time."""
    side = [_side_pool().submit(_library_read, b, dpi) for b in batches[1:]]
    first = [_library_read(batches[0], dpi)] if batches else []
    return first + [future.result() for future in side]


def _command_batches(batches: Sequence[Batch], dpi: float) -> list[str]:
    """One `tesseract` process per batch, over a list file of its images (the model loads once)."""
    with tempfile.TemporaryDirectory(prefix="nhiemvu-ocr-") as tmp:
        running = []
        for b, batch in enumerate(batches):
            if len(batch.images) == 1:
                cmd = _tesseract_cmd("stdin", dpi, batch.psm, batch.language, batch.whitelist)
                running.append(_start(cmd, _pgm(batch.images[0])))
                continue
            paths = []
            for i, image in enumerate(batch.images):
                path = Path(tmp) / f"{b}-{i}.pgm"
                path.write_bytes(_pgm(image))
                paths.append(str(path))
            listing = Path(tmp) / f"{b}.txt"
            listing.write_text("\n".join(paths) + "\n", encoding="utf-8")
            cmd = _tesseract_cmd(str(listing), dpi, batch.psm, batch.language, batch.whitelist)
            running.append(_start(cmd, None))
        return [_finish_proc(proc, stdin) for proc, stdin in running]


def parse_tsv(tsv: str) -> dict[int, list[OcrWord]]:
    """Words (TSV level 5) per image (`page_num`, 1-based), non-blank, NFC, confidence 0..1."""
    words: dict[int, list[OcrWord]] = {}
    for line in tsv.splitlines()[1:]:
        parts = line.split("\t")
        if len(parts) < 12 or parts[0] != "5":
            continue
        text = unicodedata.normalize("NFC", parts[11].strip())
        if not text:
            continue
        left, top, width, height = (int(v) for v in parts[6:10])
        conf = max(float(parts[10]), 0.0) / 100
        key = (int(parts[2]), int(parts[3]), int(parts[4]))
        words.setdefault(int(parts[1]), []).append(
            OcrWord(text, left, top, left + width, top + height, conf, key)
        )
    return words


def _is_noise(word: OcrWord, body_height: float) -> bool:
    """Specks read as punctuation (unsure, or a dot-sized blob) or as a lone letter Tesseract doubts.

    A hyphen is flat but wide, so size is judged on the box's larger side ("Độc lập - Tự do").
    """
    width = word.right - word.left
    if any(ch.isalnum() for ch in word.text):
        # a speck read as "l" or "i" (a list label "g)" Tesseract doubts is kept: it gets repaired;
        # so is a word as wide and tall as a word, "vụ" read with confidence 0)
        word_sized = len(word.text) == 2 and width >= 0.8 * body_height and word.height >= 0.6 * body_height
        return (
            len(word.text) <= 2 and word.conf < 0.3 and not word.text.endswith((")", ".")) and not word_sized
        )
    if word.text in DASHES and width >= 0.3 * body_height and width >= 2 * word.height:
        return False  # a flat bar: a dash (a bullet Tesseract is never sure of), not a speck
    return word.conf < 0.5 or max(word.height, width) < 0.25 * body_height


def drop_noise(words: list[OcrWord]) -> list[OcrWord]:
    """The words without scanner specks."""
    if not words:
        return words
    body = median(w.height for w in words)
    return [w for w in words if not _is_noise(w, body)]
