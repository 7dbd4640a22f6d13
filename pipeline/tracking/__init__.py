"""Following plans through their reports, and comparing provinces (issue 12).

`refs` reads what a document names, `pairing` finds the plan a report names, `links` links report
tasks to plan tasks, `progress` says where each plan task stands, `families` groups the same task
across provinces; `tables` writes them to the store (`refresh_tracking`).
"""

from pipeline.tracking.tables import compute_tracking, refresh_tracking

__all__ = ["compute_tracking", "refresh_tracking"]
