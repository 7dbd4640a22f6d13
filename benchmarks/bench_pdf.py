"""Born-digital PDF: the CLI end to end against bare pdfplumber, both measured in this one run.

    python benchmarks/bench_pdf.py [FOLDER] [--pages 300] [--repeat 1] [--workers 2]

The batch is the folder's born-digital PDFs (not `*.scan.pdf`) copied into a temporary folder until
it holds at least `--pages` pages. Measured on it, best of `--repeat`:

- bare pdfplumber: `page.extract_tables()` + `page.extract_words()` on every page, in this process;
- the fast layer alone: `extractors.pdf.read_pages_fast` (pdfium pages → `PageLayout`s);
- in-process end to end: `pipeline.run.process_file` on every file + `write_exports`;
- the CLI: `nhiemvu extract BATCH --out OUT` as a subprocess (start-up and exports included), with
  `--workers 1` and `--workers N`.

It prints pages/s for each, then one line per ratio with its target:
`ratio  pdf_cli_vs_bare_pdfplumber  2.31  target >= 2.00  ok`. On a shared machine the figures move
from run to run; the ratios compare measurements taken minutes apart in the same run.
"""

from __future__ import annotations

import argparse
import math
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pdfplumber  # noqa: E402
from common import bare_pdfplumber, timed  # noqa: E402

from extractors.pdf import read_pages_fast  # noqa: E402
from pipeline.export import documents_frame, tasks_frame, write_exports  # noqa: E402
from pipeline.run import process_file  # noqa: E402

CLI = Path(sys.executable).with_name("nhiemvu")
TARGETS = {
    "pdf_cli_vs_bare_pdfplumber": 2.0,
    "pdf_end_to_end_vs_bare_pdfplumber": 2.0,
    "pdf_fast_layer_vs_bare_pdfplumber": None,  # informative: the reading layer alone
}


def born_digital(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.pdf") if not p.name.endswith(".scan.pdf"))


def page_count(path: Path) -> int:
    with pdfplumber.open(path) as pdf:
        return len(pdf.pages)


def make_batch(sources: list[Path], min_pages: int, into: Path) -> tuple[list[Path], int]:
    """Copies of `sources` in `into` until they hold at least `min_pages` pages."""
    pages = {p: page_count(p) for p in sources}
    copies = max(1, math.ceil(min_pages / max(1, sum(pages.values()))))
    batch = []
    for n in range(copies):
        for src in sources:
            dst = into / f"{n:03d}-{src.name}"
            shutil.copyfile(src, dst)
            batch.append(dst)
    return batch, copies * sum(pages.values())


def fast_layer(files: list[Path]) -> None:
    for path in files:
        read_pages_fast(path)


def end_to_end(files: list[Path]) -> None:
    results = [process_file(path) for path in files]
    with tempfile.TemporaryDirectory() as out:
        tasks = [t for r in results for t in r.tasks]
        write_exports(tasks_frame(tasks), documents_frame(r.record for r in results), Path(out))


def cli(folder: Path, workers: int) -> None:
    with tempfile.TemporaryDirectory() as out:
        cmd = [str(CLI), "extract", str(folder), "--out", out, "--workers", str(workers)]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def rate(label: str, pages: int, seconds: float) -> float:
    value = pages / seconds if seconds else float("inf")
    print(f"{label:<40} {pages:5d} pages {seconds:8.2f} s {value:8.1f} pages/s", flush=True)
    return value


def ratio(name: str, value: float, target: float | None) -> None:
    if target is None:
        print(f"ratio  {name:<36} {value:5.2f}  (no target)")
    else:
        verdict = "ok" if value >= target else "MISSED"
        print(f"ratio  {name:<36} {value:5.2f}  target >= {target:.2f}  {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("folder", nargs="?", type=Path, default=ROOT / "tests" / "fixtures")
    parser.add_argument("--pages", type=int, default=300, help="batch size in pages (copies of the PDFs)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement (best is kept)")
    parser.add_argument("--workers", type=int, default=2, help="compare `--workers N` with one worker")
    args = parser.parse_args()
    sources = born_digital(args.folder)
    if not sources:
        sys.exit(f"no born-digital PDFs in {args.folder}")
    with tempfile.TemporaryDirectory() as tmp:
        batch_dir = Path(tmp)
        batch, pages = make_batch(sources, args.pages, batch_dir)
        print(
            f"batch: {len(batch)} born-digital PDFs, {pages} pages (copies of {len(sources)} in {args.folder})"
        )
        process_file(sources[0])  # warm imports and data files once
        bare = rate(
            "bare pdfplumber (tables + words)", pages, timed(lambda: bare_pdfplumber(batch), args.repeat)
        )
        fast = rate("fast layer (read_pages_fast)", pages, timed(lambda: fast_layer(batch), args.repeat))
        e2e = rate("in-process end to end (+ exports)", pages, timed(lambda: end_to_end(batch), args.repeat))
        one = rate("CLI nhiemvu extract --workers 1", pages, timed(lambda: cli(batch_dir, 1), args.repeat))
        many = one
        if args.workers > 1:
            label = f"CLI nhiemvu extract --workers {args.workers}"
            many = rate(label, pages, timed(lambda: cli(batch_dir, args.workers), args.repeat))
    ratio("pdf_cli_vs_bare_pdfplumber", one / bare, TARGETS["pdf_cli_vs_bare_pdfplumber"])
    ratio("pdf_end_to_end_vs_bare_pdfplumber", e2e / bare, TARGETS["pdf_end_to_end_vs_bare_pdfplumber"])
    ratio("pdf_fast_layer_vs_bare_pdfplumber", fast / bare, TARGETS["pdf_fast_layer_vs_bare_pdfplumber"])
    if args.workers > 1:
        ratio(f"cli_workers_{args.workers}_vs_1", many / one, 0.8 * args.workers)


if __name__ == "__main__":
    main()
