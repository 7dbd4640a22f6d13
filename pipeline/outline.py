"""The outline of a document (headings and list items) and the tasks written as prose in it.

One pass over the blocks keeps a stack of open headings and items. A label of a kind already on the
stack closes everything down to it (a new "2." closes "1." and its "a)"); a new kind opens a level.
Headings decide whether their part of the document assigns work ("NHIỆM VỤ CỤ THỂ", "TỔ CHỨC THỰC
HIỆN") or not ("MỤC TIÊU", "KẾT QUẢ", "KHÓ KHĂN", "KIẾN NGHỊ"); items under a work-assigning heading
are tasks, with their unlabelled continuation paragraphs joined to them. Tables are handed the
heading path and heading texts they sit under.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from normalizers.agencies import LeadMention, agency_heading, find_lead_in_sentence
from normalizers.text import clean
from pipeline import vocab
from pipeline.candidates import LOW_OCR_CONFIDENCE, Candidate
from pipeline.labels import Label, label_from_word_numbering, parse_label, resolve_roman_or_letter
from pipeline.model import Document, Paragraph, Table


@dataclass
class _Entry:
    label: Label
    heading: bool
    text: str
    zone: str | None = None
    task: Candidate | None = None
    lead_raw: str | None = None  # an agency heading ("5.1. Trung tâm Quản lý chất lượng") leads its items


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
    return parse_label(para.text)


def _opens_appendix(text: str) -> bool:
    return vocab.starts_with_any(text, vocab.appendix_titles()) is not None


def _is_heading(para: Paragraph, label: Label | None) -> bool:
    if para.heading_level is not None:
        return True
    if label is not None and label.kind in ("roman", "upper_letter"):
        return True
    if label is not None and label.is_bullet:
        return False
    caps = para.all_caps and _has_letters(para.text) and len(para.text) < 200
    return para.bold or caps


def _section_path(stack: list[_Entry]) -> list[str]:
    return [e.label.value for e in stack if e.label.value is not None]


def _is_agency_label(text: str) -> bool:
    """ "1. Phòng Văn hóa - Thông tin:" with its duties listed below: a heading naming who leads them."""
    return text.rstrip().endswith(":") and agency_heading(text) is not None


def _is_note(text: str) -> bool:
    """A paragraph wholly in parentheses is an editor's note ("(Có phụ lục kèm theo)"), not a task."""
    stripped = text.strip()
    return stripped.startswith("(") and stripped.rstrip(".").endswith(")")


class OutlineReader:
    """Reads one document; `read()` returns its prose tasks and the context of each table."""

    def __init__(
        self, document: Document, lead_finder: Callable[[str], LeadMention | None] = find_lead_in_sentence
    ):
        self.document = document
        self.find_lead = lead_finder
        self.words = vocab.headings()
        self.stack: list[_Entry] = []
        self.open_task: Candidate | None = None
        self.closed = False
        self.outline = Outline()
        has_task_heading = any(self._heading_zone(p) == "task" for p in document.paragraphs if not p.centered)
        # A document without any work-assigning heading (a directive, an official letter) assigns work
        # in its numbered points themselves.
        self.root_zone = "other" if has_task_heading else "task"

    def _heading_zone(self, para: Paragraph) -> str | None:
        label, text = _split_label(para)
        if not _is_heading(para, label):
            return None
        return self.words.zone_of(text)

    def _zone(self) -> str:
        for entry in reversed(self.stack):
            if entry.zone is not None:
                return entry.zone
        return self.root_zone

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
                if not block.layout:
                    self.outline.table_contexts[id(block)] = TableContext(
                        section_path=_section_path(self.stack),
                        heading_texts=[e.text for e in reversed(self.stack) if e.heading],
                        lead_raw=self._table_lead(previous),
                    )
                    self.open_task = None
                previous = None
                continue
            self._paragraph(block)
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
            return
        if label is None and para.centered and (para.bold or para.all_caps):
            self._title(text)
            return
        # An appendix title ("PHỤ LỤC") starts a new outline too where a PDF does not show it centred.
        if label is None and (para.bold or para.all_caps) and _opens_appendix(text):
            self._title(text)
            return
        if label is not None:
            label = resolve_roman_or_letter(label, [e.label for e in self.stack])
        if _is_heading(para, label) or (label is not None and _is_agency_label(text)):
            self._heading(label, text)
            return
        if label is not None:
            self._item(label, text, para)
            return
        self._plain(text, para)

    def _title(self, text: str) -> None:
        """An unlabelled centered title (document title, appendix title) starts a new outline."""
        self.stack = []
        self.open_task = None
        self.closed = False

    def _heading(self, label: Label | None, text: str) -> None:
        entry = _Entry(label or Label("plain_heading", None), heading=True, text=text)
        entry.zone = self.words.zone_of(text)
        entry.lead_raw = agency_heading(text)
        self._push(entry)
        self.open_task = None

    def _item(self, label: Label, text: str, para: Paragraph) -> None:
        entry = _Entry(label, heading=False, text=text)
        self._push(entry)
        self.open_task = None
        if self.closed or self._zone() != "task":
            return
        if self.words.is_closing(text):
            self.closed = True
            return
        if label.needs_own_lead and self.find_lead(text) is None:
            return
        task = self._new_task(_section_path(self.stack[:-1]), label.value, text, para, self._inherited_lead())
        entry.task = task
        entry.lead_raw = task.lead_raw
        self.open_task = task

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
            return
        if self.closed or self._zone() != "task" or _is_note(text):
            return
        mention = self.find_lead(text)
        if self.open_task is not None:
            if mention is None and self._lost_bullet(para):
                self._item(self.stack[-1].label, text, para)
                return
            if mention is None:
                self.open_task.text_parts.append(text)
                return
            items = [e for e in self.stack if not e.heading and e.label.value is not None]
            headings = [e for e in self.stack if e.heading]
            path = _section_path(headings) + ([items[0].label.value] if items else [])
            self.open_task = self._new_task(path, None, text, para, (None, None))
            return
        under_heading = any(e.heading for e in self.stack)
        if text.rstrip().endswith(":") or not (under_heading or mention is not None):
            return
        self.open_task = self._new_task(
            _section_path(self.stack), None, text, para, self._inherited_lead(skip_top=False)
        )

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
        task.low_confidence = para.confidence is not None and para.confidence < LOW_OCR_CONFIDENCE
        mention = self.find_lead(text)
        if mention is not None:
            task.lead_raw = mention.lead_raw
            task.support_raw = mention.support_raw
        elif heading_agency := agency_heading(text, known_only=True):
            task.lead_raw = heading_agency
        elif inherited[0]:
            task.lead_raw, task.support_raw = inherited
            task.lead_inherited = True
        self.outline.prose_tasks.append(task)
        return task


def read_outline(document: Document) -> Outline:
    return OutlineReader(document).read()
