"""The knowledge files are read through one loader that checks each against its schema: a misspelt key
is an error naming the file and the key, never a rule that silently lost its words."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.knowledge import CSV_COLUMNS, ROOT, YAML_SCHEMAS, KnowledgeError, load_csv, load_yaml

DATA_FILES = sorted(
    str(p.relative_to(ROOT))
    for folder in ("extractors", "normalizers", "pipeline")
    for p in (ROOT / folder).rglob("data/**/*")
    if p.suffix in (".yaml", ".csv")
)


def misspelt_copy(name: str, tmp_path: Path, right: str, wrong: str) -> Path:
    """A copy of one knowledge file at the same place under `tmp_path`, `right` (its first occurrence)
    misspelt as `wrong`."""
    target = tmp_path / name
    target.parent.mkdir(parents=True)
    text = (ROOT / name).read_text(encoding="utf-8")
    assert right in text
    target.write_text(text.replace(right, wrong, 1), encoding="utf-8")
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
    path = misspelt_copy("normalizers/data/agency_words.yaml", tmp_path, "head_words:", "hed_words:")
    with pytest.raises(KnowledgeError) as err:
        load_yaml("normalizers/data/agency_words.yaml", root=tmp_path)
    assert str(path) in str(err.value)
    assert "unknown key 'hed_words'" in str(err.value) and "missing key 'head_words'" in str(err.value)


def test_a_misspelt_nested_key_is_refused_too(tmp_path):
    misspelt_copy("pipeline/data/headings.yaml", tmp_path, "conditional_openers:", "conditional_opener:")
    with pytest.raises(KnowledgeError, match=r"unknown key 'closing\.conditional_opener'"):
        load_yaml("pipeline/data/headings.yaml", root=tmp_path)


def test_an_unknown_csv_column_names_the_file_and_the_column(tmp_path):
    misspelt_copy(
        "normalizers/data/abbreviations.csv", tmp_path, "abbreviation,expansion", "abbreviation,expansoin"
    )
    with pytest.raises(KnowledgeError, match=r"abbreviations\.csv: unknown column 'expansoin'"):
        load_csv("normalizers/data/abbreviations.csv", root=tmp_path)


def test_a_file_without_a_schema_is_refused():
    with pytest.raises(KnowledgeError, match="no schema declares"):
        load_yaml("normalizers/data/new_words.yaml")
