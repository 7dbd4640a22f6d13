"""Vietnamese deadline wordings → kind, start, end and RRULE (DATA_CONTRACT.md, "Deadlines").

Every Vietnamese word lives in `data/deadline_words.yaml` (as dateparser keeps per-locale data apart
from its parser); this module assembles regexes from it and composes them: a period ("ngày 15/12",
"tháng 9/2026", "Quý III", "6 tháng đầu năm"), optionally with a part before it ("cuối năm 2026") or a
lead ("trước", "từ"), joined to another as a range, or governed by a recurrence ("hằng năm", "định kỳ
06 tháng", "năm liền kề", "01 lần/tháng") that turns its yearless periods into BY* parts.
`parse_deadline` reads a "Thời gian thực hiện" cell (or a phrase); the first rule that answers wins:

1. an impossible date ("30/2/2026", "tháng 13/2026") → unspecified, parsed=False (a person must look);
2. a named year that carries on ("Năm 2025 và những năm tiếp theo") → ongoing from 1 Jan of that year;
3. an offset from an event ("Sau 03 tháng kể từ khi …") → event;
4. the first concrete period that has its year written (date, month, quarter, half, year, or two of them
   joined as a range) → that kind, so "- Tháng 9/2025 - Thường xuyên" is month; a part of a period
   ("cuối năm 2026", "giữa tháng 6/2026") → the range of that part; an open start ("Bắt đầu thực hiện
   từ năm 2026") → ongoing from its first day;
5. a cell that points elsewhere ("Theo hướng dẫn của Trung ương", "Theo Kế hoạch … hằng năm") → event;
6. a recurrence word with a unit → recurring; the yearless periods, days and weekdays of its own clause
   refine the RRULE ("Quý I hằng năm" → BYMONTH=1,2,3, "Hằng năm (trước 15/12)" → BYMONTH=12;BYMONTHDAY=15,
   "thứ Sáu tuần thứ 2 … hàng tháng" → BYDAY=2FR);
7. with a `default_year` (a column heading "Thời gian (Năm 2026)"), a period written without a year;
8. an ongoing word ("Thường xuyên", "Thường xuyên/Theo yêu cầu") → ongoing;
9. an event word ("Ngay sau khi …", "Khi có …", "Trước Tết Nguyên đán") → event;
10. "within the time the rules set" ("trong thời gian quy định") → unspecified, but understood;
11. anything else → unspecified, parsed=False.

Dates inside a cited document ("Quyết định số 05/QĐ-BCĐ ngày 10/4/2026", "197/2025/QH15") and years that
end a name ("Kế hoạch cải cách hành chính năm 2026", "Chỉ số CCHC năm 2025") are masked first: they
name or date something else, not the task.

`find_deadline_phrase` looks for the deadline inside a prose sentence. Prose mentions years and dates
as context all the time, so it only accepts a phrase in a position that makes it a deadline (after
"hoàn thành trong" or "trong", at the start of a clause, right after "thực hiện", after "định kỳ" …)
and returns None when unsure.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

from normalizers.text import modern_tones, nfc, one_line
from pipeline.knowledge import load_yaml

__all__ = [
    "CONCRETE_KINDS",
    "DATA_FILE",
    "Deadline",
    "find_deadline_phrase",
    "parse_deadline",
    "year_in_heading",
]

DATA_FILE = Path(__file__).with_name("data") / "deadline_words.yaml"
CONCRETE_KINDS = frozenset({"date", "month", "quarter", "half", "year", "range"})

_YEAR = r"(?:19|20)\d{2}"
_FLAGS = re.IGNORECASE
_MASK = "#"
# A clause starts at the beginning of the text or after . ; : ! ? or a line break (not after a comma:
# "trọng tâm, xuyên suốt, thường xuyên" is a list of adjectives), optionally behind a bullet.
_CLAUSE_START = r"(?:^|(?<=[.;:!?\n]))[ \t]*(?:[-+•*][ \t]*)?"
# A deadline lead ("trước ngày 15/12/2026") may also open the last part of a sentence after a comma.
_PHRASE_START = r"(?:^|(?<=[.;:!?\n,]))[ \t]*(?:[-+•*][ \t]*)?"
_BULLET_BREAK = re.compile(r"\n\s*[-+•*]")


@dataclass(frozen=True)
class Deadline:
    """A task's deadline in the contract's terms; `parsed` is False when the text was not understood."""

    kind: str  # date|month|quarter|half|year|range|recurring|ongoing|event|unspecified
    start: str | None  # ISO YYYY-MM-DD
    end: str | None
    recurrence: str | None  # RRULE without "RRULE:", e.g. "FREQ=MONTHLY;BYMONTHDAY=23"
    parsed: bool


_UNSPECIFIED = Deadline("unspecified", None, None, None, True)
_UNPARSED = Deadline("unspecified", None, None, None, False)


# --------------------------------------------------------------------------------------------------
# Vocabulary → regex pieces
# --------------------------------------------------------------------------------------------------


def _norm(text: str) -> str:
    """The form vocabulary and input are compared in: NFC, modern tones, lower case, single spaces."""
    return " ".join(modern_tones(nfc(text)).lower().split())


def _alt(phrases: Iterable[str]) -> str:
    """A non-capturing alternation of phrases, longest first; a space matches any whitespace."""
    words = sorted({_norm(p) for p in phrases}, key=len, reverse=True)
    return "(?:" + "|".join(r"\s+".join(map(re.escape, w.split(" "))) for w in words) + ")"


@cache
def _words() -> dict[str, Any]:
    """The vocabulary file, loaded once."""
    return load_yaml("normalizers/data/deadline_words.yaml")


def _anonymous(pattern: str) -> str:
    """The same regex without group names, so it can be embedded twice in a bigger one."""
    return re.sub(r"\(\?P<\w+>", "(?:", pattern)


@dataclass(frozen=True)
class _Period:
    """One period as written: a date, month, quarter, half or year; `year` None when not written."""

    kind: str
    start: int  # position in the text
    end: int
    year: int | None
    month_from: int = 1
    month_to: int = 12
    day: int | None = None

    def valid(self) -> bool:
        """False for an impossible date or month, which must not silently become another period."""
        if not (1 <= self.month_from <= self.month_to <= 12):
            return False
        if self.day is None:
            return True
        try:
            dt.date(self.year or 2000, self.month_from, self.day)  # 2000 is a leap year: 29/2 is fine
        except ValueError:
            return False
        return True

    def first_day(self, year: int) -> dt.date:
        return dt.date(year, self.month_from, self.day or 1)

    def last_day(self, year: int) -> dt.date:
        day = self.day or calendar.monthrange(year, self.month_to)[1]
        return dt.date(year, self.month_to, day)

    def months(self) -> list[int]:
        return list(range(self.month_from, self.month_to + 1))


class _Grammar:
    """All regexes, assembled once from the vocabulary."""

    def __init__(self, w: dict[str, Any]) -> None:
        pw = w["period_words"]
        day, month, quarter, year = (_alt(pw[k]) for k in ("day", "month", "quarter", "year"))
        self.quarter_numbers = {_norm(str(k)): int(v) for k, v in w["quarter_numbers"].items()}
        self.halves = {_norm(p): tuple(h["months"]) for h in w["halves"] for p in h["phrases"]}
        self.units = {_norm(k): v for k, v in w["recurrence_units"].items()}
        self.weekdays = {_norm(k): v for k, v in w["weekdays"].items()}
        self.parts = {_norm(k): v for k, v in w["period_parts"].items()}
        self.day_leads = _alt(w["day_leads"])
        self.date_list = _alt(w["date_list_joiners"])
        self.token = re.compile(self._token_regex(day, month, quarter, year), _FLAGS)
        self.range_sep = re.compile(r"\s*" + _alt(w["range_separators"]) + r"\s*", _FLAGS)
        self.citation = re.compile(self._citation_regex(day, month, year), _FLAGS)
        self.continuation = re.compile(
            rf"(?<![\w/]){_YEAR}(?!\d)\D{{0,80}}?(?<!\w){_alt(w['year_continuations'])}(?!\w)", _FLAGS
        )
        self.recurrence = re.compile(self._recurrence_regex(w), _FLAGS)
        self.month_day = re.compile(
            rf"(?<!\w){day}\s+(?P<d>\d{{1,2}})(?!\d)(?!\s*[/.-]\s*\d)(?!\s+{month})", _FLAGS
        )
        self.weekday = re.compile(rf"(?<!\w)(?P<w>{_alt(w['weekdays'])})(?!\w)", _FLAGS)
        self.week_ordinal = re.compile(
            rf"(?<!\w)(?P<w>{_alt(w['weekdays'])})\s+(?:\S+\s+)?{_alt(w['week_of_month'])}\s+(?P<n>[1-5])(?!\d)",
            _FLAGS,
        )
        self.part_before = re.compile(rf"(?<!\w)(?P<part>{_alt(w['period_parts'])})\s+$", _FLAGS)
        self.open_start = re.compile(rf"(?<!\w){_alt(w['open_start_leads'])}\s+$", _FLAGS)
        off = w["offset_words"]
        self.offset = re.compile(  # "Sau 03 tháng kể từ …", "Trong vòng 30 ngày kể từ …"
            rf"(?<!\w){_alt(off['after'])}\s+\d{{1,3}}\s+{_alt(w['recurrence_units'])}(?:\s+[^\s\d]+){{0,2}}?"
            rf"\s+{_alt(off['since'])}(?!\w)",
            _FLAGS,
        )
        self.event_opener = re.compile(rf"^[\W_]*(?P<o>{_alt(w['event_cell_openers'])})(?!\w)", _FLAGS)
        self.name = re.compile(self._name_regex(w, year), _FLAGS)
        self.ongoing = re.compile(rf"(?<!\w){_alt(w['ongoing'])}(?!\w)", _FLAGS)
        vague = w["vague"]
        self.vague = re.compile(
            rf"(?<!\w)(?:{_alt(vague['prefixes'])}\s+)?{_alt(vague['cores'])}(?!\w)", _FLAGS
        )
        self.vague_cell = re.compile(rf"(?<!\w){_alt(vague['cell_only'])}(?!\w)", _FLAGS)
        self.event = re.compile(rf"(?<!\w){_alt(w['event_words'])}(?!\w)", _FLAGS)
        self.prose = self._prose_families(w)

    def _token_regex(self, day: str, month: str, quarter: str, year: str) -> str:
        """One alternation for every period; the outer group name says which branch matched."""
        ysep = rf"\s*(?:[/.-]|,?\s*{year})\s*"  # "9/2025", "9 năm 2025", "II - 2026"
        qnum = _alt(self.quarter_numbers)
        branches = {
            "date_num": rf"(?:(?<!\w){day}\s+)?(?<![\w/.-])(?P<dn_d>\d{{1,2}})[/.-](?P<dn_m>\d{{1,2}})"
            rf"[/.-](?P<dn_y>{_YEAR})(?![\d/])",
            "date_words": rf"(?<!\w){day}\s+(?P<dw_d>\d{{1,2}})\s+{month}\s+(?P<dw_m>\d{{1,2}})(?!\d)"
            rf"(?:\s*,?\s*{year}\s+(?P<dw_y>{_YEAR})(?!\d))?",
            "date_short": rf"(?<!\w){day}\s+(?P<ds_d>\d{{1,2}})[/.-](?P<ds_m>\d{{1,2}})(?![/.-]?\d)",
            "date_lead": rf"(?<!\w)(?:{self.day_leads}|{self.date_list})\s+(?P<dl_d>\d{{1,2}})/(?P<dl_m>\d{{1,2}})(?![/.-]?\d)",
            # "ngày Chuyển đổi số Quốc gia 10/10": the day of a named occasion, its date after the name
            "date_named": rf"(?<!\w){day}\s+(?:[^\s\d,;.()#/]+\s+){{1,6}}?(?P<do_d>\d{{1,2}})/(?P<do_m>\d{{1,2}})"
            r"(?![/.-]?\d)",
            "half": rf"(?<!\w)(?P<h_w>{_alt(self.halves)})(?:\s*[/-]?\s*(?P<h_y>{_YEAR})(?!\d))?",
            "quarter": rf"(?<!\w){quarter}\s+(?P<q_n>{qnum})(?!\w)(?:{ysep}(?P<q_y>{_YEAR})(?!\d))?",
            "month": rf"(?<!\w){month}\s+(?P<m_m>\d{{1,2}})(?!\d)(?:{ysep}(?P<m_y>{_YEAR})(?!\d))?",
            "month_num": rf"(?<![\w/.-])(?P<mn_m>\d{{1,2}})/(?P<mn_y>{_YEAR})(?![\d/])",
            "year": rf"(?:(?<!\w){year}\s+)?(?<![\w/.])(?P<y_y>{_YEAR})(?![\d/]|\.\d)",
        }
        return "|".join(f"(?P<{name}>{body})" for name, body in branches.items())

    @staticmethod
    def _name_regex(w: dict[str, Any], year: str) -> str:
        """ "Kế hoạch cải cách hành chính năm 2026": the year (group `t`) ends a name that opens with a noun."""
        breaker = rf"{_alt(w['name_breakers'])}(?!\w)"
        word = rf"(?!{breaker})[^\s,;:.()\d#]+"
        one = rf"(?:{year}\s+)?{_YEAR}(?!\d)"
        tail = rf"(?:{_alt(w['stage_words'])}\s+)?{one}(?:\s*[-–—]\s*{one})?"
        return (
            rf"(?<!\w){_alt(w['name_nouns'])}(?:\s+{word}){{0,{int(w['name_max_words'])}}}?\s+(?P<t>{tail})"
        )

    @staticmethod
    def _citation_regex(day: str, month: str, year: str) -> str:
        """A document number ("66-NQ/TW", "197/2025/QH15") and the date written right after it."""
        piece = r"[\w&]+(?:\.[\w&]+)*"
        date = rf"\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{4}}|\d{{1,2}}\s+{month}\s+\d{{1,2}}\s*,?\s+{year}\s+\d{{4}}"
        return rf"(?<![\w/.-])(?P<num>\d+\w*(?:[/-]{piece})+)(?:\s*,?\s+{day}\s+(?:{date}))?"

    def _recurrence_regex(self, w: dict[str, Any]) -> str:
        """Regex for "hằng năm", "hàng 6 tháng", "định kỳ 06 tháng", "định kỳ hằng quý", "6 tháng một lần"."""
        unit, prefix = _alt(w["recurrence_units"]), _alt(w["recurrence_prefixes"])
        periodic, per_time = _alt(w["periodic_prefixes"]), _alt(w["per_time_suffixes"])
        times = w["times_per_unit"]
        return (
            rf"(?<!\w)(?:{periodic}\s+)?(?:{prefix}\s+(?:(?P<n1>\d{{1,2}})\s+)?(?P<u1>{unit})"
            rf"|(?P<n2>\d{{1,2}})\s+(?P<u2>{unit})\s*{per_time})(?!\w)"
            rf"|(?<!\w){periodic}\s+(?P<n3>\d{{1,2}})\s+(?P<u3>{unit})(?:\s*,\s*\d{{1,2}}\s+{unit})*(?!\w)"
            rf"|(?<!\w)(?P<u4>{unit})\s+{_alt(w['relative_suffixes'])}(?!\w)"
            rf"|(?<!\w)(?:{_alt(times['quota'])}\s+)?\d{{1,2}}\s+{_alt(times['times'])}\s*"
            rf"(?:{_alt(times['per'])})\s*(?P<u5>{unit})(?!\w)"
        )

    def _prose_families(self, w: dict[str, Any]) -> tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]:
        """Ordered (family, patterns) for prose; each pattern captures the phrase as group `p`."""
        token = _anonymous(self.token.pattern)
        part = rf"(?:{_alt(w['period_parts'])}\s+)?"  # "cuối năm 2026"
        time = rf"{part}(?:{token})(?:{self.range_sep.pattern}(?:{token}))?"  # a period or a range
        recur = rf"(?:{_anonymous(self.recurrence.pattern)})"
        events, ongoing = _alt(w["event_words"]), _alt(w["ongoing"])
        parenthesis = r"(?:\s*\([^()\n]{1,80}\))?"  # "Hằng tháng (trước ngày 16)"
        verbs = _alt(w["action_verbs"])
        alternative = (  # "… hàng tháng hoặc theo yêu cầu của cơ quan có thẩm quyền", up to the next verb
            rf"(?:\s+{_alt(w['alternative_joiners'])}\s+(?=(?:{events}|{ongoing})(?!\w))"
            rf"(?:(?!\s{verbs}(?!\w))[^,;.()\n]){{1,120}})?"
        )
        recur_phrase = recur + parenthesis + alternative
        verb = rf"(?<!\w){verbs}\s+"
        lead, clause_lead = _alt(w["deadline_leads"]), _alt(w["clause_deadline_leads"])
        pw = w["period_words"]
        day, month, quarter = _alt(pw["day"]), _alt(pw["month"]), _alt(pw["quarter"])
        day_of_period = rf"(?:{_alt(w['day_leads'])}\s+)?{day}\s+\d{{1,2}}\s+"
        # "trước ngày 05 tháng 12 hằng năm", "trước ngày 15/12 hằng năm", "trong tháng 01 hằng năm"
        item = (
            rf"(?:{day}\s+\d{{1,2}}(?:\s+{month}\s+\d{{1,2}}|[/.-]\d{{1,2}})?|{month}\s+\d{{1,2}}"
            rf"|{quarter}\s+{_alt(self.quarter_numbers)})(?!\w)"
        )
        more = rf"(?:\s*(?:,|{self.date_list})\s+(?:{item}|\d{{1,2}}[/.-]\d{{1,2}}(?![/.-]?\d)))*"  # "… và 15/12"
        yearless = rf"{item}{more}\s+"
        yearless_lead = rf"(?:{_alt(w['day_leads'])}|{_alt(w['period_leads'])})\s+"
        periodic = _alt(w["periodic_prefixes"])
        ongoing_list = rf"{ongoing}(?:\s*,\s*{ongoing})*(?!\w)"  # "thường xuyên, liên tục"
        manner = r"(?:[^\s,;.()]+(?:\s+[^\s,;.()]+)?,\s+){0,3}?"  # "quyết liệt, đồng bộ, "
        clause_end = r"(?=\s*(?:[.;]|$))"
        quota = _alt(w["times_per_unit"]["quota"])
        label = rf"(?<!\w){_alt(w['time_labels'])}\s*:\s*"
        open_start = _alt(w["open_start_leads"])
        review = rf"\d{{1,2}}\s+{_alt(w['recurrence_units'])}\s+{_alt(w['review_words'])}"
        joiner = _alt(w["list_joiners"])
        to_punct = r"[^,;.()\n]{1,120}?"
        named = w["prose_event_named"]
        # "… trước khi có kết quả": another conjunction, not "khi có"; one fixed-width lookbehind per word
        not_after = "".join(rf"(?<!{re.escape(_norm(x))}\s)" for x in w["prose_event_not_after"])
        families = {
            "concrete": [
                rf"(?<!\w)(?P<p>{lead}\s+{time})",  # "xong trước ngày 15/8/2026"
                rf"{_PHRASE_START}(?P<p>{clause_lead}\s+{time})",  # "…, trước ngày 15/12/2026"
                rf"{verb}(?P<p>{clause_lead}\s+{time})",  # "báo cáo trước ngày 15/12/2026"
                rf"(?<!\w)(?P<p>{clause_lead}\s+{day}\s+{time})",  # "… trước ngày 30/6/2026"
                rf"(?<!\w)(?P<p>{_alt(w['period_leads'])}\s+{time})",  # "… Hội nghị trong tháng 9/2026"
                rf"(?<!\w)(?P<p>{_alt(w['occasion_leads'])}\s+{time})",  # "nhân ngày Chuyển đổi số Quốc gia 10/10"
                rf"{label}(?P<p>{time})",  # "Thời gian hoàn thành: Quý IV/2026"
                rf"{verb}(?P<p>{open_start}\s+{time})",  # "thực hiện từ năm 2026 đến năm 2030" (a range)
            ],
            "recurring": [
                rf"(?<!\w)(?P<p>{day_of_period}{recur_phrase})",  # "trước ngày 23 hàng tháng"
                rf"(?<!\w)(?P<p>{yearless_lead}{yearless}(?:{_alt(w['possessives'])}\s+)?{recur_phrase})",  # "trước ngày 05 tháng 12 hằng năm"
                rf"(?<!\w)(?P<p>(?={periodic}\s){recur_phrase})",  # "… báo cáo UBND định kỳ hằng quý"
                # "định kỳ phát sóng (mỗi tháng 02 chuyên mục)", "Định kỳ phát sóng mỗi tháng … hàng tháng"
                rf"(?<!\w)(?P<p>{periodic}\s+(?:[^\s\d,;.()]+\s+){{1,3}}?(?:\(\s*{recur}[^()\n]{{0,80}}\)|{recur}[^,;.()\n]{{0,200}}))",
                rf"{_PHRASE_START}(?P<p>{verbs}\s+{recur_phrase}){clause_end}",  # "…; thực hiện hằng năm."
                rf"{_PHRASE_START}(?P<p>{recur_phrase})",  # "Hàng năm, xây dựng …", "…, hằng quý có …"
                rf"{verb}(?P<p>{recur_phrase})",  # "thực hiện hằng năm"
                rf"{label}(?P<p>{recur_phrase})",  # "Thời gian thực hiện: hằng quý"
                # "Bảo đảm mỗi học kỳ tổ chức ít nhất 1 buổi/cơ sở giáo dục": a quota per period, to the clause end
                rf"{verb}(?P<p>{recur}[^,;.()\n]{{0,60}}?(?<!\w){quota}\s+\d[^,;.()\n]*)",
            ],
            "ongoing": [
                rf"{_PHRASE_START}(?P<p>{verbs}\s+{ongoing}){clause_end}",  # "…; thực hiện thường xuyên."
                rf"{_CLAUSE_START}(?P<p>{ongoing})(?!\w)",  # "Thường xuyên rà soát …"
                rf"{verb}{manner}(?P<p>{ongoing_list})",  # "Thực hiện thường xuyên việc …", "thực hiện quyết liệt, …"
                rf"(?<!\w)(?P<p>{ongoing})(?=\s+{_alt(w['adverb_verbs'])}(?!\w))",  # "… thường xuyên kiểm tra"
                rf"{label}(?P<p>{ongoing_list})",  # "Thời gian thực hiện: thường xuyên"
                rf"{verb}(?P<p>{open_start}\s+{time})",  # "thực hiện từ năm 2026" → ongoing from 2026
            ],
            "event": [
                rf"(?<!\w)(?P<p>{review}(?:\s*{joiner}\s*{review})*)(?!\w)",  # "03 năm sơ kết, 05 năm tổng kết"
                rf"(?<!\w){not_after}(?P<p>{_alt(w['prose_event_anywhere'])}\s+{to_punct})(?=\s*(?:[,;.()\n]|$))",
                rf"{_CLAUSE_START}(?P<p>{_alt(w['prose_event_openers'])}\s+{to_punct})(?=\s*,)",
                # "Sau khi hoàn thành việc nhập danh sách, …", "… sau khi được triển khai." (not "sau khi ban hành")
                rf"(?<!\w)(?P<p>{_alt(named['openers'])}(?:\s+[^\s,;.()]+){{{int(named['min_words'])},25}})"
                r"(?=\s*(?:[,;.()\n]|$))",
            ],
            "vague": [rf"(?P<p>{self.vague.pattern})"],  # "trong thời gian quy định"
        }
        return tuple((name, tuple(re.compile(p, _FLAGS) for p in pats)) for name, pats in families.items())


@cache
def _grammar() -> _Grammar:
    return _Grammar(_words())


# --------------------------------------------------------------------------------------------------
# Periods
# --------------------------------------------------------------------------------------------------


def _year(m: re.Match[str], group: str) -> int | None:
    value = m.group(group)
    return int(value) if value else None


def _period(m: re.Match[str], g: _Grammar) -> _Period:
    """The period a token match names (its outer group says which branch matched)."""
    kind, (s, e) = m.lastgroup, m.span()
    if kind == "date_num":
        return _Period("date", s, e, _year(m, "dn_y"), int(m["dn_m"]), int(m["dn_m"]), int(m["dn_d"]))
    if kind == "date_words":
        return _Period("date", s, e, _year(m, "dw_y"), int(m["dw_m"]), int(m["dw_m"]), int(m["dw_d"]))
    if kind == "date_short":
        return _Period("date", s, e, None, int(m["ds_m"]), int(m["ds_m"]), int(m["ds_d"]))
    if kind == "date_lead":
        return _Period("date", s, e, None, int(m["dl_m"]), int(m["dl_m"]), int(m["dl_d"]))
    if kind == "date_named":
        return _Period("date", s, e, None, int(m["do_m"]), int(m["do_m"]), int(m["do_d"]))
    if kind == "half":
        first, last = g.halves[_norm(m["h_w"])]
        return _Period("half", s, e, _year(m, "h_y"), first, last)
    if kind == "quarter":
        q = g.quarter_numbers[_norm(m["q_n"])]
        return _Period("quarter", s, e, _year(m, "q_y"), 3 * q - 2, 3 * q)
    if kind == "month":
        return _Period("month", s, e, _year(m, "m_y"), int(m["m_m"]), int(m["m_m"]))
    if kind == "month_num":
        return _Period("month", s, e, _year(m, "mn_y"), int(m["mn_m"]), int(m["mn_m"]))
    return _Period("year", s, e, _year(m, "y_y"))


def _periods(key: str, default_year: int | None = None) -> list[_Period]:
    """Every period written in `key`; `default_year` fills in the year of those written without one."""
    g = _grammar()
    found = [_period(m, g) for m in g.token.finditer(key)]
    return [replace(p, year=default_year) if p.year is None else p for p in found] if default_year else found


def _one(key: str, p: _Period) -> Deadline:
    """One period; "cuối năm 2026", "đầu quý III/2026", "giữa tháng 6/2026" → the range of that part."""
    assert p.year is not None
    part = _grammar().part_before.search(key[: p.start])
    if part and p.kind in ("year", "quarter", "month"):
        return _part(p, _grammar().parts[_norm(part["part"])][p.kind])
    start = None if p.kind == "date" else p.first_day(p.year).isoformat()
    return Deadline(p.kind, start, p.last_day(p.year).isoformat(), None, True)


def _part(p: _Period, bounds: list[int]) -> Deadline:
    """The part `bounds` of a period: months inside a year or quarter, days inside a month."""
    assert p.year is not None
    low, high = bounds
    if p.kind == "month":
        last = calendar.monthrange(p.year, p.month_from)[1]
        first, end = dt.date(p.year, p.month_from, low), dt.date(p.year, p.month_from, min(high, last))
    else:
        m1, m2 = p.month_from + low - 1, p.month_from + high - 1
        first, end = dt.date(p.year, m1, 1), dt.date(p.year, m2, calendar.monthrange(p.year, m2)[1])
    return Deadline("range", first.isoformat(), end.isoformat(), None, True)


def _range(key: str, a: _Period, b: _Period) -> Deadline | None:
    """Two periods joined by "-", "đến" … ("Năm 2025 - 2026", "Từ tháng 3 đến tháng 6/2026")."""
    between = key[a.end : b.start]
    if b.year is None or not _grammar().range_sep.fullmatch(between) or _BULLET_BREAK.search(between):
        return None
    if a.year is None and a.kind != b.kind:  # "tháng 3 - 2026" is not a range
        return None
    first, last = a.first_day(a.year or b.year), b.last_day(b.year)
    return Deadline("range", first.isoformat(), last.isoformat(), None, True) if first < last else None


# --------------------------------------------------------------------------------------------------
# Rules, in order (see the module docstring)
# --------------------------------------------------------------------------------------------------


def _invalid_period(key: str, default_year: int | None) -> Deadline | None:
    return _UNPARSED if any(not p.valid() for p in _periods(key, default_year)) else None


def _year_carries_on(key: str, default_year: int | None) -> Deadline | None:
    m = _grammar().continuation.search(key)
    year = m and re.match(_YEAR, m.group())
    return Deadline("ongoing", f"{year.group()}-01-01", None, None, True) if year else None


def _offset(key: str, default_year: int | None) -> Deadline | None:
    """ "Sau 03 tháng kể từ khi có văn bản …": counted from an event, so an event (before "từ" opens a period)."""
    return Deadline("event", None, None, None, True) if _grammar().offset.search(key) else None


def _concrete(key: str, default_year: int | None = None) -> Deadline | None:
    """The first period with a year, or the first two joined as a range; "Từ năm 2026" alone runs on."""
    periods = _periods(key, default_year)
    for i, a in enumerate(periods):
        joined = _range(key, a, periods[i + 1]) if i + 1 < len(periods) else None
        if joined:
            return joined
        if a.year is not None:
            if _grammar().open_start.search(key[: a.start]):
                return Deadline("ongoing", a.first_day(a.year).isoformat(), None, None, True)
            return _one(key, a)
    return None


def _written(key: str, default_year: int | None) -> Deadline | None:
    """A concrete period with its year written; a year given elsewhere waits for the recurrences."""
    return _concrete(key)


def _points_elsewhere(key: str, default_year: int | None) -> Deadline | None:
    """ "Theo hướng dẫn của Trung ương": the time is set elsewhere → event ("Theo quy định" stays vague)."""
    g = _grammar()
    opener = g.event_opener.match(key)
    if not opener or _vague(key, default_year):
        return None
    if g.recurrence.match(key, opener.start("o")):
        return None  # "Theo quý": a recurrence, not a pointer
    return Deadline("event", None, None, None, True)


def _recurring(key: str, default_year: int | None) -> Deadline | None:
    g = _grammar()
    found = list(g.recurrence.finditer(key))
    if not found:
        return None
    m = found[0]
    unit = next(m[f"u{i}"] for i in (1, 2, 3, 4, 5) if m[f"u{i}"])
    count = next((int(m[f"n{i}"]) for i in (1, 2, 3) if m[f"n{i}"]), 1)
    info = g.units[_norm(unit)]
    parts = [f"FREQ={info['freq']}"]
    if info["interval"] * count > 1:
        parts.append(f"INTERVAL={info['interval'] * count}")
    before, after = _scopes(key, found)
    parts += _refinements(info["freq"], key, *before) or _refinements(info["freq"], key, *after)
    return Deadline("recurring", None, None, ";".join(parts), True)


def _scopes(key: str, found: list[re.Match[str]]) -> tuple[tuple[int, int], tuple[int, int]]:
    """What the first recurrence governs: its clause before it, else its clause after it, never
    another recurrence's words ("tháng 01 hằng năm; … tháng 6 hằng năm" → only tháng 01)."""
    m = found[0]
    low = max(key.rfind(";", 0, m.start()), key.rfind("\n", 0, m.start())) + 1
    ends = [i for i in (key.find(";", m.end()), key.find("\n", m.end())) if i >= 0]
    ends += [n.start() for n in found[1:2]]
    return (low, m.start()), (m.end(), min(ends, default=len(key)))


def _refinements(freq: str, key: str, low: int, high: int) -> list[str]:
    """BY* parts from what key[low:high] says besides the recurrence: a yearless period, a day, a weekday."""
    g = _grammar()
    if freq == "YEARLY":
        # "Quý I hằng năm", "tháng 6 và tháng 12 hằng năm": every yearless period names months.
        inside = [p for p in _periods(key) if low <= p.start and p.end <= high]
        yearless = [p for p in inside if p.year is None and p.kind != "year"]
        if not yearless:
            return []
        months = sorted({m for p in _spans(key, yearless) for m in p.months()})
        by = [f"BYMONTH={','.join(map(str, months))}"]
        days = {p.day for p in yearless}  # "trước ngày 15/6 và 15/12 hằng năm": one day in every month named
        return by + ([f"BYMONTHDAY={days.pop()}"] if len(days) == 1 and None not in days else [])
    if freq == "MONTHLY":
        # "tối thứ Sáu tuần thứ 2 và tối thứ Sáu tuần thứ 4" → BYDAY=2FR,4FR
        nth = [f"{w['n']}{g.weekdays[_norm(w['w'])]}" for w in g.week_ordinal.finditer(key, low, high)]
        if nth:
            return [f"BYDAY={','.join(nth)}"]
        m = g.month_day.search(key, low, high)
        return [f"BYMONTHDAY={int(m['d'])}"] if m and 1 <= int(m["d"]) <= 31 else []
    if freq == "WEEKLY":
        m = g.weekday.search(key, low, high)
        return [f"BYDAY={g.weekdays[_norm(m['w'])]}"] if m else []
    return []


def _spans(key: str, periods: list[_Period]) -> list[_Period]:
    """Yearless periods with those joined as a range merged: "tháng 10 - tháng 12" → months 10 to 12."""
    merged: list[_Period] = []
    for p in periods:
        last = merged[-1] if merged else None
        if last and last.kind == p.kind and _grammar().range_sep.fullmatch(key[last.end : p.start]):
            merged[-1] = replace(last, end=p.end, month_to=max(last.month_to, p.month_to), day=None)
        else:
            merged.append(p)
    return merged


def _with_default_year(key: str, default_year: int | None) -> Deadline | None:
    """ "ngày 23 tháng 1" under a heading "Thời gian (Năm 2026)": the heading's year places the period."""
    if default_year is None:
        return None
    return _concrete(key, default_year)


def _ongoing(key: str, default_year: int | None) -> Deadline | None:
    return Deadline("ongoing", None, None, None, True) if _grammar().ongoing.search(key) else None


def _vague(key: str, default_year: int | None) -> Deadline | None:
    g = _grammar()
    return _UNSPECIFIED if g.vague.search(key) or g.vague_cell.search(key) else None


def _event(key: str, default_year: int | None) -> Deadline | None:
    return Deadline("event", None, None, None, True) if _grammar().event.search(key) else None


# An event beats "within the time the rules set": "Trong quá trình …; trong thời hạn quy định" is event.
_RULES = (
    _invalid_period,
    _year_carries_on,
    _offset,
    _written,
    _points_elsewhere,
    _recurring,
    _with_default_year,
    _ongoing,
    _event,
    _vague,
)


def _mask_citations(text: str) -> str:
    """Blank out document numbers and their dates, keeping every other character where it was."""

    def blank(m: re.Match[str]) -> str:
        return _MASK * len(m.group()) if any(ch.isalpha() for ch in m["num"]) else m.group()

    return _grammar().citation.sub(blank, text)


@cache
def _shared_year_re() -> re.Pattern[str]:
    w = _words()
    pw = w["period_words"]
    unit = rf"(?P<unit>{_alt(pw['month'])}|{_alt(pw['quarter'])})"
    number = rf"(?:\d{{1,2}}|{_alt(w['quarter_numbers'])})"
    joiner = rf"(?:\s*(?:{_alt(w['shared_year_joiners'])}|{_alt(w['range_separators'])})\s*)"
    return re.compile(
        rf"(?<!\w){unit}\s+(?P<a>{number}){joiner}(?:(?P=unit)\s+)?(?P<b>{number})\s*(?P<sep>/|{_alt(pw['year'])})"
        rf"\s*(?P<y>{_YEAR})",
        _FLAGS,
    )


def _expand_shared_year(key: str) -> str:
    """ "Quý III-IV/2026", "Tháng 8-9/2026", "Quý I, II/2026", "Quý I và quý II năm 2026": two periods of
    one unit sharing one year are a range from the first to the second, each written out
    ("Quý III/2026 - Quý IV/2026")."""

    def expand(m: re.Match[str]) -> str:
        unit, year = m["unit"], m["y"]
        return f"{unit} {m['a']}/{year} - {unit} {m['b']}/{year}"

    return _shared_year_re().sub(expand, key)


def _mask_names(text: str) -> str:
    """Blank out a year that ends a name ("Kế hoạch cải cách hành chính năm 2026"), keeping positions."""

    def blank(m: re.Match[str]) -> str:
        s, e = m.span("t")
        whole = m.group()
        return whole[: s - m.start()] + _MASK * (e - s) + whole[e - m.start() :]

    return _grammar().name.sub(blank, text)


def _key(text: str) -> str:
    """The text the rules read: modern tones, citations and names masked, same length as `text`."""
    return _mask_names(_mask_citations(modern_tones(text)))


def parse_deadline(raw: str | None, *, default_year: int | None = None) -> Deadline:
    """Read a deadline cell or phrase into the contract's kind/start/end/recurrence.

    Empty → unspecified (parsed). Text that no rule understands → unspecified with parsed=False, so the
    caller can flag the task for review instead of guessing. `default_year` is the year given elsewhere
    (a column heading "Thời gian (Năm 2026)"): it places a period written without one, unless a
    recurrence ("Quý I hằng năm") says the period comes back every year.
    """
    key = _expand_shared_year(_key(nfc(raw or "")))
    if not any(ch.isalnum() for ch in key):  # "", "-", "…": an empty cell
        return _UNSPECIFIED
    for rule in _RULES:
        found = rule(key, default_year)
        if found:
            return found
    return _UNPARSED


def year_in_heading(text: str | None) -> int | None:
    """The one year a column heading gives its cells ("Thời gian (Năm 2026)" → 2026), else None
    (no year, or a span such as "Giai đoạn 2026 - 2030")."""
    years = {p.year for p in _periods(_key(nfc(text or "")))} - {None}
    return years.pop() if len(years) == 1 else None


_FAMILY_ACCEPTS = {
    "concrete": lambda d: d.kind in CONCRETE_KINDS,
    "recurring": lambda d: d.kind == "recurring",
    "ongoing": lambda d: d.kind == "ongoing",
    "event": lambda d: d.kind == "event",
    "vague": lambda d: d.kind == "unspecified" and d.parsed,
}


@cache
def _past_event_re() -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){_alt(_words()['past_event_words'])}\s*$", _FLAGS)


def _after_past_event(before: str) -> bool:
    """ "ban hành trước ngày 01/7/2025": the date dates what came before, it is no deadline."""
    return _past_event_re().search(before) is not None


def find_deadline_phrase(sentence: str, *, default_year: int | None = None) -> str | None:
    """The deadline phrase inside a prose task, as written (NFC, whitespace folded), or None.

    Families are tried in order (concrete, recurring, ongoing, event, vague); within one, the leftmost
    phrase that `parse_deadline` reads as that family wins. `default_year` (the document's year) lets a
    phrase without a year count ("báo cáo trước ngày 15/12").
    """
    text = nfc(sentence or "")
    key = _key(text)  # same length as `text`: spans carry over
    for family, patterns in _grammar().prose:
        # leftmost first; of two phrases starting together, the longer (it says more)
        spans = sorted(
            {m.span("p") for pattern in patterns for m in pattern.finditer(key)}, key=lambda s: (s[0], -s[1])
        )
        for start, end in spans:
            if _after_past_event(key[:start]):
                continue
            phrase = one_line(text[start:end]).strip(" ,;:")
            if phrase and _FAMILY_ACCEPTS[family](parse_deadline(phrase, default_year=default_year)):
                return phrase
    return None
