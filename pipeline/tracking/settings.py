"""Every tunable number of the tracking stage in one validated place (like pdfplumber's TableSettings)."""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class TrackingSettings:
    """Weights and cut-offs for linking report tasks to plan tasks and grouping tasks into families.

    Scores are 0..1. A report task whose best plan task scores below `link_threshold` stays unlinked
    and is flagged for review; `review_below` flags links that were made but are worth a look.
    """

    # linking a report task to a plan task
    weight_text: float = 0.70
    weight_lead: float = 0.12
    weight_position: float = 0.10
    weight_deadline: float = 0.08
    link_threshold: float = 0.55
    review_below: float = 0.70
    reprint_threshold: float = 0.85  # a status-less copy this close may link a plan task a status row has
    # grouping tasks of different documents into families
    family_threshold: float = 0.65
    family_lead_bonus: float = 0.08  # added for the same lead body (half for the same kind of body)
    family_min_shared: int = 3  # word pairs two tasks must share to be compared at all
    family_common_share: float = 0.05  # word pairs in more than this share of the tasks do not count
    family_clause_weight: float = 0.85  # one shared clause is worth this share of a whole-text match

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, float) and not 0.0 <= value <= 1.0:
                raise ValueError(f"{f.name} must be between 0 and 1, not {value}")
            if isinstance(value, int) and not isinstance(value, bool) and value < 1:
                raise ValueError(f"{f.name} must be at least 1, not {value}")
        link = self.weight_text + self.weight_lead + self.weight_position + self.weight_deadline
        if abs(link - 1.0) > 1e-6:
            raise ValueError(f"link weights must add up to 1, not {link}")


SETTINGS = TrackingSettings()
