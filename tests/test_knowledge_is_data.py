"""Knowledge is data: no module of the project spells a Vietnamese word in its code.

Headings, column names, date words, agency words and status phrases live in the data files beside the
code, where an analyst can edit them. Docstrings and comments may quote Vietnamese to explain a rule;
string literals in code may not.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
MODULES = sorted(
    p for folder in ("extractors", "normalizers", "pipeline", "flows") for p in (ROOT / folder).rglob("*.py")
)


def code_strings(tree: ast.AST) -> list[str]:
    """String literals that are not docstrings."""
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings
    ]


def vietnamese_words(text: str) -> list[str]:
    """Words of two letters or more with a diacritic ("và", "hằng năm"). Single letters of a label
    grammar inside a regex character class ("[a-zđ]") are the alphabet, not words."""
    outside_classes = re.sub(r"\[[^\]]*\]", " ", text)
    tokens = re.findall(r"[^\W\d_]+", outside_classes)
    return [t for t in tokens if len(t) >= 2 and any(ord(ch) > 127 for ch in t)]


def test_every_module_is_checked():
    assert len(MODULES) > 20


@pytest.mark.parametrize("module", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_vietnamese_word_is_hard_coded(module: Path):
    strings = code_strings(ast.parse(module.read_text(encoding="utf-8")))
    assert [s for s in strings if vietnamese_words(s)] == []
