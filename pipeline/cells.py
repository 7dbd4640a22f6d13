"""Spreadsheet cells that cannot run: text starting like a formula is made plain text (OWASP CSV injection).

Documents come from many offices; a cell "=HYPERLINK(...)" or "@SUM(...)" must not become a live formula
when an analyst opens tasks.xlsx or tasks.csv. As OWASP recommends, such a cell gets a leading single quote
(Excel and LibreOffice then show the text as it is). Only CSV and XLSX are escaped: JSONL, Parquet and
DuckDB keep the values exactly as read.
"""

from __future__ import annotations

import pandas as pd

# Characters a spreadsheet reads as the start of a formula (and their full-width forms, which some
# spreadsheets fold to ASCII), plus tab / CR / LF that can hide one.
FORMULA_STARTS = tuple("=+-@\t\r\n") + tuple("＝＋－＠")


def escape_cell(value: object) -> object:
    """`value` with a leading `'` when it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def escape_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` with every text cell escaped (numbers, dates and booleans untouched)."""
    safe = frame.copy()
    for col in safe.columns:
        if safe[col].dtype == object:
            safe[col] = safe[col].map(escape_cell)
    return safe
