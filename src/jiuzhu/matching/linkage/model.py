"""The Fellegi–Sunter model of the fuzzy stage, for Chinese person records: comparisons, blocking rules and
fixed m/u probabilities.

Why fixed: EM on every run is slow on a million rows and unstable when the lists overlap little (a month's
death list against the registry). The m probabilities (how often a true match lands on a level) and the u
probabilities (how often two different persons do) below were estimated once on data from
`bench/linkage_data.py` (m from the known truth, u from 10⁷ random pairs: `bench/bench_linkage_quality.py
--estimate` prints them again), rounded, and the m of the error levels raised where the generator makes fewer
errors of a kind than real lists do (a wrong but valid ID number, a name typo), so that the model tolerates
them; the term-frequency adjustment of the exact-name level corrects u for common names (张伟) from the data
of each run.

Levels are Splink library levels (translated to each backend's SQL), except the day/month swap of a birth
date, which compares a column with its precomputed swapped form."""

from __future__ import annotations

from typing import Any

from splink import block_on
from splink import comparison_level_library as cll
from splink import comparison_library as cl

# (m, u) per level, most specific first; the null level carries no weight.
NAME_MU = {
    "exact": (0.880, 0.0020),  # the same characters (term-frequency adjusted)
    "homophone": (0.060, 0.0005),  # the same pinyin: 伟/玮/炜
    # One character added, dropped, changed or two swapped, in names of three characters or more (also
    # siblings); in a two-character name it is another given name: the else level.
    "one_char": (0.030, 0.0100),
    # The same surname and given names whose pinyin is alike (Jaro–Winkler ≥ 0.9; on the given name only: a
    # shared surname would lend any two names its common-prefix bonus).
    "pinyin_jw": (0.015, 0.0050),
    # Another name altogether: rare for one person (a clerk's slip), the only difference between twins.
    "else": (0.003, 0.9825),
}
ID_MU = {
    "exact": (0.400, 0.000001),  # written the same, but invalid (the exact stage took the valid ones)
    # Two valid numbers that differ are two persons (twins, neighbours born the same day) unless a mistyped
    # digit happened to keep the check character right: about 1 in 11 typos, 1 % of a list's records.
    "both_valid": (0.001, 0.800000),
    "dl1": (0.450, 0.000010),  # one digit mistyped, or two neighbours transposed
    "dl2": (0.080, 0.001000),  # two digits
    "else": (0.068, 0.198989),
}
BIRTH_MU = {
    "exact": (0.900, 0.00006),
    "swapped": (0.040, 0.00001),  # day and month written the other way round
    "one_char": (0.040, 0.00060),  # one digit mistyped
    "year": (0.010, 0.01250),
    "else": (0.010, 0.98679),
}
SEX_MU = {"exact": (0.995, 0.5), "else": (0.005, 0.5)}
VILLAGE_MU = {"exact": (0.880, 0.0050), "similar": (0.050, 0.0010), "else": (0.070, 0.9940)}

SPLINK_COLUMNS = (
    "unique_id",
    "name",
    "name_pinyin",
    "surname_pinyin",
    "given_pinyin",
    "id_norm",
    "id_valid",
    "id_key",
    "sex",
    "birth",
    "birth_swapped",
    "birth_year",
    "village",
)


def comparisons(*, fixed: bool = True) -> list[Any]:
    """The five comparisons; with fixed=False without their m/u (to estimate them again, in bench/)."""

    def _mu(level: Any, mu: tuple[float, float]) -> Any:
        if not fixed:
            return level
        return level.configure(m_probability=mu[0], u_probability=mu[1], fix_m_probability=True, fix_u_probability=True)

    name = cl.CustomComparison(
        output_column_name="name",
        comparison_levels=[
            cll.NullLevel("name_pinyin"),
            _mu(cll.ExactMatchLevel("name", term_frequency_adjustments=True), NAME_MU["exact"]),
            _mu(cll.ExactMatchLevel("name_pinyin"), NAME_MU["homophone"]),
            _mu(
                cll.And(
                    cll.DamerauLevenshteinLevel("name", 1),
                    cll.CustomLevel("length(name_l) >= 3 AND length(name_r) >= 3"),
                ),
                NAME_MU["one_char"],
            ),
            _mu(
                cll.And(cll.ExactMatchLevel("surname_pinyin"), cll.JaroWinklerLevel("given_pinyin", 0.9)),
                NAME_MU["pinyin_jw"],
            ),
            _mu(cll.ElseLevel(), NAME_MU["else"]),
        ],
    )
    id_number = cl.CustomComparison(
        output_column_name="id_norm",
        comparison_levels=[
            cll.NullLevel("id_norm"),
            _mu(cll.ExactMatchLevel("id_norm"), ID_MU["exact"]),
            _mu(
                cll.CustomLevel("id_valid_l = '1' AND id_valid_r = '1'", label_for_charts="two valid numbers"),
                ID_MU["both_valid"],
            ),
            _mu(cll.DamerauLevenshteinLevel("id_norm", 1), ID_MU["dl1"]),
            _mu(cll.DamerauLevenshteinLevel("id_norm", 2), ID_MU["dl2"]),
            _mu(cll.ElseLevel(), ID_MU["else"]),
        ],
    )
    birth = cl.CustomComparison(
        output_column_name="birth",
        comparison_levels=[
            cll.NullLevel("birth"),
            _mu(cll.ExactMatchLevel("birth"), BIRTH_MU["exact"]),
            _mu(cll.ColumnsReversedLevel("birth", "birth_swapped"), BIRTH_MU["swapped"]),
            _mu(cll.DamerauLevenshteinLevel("birth", 1), BIRTH_MU["one_char"]),
            _mu(cll.ExactMatchLevel("birth_year"), BIRTH_MU["year"]),
            _mu(cll.ElseLevel(), BIRTH_MU["else"]),
        ],
    )
    sex = cl.CustomComparison(
        output_column_name="sex",
        comparison_levels=[
            cll.NullLevel("sex"),
            _mu(cll.ExactMatchLevel("sex"), SEX_MU["exact"]),
            _mu(cll.ElseLevel(), SEX_MU["else"]),
        ],
    )
    village = cl.CustomComparison(
        output_column_name="village",
        comparison_levels=[
            cll.NullLevel("village"),
            _mu(cll.ExactMatchLevel("village"), VILLAGE_MU["exact"]),
            _mu(cll.JaroWinklerLevel("village", 0.9), VILLAGE_MU["similar"]),
            _mu(cll.ElseLevel(), VILLAGE_MU["else"]),
        ],
    )
    return [name, id_number, birth, sex, village]


def blocking_rules() -> list[Any]:
    """Candidate pairs: any one rule suffices. Each survives one kind of error in the others' columns:
    a homophone or a typo in the name (birth date with surname or given-name pinyin), a wrong birth date
    (the name's pinyin with the year or the village), a wrong birth date in the ID number (its region,
    sequence and check digits, with the surname's pinyin: without it, a million records make tens of millions
    of candidates)."""
    return [
        block_on("birth", "surname_pinyin"),
        block_on("birth", "given_pinyin"),
        block_on("name_pinyin", "birth_year"),
        block_on("name_pinyin", "village"),
        block_on("id_key", "surname_pinyin"),
    ]
