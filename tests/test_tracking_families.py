"""The Resolution 66 documents of four provinces fall into families of the same task."""

from __future__ import annotations

from collections import Counter

import duckdb
import pandas as pd
import pytest

from pipeline.tracking.data import load_documents, load_tasks
from pipeline.tracking.families import agency_kind, families_for, lead_score, resolutions_cited
from pipeline.tracking.outputs import family_matrix
from tests.tracking_helpers import RESOLUTION_66, build_store


@pytest.fixture(scope="module")
def families(tmp_path_factory) -> pd.DataFrame:
    con = duckdb.connect(str(build_store(tmp_path_factory.mktemp("fam") / "nhiemvu.duckdb", RESOLUTION_66)))
    docs, tasks = load_documents(con), load_tasks(con)
    assert "66/NQ/TW" in resolutions_cited(docs)
    con.close()
    return pd.DataFrame(families_for("66/NQ/TW", docs, tasks))


def family_of(families: pd.DataFrame, words: str) -> pd.DataFrame:
    """The widest family of a task with these words (a plan may state a task twice: prose and appendix)."""
    found = families[families["text"].str.contains(words, regex=False)]
    assert len(found), words
    widest = found.sort_values("family_provinces", ascending=False)["family_id"].iloc[0]
    return families[families["family_id"] == widest]


def test_every_task_of_the_four_documents_has_one_family(families):
    assert families["province"].nunique() == 4
    assert families["task_id"].is_unique
    assert len(families) == 14 + 88 + 32 + 14


def test_a_family_holds_at_most_one_task_per_document(families):
    assert families.groupby(["family_id", "doc_id"]).size().max() == 1


def test_the_commune_plan_and_the_province_plan_share_most_of_their_tasks(families):
    shared = families[families["family_provinces"] >= 2]
    assert shared["family_id"].nunique() >= 20
    propaganda = family_of(families, "Xây dựng, ban hành và triển khai kế hoạch tuyên truyền thường xuyên")
    assert set(propaganda["province"]) == {"Quảng Trị", "Thanh Hóa"}


def test_a_directive_joins_the_plans_where_it_assigns_the_same_duty(families):
    culture = family_of(
        families, "Đẩy mạnh công tác phổ biến, giáo dục pháp luật; tập trung xây dựng văn hóa tuân thủ"
    )
    assert set(culture["province"]) == {"Thái Nguyên", "Quảng Trị", "Thanh Hóa"}


def test_the_fatherland_front_of_two_provinces_does_the_same_task(families):
    front = family_of(families, "Thực hiện phản biện xã hội đối với dự thảo văn bản QPPL")
    assert set(front["province"]) == {"Hà Tĩnh", "Thái Nguyên"}


def test_unrelated_tasks_stay_apart(families):
    budget = family_of(families, "Sở Tài chính chủ trì, phối hợp với các sở, ban, ngành")
    assert not budget["text"].str.contains("tuyên truyền").any()


def test_agencies_are_compared_by_kind():
    assert lead_score(["Sở Tư pháp"], ["Sở Tư pháp"]) == 1.0
    assert agency_kind("Ủy ban nhân dân xã") == agency_kind("Ủy ban nhân dân cấp xã") == "local"
    assert lead_score(["Ủy ban nhân dân xã"], ["Ủy ban nhân dân cấp xã"]) == 0.5
    assert lead_score(["Sở Tư pháp"], []) == 0.0


def test_the_matrix_has_a_row_per_shared_task_and_a_column_per_province(families):
    matrix = family_matrix(families)
    assert list(matrix.columns) == [
        "family_id",
        "task",
        "provinces",
        "Hà Tĩnh",
        "Quảng Trị",
        "Thanh Hóa",
        "Thái Nguyên",
    ]
    assert (matrix["provinces"] >= 2).all()
    assert Counter(matrix["provinces"])[3] >= 2
    front = matrix[matrix["task"].str.contains("phản biện xã hội")].iloc[0]
    assert "Mặt trận Tổ quốc" in front["Hà Tĩnh"] and front["Quảng Trị"] == ""


def test_families_are_made_for_resolutions_and_programmes_not_letters():
    from pipeline.tracking.families import is_implemented_kind

    assert is_implemented_kind("66/NQ/TW") and is_implemented_kind("45/CTR/TU")
    assert is_implemented_kind("110/2023/NQ/HĐND")
    assert not is_implemented_kind("2622/UBND/TH₃") and not is_implemented_kind("694/STP/XDPL")
