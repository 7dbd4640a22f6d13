"""The tracking vocabulary (`pipeline/data/tracking.yaml`), loaded once and keyed like every other."""

from __future__ import annotations

from functools import cache

from normalizers.text import match_key
from pipeline.knowledge import load_yaml


@cache
def tracking_words() -> dict:
    data = load_yaml("pipeline/data/tracking.yaml")
    data["reference_types"] = {match_key(k): v for k, v in data["reference_types"].items()}
    for key in ("report_phrases", "new_task_phrases", "common_words"):
        data[key] = sorted((match_key(p) for p in data[key]), key=len, reverse=True)
    data["implemented_codes"] = {code.upper() for code in data["implemented_codes"]}
    return data
