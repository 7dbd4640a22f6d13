"""Following plans through their reports, and comparing provinces (issue 12).

`refs` reads what a document names, `newtasks` where a report lists new tasks, `pairing` finds the
plan a report names, `links` links report tasks to plan tasks, `progress` says where each plan task
stands, `families` groups the same task across provinces; `tables` writes them to the store
(`refresh_tracking`), `outputs` and `report` write the files analysts open.
"""

from __future__ import annotations

from typing import Any

__all__ = ["compute_tracking", "refresh_tracking"]


def __getattr__(name: str) -> Any:
    # lazy: `pipeline.meta` imports `refs` while reading every file, and needs none of the rest
    if name in __all__:
        from pipeline.tracking import tables

        return getattr(tables, name)
    raise AttributeError(name)
