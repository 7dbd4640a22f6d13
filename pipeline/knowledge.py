"""The knowledge files (YAML/CSV beside the code), read through one loader that checks each against its schema.

An analyst edits these files; a misspelt key ("hed_words") would otherwise be ignored without a word and
the rule it feeds would silently lose its words. Each file has a schema here (pydantic,
`extra="forbid"`): an unknown or missing key stops the program with `KnowledgeError` naming the file and
the key. The loader returns the data exactly as parsed, so the stages see what they always saw.

Paths are relative to the project ("normalizers/data/columns.yaml"); `root` reads another copy of the
tree (a test's temporary copy). This module imports nothing of the project: every layer may use it.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

ROOT = Path(__file__).resolve().parent.parent


class KnowledgeError(ValueError):
    """A knowledge file that does not follow its schema; the message names the file and the key."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


Words = list[str]


# --- normalizers/data ------------------------------------------------------------------------------


class AgencyWords(_Strict):
    head_words: Words
    complete_heads: Words
    group_nouns: Words
    titles_strip: Words
    titles_keep: Words
    role_suffixes: Words
    locality_words: Words
    group_markers: Words
    level_markers: Words
    conjunctions: Words


class LeadPatterns(_Strict):
    lead_triggers: Words
    inner_triggers: Words
    intro_openers: Words
    stop_verbs: Words
    not_verbs: Words
    support_prefixes: Words
    support_triggers: Words
    support_before: Words


class Columns(_Strict):
    roles: dict[str, Words]
    task_table_needs_one_of: Words


class TonePlacement(_Strict):
    old_to_modern: dict[str, str]


class _Half(_Strict):
    phrases: Words
    months: list[int]


class _TimesPerUnit(_Strict):
    quota: Words
    times: Words
    per: Words


class _OffsetWords(_Strict):
    after: Words
    since: Words


class _Vague(_Strict):
    prefixes: Words
    cores: Words
    cell_only: Words


class _ProseEventNamed(_Strict):
    openers: Words
    min_words: int


class DeadlineWords(_Strict):
    period_words: dict[str, Words]
    quarter_numbers: dict[str | int, int]
    halves: list[_Half]
    range_separators: Words
    shared_year_joiners: Words
    open_start_leads: Words
    period_parts: dict[str, dict[str, list[int]]]
    name_nouns: Words
    name_max_words: int
    name_breakers: Words
    stage_words: Words
    recurrence_prefixes: Words
    periodic_prefixes: Words
    per_time_suffixes: Words
    relative_suffixes: Words
    possessives: Words
    times_per_unit: _TimesPerUnit
    recurrence_units: dict[str, dict[str, Any]]
    week_of_month: Words
    weekdays: dict[str, str]
    ongoing: Words
    year_continuations: Words
    event_cell_openers: Words
    offset_words: _OffsetWords
    event_words: Words
    vague: _Vague
    deadline_leads: Words
    clause_deadline_leads: Words
    period_leads: Words
    time_labels: Words
    past_event_words: Words
    day_leads: Words
    date_list_joiners: Words
    action_verbs: Words
    adverb_verbs: Words
    alternative_joiners: Words
    review_words: Words
    list_joiners: Words
    prose_event_anywhere: Words
    prose_event_not_after: Words
    occasion_leads: Words
    prose_event_openers: Words
    prose_event_named: _ProseEventNamed


class _FontRule(_Strict):
    encoding: str
    pattern: str
    uppercase: str | None = None


class LegacyFonts(_Strict):
    fonts: list[_FontRule]
    style_suffix: str


class Syllables(_Strict):
    onsets: Words
    nuclei_open: Words
    nuclei_closed: Words
    codas: Words


# --- pipeline/data ---------------------------------------------------------------------------------


class _DocType(_Strict):
    titles: Words
    vv: Words
    codes: Words


class _DateWords(_Strict):
    day: str
    month: str
    year: str


class Documents(_Strict):
    doc_types: dict[str, _DocType]
    subject_prefixes: Words
    not_issuer_prefixes: Words
    subject_default_type: str
    number_prefixes: Words
    header_mottos: Words
    place_levels: Words
    central_issuers: Words
    province_levels: Words
    date_words: _DateWords


class _Closing(_Strict):
    openers: Words
    conditional_openers: Words
    conditional_mentions: Words


class Headings(_Strict):
    not_tasks: Words
    tasks: Words
    lead_only: Words
    part_separators: Words
    item_heading_max_words: int
    appendix_titles: Words
    closing: _Closing
    recipients_openers: Words
    summaries: Words
    count_words: Words
    conditional_clauses: Words
    contents_openers: Words
    narrative_doc_types: Words
    instruction_doc_types: Words
    fillers: Words


class LabelWords(_Strict):
    label_words: Words
    lead_required_label_words: Words


class _StatusRule(_Strict):
    phrase: str
    status: str


class Status(_Strict):
    headings: list[_StatusRule]
    notes: dict[str, list[_StatusRule]]
    standalone_notes: list[_StatusRule]


class _ReferenceWords(_Strict):
    number: str
    issued: str
    day: str
    month: str
    year: str


class _ReportLabels(_Strict):
    page: str
    table: str
    row: str
    no_overdue: str


class Tracking(_Strict):
    reference_types: dict[str, str]
    reporting_types: Words
    report_phrases: Words
    trackable_weight: dict[str, float]
    new_task_phrases: Words
    family_types: Words
    common_words: Words
    plan_types: Words
    completed_statuses: Words
    not_reported_status: str
    implemented_codes: Words
    status_labels: dict[str, str]
    draft_label: str
    unknown_agency_label: str
    reference_words: _ReferenceWords
    report_labels: _ReportLabels


# --- extractors/data -------------------------------------------------------------------------------


class PdfLayout(_Strict):
    draft_marks: Words
    page_numbers: Words
    list_labels: Words
    sentence_end: str
    addressee_openers: Words


class OcrGlyphs(_Strict):
    letter_labels: str
    romanish: str
    roman_cores: str
    accented_i: str
    roman_i: str


class _ReviewVerdicts(_Strict):
    reject: Words
    confirm: Words


class Review(_Strict):
    verdicts: _ReviewVerdicts
    status: Words
    deadline_kind: Words
    dated_kinds: Words


YAML_SCHEMAS: dict[str, type[_Strict]] = {
    "normalizers/data/agency_words.yaml": AgencyWords,
    "normalizers/data/lead_patterns.yaml": LeadPatterns,
    "normalizers/data/columns.yaml": Columns,
    "normalizers/data/tone_placement.yaml": TonePlacement,
    "normalizers/data/deadline_words.yaml": DeadlineWords,
    "normalizers/data/legacy_encodings/fonts.yaml": LegacyFonts,
    "normalizers/data/legacy_encodings/syllables.yaml": Syllables,
    "pipeline/data/documents.yaml": Documents,
    "pipeline/data/headings.yaml": Headings,
    "normalizers/data/labels.yaml": LabelWords,
    "pipeline/data/status.yaml": Status,
    "pipeline/data/tracking.yaml": Tracking,
    "pipeline/data/review.yaml": Review,
    "extractors/data/pdf_layout.yaml": PdfLayout,
    "extractors/data/ocr_glyphs.yaml": OcrGlyphs,
}

# The columns of each CSV file, in no particular order; lines starting with "#" are comments.
CSV_COLUMNS: dict[str, set[str]] = {
    "normalizers/data/agencies.csv": {"canonical", "aliases", "kind"},
    "normalizers/data/abbreviations.csv": {"abbreviation", "expansion"},
    "pipeline/data/provinces.csv": {"name", "canonical", "aliases", "current"},
    "normalizers/data/legacy_encodings/tcvn3.csv": {"code", "tcvn3", "unicode", "name"},
    "normalizers/data/legacy_encodings/vni.csv": {"vni", "unicode"},
}


def _describe(error: Any) -> str:
    where = ".".join(str(part) for part in error["loc"])
    if error["type"] == "extra_forbidden":
        return f"unknown key {where!r}"
    if error["type"] == "missing":
        return f"missing key {where!r}"
    return f"key {where!r}: {error['msg']}"


# libyaml's parser when PyYAML was built with it (ten times faster, the same safe constructor)
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(name: str, root: Path | None = None) -> Any:
    """The YAML file `name` (project-relative), checked against its schema, as parsed."""
    schema = YAML_SCHEMAS.get(name)
    if schema is None:
        raise KnowledgeError(f"{name}: no schema declares this knowledge file")
    path = (root or ROOT) / name
    with path.open(encoding="utf-8") as f:
        data = yaml.load(f, Loader=_SAFE_LOADER)
    if not isinstance(data, dict):
        raise KnowledgeError(f"{path}: expected keys at the top, found {type(data).__name__}")
    try:
        schema.model_validate(data)
    except ValidationError as err:
        raise KnowledgeError(f"{path}: " + "; ".join(_describe(e) for e in err.errors())) from None
    return data


def load_csv(name: str, root: Path | None = None) -> list[dict[str, str]]:
    """The CSV file `name` (project-relative) as rows, its header checked against the declared columns."""
    expected = CSV_COLUMNS.get(name)
    if expected is None:
        raise KnowledgeError(f"{name}: no schema declares this knowledge file")
    path = (root or ROOT) / name
    with path.open(encoding="utf-8", newline="") as f:
        rows = csv.DictReader(line for line in f if not line.startswith("#"))
        header = set(rows.fieldnames or [])
        if unknown := sorted(header - expected):
            raise KnowledgeError(f"{path}: unknown column {', '.join(map(repr, unknown))}")
        if missing := sorted(expected - header):
            raise KnowledgeError(f"{path}: missing column {', '.join(map(repr, missing))}")
        return list(rows)
