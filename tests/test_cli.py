"""`nhiemvu extract`: exit codes say what happened, and a bad run never empties good results."""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import pipeline.export
from flows.cli import app
from pipeline.export import non_empty_rows
from tests.conftest import FIXTURES, fixture

GOOD = fixture("ht-tu-congvan-66-2025.docx")


@pytest.fixture(scope="module")
def done(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding the results of a good run."""
    out = tmp_path_factory.mktemp("done")
    result = CliRunner().invoke(app, ["extract", str(GOOD), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert non_empty_rows(out / "tasks.jsonl") > 0
    return out


def test_a_typo_is_a_usage_error_and_keeps_the_results(done: Path) -> None:
    before = (done / "tasks.jsonl").read_bytes()
    result = CliRunner().invoke(app, ["extract", str(done / "typo.docx"), "--out", str(done)])
    assert result.exit_code == 2 and "not found" in result.output
    assert (done / "tasks.jsonl").read_bytes() == before


def test_an_empty_result_never_replaces_a_non_empty_one(done: Path, tmp_path: Path) -> None:
    before = (done / "tasks.jsonl").read_bytes()
    (tmp_path / "empty.docx").write_bytes(b"")
    result = CliRunner().invoke(app, ["extract", str(tmp_path / "empty.docx"), "--out", str(done)])
    assert result.exit_code == 1 and "left as it was" in result.output
    assert (done / "tasks.jsonl").read_bytes() == before


def test_some_files_failed_exits_1_and_names_them(tmp_path: Path) -> None:
    (tmp_path / "empty.docx").write_bytes(b"")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["extract", str(GOOD), str(tmp_path / "empty.docx"), "--out", str(out)])
    assert result.exit_code == 1 and "(1 failed)" in result.output and "empty.docx" in result.output
    assert non_empty_rows(out / "tasks.jsonl") > 0


def test_a_full_disk_is_one_sentence_and_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "out" / "tasks.csv"))

    monkeypatch.setattr(pipeline.export, "write_csv", full)
    monkeypatch.setitem(pipeline.export.WRITERS, "csv", full)
    result = CliRunner().invoke(app, ["extract", str(GOOD), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert "No space left on device" in result.output and "Traceback" not in result.output


def test_prefect_is_quiet_by_default() -> None:
    """No telemetry service (its SQLite writes raced the run's), no analytics calls offline."""
    import subprocess
    import sys

    script = (
        "import flows.cli\nfrom prefect.settings import get_current_settings\n"
        "print(get_current_settings().server.analytics_enabled)"
    )
    env = {
        k: v for k, v in os.environ.items() if k not in ("PREFECT_SERVER_ANALYTICS_ENABLED", "DO_NOT_TRACK")
    }
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=Path(__file__).parents[1]
    )
    assert out.stdout.strip() == "False", out.stderr


def test_ingest_when_prefect_cannot_start_is_one_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import flows.ingest

    def no_server(**kwargs: object) -> None:
        raise RuntimeError("Timed out while attempting to connect to ephemeral Prefect API \\nserver.")

    monkeypatch.setattr(flows.ingest, "ingest", no_server)
    monkeypatch.delenv("NHIEMVU_DEBUG", raising=False)
    src = tmp_path / "src"  # a new file to read, so the flow (and its server) is needed
    src.mkdir()
    shutil.copy(next(FIXTURES.glob("*.docx")), src)
    result = CliRunner().invoke(app, ["ingest", str(src), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "stopped: RuntimeError: Timed out while attempting to connect" in result.output
