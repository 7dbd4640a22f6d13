"""Pages per second, end to end, against bare pdfplumber on the same files in the same run.

    python benchmarks/bench_extract.py [FOLDER] [--repeat N] [--scans] [--workers 2] [--profile]

End to end = `pipeline.run.process_file` (extract + tasks + normalize) + `pipeline.export.write_exports`
into a temporary folder. Bare pdfplumber = `page.extract_tables()` + `page.extract_words()` on every
page, the floor the PDF path is measured against (target: ratio ≥ 0.8). `--workers 2` times
`flows.cli.run_files(files, 2)` against one worker on a batch of PDFs (target: ≥ 1.6×).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pdfplumber  # noqa: E402
from common import bare_pdfplumber, timed  # noqa: E402

from pipeline.export import documents_frame, tasks_frame, write_exports  # noqa: E402
from pipeline.run import FileResult, process_file  # noqa: E402


def pdf_pages(path: Path) -> int:
    with pdfplumber.open(path) as pdf:
        return len(pdf.pages)


def docx_pages(path: Path) -> int:
    """Word files have no fixed pages: count the PDF twin's pages when there is one, else 1."""
    twin = path.with_suffix(".pdf")
    return pdf_pages(twin) if twin.is_file() else 1


def end_to_end(files: list[Path]) -> list[FileResult]:
    results = [process_file(path) for path in files]
    with tempfile.TemporaryDirectory() as out:
        tasks = [t for r in results for t in r.tasks]
        write_exports(tasks_frame(tasks), documents_frame(r.record for r in results), Path(out))
    return results


def report(label: str, pages: int, seconds: float) -> float:
    rate = pages / seconds if seconds else float("inf")
    print(f"{label:<34} {pages:5d} pages {seconds:8.2f} s {rate:8.1f} pages/s")
    return rate


def bench_formats(folder: Path, repeat: int, scans: bool) -> None:
    pdfs = sorted(p for p in folder.glob("*.pdf") if not p.name.endswith(".scan.pdf"))
    docx = sorted(folder.glob("*.docx"))
    scan = sorted(folder.glob("*.scan.pdf"))
    pages = sum(pdf_pages(p) for p in pdfs)
    if docx:
        report("docx end to end", sum(docx_pages(p) for p in docx), timed(lambda: end_to_end(docx), repeat))
    if pdfs:
        bare = report("pdf bare pdfplumber", pages, timed(lambda: bare_pdfplumber(pdfs), repeat))
        full = report("pdf end to end", pages, timed(lambda: end_to_end(pdfs), repeat))
        print(f"{'ratio end to end / bare':<34} {full / bare:5.2f}  (target ≥ 0.80)")
    if scans:
        try:
            from extractors import ocr  # noqa: F401
        except ImportError:
            print("scans: extractors.ocr is not installed")
        else:
            report(
                "scanned pdf end to end", sum(pdf_pages(p) for p in scan), timed(lambda: end_to_end(scan), 1)
            )


def bench_workers(folder: Path, workers: int, copies: int) -> None:
    """`nhiemvu extract --workers N` against one worker on a batch (the PDFs repeated `copies` times)."""
    from flows.cli import run_files

    pdfs = sorted(p for p in folder.glob("*.pdf") if not p.name.endswith(".scan.pdf")) * copies
    pages = sum(pdf_pages(p) for p in pdfs)
    one = report("batch, 1 worker", pages, timed(lambda: run_files(pdfs, 1), 1))
    many = report(f"batch, {workers} workers", pages, timed(lambda: run_files(pdfs, workers), 1))
    print(f"{'speed-up':<34} {many / one:5.2f}x  (target ≥ {0.8 * workers:.1f}x)")


def profile(folder: Path, top: int = 25) -> None:
    pdfs = sorted(p for p in folder.glob("*.pdf") if not p.name.endswith(".scan.pdf"))
    profiler = cProfile.Profile()
    profiler.runcall(end_to_end, pdfs)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(top)
    print(out.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("folder", nargs="?", type=Path, default=ROOT / "tests" / "fixtures")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (best is kept)")
    parser.add_argument("--scans", action="store_true", help="also time the scanned PDFs (OCR)")
    parser.add_argument("--workers", type=int, default=0, help="compare N worker processes with one")
    parser.add_argument("--copies", type=int, default=4, help="batch size for --workers: PDFs × copies")
    parser.add_argument("--profile", action="store_true", help="cProfile the PDF path, top functions")
    args = parser.parse_args()
    process_file(sorted(args.folder.glob("*.pdf"))[0])  # warm imports and data files once
    if args.workers > 1:
        bench_workers(args.folder, args.workers, args.copies)
    elif args.profile:
        profile(args.folder)
    else:
        bench_formats(args.folder, args.repeat, args.scans)


if __name__ == "__main__":
    main()
