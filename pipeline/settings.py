"""Every tunable number of the extraction in one validated, frozen object, like pdfplumber's `TableSettings`.

Grouped by the layer that reads them (PDF layout, headings, borderless tables, the text layer, fuzzy
cut-offs, OCR). The defaults are the values the pipeline was tuned with; `nhiemvu extract --set
fuzzy.agency_cutoff=88` or `--settings my.yaml` overrides some. Unknown keys and bad values are
refused (`SettingsError`), never silently ignored.

Stages read `settings()` when they run. `configure` makes a `Settings` current in this process and, through
the `NHIEMVU_SETTINGS` environment variable, in every worker process started after it (the CLI's
process pool, Prefect's task runners). This module imports nothing of the project.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

ENV_VAR = "NHIEMVU_SETTINGS"  # JSON of the overrides, read by worker processes


class _Group(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True)


class PdfSettings(_Group):
    """Layout of a PDF page (points and font sizes)."""

    edge_tolerance: float = Field(3.0, ge=0, description="points: column edges closer than this are one rule")
    max_shift: float = Field(
        15.0, ge=0, description="points: a continued table may sit this far left or right"
    )
    page_margin: float = Field(
        0.085, ge=0, lt=0.5, description="top/bottom share of a page with running heads"
    )
    column_gap: float = Field(
        2.5, gt=0, description="font sizes: a gap this wide in a line separates columns"
    )
    min_column_gap: float = Field(24.0, ge=0, description="points: the narrowest gap that separates columns")
    footnote_size: float = Field(
        0.88, gt=0, le=1, description="footnotes are at most this share of body size"
    )


class HeadingSettings(_Group):
    """What sets a line or a cell apart as a heading: its weight, its style, its size."""

    style_share: float = Field(
        0.8, gt=0, le=1, description="share of letters in bold (italic) for a bold line"
    )
    size_gap: float = Field(0.6, ge=0, description="points: font sizes further apart are different sizes")


class BorderlessSettings(_Group):
    """A task table drawn without ruling lines, rebuilt from the gaps between words."""

    heading_gap: float = Field(0.8, gt=0, description="font sizes: a gap this wide separates two headings")
    word_gap: float = Field(0.5, gt=0, description="font sizes: narrower, two words are one phrase")
    min_gap: float = Field(2.0, ge=0, description="points: a column gap narrowed below this is crossed")
    row_gap: float = Field(2.5, gt=0, description="font sizes: a vertical gap this tall ends the table")
    min_columns: int = Field(3, ge=2, description="columns a borderless task table has at least")


class TextLayerSettings(_Group):
    """Whether a PDF page's text layer can be trusted, or the page must be read by OCR."""

    min_chars: int = Field(20, ge=0, description="fewer letters over a scan image: a stamp, not the text")
    min_good_share: float = Field(0.7, ge=0, le=1, description="share of characters that must read as text")


class FuzzySettings(_Group):
    """rapidfuzz ratios (0-100) above which a misspelt or misread phrase counts as the known one."""

    agency_cutoff: float = Field(92.0, ge=0, le=100, description="a name snaps to a registry name")
    column_heading: float = Field(92.0, ge=0, le=100, description="a heading misread by OCR names a role")
    column_heading_min_chars: int = Field(10, ge=1, description="shorter headings must match exactly")
    repeated_header: float = Field(90.0, ge=0, le=100, description="a row repeats the table's header")
    repeated_header_min_chars: int = Field(8, ge=1, description="shorter header rows must repeat exactly")


class OcrSettings(_Group):
    """Scanned pages."""

    low_confidence: float = Field(
        0.6, ge=0, le=1, description="word confidence below which a task is flagged"
    )


class Settings(_Group):
    """All the groups; `Settings()` is the tuned default."""

    pdf: PdfSettings = PdfSettings()
    heading: HeadingSettings = HeadingSettings()
    borderless: BorderlessSettings = BorderlessSettings()
    text_layer: TextLayerSettings = TextLayerSettings()
    fuzzy: FuzzySettings = FuzzySettings()
    ocr: OcrSettings = OcrSettings()

    def overrides(self) -> dict[str, dict[str, Any]]:
        """Only the values that differ from the defaults, as nested plain data (what workers receive)."""
        return self.model_dump(exclude_defaults=True)


class SettingsError(ValueError):
    """Settings that cannot be used: an unknown key or a bad value; the message names which."""


def parse_settings(data: dict[str, Any] | None = None, assignments: Iterable[str] = ()) -> Settings:
    """Settings from nested data (a settings file) with `group.key=value` assignments applied on top."""
    merged: dict[str, Any] = {group: dict(values) for group, values in (data or {}).items()}
    for assignment in assignments:
        key, sep, raw = assignment.partition("=")
        group, dot, name = key.strip().partition(".")
        if not sep or not dot or not group or not name:
            raise SettingsError(f"a setting is written group.key=value, not {assignment!r}")
        if not isinstance(merged.setdefault(group, {}), dict):
            raise SettingsError(f"setting {group} is a group of settings, not a value")
        merged[group][name] = yaml.safe_load(raw) if raw.strip() else raw
    try:
        return Settings.model_validate(merged)
    except ValidationError as err:
        raise SettingsError("; ".join(_describe(e) for e in err.errors())) from None


def _describe(error: Any) -> str:
    where = ".".join(str(part) for part in error["loc"])
    if error["type"] == "extra_forbidden":
        group, _, _ = where.partition(".")
        known = Settings.model_fields if "." not in where else _group_fields(group)
        return f"unknown setting {where} (known: {', '.join(known)})"
    return f"setting {where}: {error['msg']} (got {error.get('input')!r})"


def _group_fields(group: str) -> list[str]:
    field = Settings.model_fields.get(group)
    return list(field.annotation.model_fields) if field is not None else []  # type: ignore[union-attr]


def load_settings(path: Path | None = None, assignments: Iterable[str] = ()) -> Settings:
    """Settings from a YAML file (optional) and `--set` assignments; the file is named in any error."""
    data: dict[str, Any] = {}
    if path is not None:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as err:
            raise SettingsError(f"cannot read the settings file {path}: {err}") from None
        if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
            raise SettingsError(f"{path}: settings are groups of keys (fuzzy: {{agency_cutoff: 88}})")
    try:
        return parse_settings(data, assignments)
    except SettingsError as err:
        raise SettingsError(f"{path}: {err}" if path is not None else str(err)) from None


_current: Settings | None = None


def settings() -> Settings:
    """The settings in force: those `configure` set, else those `NHIEMVU_SETTINGS` names, else defaults."""
    global _current
    if _current is None:
        raw = os.environ.get(ENV_VAR)
        _current = parse_settings(json.loads(raw)) if raw else Settings()
    return _current


def configure(new: Settings) -> None:
    """Make `new` current here and in worker processes started from now on (through the environment)."""
    global _current
    _current = new
    overrides = new.overrides()
    if overrides:
        os.environ[ENV_VAR] = json.dumps(overrides)
    else:
        os.environ.pop(ENV_VAR, None)


@contextmanager
def using(new: Settings) -> Iterator[Settings]:
    """`configure(new)` for the length of a block, then the settings that were in force before."""
    before = settings()
    configure(new)
    try:
        yield new
    finally:
        configure(before)
