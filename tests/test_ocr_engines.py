"""Tesseract in this process (tesserocr) and the `tesseract` command read a page the same, word for word.

The library is the default because it skips a process start, a model load and an image file per run;
it is only worth it if nothing it reads differs. Both run for real on a corpus scan here.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pdfplumber
import pytest

from extractors import ocr_tesseract
from extractors.ocr import render_page
from extractors.ocr_tesseract import Batch, OcrError, engine, parse_tsv, run_tesseract_batches

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
REPORT_SCAN = FIXTURES / "ht-stp-694-baocao-q1-2026.scan.pdf"


@pytest.fixture(scope="module")
def page_and_cells() -> tuple[np.ndarray, list[np.ndarray]]:
    """A scanned report page, and three pieces of it as cell-sized images."""
    with pdfplumber.open(REPORT_SCAN) as pdf:
        gray = render_page(pdf.pages[0], 200)
    h, w = gray.shape
    pieces = [gray[y : y + h // 12, w // 10 : w // 2] for y in (h // 4, h // 3, h // 2)]
    return gray, pieces


def fresh_python(code: str) -> list[str]:
    """What `code` prints in a new interpreter (OpenMP and Tesseract not loaded yet), word by word."""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    return out.stdout.split()


def _words(tsv: str) -> dict[int, list[tuple[str, int, int, int, int, float]]]:
    return {
        page: [(w.text, w.left, w.top, w.right, w.bottom, w.conf) for w in words]
        for page, words in parse_tsv(tsv).items()
    }


def test_tesseract_runs_in_this_process_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NHIEMVU_OCR_ENGINE", raising=False)
    monkeypatch.delenv("NHIEMVU_TESSERACT", raising=False)
    assert engine() == "library", "tesserocr is missing: make setup builds it against the system Tesseract"


def test_the_library_reads_a_page_and_its_cells_as_the_command_does(
    page_and_cells: tuple[np.ndarray, list[np.ndarray]], monkeypatch: pytest.MonkeyPatch
) -> None:
    gray, pieces = page_and_cells
    batches = [Batch([gray], 3), Batch(pieces, 6), Batch(pieces[:1], 7, "eng", "0123456789()")]
    monkeypatch.setenv("NHIEMVU_OCR_ENGINE", "library")
    in_process = run_tesseract_batches(batches, 200)
    monkeypatch.setenv("NHIEMVU_OCR_ENGINE", "command")
    by_command = run_tesseract_batches(batches, 200)
    assert len(_words(in_process[0])[1]) > 100  # a real page of words, not two empty readings
    assert sorted(_words(in_process[1])) == [1, 2, 3]
    for mine, theirs in zip(in_process, by_command, strict=True):
        assert _words(mine) == _words(theirs)


def test_an_unknown_engine_is_refused_with_the_names_of_the_known_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NHIEMVU_OCR_ENGINE", "abbyy")
    with pytest.raises(OcrError, match=r"'abbyy' is not an OCR engine; use one of library, command"):
        run_tesseract_batches([Batch([np.full((40, 40), 255, np.uint8)], 6)], 200)


def test_a_missing_language_model_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NHIEMVU_OCR_ENGINE", "library")
    with pytest.raises(OcrError, match=r"no kor model \(apt-get install tesseract-ocr-kor\)"):
        run_tesseract_batches([Batch([np.full((40, 40), 255, np.uint8)], 6, "kor")], 200)


def test_tesseract_gets_one_thread_when_loaded_in_process() -> None:
    """OpenMP threads cost ten times the CPU on a busy machine: the limit is set before the library loads."""
    probe = (
        "import os; os.environ.pop('OMP_THREAD_LIMIT', None); "
        "from extractors import ocr_tesserocr; "
        "print(ocr_tesserocr.available, os.environ.get('OMP_THREAD_LIMIT'))"
    )
    assert fresh_python(probe) == ["True", "1"]


def test_the_command_is_used_when_a_tesseract_binary_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NHIEMVU_OCR_ENGINE", raising=False)
    monkeypatch.setenv("NHIEMVU_TESSERACT", "/usr/bin/tesseract")
    assert ocr_tesseract.engine() == "command"


def test_the_command_is_used_when_openmp_was_loaded_before_without_a_limit() -> None:
    """Too late to limit an OpenMP runtime already loaded: the library stays unloaded, the command reads."""
    probe = (
        "import ctypes, ctypes.util, os; os.environ.pop('OMP_THREAD_LIMIT', None); "
        "ctypes.CDLL(ctypes.util.find_library('gomp')); "
        "from extractors import ocr_tesserocr, ocr_tesseract; "
        "print(ocr_tesserocr.available, ocr_tesseract.engine())"
    )
    assert fresh_python(probe) == ["False", "command"]


def test_the_file_time_limit_stops_tesseract_in_process_as_a_timeout(
    page_and_cells: tuple[np.ndarray, list[np.ndarray]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The per-file limit (SIGALRM in a reader) cancels a page mid-recognition and stays a timeout, so
    the file gets the usual "gave up after N s" record, not an OCR failure."""
    from flows.batch import time_limit

    monkeypatch.setenv("NHIEMVU_OCR_ENGINE", "library")
    gray, _ = page_and_cells
    with pytest.raises(TimeoutError, match="gave up after 0.2 s"), time_limit(0.2):
        run_tesseract_batches([Batch([gray], 3)], 200)
