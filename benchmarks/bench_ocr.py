"""OCR speed of scanned pages with one worker: pages per second, CPU seconds per page, Tesseract's share.

    python benchmarks/bench_ocr.py [FOLDER] [--pages N]

Every `*.scan.pdf` in FOLDER (default `tests/fixtures`, the corpus scans' twins) is read page by page
with `extractors.ocr.read_scanned_page`, one page at a time, as one worker does, with the engine
nhiemvu picks (`NHIEMVU_OCR_ENGINE=command` to measure the `tesseract` command). CPU time is this
process plus its Tesseract children (`resource.getrusage`), so it does not depend on how busy the
machine is the way wall time does: pages per second per core ≈ 1 / CPU s per page. Tesseract's share
is the CPU time of its calls (the threads that ran them) in process, or its children's by command;
the ceiling line is the rate if everything but Tesseract cost nothing, which tells a machine too slow
for the target (Tesseract alone above 1 s a page) from code that is.
Issue 13's target: at least 1.00 page/s per core.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pdfplumber  # noqa: E402

from extractors import ocr, ocr_tesseract, ocr_tesserocr  # noqa: E402

TARGET_PAGES_PER_S_PER_CORE = 1.0


@dataclass
class Clock:
    """Wall time and CPU time (this process, and the Tesseract processes it waited for)."""

    wall: float
    own_cpu: float
    child_cpu: float

    @classmethod
    def now(cls) -> Clock:
        own = resource.getrusage(resource.RUSAGE_SELF)
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        return cls(time.perf_counter(), own.ru_utime + own.ru_stime, kids.ru_utime + kids.ru_stime)

    def __sub__(self, other: Clock) -> Clock:
        return Clock(self.wall - other.wall, self.own_cpu - other.own_cpu, self.child_cpu - other.child_cpu)


@dataclass
class TesseractUse:
    """Tesseract runs (a process, or a call of the library over a list of images) and, in process,
    the CPU seconds of the threads that ran them."""

    runs: int = 0
    library_cpu: float = 0.0


def count_tesseract() -> TesseractUse:
    """Count Tesseract's runs from now on, and time its in-process calls on their own threads."""
    use = TesseractUse()
    lock = threading.Lock()
    start, read_images = ocr_tesseract._start, ocr_tesserocr.read_images

    def counted(cmd: list[str], stdin: bytes | None) -> tuple[subprocess.Popen[bytes], bytes | None]:
        use.runs += 1
        return start(cmd, stdin)

    def timed(*args: Any, **kwargs: Any) -> str:
        before = time.thread_time()
        try:
            return read_images(*args, **kwargs)
        finally:
            with lock:
                use.runs += 1
                use.library_cpu += time.thread_time() - before

    ocr_tesseract._start = counted  # type: ignore[assignment]
    ocr_tesserocr.read_images = timed  # type: ignore[assignment]
    return use


def read_scans(files: list[Path], max_pages: int) -> int:
    """OCR the pages of `files` one by one (at most `max_pages`); how many were read."""
    pages = 0
    for path in files:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                if pages >= max_pages:
                    return pages
                ocr.read_scanned_page(page)
                pages += 1
            ocr.release(pdf)
    return pages


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("folder", nargs="?", type=Path, default=ROOT / "tests" / "fixtures")
    parser.add_argument("--pages", type=int, default=10**9, help="read at most N pages (a quick look)")
    args = parser.parse_args()
    files = sorted(args.folder.glob("*.scan.pdf"))
    if not files:
        sys.exit(f"no *.scan.pdf in {args.folder}")
    use = count_tesseract()
    before = Clock.now()
    pages = read_scans(files, args.pages)
    spent = Clock.now() - before
    cpu = spent.own_cpu + spent.child_cpu
    tesseract_cpu = spent.child_cpu + use.library_cpu
    per_core = pages / cpu if cpu else float("inf")
    print(
        f"scanned pages, 1 worker, {ocr_tesseract.engine():7s}  {pages:5d} pages {spent.wall:8.1f} s "
        f"{pages / spent.wall:6.2f} pages/s"
    )
    print(
        f"CPU per page                    {cpu / pages:6.2f} s  (our code {(cpu - tesseract_cpu) / pages:.2f} s, "
        f"Tesseract {tesseract_cpu / pages:.2f} s, {use.runs / pages:.1f} Tesseract runs)"
    )
    ceiling = pages / tesseract_cpu if tesseract_cpu else float("inf")
    print(
        f"ceiling with our code at zero     {ceiling:6.2f} pages/s per core  (Tesseract's CPU alone, "
        f"called as it is today, on this machine)"
    )
    verdict = "ok" if per_core >= TARGET_PAGES_PER_S_PER_CORE else "below target"
    print(
        f"ratio  scan_pages_per_s_per_core  {per_core:.2f}  target >= {TARGET_PAGES_PER_S_PER_CORE:.2f}  {verdict}"
    )


if __name__ == "__main__":
    main()
