"""The fuzzy stage on Spark in local mode gives the pairs DuckDB gives (`pytest -m spark`; needs pyspark from
the `spark` extra and Java 17)."""

from __future__ import annotations

import pytest

from jiuzhu.matching.linkage import LinkSettings, link
from jiuzhu.matching.tests.test_linkage_fuzzy import BIRTH, PLANTED, TWIN, TYPO, frames, pairs_of

pytest.importorskip("pyspark")

pytestmark = pytest.mark.spark


@pytest.fixture(autouse=True)
def _only_when_asked(request: pytest.FixtureRequest) -> None:
    """A Spark session takes minutes on a busy machine: these run when selected (`pytest -m spark`, as
    .ci/run does), not in every run of the suite on a machine where pyspark happens to be installed."""
    expr = request.config.option.markexpr or ""
    if "spark" not in expr or "not spark" in expr:
        pytest.skip("Spark tests run with -m spark (.ci/run)")


def test_spark_backend_links_as_duckdb_does() -> None:
    left, right = frames(
        [
            ["L1", "郑伟明", PLANTED, "男", BIRTH.isoformat(), "尖山镇管头村"],
            ["L2", "郑伟明", "", "男", "1975-10-21", "上坑村"],
        ],
        [
            ["R1", "郑玮明", TYPO, "", "1968-09-04", "管头村村委会"],
            ["R2", "郑伟亮", TWIN, "男", BIRTH.isoformat(), "管头村"],
        ],
    )
    spark = link(left, right, settings=LinkSettings(backend="spark", spark_master="local[1]"))
    duckdb = link(left, right, settings=LinkSettings(backend="duckdb"))
    assert pairs_of(spark) == pairs_of(duckdb) == {("L1", "R1")}
    assert spark["method"].to_list() == ["fuzzy"]
    assert abs(spark["score"][0] - duckdb["score"][0]) < 1e-6
