"""The knowledge files are read through one loader that checks each against its schema: a misspelt key
is an error naming the file and the key, never a rule that silently lost its words."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.knowledge import CSV_COLUMNS, ROOT, YAML_SCHEMAS, KnowledgeError, load_csv, load_yaml

DATA_FILES = sorted(
    str(p.relative_to(ROOT))
    for folder in ("extractors", "normalizers", "pipeline")
    for p in (ROOT / folder).rglob("data/**/*")
    if p.suffix in (".yaml", ".csv")
)


def copy_of(name: str, tmp_path: Path) -> Path:
    """A copy of one knowledge file at the same place under `tmp_path`, to be spoilt by a test."""
    target = tmp_path / name
    target.parent.mkdir(parents=True)
    shutil.copy(ROOT / name, target)
    return target


def test_every_knowledge_file_has_a_schema():
    assert sorted([*YAML_SCHEMAS, *CSV_COLUMNS]) == DATA_FILES


@pytest.mark.parametrize("name", sorted(YAML_SCHEMAS))
def test_every_yaml_file_follows_its_schema(name):
    assert load_yaml(name)


@pytest.mark.parametrize("name", sorted(CSV_COLUMNS))
def test_every_csv_file_has_its_columns(name):
    assert load_csv(name)


def test_a_misspelt_key_names_the_file_and_the_key(tmp_path):
    path = copy_of("normalizers/data/agency_words.yaml", tmp_path)
    path.write_text(path.read_text(encoding="utf-8").replace("head_words:", "hed_words:"), encoding="utf-8")
    with pytest.raises(KnowledgeError) as err:
        load_yaml("normalizers/data/agency_words.yaml", root=tmp_path)
    assert str(path) in str(err.value)
    assert "unknown key 'hed_words'" in str(err.value) and "missing key 'head_words'" in str(err.value)


def test_a_misspelt_nested_key_is_refused_too(tmp_path):
    path = copy_of("pipeline/data/headings.yaml", tmp_path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("conditional_openers:", "conditional_opener:", 1), encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"unknown key 'closing\.conditional_opener'"):
        load_yaml("pipeline/data/headings.yaml", root=tmp_path)


def test_an_unknown_csv_column_names_the_file_and_the_column(tmp_path):
    path = copy_of("normalizers/data/abbreviations.csv", tmp_path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("abbreviation,expansion", "abbreviation,expansoin", 1), encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"abbreviations\.csv: unknown column 'expansoin'"):
        load_csv("normalizers/data/abbreviations.csv", root=tmp_path)


def test_a_file_without_a_schema_is_refused():
    with pytest.raises(KnowledgeError, match="no schema declares"):
        load_yaml("normalizers/data/new_words.yaml")
