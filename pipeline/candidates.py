"""A task as found in a document, before its agencies and deadline are normalized."""

from __future__ import annotations

from dataclasses import dataclass, field

# Below this mean OCR word confidence (0..1) a task is flagged for a person to check.


@dataclass
class Candidate:
    section_path: list[str]
    number: str | None
    text_parts: list[str]
    page: int | None = None
    table_index: int | None = None
    row_index: int | None = None
    lead_raw: str | None = None
    support_raw: str | None = None
    output: str | None = None
    timeframe_raw: str | None = None
    default_year: int | None = None  # the year a timeframe heading gives ("Thời gian (Năm 2026)")
    status_raw: str | None = None
    status: str | None = None
    lead_inherited: bool = False
    low_confidence: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(part for part in self.text_parts if part)
