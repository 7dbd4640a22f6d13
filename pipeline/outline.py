"""The outline of a document (headings and list items) and the tasks written as prose in it.

One pass over the blocks keeps a stack of open headings and items. A label of a kind already on the
stack closes everything down to it (a new "2." closes "1." and its "a)"); a new kind opens a level.
Headings decide whether their part of the document assigns work ("NHIỆM VỤ CỤ THỂ", "TỔ CHỨC THỰC
HIỆN") or not ("MỤC TIÊU", "KẾT QUẢ", "KHÓ KHĂN", "KIẾN NGHỊ"); items under a work-assigning heading
are tasks, with their unlabelled continuation paragraphs joined to them. Tables are handed the
heading path and heading texts they sit under.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from normalizers.agency_prose import (
    LeadMention,
    agency_heading,
    find_lead_in_sentence,
    find_support_in_sentence,
)
from normalizers.labels import (
    INLINE_MARK_RE,
    PAREN_NUMBER_RE,
    ROMAN_NO_STOP_RE,
    Label,
    label_from_word_numbering,
    parse_label,
    resolve_roman_or_letter,
)
from normalizers.text import clean
from pipeline import vocab
from pipeline.candidates import Candidate
from pipeline.model import Document, Paragraph, Table
from pipeline.settings import settings
from pipeline.trace import CONTINUATION, HEADING, NOTE, SECTION, SKIPPED, TASK, Trace, excerpt


@dataclass
class _Entry:
    label: Label
    heading: bool
    text: str
    zone: str | None = None
    task: Candidate | None = None
    lead_raw: str | None = None  # an agency heading ("5.1. Trung tâm Quản lý chất lượng") leads its items
    contents: bool = False  # "… gồm các nội dung sau:": the items below are parts, not tasks


@dataclass
class TableContext:
    """Where a table sits: the labels of the headings above it and their texts (innermost first)."""

    section_path: list[str]
    heading_texts: list[str]
    lead_raw: str | None = None  # who leads rows that name no lead: an intro paragraph, an agency heading


@dataclass
class Outline:
    prose_tasks: list[Candidate] = field(default_factory=list)
    table_contexts: dict[int, TableContext] = field(default_factory=dict)  # keyed by id(table)


def _has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


def _split_label(para: Paragraph) -> tuple[Label | None, str]:
    """The paragraph's label and text. A bullet followed by a numbered label ("- Bước 1: …") is
    numbered by the inner label."""
    if para.list_label:
        label = label_from_word_numbering(para.list_label)
        if label is not None:
            if label.is_bullet:
                inner, rest = parse_label(para.text)
                if inner is not None and not inner.is_bullet:
                    return inner, rest
            return label, para.text
    label, text = parse_label(para.text)
    if label is None and (para.bold or para.all_caps):
        # "VI TỔ CHỨC THỰC HIỆN": a Roman section number whose full stop the scan lost.
        lost_stop = ROMAN_NO_STOP_RE.match(para.text)
        if lost_stop and lost_stop.group(1) and para.text[lost_stop.end() :].isupper():
            return Label("roman", lost_stop.group(1)), para.text[lost_stop.end() :]
    return label, text


def _opens_appendix(text: str) -> bool:
    return vocab.starts_with_any(text, vocab.appendix_titles()) is not None


def _is_heading(para: Paragraph, label: Label | None) -> bool:
    if label is not None and label.is_bullet:
        return False  # "- Tổ chức rà soát …" in a heading style is still a bullet
    if para.heading_level is not None:
        return True
    if label is not None and label.kind in ("roman", "upper_letter"):
        return True
    if label is not None and (label.is_bullet or label.kind == "letter"):
        # A lettered item is an item even when bold ("a) Tổ chức chương trình …:" leading into its
        # paragraphs); a lettered part title ("a) Mục tiêu") is recognized by its words instead.
        return False
    caps = para.all_caps and _has_letters(para.text) and len(para.text) < 200
    return para.bold or caps


def _section_path(stack: list[_Entry]) -> list[str]:
    return [e.label.value for e in stack if e.label.value is not None]


def _is_agency_label(text: str) -> bool:
    """ "1. Phòng Văn hóa - Thông tin:" with its duties listed below: a heading naming who leads them."""
    return text.rstrip().endswith(":") and agency_heading(text) is not None


_UNIT_CODE_RE = re.compile(r"^[A-Z]{1,4}\d{1,3}$")  # C04, V01, PV01: units named by their code
_MAX_UNIT_WORDS = 6


def _unit_name(head: str) -> str | None:
    """The unit a head line names ("C04", "Sở Nội vụ"), or None."""
    name = head.strip().rstrip(":").strip()
    words = name.split()
    if not words or len(words) > _MAX_UNIT_WORDS:
        return None
    if all(_UNIT_CODE_RE.match(w.strip(",;")) for w in words) or agency_heading(name):
        return name
    return None


def _inline_items(para: Paragraph) -> tuple[list[Paragraph], str | None]:
    """ "1. C04: (1) Chủ trì … (2) Tuyên bố … (3) …": sub-items written inline in one paragraph are
    paragraphs of their own, numbered "(1)", "(2)" …; the unit named before the colon heads them.

    Only a run of markers counting up by one splits a paragraph (two at least, or one that continues
    the paragraph's own "(3)"), so a lone "(2)" quoted in a sentence never does. A first marker OCR
    lost ("V01: #) Chủ trì … (2) …") is the one before the first it kept."""
    own = PAREN_NUMBER_RE.fullmatch((para.list_label or "").strip())
    expected = int(own.group(1)) + 1 if own else None
    run: list[re.Match[str]] = []
    for m in INLINE_MARK_RE.finditer(para.text):
        number = int(m.group(1))
        if run and number == int(run[-1].group(1)) + 1:
            run.append(m)
        elif not run and (number == expected or (expected is None and number <= 2)):
            run = [m]
    if len(run) < (1 if own else 2):
        return [para], None
    head = para.text[: run[0].start()].rstrip()
    parts: list[Paragraph] = []
    unit = None
    first = int(run[0].group(1))
    if own:
        parts.append(replace(para, text=head))
    elif ":" in head and (unit := _unit_name(head.split(":", 1)[0])):
        name, lost = head.split(":", 1)
        parts.append(replace(para, text=name.strip() + ":"))
        lost = lost.strip().lstrip("#*_)(.,;: ")
        if lost and first > 1:
            parts.append(replace(para, text=lost, list_label=f"({first - 1})"))
    else:
        return [para], None
    for m, nxt in zip(run, [*run[1:], None], strict=True):
        end = nxt.start() if nxt is not None else len(para.text)
        parts.append(replace(para, text=para.text[m.end() : end].strip(), list_label=f"({m.group(1)})"))
    return parts, unit


def _is_bare_title(task: Candidate) -> bool:
    """A task that is still only its title line, announcing what follows: "Nhập dữ liệu vào phần
    mềm:" (its paragraph completes it)."""
    return len(task.text_parts) == 1 and task.text_parts[0].rstrip().endswith(":")


def _is_short_title(task: Candidate) -> bool:
    """A title line of a few words with no sentence end ("1. Công tác triển khai", "đ) Thời hạn thực
    hiện điều tra"), or one announcing what follows: a section name when items or paragraphs that
    name their own leads come below it."""
    if len(task.text_parts) != 1:
        return False
    title = task.text_parts[0].rstrip()
    short = len(title.split()) <= vocab.headings().item_heading_max_words
    return title.endswith(":") or (short and not title.endswith((".", ";", "!", "?")))


def _is_note(text: str) -> bool:
    """A paragraph wholly in parentheses is an editor's note ("(Có phụ lục kèm theo)"), not a task."""
    stripped = text.strip()
    return stripped.startswith("(") and stripped.rstrip(".").endswith(")")


class OutlineReader:
    """Reads one document; `read()` returns its prose tasks and the context of each table."""

    def __init__(
        self,
        document: Document,
        lead_finder: Callable[[str], LeadMention | None] = find_lead_in_sentence,
        doc_type: str | None = None,
        trace: Trace | None = None,
    ):
        self.document = document
        self.trace = trace
        self.find_lead = lead_finder
        self.words = vocab.headings()
        self.stack: list[_Entry] = []
        self.open_task: Candidate | None = None
        self.closed = False
        self.in_recipients = False
        self.titled_task: Candidate | None = None  # an item that opened with its title line only
        self.outline = Outline()
        has_task_heading = any(self._heading_zone(p) == "task" for p in document.paragraphs if not p.centered)
        # A document without any work-assigning heading, and a letter or directive, assign work in
        # their numbered points themselves.
        instructs = doc_type in self.words.instruction_doc_types
        self.root_zone = "other" if has_task_heading and not instructs else "task"
        # A report narrates in its plain paragraphs; only its listed items assign work.
        self.narrative = doc_type in self.words.narrative_doc_types

    def _heading_zone(self, para: Paragraph) -> str | None:
        label, text = _split_label(para)
        if not _is_heading(para, label):
            return None
        return self.words.zone_of(text)

    def _zone(self) -> str:
        for entry in reversed(self.stack):
            if entry.zone is not None and entry.zone != "same":
                return entry.zone
        return self.root_zone

    def _assigns_work(self, text: str) -> bool:
        """Whether a paragraph here can be a task: anywhere in a work-assigning part; in a funding
        part only when it names who must act."""
        zone = self._zone()
        return zone == "task" or (zone == "lead_only" and self.find_lead(text) is not None)

    def _push(self, entry: _Entry) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i].label.kind == entry.label.kind:
                del self.stack[i:]
                break
        self.stack.append(entry)

    def read(self) -> Outline:
        previous: Paragraph | None = None
        for block in self.document.blocks:
            if isinstance(block, Table):
                if block.layout:
                    # The national header may end with "Kính gửi:", the bullets below naming recipients.
                    last_lines = [c.text.strip().split("\n")[-1] for r in block.rows for c in r.cells]
                    if any(self.words.opens_recipients(line) for line in last_lines if line):
                        self.in_recipients = True
                    if self.trace is not None:
                        texts = [c.text for r in block.rows for c in r.cells if c.text]
                        addressed = any(self.words.opens_recipients(t) for t in texts)
                        what = (
                            "addressees laid out in columns: names who the letter is for, not who must act"
                            if addressed
                            else "layout table (national header, signature block, a framed note): not read for tasks"
                        )
                        self.trace.record(block, SKIPPED, what)
                else:
                    self.outline.table_contexts[id(block)] = TableContext(
                        section_path=_section_path(self.stack),
                        heading_texts=[e.text for e in reversed(self.stack) if e.heading],
                        lead_raw=self._table_lead(previous),
                    )
                    self.open_task = None
                previous = None
                continue
            parts, unit = _inline_items(block)
            for n, part in enumerate(parts):
                self._paragraph(part)
                if n == 0 and unit and self.stack:
                    self.stack[-1].lead_raw = unit  # "C04: (1) … (2) …": the unit leads its items
            previous = block
        return self.outline

    def _table_lead(self, intro: Paragraph | None) -> str | None:
        """The lead of a table's rows that name none: a paragraph introducing the table ("Các sở, ban,
        ngành thực hiện các nhiệm vụ sau:"), else the nearest enclosing agency heading or item."""
        if intro is not None and intro.text.rstrip().endswith(":"):
            mention = self.find_lead(intro.text)
            if mention is not None:
                return mention.lead_raw
        return self._inherited_lead(skip_top=False)[0]

    def _paragraph(self, para: Paragraph) -> None:
        label, text = _split_label(para)
        if not text.strip():
            if self.trace is not None:
                self.trace.record(para, SKIPPED, "no text")
            return
        if self._recipient(label, text):
            if self.trace is not None:
                self.trace.record(
                    para, SKIPPED, "recipient list: names who the letter is for, not who must act"
                )
            return
        if label is None and vocab.is_header_furniture(text):
            return  # the national header read as a paragraph (a scan): "… CỘNG HÒA XÃ HỘI CHỦ NGHĨA …"
        if label is None and para.centered and (para.bold or para.all_caps):
            self._title(text, para)
            return
        # An appendix title ("PHỤ LỤC") starts a new outline too where a PDF does not show it centred.
        if label is None and (para.bold or para.all_caps) and _opens_appendix(text):
            self._title(text, para)
            return
        if label is not None:
            label = resolve_roman_or_letter(label, [e.label for e in self.stack])
        if (
            _is_heading(para, label)
            or (label is not None and _is_agency_label(text))
            or (label is not None and not label.is_bullet and self.words.is_part_title(text))
        ):
            self._heading(label, text, para)
            return
        if label is not None:
            self._item(label, text, para)
            return
        self._plain(text, para)

    def _recipient(self, label: Label | None, text: str) -> bool:
        """ "Kính gửi:" and the bullets under it name who the letter is for, not who must act."""
        if self.words.opens_recipients(text):
            self.in_recipients = True
            self.open_task = None
            return True
        if self.in_recipients and label is not None and label.is_bullet:
            return True
        self.in_recipients = False
        return False

    def _title(self, text: str, para: Paragraph) -> None:
        """An unlabelled centered title (document title, appendix title) starts a new outline."""
        if self.trace is not None:
            self.trace.record(
                para, HEADING, "title (centred, bold or capitals): starts a new outline", depth=0
            )
        self.stack = []
        self.open_task = None
        self.closed = False

    def _heading(self, label: Label | None, text: str, para: Paragraph) -> None:
        entry = _Entry(label or Label("plain_heading", None), heading=True, text=text)
        entry.zone = self.words.zone_of(text)
        entry.lead_raw = agency_heading(text)
        self._push(entry)
        self.open_task = None
        if self.trace is not None:
            self._trace_heading(entry, para)
        if entry.lead_raw or label is None or label.value is None or self.closed:
            return
        # "3.9. Chủ tịch Ủy ban nhân dân cấp xã chỉ đạo" / "7.1. Sở Tài chính chủ trì, phối hợp …":
        # a numbered heading that names who acts is a task, and leads what is listed under it.
        mention = self.find_lead(text)
        if mention is not None and self._assigns_work(text):
            task = self._new_task(_section_path(self.stack[:-1]), label.value, text, para, (None, None))
            entry.task, entry.lead_raw = task, task.lead_raw
            self.open_task = task
            if self.trace is not None:
                self.trace.record(
                    para, TASK, "numbered heading that names who acts (%s)", task.lead_raw, candidate=task
                )

    def _item(self, label: Label, text: str, para: Paragraph) -> None:
        entry = _Entry(label, heading=False, text=text)
        self._push(entry)
        parent = self.stack[-2] if len(self.stack) > 1 else None
        if parent is not None and not parent.heading:
            self._parent_of_items(parent)
        self.open_task = None
        if self.closed or not self._assigns_work(text):
            if self.trace is not None:
                self.trace.record(para, SKIPPED, self._no_work_reason())
            return
        if self.words.is_closing(text):
            self.closed = True
            if self.trace is not None:
                self.trace.record(para, SKIPPED, "closing formula: nothing after it is a task")
            return
        if self.words.is_summary(text) or any(e.contents for e in self.stack[:-1]):
            if self.trace is not None:
                self.trace.record(para, SKIPPED, self._summary_reason(text))
            return
        if label.needs_own_lead and self.find_lead(text) is None:
            if self.trace is not None:
                self.trace.record(para, SKIPPED, "an article is a task only when it names who must act")
            return
        task = self._new_task(_section_path(self.stack[:-1]), label.value, text, para, self._inherited_lead())
        if self.trace is not None:
            self.trace.record(para, TASK, "item under %s", self._where(), candidate=task)
        step = label.kind.startswith("word:")  # "Bước 2: Nhập dữ liệu kết quả" + its paragraph
        self.titled_task = task if _is_bare_title(task) or (step and _is_short_title(task)) else None
        entry.task = task
        entry.lead_raw = task.lead_raw
        self.open_task = task

    def _parent_of_items(self, parent: _Entry) -> None:
        """An item that only titles the items below it ("a) Hướng dẫn tự đánh giá:") is their section,
        not a task, and its words may say the part assigns no work ("b) Đối tượng khảo sát:"). One that
        announces the contents of a product ("… gồm các nội dung sau:") keeps its task; the items under
        it are the product's parts."""
        task = parent.task
        if task is None or parent.zone is not None:
            return
        if self.words.announces_contents(parent.text):
            if self.trace is not None and not parent.contents:
                self.trace.about(
                    task, NOTE, "announces the contents of a product: the items below are its parts"
                )
            parent.contents = True
            return
        if _is_short_title(task) and not task.lead_raw:
            if self.trace is not None:
                self.trace.about(task, SECTION, "titles the items below it: their section, not a task")
                self.trace.unlink(task)
            self.outline.prose_tasks.remove(task)
            parent.task = None
            parent.zone = self.words.zone_of(parent.text) or "same"

    def _inherited_lead(self, skip_top: bool = True) -> tuple[str | None, str | None]:
        """Lead (and support) of the nearest enclosing item or agency heading that names one."""
        entries = self.stack[:-1] if skip_top else self.stack
        for entry in reversed(entries):
            if entry.lead_raw:
                support = entry.task.support_raw if entry.task is not None else None
                return entry.lead_raw, support
        return None, None

    def _plain(self, text: str, para: Paragraph) -> None:
        if self.words.is_closing(text):
            self.closed = True
            self.open_task = None
            if self.trace is not None:
                self.trace.record(para, SKIPPED, "closing formula: nothing after it is a task")
            return
        if self.closed or not self._assigns_work(text) or _is_note(text):
            if self.trace is not None:
                reason = "editor's note in parentheses" if _is_note(text) else self._no_work_reason()
                self.trace.record(para, SKIPPED, reason)
            return
        if self.words.is_summary(text):
            self.open_task = None
            if self.trace is not None:
                self.trace.record(para, SKIPPED, self._summary_reason(text))
            return
        mention = self.find_lead(text)
        titled = self.open_task is not None and self.open_task is self.titled_task
        if titled and (not self.open_task.lead_raw or self.open_task.lead_inherited):
            # "b) Nhập dữ liệu vào phần mềm:" + its paragraph: one task, led by whom the paragraph names.
            if self.trace is not None:
                self.trace.record(
                    para, CONTINUATION, "the text of the title line above", candidate=self.open_task
                )
            self.open_task.text_parts.append(text)
            if mention is not None:
                self.open_task.lead_raw, self.open_task.support_raw = mention.lead_raw, mention.support_raw
                self.open_task.lead_inherited = False
                if self.stack and self.stack[-1].task is self.open_task:
                    self.stack[-1].lead_raw = mention.lead_raw
            return
        if self.open_task is None and self._agency_heading_task(text, para, mention):
            return
        if self.open_task is not None:
            if mention is None and self._lost_bullet(para):
                self._item(self.stack[-1].label, text, para)
                return
            if mention is None:
                if self.trace is not None:
                    self.trace.record(
                        para,
                        CONTINUATION,
                        "continues the task above (names no lead of its own)",
                        candidate=self.open_task,
                    )
                self.open_task.text_parts.append(text)
                return
            self._drop_title_task()
            items = [e for e in self.stack if not e.heading and e.label.value is not None]
            headings = [e for e in self.stack if e.heading]
            path = _section_path(headings) + ([items[0].label.value] if items else [])
            self.open_task = self._new_task(path, None, text, para, (None, None))
            if self.trace is not None:
                self.trace.record(
                    para,
                    TASK,
                    "names who acts (%s): a task of its own, not the rest of the one above",
                    mention.lead_raw,
                    candidate=self.open_task,
                )
            return
        # An unlabelled bold line that says nothing of its part (a subtitle "Về đẩy mạnh …" the PDF
        # did not see centred) does not make the paragraphs under it tasks.
        under_heading = any(e.heading and (e.label.value is not None or e.zone) for e in self.stack)
        if text.rstrip().endswith(":"):
            # A lead-in naming who acts ("…, Bộ Nội vụ đề nghị các bộ, tỉnh thực hiện các nội dung sau:")
            # leads the items below it.
            if mention is not None and self.stack and not self.stack[-1].lead_raw:
                self.stack[-1].lead_raw = mention.lead_raw
                if self.trace is not None:
                    self.trace.record(
                        para, SKIPPED, "lead-in to the items below; they are led by %s", mention.lead_raw
                    )
            elif self.trace is not None:
                self.trace.record(para, SKIPPED, "lead-in ending with ':' to what follows")
            return
        if self.narrative or not (under_heading or mention is not None):
            if self.trace is not None:
                reason = (
                    "a report narrates in its plain paragraphs: only its listed items assign work"
                    if self.narrative
                    else "unlabelled paragraph under no numbered heading, naming no lead"
                )
                self.trace.record(para, SKIPPED, reason)
            return
        self.open_task = self._new_task(
            _section_path(self.stack), None, text, para, self._inherited_lead(skip_top=False)
        )
        if self.trace is not None:
            self.trace.record(
                para, TASK, "paragraph under %s", self._where(skip_top=False), candidate=self.open_task
            )

    def _drop_title_task(self) -> None:
        """ "1. Công tác triển khai" followed by paragraphs that each name who acts: the short title was
        the name of their section, not a task."""
        top = self.stack[-1] if self.stack else None
        task = self.open_task
        if top is None or task is None or top.task is not task or not _is_short_title(task):
            return
        if task.lead_raw or task.text_parts[0].rstrip().endswith(":"):
            return
        self.outline.prose_tasks.remove(task)
        top.task = None

    def _agency_heading_task(self, text: str, para: Paragraph, mention: LeadMention | None) -> bool:
        """ "2.2. Công an tỉnh" + one paragraph of duties: one task, numbered by the heading."""
        top = self.stack[-1] if self.stack else None
        if top is None or not top.heading or top.task is not None or top.label.value is None:
            return False
        if not top.lead_raw or not agency_heading(top.text) or text.rstrip().endswith(":"):
            return False
        task = self._new_task(_section_path(self.stack[:-1]), top.label.value, top.text, para, (None, None))
        task.text_parts.append(text)
        task.lead_raw = top.lead_raw
        task.support_raw = mention.support_raw if mention else find_support_in_sentence(text)
        top.task = task
        self.open_task = task
        if self.trace is not None:
            self.trace.record(
                para, TASK, "the duties of the agency heading above (%s)", top.lead_raw, candidate=task
            )
        return True

    def _lost_bullet(self, para: Paragraph) -> bool:
        """On a scanned page OCR may drop a bullet's dash: a paragraph right after a finished bullet
        item ("…khi có đề nghị." / "Phối hợp truyền thông …") is the next bullet, not its tail."""
        top = self.stack[-1] if self.stack else None
        return (
            para.confidence is not None
            and top is not None
            and top.label.is_bullet
            and top.task is self.open_task
            and self.open_task.text_parts[-1].rstrip().endswith((".", ";"))
            and para.text[:1].isupper()
        )

    def _new_task(
        self,
        path: list[str],
        number: str | None,
        text: str,
        para: Paragraph,
        inherited: tuple[str | None, str | None],
    ) -> Candidate:
        task = Candidate(section_path=list(path), number=number, text_parts=[clean(text)], page=para.page)
        task.low_confidence = para.confidence is not None and para.confidence < settings().ocr.low_confidence
        mention = self.find_lead(text)
        if mention is not None:
            task.lead_raw = mention.lead_raw
            task.support_raw = mention.support_raw
        elif heading_agency := agency_heading(text, known_only=True):
            task.lead_raw = heading_agency
        elif inherited[0]:
            task.lead_raw, task.support_raw = inherited
            task.lead_inherited = True
            task.support_raw = find_support_in_sentence(text) or task.support_raw
            if self.trace is not None:
                self.trace.record(
                    para,
                    NOTE,
                    "lead inherited from %s (%s)",
                    self._lead_origin(inherited[0]),
                    excerpt(inherited[0], 60),
                    candidate=task,
                )
        self.outline.prose_tasks.append(task)
        return task

    # ------------------------------------------------------------ the trace's words (tracing on only)

    def _trace_heading(self, entry: _Entry, para: Paragraph) -> None:
        assert self.trace is not None
        what = _ZONE_REASONS[entry.zone]
        if entry.lead_raw:
            what += f"; names who leads what is listed under it ({entry.lead_raw})"
        self.trace.record(para, HEADING, what, depth=len(self.stack))

    def _where(self, skip_top: bool = True) -> str:
        """The innermost heading above (an item's own entry, on top, skipped), as a reader names it."""
        for entry in reversed(self.stack[:-1] if skip_top else self.stack):
            if entry.heading:
                return _name(entry)
        return "no heading"

    def _no_work_reason(self) -> str:
        """Why a paragraph here is not a task: the part it sits in, named by its heading."""
        if self.closed:
            return "after the closing formula: nothing below it is a task"
        zone = self._zone()
        decider = next((e for e in reversed(self.stack) if e.zone is not None and e.zone != "same"), None)
        if zone == "lead_only":
            return f"funding part (under {_name(decider) if decider else 'the document'}) and it names no one who acts"
        if decider is None:
            return "outside any work-assigning part (this document assigns work under its headings)"
        what = "an item" if not decider.heading else "its part"
        return f"{what} does not assign work: under {_name(decider)}"

    def _summary_reason(self, text: str) -> str:
        if self.words.is_summary(text):
            return "counts or points to the tasks instead of being one"
        owner = next(e for e in reversed(self.stack[:-1]) if e.contents)
        return f"a part of the product announced by {_name(owner)}"

    def _lead_origin(self, lead_raw: str) -> str:
        for entry in reversed(self.stack):
            if entry.lead_raw == lead_raw:
                return ("heading " if entry.heading else "item ") + _name(entry)
        return "the text above"


_ZONE_REASONS: dict[str | None, str] = {
    "task": "heading of a part that assigns work: its items are tasks",
    "other": "heading of a part that assigns no work: nothing under it is a task",
    "lead_only": "heading of a funding part: only sentences naming who acts are tasks",
    "same": "title of the items below it",
    None: "heading that says nothing of its part: the part above decides",
}


def _name(entry: _Entry) -> str:
    """A heading as a reader names it: its label and the start of its text ("II.2 'Sở Tư pháp …'")."""
    label = f"{entry.label.value} " if entry.label.value else ""
    return f"{label}'{excerpt(entry.text, 60)}'"


def read_outline(document: Document, doc_type: str | None = None, trace: Trace | None = None) -> Outline:
    return OutlineReader(document, doc_type=doc_type, trace=trace).read()
