"""What Prefect orchestration costs over the bare pipeline, what skipping costs, and whether memory is flat.

    python benchmarks/bench_ingest.py [--files 400] [--repeat 3] [--nightly 10000] [--memory 10,100,1000]

Everything is measured in this one run, both sides of each ratio one after the other, as subprocesses
including their start-up (`nhiemvu extract` and `nhiemvu ingest`, both with `--workers` = cores):

- `ingest_vs_extract_<N>_docx`: `ingest` of N new small DOCX over `extract` of the same files
  (target ≤ 1.25), with one Prefect server up (this script starts one in a temporary PREFECT_HOME
  unless PREFECT_API_URL is set), as the issue measured it; the median of `--repeat` runs of each,
  interleaved, so that a slow minute on a shared machine does not decide the ratio;
- `skip_ms_per_unchanged_file`: (nightly run over 10,000 unchanged files − the same over 10) / 9,990,
  in milliseconds (target ≤ 2); the 10,000 files are tiny copies of 100 contents that are not
  documents (refused and stored as failed on the first run), so the figure is the orchestration's cost
  (listing, stat, sync, export check), not a parser's;
- `nightly_10000_unchanged_s`: that nightly run in seconds, without PREFECT_API_URL, so it would
  include a temporary server's start if it needed one (target < 60);
- `peak_rss_1000_vs_10`: peak RSS (the largest process of the run, workers included) of `ingest` of
  1,000 new DOCX over that of 10 (target ≤ 1.5); the 100-file figure is printed too.

Each line that starts with `ratio` is what `make bench` collects.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
NHIEMVU = [sys.executable, "-m", "flows.cli"]
PLACEHOLDER = b"BENCHSEQ000000"
FIXTURE = ROOT / "tests" / "fixtures" / "tn-btv-chithi-2026.docx"


def ratio_line(name: str, value: float, target: str, ok: bool) -> str:
    line = f"ratio  {name}  {value:.2f}  target {target}  {'ok' if ok else 'MISSED'}"
    print(line, flush=True)
    return line


# -- inputs --------------------------------------------------------------------------------------------


def template_docx() -> bytes:
    """A small DOCX: the first paragraphs of a real directive, and a line that makes each copy unique."""
    import docx

    source = docx.Document(str(FIXTURE))
    target = docx.Document()
    for paragraph in source.paragraphs[:40]:
        target.add_paragraph(paragraph.text)
    target.add_paragraph(PLACEHOLDER.decode())
    buffer = io.BytesIO()
    target.save(buffer)
    return buffer.getvalue()


def write_docx_copies(folder: Path, count: int, start: int = 0) -> list[Path]:
    """`count` DOCX files, each with its own number in the text (so each has its own sha256)."""
    template = template_docx()
    folder.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(io.BytesIO(template)) as zin:
        parts = [(info, zin.read(info)) for info in zin.infolist()]
    paths = []
    for i in range(start, start + count):
        path = folder / f"doc-{i:06d}.docx"
        seq = f"BENCHSEQ{i:06d}".encode()
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
            for info, data in parts:
                zout.writestr(
                    info, data.replace(PLACEHOLDER, seq) if info.filename == "word/document.xml" else data
                )
        paths.append(path)
    return paths


def write_tiny_files(folder: Path, count: int, contents: int = 100) -> None:
    """Tiny files, `contents` different ones in copies, written an hour ago (a nightly folder's files are
    not being written). Copies keep the first run short (one store commit per content); skipping
    costs the same per path, copy or not: each is listed, stat'ed and synced."""
    folder.mkdir(parents=True, exist_ok=True)
    an_hour_ago = time.time() - 3600
    for i in range(count):
        path = folder / f"{i // 1000:02d}" / f"f{i:06d}.txt"
        path.parent.mkdir(exist_ok=True)
        path.write_text(f"tệp {i % contents}\n", encoding="utf-8")
        os.utime(path, (an_hour_ago, an_hour_ago))


# -- running -------------------------------------------------------------------------------------------


def run(args: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Seconds and peak RSS (MB, the largest process of the command) of one `nhiemvu` command."""
    probe = (
        "import resource, subprocess, sys; "
        "rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE); "
        "sys.stderr.buffer.write(rc.stderr[-2000:]); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(rc.returncode)"
    )
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", probe, *NHIEMVU, *args], capture_output=True, text=True, cwd=ROOT, env=env
    )
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(args)} failed ({done.returncode}):\n{done.stderr}")
    return seconds, int(done.stdout.strip().splitlines()[-1]) // 1024


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def prefect_server(env: dict[str, str]) -> Iterator[dict[str, str]]:
    """One Prefect server for the ingest runs (the issue's set-up), unless PREFECT_API_URL is set."""
    if env.get("PREFECT_API_URL"):
        yield env
        return
    home = Path(tempfile.mkdtemp(prefix="bench-prefect-"))
    port = free_port()
    server_env = {**env, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    cmd = [str(VENV_BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(cmd, env=server_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/api"
    start = time.perf_counter()
    try:
        while True:
            try:
                urllib.request.urlopen(f"{url}/health", timeout=2).read()
                break
            except OSError:
                if proc.poll() is not None or time.perf_counter() - start > 180:
                    raise SystemExit("the Prefect server did not start") from None
                time.sleep(0.5)
        print(f"prefect server up in {time.perf_counter() - start:.1f} s at {url}", flush=True)
        yield {**env, "PREFECT_API_URL": url}
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        shutil.rmtree(home, ignore_errors=True)


# -- the measures --------------------------------------------------------------------------------------


def bench_orchestration(tmp: Path, files: int, workers: int, env: dict[str, str], repeat: int) -> list[str]:
    """`repeat` runs of each side, interleaved (extract, ingest, extract, ingest …), compared by their
    medians: on a shared machine one run of either can be a fifth slower than the next."""
    src = tmp / "docx"
    write_docx_copies(src, files)
    w = ["--workers", str(workers)]
    extract_runs, ingest_runs = [], []
    with prefect_server(env) as server_env:
        for i in range(repeat):
            extract_runs.append(run(["extract", str(src), "--out", str(tmp / f"extract-{i}"), *w], env)[0])
            ingest_runs.append(
                run(["ingest", str(src), "--out", str(tmp / f"ingest-{i}"), *w], server_env)[0]
            )
        again_s, _ = run(["ingest", str(src), "--out", str(tmp / "ingest-0"), *w], server_env)
    extract_s, ingest_s = statistics.median(extract_runs), statistics.median(ingest_runs)
    print(f"extract {files} docx      {extract_s:7.2f} s   (median of {_runs(extract_runs)})")
    print(f"ingest {files} docx       {ingest_s:7.2f} s   (median of {_runs(ingest_runs)})")
    print(f"ingest again, all unchanged: {again_s:.2f} s")
    ratio = ingest_s / extract_s
    return [ratio_line(f"ingest_vs_extract_{files}_docx", ratio, "<= 1.25", ratio <= 1.25)]


def _runs(seconds: list[float]) -> str:
    return ", ".join(f"{s:.2f}" for s in seconds)


def bench_nightly(tmp: Path, count: int, env: dict[str, str]) -> list[str]:
    env = {k: v for k, v in env.items() if k != "PREFECT_API_URL"}  # any server start is counted
    small, big = tmp / "nightly-10", tmp / f"nightly-{count}"
    write_tiny_files(small, 10)
    write_tiny_files(big, count)
    times = {}
    for folder in (small, big):
        out = tmp / f"{folder.name}-out"
        first_s, _ = run(["ingest", str(folder), "--out", str(out)], env)
        times[folder], _ = run(["ingest", str(folder), "--out", str(out)], env)
        print(f"{folder.name}: first run {first_s:.2f} s, nightly (all unchanged) {times[folder]:.2f} s")
    per_file_ms = (times[big] - times[small]) / (count - 10) * 1000
    return [
        ratio_line("skip_ms_per_unchanged_file", per_file_ms, "<= 2", per_file_ms <= 2),
        ratio_line(f"nightly_{count}_unchanged_s", times[big], "< 60", times[big] < 60),
    ]


def bench_memory(tmp: Path, sizes: list[int], workers: int, env: dict[str, str]) -> list[str]:
    pool = write_docx_copies(tmp / "memory-pool", max(sizes), start=10**5)
    peaks = {}
    with prefect_server(env) as server_env:
        for n in sizes:
            folder = tmp / f"memory-{n}"
            folder.mkdir()
            for path in pool[:n]:
                os.link(path, folder / path.name)
            seconds, peaks[n] = run(
                ["ingest", str(folder), "--out", str(tmp / f"memory-{n}-out"), "--workers", str(workers)],
                server_env,
            )
            print(f"ingest {n:5d} docx: peak RSS {peaks[n]:5d} MB ({seconds:.1f} s)")
    small, large = min(sizes), max(sizes)
    growth = peaks[large] / peaks[small]
    return [ratio_line(f"peak_rss_{large}_vs_{small}", growth, "<= 1.5", growth <= 1.5)]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--files", type=int, default=400, help="new DOCX files for the orchestration ratio")
    parser.add_argument("--nightly", type=int, default=10_000, help="unchanged files in the nightly run")
    parser.add_argument("--memory", default="10,100,1000", help="batch sizes whose peak RSS is compared")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each side of the orchestration ratio")
    args = parser.parse_args()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at start (others may be running)")
    lines: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        lines += bench_orchestration(Path(tmp), args.files, args.workers, env, args.repeat)
        lines += bench_nightly(Path(tmp), args.nightly, env)
        lines += bench_memory(Path(tmp), [int(n) for n in args.memory.split(",")], args.workers, env)
    print(f"load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
