"""One validated settings object: tuned defaults, overrides from the command line that reach the worker
processes, and bad keys or values refused with a message that names them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app, run_files
from pipeline.settings import Settings, SettingsError, load_settings, parse_settings, settings, using
from tests.conftest import fixture

# Its support column writes "Các sở, ban, ngành liên quan"; the registry knows "Các sở, ngành có liên
# quan", a rapidfuzz ratio between 80 and 92 away: the agency cut-off decides.
PLAN = fixture("real/real-lamdong-ubnd-kehoach-tuyentruyen-cchc-2026.docx")
WRITTEN, REGISTERED = "Các sở, ban, ngành liên quan", "Các sở, ngành có liên quan"


def supports(tasks_jsonl: Path) -> set[str]:
    rows = [json.loads(line) for line in tasks_jsonl.read_text(encoding="utf-8").splitlines()]
    return {s for row in rows for s in row["support"]}


def test_the_defaults_are_the_tuned_values():
    defaults = Settings()
    assert (defaults.heading.style_share, defaults.heading.size_gap) == (0.8, 0.6)
    assert (defaults.fuzzy.agency_cutoff, defaults.fuzzy.column_heading, defaults.fuzzy.repeated_header) == (
        92.0,
        92.0,
        90.0,
    )
    assert defaults.overrides() == {}


def test_an_assignment_overrides_one_key_and_keeps_the_others():
    chosen = parse_settings(assignments=["fuzzy.agency_cutoff=88", "heading.size_gap=0.5"])
    assert chosen.fuzzy.agency_cutoff == 88 and chosen.heading.size_gap == 0.5
    assert chosen.fuzzy.repeated_header == 90.0
    assert chosen.overrides() == {"fuzzy": {"agency_cutoff": 88.0}, "heading": {"size_gap": 0.5}}


def test_a_settings_file_is_read_and_assignments_win_over_it(tmp_path):
    path = tmp_path / "settings.yaml"
    path.write_text("fuzzy:\n  agency_cutoff: 85\n  repeated_header: 95\n", encoding="utf-8")
    chosen = load_settings(path, ["fuzzy.agency_cutoff=80"])
    assert (chosen.fuzzy.agency_cutoff, chosen.fuzzy.repeated_header) == (80, 95)


@pytest.mark.parametrize(
    ("assignment", "message"),
    [
        ("fuzzy.agency_cutof=88", "unknown setting fuzzy.agency_cutof (known: agency_cutoff,"),
        ("fuzy.agency_cutoff=88", "unknown setting fuzy (known: pdf, heading,"),
        ("fuzzy.agency_cutoff=120", "setting fuzzy.agency_cutoff: Input should be less than or equal to 100"),
        ("heading.size_gap=wide", "setting heading.size_gap: Input should be a valid number"),
        ("fuzzy=88", "a setting is written group.key=value"),
    ],
)
def test_a_bad_setting_is_refused_with_its_name(assignment, message):
    with pytest.raises(SettingsError, match="^" + message.replace("(", r"\(").replace(".", r"\.")):
        parse_settings(assignments=[assignment])


def test_a_bad_key_in_a_settings_file_names_the_file(tmp_path):
    path = tmp_path / "settings.yaml"
    path.write_text("fuzzy:\n  agency_cut_off: 85\n", encoding="utf-8")
    with pytest.raises(SettingsError, match=r"settings\.yaml: unknown setting fuzzy\.agency_cut_off"):
        load_settings(path)


def test_a_bad_setting_on_the_command_line_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(
        app, ["extract", str(PLAN), "--out", str(tmp_path), "--set", "fuzzy.agency_cutof=80"]
    )
    assert result.exit_code == 2
    assert "bad settings: unknown setting fuzzy.agency_cutof" in result.output
    assert not (tmp_path / "tasks.jsonl").exists()


def test_a_lower_agency_cutoff_on_the_command_line_snaps_a_name_to_the_registry(tmp_path):
    runner = CliRunner()
    assert runner.invoke(app, ["extract", str(PLAN), "--out", str(tmp_path / "default")]).exit_code == 0
    result = runner.invoke(
        app, ["extract", str(PLAN), "--out", str(tmp_path / "loose"), "--set", "fuzzy.agency_cutoff=80"]
    )
    assert result.exit_code == 0, result.output
    assert WRITTEN in supports(tmp_path / "default" / "tasks.jsonl")
    loose = supports(tmp_path / "loose" / "tasks.jsonl")
    assert REGISTERED in loose and WRITTEN not in loose
    assert settings() == Settings()  # the command restored the settings it found


def test_the_settings_reach_the_worker_processes():
    with using(parse_settings(assignments=["fuzzy.agency_cutoff=80"])):
        in_workers = run_files([PLAN, PLAN], workers=2)
    by_default = run_files([PLAN, PLAN], workers=2)
    for loose, strict in zip(in_workers, by_default, strict=True):
        assert REGISTERED in {s for t in loose.tasks for s in t.support}
        assert WRITTEN in {s for t in strict.tasks for s in t.support}
