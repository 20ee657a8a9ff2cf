"""A synthetic county's households and persons, generated column by column (numpy, then Polars).

Nothing here touches the database: `generate` returns frames shaped as the registry's bulk path expects
(HOUSEHOLD_FRAME without region_id, and PERSON_FRAME). The same (households, seed, today) always gives the
same frames; every random draw comes from generators spawned from the seed in a fixed order.

How a household is built: each household draws a shape (an old person alone, an old couple, a couple with
children, three generations…), then up to ten member slots (head, spouse, the head's father and mother,
three children, a child's spouse, two grandchildren) are filled for all households at once with ages that
respect the generations (a child is 20-40 years younger than its mother). Slots that a shape does not use
are dropped, and the rest become the person rows, ordered by household and slot.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

from jiuzhu.demo.layout import Place, allocate_households, county_layout, street_names
from jiuzhu.demo.tables import (
    assign_sequences,
    birthplace_table,
    given_tables,
    id_numbers,
    illness_table,
    surname_table,
    table,
    text,
)
from jiuzhu.registry.models import (
    Area,
    DisabilityKind,
    Employment,
    Labor,
    OrphanKind,
    Relation,
    Supporter,
)

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]

COUNTY_REGION6 = 330727
# 低保 standards of the demo county (元/人/月, POLICY.md); incomes are calibrated against them so that a
# realistic share of households falls below.
STANDARD_URBAN = 528
STANDARD_RURAL = 396
POOR_SHARE = 0.05  # households below the standard
NEAR_POOR_SHARE = 0.04  # between 1 and 1.5 × the standard (低保边缘)
DISABILITY_SHARE = 0.06
ILLNESS_SHARE = 0.02
DEATH_SHARE = 0.01

# Household shapes and their shares, for a mountain county whose young adults largely work elsewhere.
ELDERLY_ALONE, ELDERLY_COUPLE, SINGLE, COUPLE, NUCLEAR = range(5)
THREE_GEN_YOUNG, THREE_GEN_OLD, SINGLE_PARENT, SKIP_GEN = range(5, 9)
SHAPE_SHARE = np.array([0.12, 0.14, 0.07, 0.10, 0.30, 0.09, 0.12, 0.04, 0.02])
HEAD_MALE = np.array([0.42, 0.88, 0.72, 0.88, 0.88, 0.88, 0.85, 0.35, 0.60])
SPOUSE = np.array([0.0, 1.0, 0.0, 1.0, 1.0, 0.95, 0.65, 0.0, 0.60])

# Member slots, in the order members are listed in a household.
HEAD, SPOUSE_SLOT, FATHER, MOTHER, CHILD1, CHILD2, CHILD3, CHILD_SPOUSE, GRAND1, GRAND2 = range(10)
N_SLOTS = 10

RELATIONS = [r.value for r in Relation]
_REL = {r: i for i, r in enumerate(Relation)}
LABORS = [Labor.FULL.value, Labor.PARTIAL.value, Labor.NONE.value]
L_FULL, L_PARTIAL, L_NONE = range(3)
JOBS = [e.value for e in Employment]
_JOB = {e: i for i, e in enumerate(Employment)}
SUPPORTERS = [Supporter.CAPABLE.value, Supporter.INCAPABLE.value, Supporter.NONE.value]
ORPHANS = [OrphanKind.NONE.value, OrphanKind.ORPHAN.value, OrphanKind.DEFACTO.value]

DISABILITY_KINDS = [
    # (kind, share, digit of the certificate number: 残疾证号 = ID number + kind + grade)
    (DisabilityKind.PHYSICAL, 0.48, 4),
    (DisabilityKind.HEARING, 0.15, 2),
    (DisabilityKind.VISUAL, 0.12, 1),
    (DisabilityKind.MENTAL, 0.09, 6),
    (DisabilityKind.INTELLECTUAL, 0.07, 5),
    (DisabilityKind.MULTIPLE, 0.07, 7),
    (DisabilityKind.SPEECH, 0.02, 3),
]
DISABILITY_GRADES = np.array([1, 2, 3, 4])
DISABILITY_GRADE_SHARE = np.array([0.10, 0.20, 0.30, 0.40])

BANKS = [
    # (name, share, card BIN)
    ("浙江磐安农村商业银行", 0.42, "623091"),
    ("中国邮政储蓄银行", 0.20, "621799"),
    ("中国农业银行", 0.15, "622848"),
    ("中国工商银行", 0.09, "622202"),
    ("中国建设银行", 0.08, "621700"),
    ("中国银行", 0.06, "621661"),
]
PHONE_PREFIXES = np.array(
    [130, 131, 132, 133, 135, 136, 137, 138, 139, 150, 151, 152, 153, 155, 157, 158, 159, 166, 173, 177, 180,
     181, 182, 183, 185, 187, 188, 189, 191, 198, 199]
)  # fmt: skip


@dataclass
class DemoData:
    places: list[Place]
    households: pl.DataFrame  # HOUSEHOLD_FRAME columns without region_id, in household-number order
    persons: pl.DataFrame  # PERSON_FRAME columns, ordered by household and then member
    members: Ints  # persons per household, aligned with `households`, to slice both frames together


def _between(rng: np.random.Generator, lo: Floats, hi: Floats) -> Floats:
    hi = np.maximum(hi, lo + 0.1)
    return lo + rng.random(len(lo)) * (hi - lo)


def _child_ages(rng: np.random.Generator, mother_age: Floats, *, oldest: float, youngest: float = 0.05) -> Floats:
    """Ages of children of a mother: born when she was 20-40, no older than `oldest`."""
    lo = np.maximum(mother_age - 40, youngest)
    hi = np.minimum(mother_age - 20, oldest)
    return _between(rng, lo, hi)


@dataclass
class _Members:
    """Per slot (columns) and household (rows): is the member there, age in years, sex, relation, surname."""

    present: Bools
    age: Floats
    male: Bools
    relation: Ints
    surname: Ints


def _members(rng: np.random.Generator, shape: Ints) -> _Members:
    n = len(shape)
    present = np.zeros((n, N_SLOTS), dtype=bool)
    age = np.zeros((n, N_SLOTS))
    male = np.zeros((n, N_SLOTS), dtype=bool)
    relation = np.zeros((n, N_SLOTS), dtype=np.int64)
    surnames = surname_table()
    surname = surnames.draw(rng, n * N_SLOTS).reshape(n, N_SLOTS)

    def is_(*shapes: int) -> Bools:
        return np.isin(shape, shapes)

    # Head.
    head_age = np.empty(n)
    draws: dict[int, Callable[[int], Floats]] = {
        ELDERLY_ALONE: lambda k: np.minimum(60 + rng.gamma(2.0, 7.0, k), 99.5),
        ELDERLY_COUPLE: lambda k: np.minimum(60 + rng.gamma(2.0, 5.5, k), 96.0),
        SINGLE: lambda k: rng.uniform(20, 60, k),
        COUPLE: lambda k: np.where(rng.random(k) < 0.3, rng.uniform(22, 33, k), rng.uniform(45, 63, k)),
        NUCLEAR: lambda k: rng.uniform(26, 56, k),
        THREE_GEN_YOUNG: lambda k: rng.uniform(30, 55, k),
        THREE_GEN_OLD: lambda k: rng.uniform(58, 86, k),
        SINGLE_PARENT: lambda k: rng.uniform(28, 55, k),
        SKIP_GEN: lambda k: rng.uniform(58, 80, k),
    }
    for s, draw in draws.items():
        mask = shape == s
        head_age[mask] = draw(int(mask.sum()))
    head_male = rng.random(n) < HEAD_MALE[shape]
    present[:, HEAD], age[:, HEAD], male[:, HEAD], relation[:, HEAD] = True, head_age, head_male, _REL[Relation.SELF]

    # Spouse: the wife usually a couple of years younger.
    has_spouse = rng.random(n) < SPOUSE[shape]
    gap = np.abs(rng.normal(2.5, 2.5, n))
    spouse_age = np.clip(np.where(head_male, head_age - gap, head_age + gap), 20, 99.5)
    present[:, SPOUSE_SLOT], age[:, SPOUSE_SLOT], male[:, SPOUSE_SLOT] = has_spouse, spouse_age, ~head_male
    relation[:, SPOUSE_SLOT] = _REL[Relation.SPOUSE]
    mother_age = np.where(has_spouse, np.minimum(head_age, spouse_age), head_age)
    # Children carry the father's surname: the head's, or the husband's when the head is a wife.
    line = np.where(head_male | ~has_spouse, surname[:, HEAD], surname[:, SPOUSE_SLOT])

    # The head's own parents (three generations with a young head); the father shares the head's surname.
    young3 = is_(THREE_GEN_YOUNG)
    has_father = young3 & (rng.random(n) < 0.6)
    has_mother = young3 & ((rng.random(n) < 0.8) | ~has_father)
    present[:, FATHER], present[:, MOTHER] = has_father, has_mother
    age[:, FATHER] = np.minimum(head_age + rng.uniform(24, 36, n), 99.5)
    age[:, MOTHER] = np.minimum(head_age + rng.uniform(22, 33, n), 99.5)
    male[:, FATHER] = True
    relation[:, FATHER], relation[:, MOTHER] = _REL[Relation.FATHER], _REL[Relation.MOTHER]
    surname[:, FATHER] = surname[:, HEAD]

    # Children of the head.
    u = rng.random(n)
    n_children = np.select(
        [is_(NUCLEAR), is_(THREE_GEN_YOUNG), is_(SINGLE_PARENT), is_(THREE_GEN_OLD)],
        [1 + (u > 0.55) + (u > 0.95), 1 + (u > 0.5), 1 + (u > 0.6), 1 + (u > 0.85)],
        0,
    )
    old3 = is_(THREE_GEN_OLD)
    for k, slot in enumerate((CHILD1, CHILD2, CHILD3)):
        child_age = _child_ages(rng, mother_age, oldest=30)
        child_male = rng.random(n) < 0.52
        if slot == CHILD1:
            # In an old head's household the first child is the married son (or daughter) who stayed.
            married = _between(rng, np.maximum(mother_age - 38, 22), mother_age - 22)
            child_age = np.where(old3, married, child_age)
            child_male = np.where(old3, rng.random(n) < 0.85, child_male)
        elif slot == CHILD2:
            child_age = np.where(old3, _child_ages(rng, mother_age, oldest=40), child_age)
        present[:, slot], age[:, slot], male[:, slot] = n_children > k, child_age, child_male
        relation[:, slot] = np.where(child_male, _REL[Relation.SON], _REL[Relation.DAUGHTER])
        surname[:, slot] = line

    # The married child's spouse and their children (the head's grandchildren).
    has_in_law = old3 & (rng.random(n) < 0.9)
    in_law_male = ~male[:, CHILD1]
    gap = np.abs(rng.normal(2.0, 2.5, n))
    in_law_age = np.maximum(np.where(in_law_male, age[:, CHILD1] + gap, age[:, CHILD1] - gap), 20)
    present[:, CHILD_SPOUSE], age[:, CHILD_SPOUSE], male[:, CHILD_SPOUSE] = has_in_law, in_law_age, in_law_male
    relation[:, CHILD_SPOUSE] = np.where(in_law_male, _REL[Relation.SON_IN_LAW], _REL[Relation.DAUGHTER_IN_LAW])
    young_mother = np.where(has_in_law, np.minimum(age[:, CHILD1], in_law_age), age[:, CHILD1])
    grand_line = np.where(male[:, CHILD1] | ~has_in_law, surname[:, CHILD1], surname[:, CHILD_SPOUSE])
    skip = is_(SKIP_GEN)
    u = rng.random(n)
    n_grand = np.where(old3, (u > 0.10).astype(np.int64) + (u > 0.55), np.where(skip, 1 + (u > 0.5), 0))
    for k, slot in enumerate((GRAND1, GRAND2)):
        grand_age = np.where(skip, rng.uniform(1, 17, n), _child_ages(rng, young_mother, oldest=28))
        grand_male = rng.random(n) < 0.52
        present[:, slot], age[:, slot], male[:, slot] = n_grand > k, grand_age, grand_male
        relation[:, slot] = np.where(grand_male, _REL[Relation.GRANDSON], _REL[Relation.GRANDDAUGHTER])
        surname[:, slot] = np.where(skip, line, grand_line)
    return _Members(present, age, male, relation, surname)


def _given_names(rng: np.random.Generator, male: Bools, old: Bools) -> pl.Series:
    """One or two characters from the tables of the person's sex and generation."""
    n = len(male)
    chars: list[str] = []
    first = np.zeros(n, dtype=np.int64)
    second = np.zeros(n, dtype=np.int64)
    for (is_male, is_old), names in given_tables().items():
        mask = (male == is_male) & (old == is_old)
        k = int(mask.sum())
        first[mask] = names.draw(rng, k) + len(chars)
        second[mask] = names.draw(rng, k) + len(chars)
        chars += names.values.to_list()
    single = rng.random(n) < np.where(old, 0.3, 0.2)
    second[single] = len(chars)
    chars.append("")
    return text(chars, first) + text(chars, second)


def _money(values: Ints) -> pl.Series:
    """Whole yuan as the decimal text the bulk path casts."""
    return pl.Series(values).cast(pl.String) + ".00"


def _digits(rng: np.random.Generator, n: int, width: int) -> pl.Series:
    return pl.Series(rng.integers(0, 10**width, n, dtype=np.int64)).cast(pl.String).str.zfill(width)


def _pick(rng: np.random.Generator, n: int, weights: Floats, k: int, exclude: Bools | None = None) -> Bools:
    """Exactly k of n chosen without replacement with probability growing with weight (Gumbel top-k)."""
    keys = np.log(weights) + rng.gumbel(size=n)
    if exclude is not None:
        keys[exclude] = -np.inf
    chosen = np.zeros(n, dtype=bool)
    if k > 0:
        chosen[np.argpartition(-keys, k - 1)[:k]] = True
    return chosen


def generate(*, households: int, seed: int, today: dt.date) -> DemoData:
    """Frames of `households` households in the demo county, deterministic for (households, seed, today)."""
    streams = np.random.SeedSequence(seed).spawn(8)
    rng_place, rng_shape, rng_id, rng_name, rng_health, rng_work, rng_money, rng_contact = (
        np.random.default_rng(s) for s in streams
    )
    places = county_layout(households)
    villages = [p for p in places if p.is_village]
    per_village = allocate_households(places, households, rng_place)
    H = households  # households, and below P persons: the lengths of the two kinds of column
    village_of = np.repeat(np.arange(len(villages)), per_village)
    urban_h = np.array([v.is_urban for v in villages], dtype=bool)[village_of]

    # Members: one row per present slot, ordered by household, then slot.
    shape = rng_shape.choice(len(SHAPE_SHARE), size=H, p=SHAPE_SHARE)
    m = _members(rng_shape, shape)
    flat = m.present.ravel()
    hh = np.repeat(np.arange(H), N_SLOTS)[flat]
    slot = np.tile(np.arange(N_SLOTS), H)[flat]
    age = m.age.ravel()[flat]
    male = m.male.ravel()[flat]
    relation = m.relation.ravel()[flat]
    surname = m.surname.ravel()[flat]
    P = len(hh)
    members = np.bincount(hh, minlength=H).astype(np.int64)
    p_shape = shape[hh]
    p_urban = urban_h[hh]
    years = np.floor(age).astype(np.int64)

    # Birth dates and ID numbers. Most people were born in the county; spouses who married in often not.
    today_days = (today - dt.date(1970, 1, 1)).days
    birth_days = today_days - np.maximum(np.floor(age * 365.2425).astype(np.int64), 1)
    married_in = np.isin(slot, (SPOUSE_SLOT, CHILD_SPOUSE))
    local = rng_id.random(P) < np.where(married_in, 0.75, 0.97)
    places6 = birthplace_table()
    codes6 = places6.values.cast(pl.Int64).to_numpy()
    region6 = np.where(local, COUNTY_REGION6, codes6[places6.draw(rng_id, P)]).astype(np.int64)
    region6, seq3 = assign_sequences(region6, birth_days, male)
    ids = id_numbers(region6, birth_days, seq3)

    # Names.
    old_generation = birth_days < (dt.date(1985, 1, 1) - dt.date(1970, 1, 1)).days
    names = surname_table().values.gather(surname) + _given_names(rng_name, male, old_generation)

    # Health: disability and serious illness grow with age; the shares are met in expectation.
    age_band = np.digitize(years, [18, 45, 60, 80])
    w_dis = np.array([0.3, 0.8, 1.2, 2.0, 3.0])[age_band]
    disabled = rng_health.random(P) < DISABILITY_SHARE * w_dis / w_dis.mean()
    grade = DISABILITY_GRADES[rng_health.choice(4, size=P, p=DISABILITY_GRADE_SHARE)]
    kinds = table([k.value for k, _s, _d in DISABILITY_KINDS], [s for _k, s, _d in DISABILITY_KINDS])
    kind_idx = kinds.draw(rng_health, P)
    kind_digit = np.array([d for _k, _s, d in DISABILITY_KINDS])[kind_idx]
    w_ill = np.array([0.2, 0.5, 1.2, 2.0, 2.0])[age_band]
    ill = rng_health.random(P) < ILLNESS_SHARE * w_ill / w_ill.mean()
    illnesses, illness_cost = illness_table()
    illness_idx = illnesses.draw(rng_health, P)
    w_death = np.exp((np.minimum(age, 100) - 60) / 10)
    dead = rng_health.random(P) < np.minimum(DEATH_SHARE * w_death / w_death.mean(), 0.5)
    death_days = np.maximum(today_days - rng_health.integers(1, 731, P), birth_days)
    severe = disabled & (grade <= 2)

    # Self-care: the very old and the severely disabled cannot do some of the six daily activities.
    adl = np.zeros(P, dtype=np.int64)
    adl = np.where((years >= 80) & (rng_health.random(P) < 0.2), rng_health.integers(1, 7, P), adl)
    adl = np.where((years >= 65) & (rng_health.random(P) < 0.05), np.maximum(adl, rng_health.integers(1, 4, P)), adl)
    adl = np.where(disabled & (grade == 1) & (rng_health.random(P) < 0.6), rng_health.integers(3, 7, P), adl)
    adl2 = np.maximum(adl, rng_health.integers(1, 5, P))
    adl = np.where(disabled & (grade == 2) & (rng_health.random(P) < 0.3), adl2, adl)

    # Schooling, labour capacity and work.
    u = rng_work.random(P)
    student = ~dead & (
        ((years >= 6) & (years <= 15) & (u < 0.99))
        | ((years >= 16) & (years <= 18) & (u < 0.85))
        | ((years >= 19) & (years <= 22) & (u < 0.45))
    )
    u = rng_work.random(P)
    labor = np.full(P, L_FULL, dtype=np.int64)
    labor[(years >= 60) & (u < 0.75)] = L_PARTIAL
    labor[((years >= 60) & (u >= 0.95)) | (years >= 70)] = L_NONE
    labor[disabled & ((grade == 3) | ((grade == 4) & (u < 0.4)))] = L_PARTIAL
    labor[ill & (u < 0.5)] = L_PARTIAL
    labor[severe | (ill & (u < 0.3)) | (adl >= 4) | (years < 16)] = L_NONE
    working_age = (years >= 16) & (years < 60) & ~student & (labor != L_NONE)
    work = (Employment.FARMING, Employment.EMPLOYED, Employment.SELF_EMPLOYED, Employment.UNEMPLOYED, Employment.NONE)
    kinds_of_work = [_JOB[e] for e in work]
    jobs_rural = table(["", "", "", "", ""], [0.30, 0.42, 0.08, 0.08, 0.12]).draw(rng_work, P)
    jobs_urban = table(["", "", "", "", ""], [0.0, 0.62, 0.12, 0.10, 0.16]).draw(rng_work, P)
    job = np.array(kinds_of_work)[np.where(p_urban, jobs_urban, jobs_rural)]
    employment = np.full(P, _JOB[Employment.NONE], dtype=np.int64)
    employment[working_age] = job[working_age]
    u = rng_work.random(P)
    elderly = years >= 60
    retired = elderly & (u < np.where(p_urban, 0.65, 0.08))
    employment[retired] = _JOB[Employment.RETIRED]
    farming_old = elderly & ~retired & ~p_urban & (years < 75) & (labor != L_NONE) & (u < 0.55)
    employment[farming_old] = _JOB[Employment.FARMING]
    employment[student] = _JOB[Employment.STUDENT]

    # Monthly incomes in whole yuan.
    def lognormal(median: Floats | float, sigma: float) -> Floats:
        return np.asarray(median * np.exp(rng_money.normal(0.0, sigma, P)), dtype=np.float64)

    partial = labor == L_PARTIAL
    factor = np.where(partial, 0.5, 1.0)
    wage = np.where(employment == _JOB[Employment.EMPLOYED], lognormal(np.where(p_urban, 4200.0, 3300.0), 0.35), 0)
    business = np.where(employment == _JOB[Employment.SELF_EMPLOYED], lognormal(4000.0, 0.6), 0.0)
    business = np.where(employment == _JOB[Employment.FARMING], lognormal(900.0, 0.5), business)
    transfer = np.where(retired, lognormal(np.where(p_urban, 2900.0, 1800.0), 0.3), 0.0)
    # Support from children living elsewhere (赡养费) for some old people.
    support = elderly & ~retired & (rng_money.random(P) < 0.5)
    transfer = np.where(support, rng_money.uniform(200, 900, P), transfer)
    # The residents' basic pension (城乡居民基础养老金) is exempt income.
    exempt = np.where(elderly & ~retired, 300, 0)
    is_head = slot == HEAD
    prop = np.where(is_head & ~p_urban & (rng_money.random(P) < 0.12), rng_money.uniform(50, 300, P), 0.0)
    other = np.where((years >= 18) & (rng_money.random(P) < 0.03), rng_money.uniform(100, 800, P), 0.0)
    incomes = np.stack([wage * factor, business * factor, prop, transfer, other], axis=1)
    incomes = np.round(incomes / 10) * 10
    incomes[dead] = 0
    exempt = np.where(dead, 0, exempt)
    rigid_medical = np.where(ill & ~dead, illness_cost[illness_idx] * rng_money.uniform(0.5, 1.5, P), 0.0).round(-1)
    rehab = disabled & (grade <= 2) & ~dead & (rng_money.random(P) < 0.3)
    rigid_rehab = np.where(rehab, rng_money.uniform(100, 600, P), 0.0).round(-1)

    # Per-capita income against the standard: a weighted draw (old people alone, severe disability, illness,
    # rural) decides which households are poor (below) and near-poor (1-1.5 ×); everyone else gets the
    # support from outside that keeps a real family above 1.5 × (children's remittances). Income here is net
    # of the rigid medical and rehabilitation spending, which the 低保 check deducts.
    alive = ~dead
    alive_n = np.bincount(hh, weights=alive, minlength=H)
    standard = np.where(urban_h, STANDARD_URBAN, STANDARD_RURAL).astype(np.float64)
    any_severe = np.bincount(hh, weights=severe, minlength=H) > 0
    any_ill = np.bincount(hh, weights=ill, minlength=H) > 0
    weight = (
        1.0
        + 6 * any_severe
        + 4 * any_ill
        + 3 * np.isin(shape, (ELDERLY_ALONE, SKIP_GEN))
        + 2 * np.isin(shape, (ELDERLY_COUPLE, SINGLE_PARENT))
        + 1.5 * ~urban_h
    )
    nobody = alive_n == 0
    poor = _pick(rng_money, H, weight, round(POOR_SHARE * H), exclude=nobody)
    near = _pick(rng_money, H, weight, round(NEAR_POOR_SHARE * H), exclude=nobody | poor)
    total = np.bincount(hh, weights=incomes.sum(axis=1), minlength=H)
    rigid = np.bincount(hh, weights=rigid_medical + rigid_rehab, minlength=H)
    per_head = np.divide(total - rigid, alive_n, out=np.zeros(H), where=alive_n > 0)
    u = rng_money.random(H)
    poor_target = np.where(u < 0.25, 0.0, standard * rng_money.uniform(0.05, 0.95, H))
    near_target = standard * rng_money.uniform(1.12, 1.5, H)  # still above after job costs are deducted
    other_target = np.maximum(per_head, standard * rng_money.uniform(1.5, 4.0, H))
    target = np.where(poor, poor_target, np.where(near, near_target, other_target))
    target_total = target * alive_n + rigid
    # Scale down the poor and near-poor; anyone short of the target gets the gap on their first living member.
    ratio = np.divide(target_total, total, out=np.ones(H), where=total > 0)
    scale = np.where((poor | near) & (total > target_total), ratio, 1.0)
    incomes = np.where(poor[hh, None], np.floor(incomes * scale[hh, None]), np.ceil(incomes * scale[hh, None]))
    total = np.bincount(hh, weights=incomes.sum(axis=1), minlength=H)
    gap = np.where(nobody, 0, np.where(poor, np.floor(target_total - total), np.ceil(target_total - total)))
    gap = np.maximum(gap, 0)
    alive_idx = np.nonzero(alive)[0]
    first_alive = np.zeros(H, dtype=np.int64)
    households_alive, first_pos = np.unique(hh[alive_idx], return_index=True)
    first_alive[households_alive] = alive_idx[first_pos]
    has_gap = gap > 0
    incomes[first_alive[has_gap], 3] += gap[has_gap]
    incomes = incomes.astype(np.int64)

    # Supporters, orphans, institutions.
    u = rng_work.random(P)
    supporter = np.zeros(P, dtype=np.int64)  # index into SUPPORTERS: capable
    alone_old = (p_shape == ELDERLY_ALONE) | ((p_shape == ELDERLY_COUPLE) & np.isin(slot, (HEAD, SPOUSE_SLOT)))
    no_one = alone_old & (u < np.where(p_shape == ELDERLY_ALONE, 0.25, 0.12))
    incapable = alone_old & ~no_one & (u < np.where(p_shape == ELDERLY_ALONE, 0.40, 0.25))
    incapable |= (p_shape == SINGLE) & severe & (u < 0.5)
    grandchild_alone = (p_shape == SKIP_GEN) & np.isin(slot, (GRAND1, GRAND2))
    orphan = np.zeros(P, dtype=np.int64)  # index into ORPHANS: none
    orphan[grandchild_alone & (u < 0.15)] = 1
    orphan[grandchild_alone & (u >= 0.15) & (u < 0.40)] = 2
    incapable |= orphan > 0
    supporter[incapable] = 1
    supporter[no_one] = 2
    u = rng_work.random(P)
    institution = (no_one & (years >= 70) & (u < 0.15)) | ((orphan > 0) & (u < 0.25))

    # Person frame.
    # 残疾证号: the ID number, then the kind and the grade digit.
    disability_cert = ids + pl.Series(kind_digit * 10 + grade).cast(pl.String)
    persons = pl.DataFrame(
        {
            "household_number": pl.Series(hh),  # replaced by the number below
            "name": names,
            "id_number": ids,
            "birth_date": pl.Series(birth_days, dtype=pl.Int32).cast(pl.Date),
            "sex": text(["F", "M"], male.astype(np.int64)),
            "relation": text(RELATIONS, relation),
            "disability_kind": kinds.values.gather(kind_idx),
            "disability_grade": pl.Series(grade),
            "disability_cert": disability_cert,
            "serious_illness": pl.Series(ill),
            "illness_name": illnesses.values.gather(illness_idx),
            "labor": text(LABORS, labor),
            "adl_impossible": pl.Series(adl),
            "student": pl.Series(student),
            "employment": text(JOBS, employment),
            "supporter": text(SUPPORTERS, supporter),
            "orphan": text(ORPHANS, orphan),
            "institution": pl.Series(institution),
            "date_of_death": pl.Series(death_days, dtype=pl.Int32).cast(pl.Date),
            "income_wage": _money(incomes[:, 0]),
            "income_business": _money(incomes[:, 1]),
            "income_property": _money(incomes[:, 2]),
            "income_transfer": _money(incomes[:, 3]),
            "income_other": _money(incomes[:, 4]),
            "income_exempt": _money(exempt.astype(np.int64)),
            "rigid_medical": _money(rigid_medical.astype(np.int64)),
            "rigid_rehab": _money(rigid_rehab.astype(np.int64)),
        }
    )
    persons = persons.with_columns(
        pl.when(pl.Series(disabled)).then(pl.col("disability_kind")).otherwise(pl.lit("")),
        pl.when(pl.Series(disabled)).then(pl.col("disability_grade")).otherwise(pl.lit(None, dtype=pl.Int64)),
        pl.when(pl.Series(disabled)).then(pl.col("disability_cert")).otherwise(pl.lit("")),
        pl.when(pl.Series(ill)).then(pl.col("illness_name")).otherwise(pl.lit("")),
        pl.when(pl.Series(dead)).then(pl.col("date_of_death")).otherwise(pl.lit(None, dtype=pl.Date)),
    )

    # Household frame.
    codes = pl.Series([v.code for v in villages])
    village_code = codes.gather(village_of)
    starts = np.concatenate([[0], np.cumsum(per_village)[:-1]])
    serial = np.arange(H) - starts[village_of] + 1
    numbers = village_code + pl.Series(serial).cast(pl.String).str.zfill(5)
    persons = persons.with_columns(household_number=numbers.gather(hh))
    v_names = pl.Series([v.township + v.name for v in villages]).gather(village_of)
    streets = pl.Series(street_names())
    rural_address = (
        v_names
        + pl.Series(rng_contact.integers(1, 13, H)).cast(pl.String) + "组"
        + pl.Series(rng_contact.integers(1, 121, H)).cast(pl.String) + "号"
    )  # fmt: skip
    urban_address = (
        v_names
        + streets.gather(pl.Series(rng_contact.integers(0, len(streets), H)))
        + pl.Series(rng_contact.integers(1, 300, H)).cast(pl.String) + "号"
        + pl.Series(rng_contact.integers(1, 12, H)).cast(pl.String) + "幢"
        + pl.Series(rng_contact.integers(1, 7, H) * 100 + rng_contact.integers(1, 5, H)).cast(pl.String) + "室"
    )  # fmt: skip
    address = urban_address.zip_with(pl.Series(urban_h), rural_address)
    phone = pl.Series(PHONE_PREFIXES[rng_contact.integers(0, len(PHONE_PREFIXES), H)]).cast(pl.String) + _digits(
        rng_contact, H, 8
    )
    phone = phone.zip_with(pl.Series(rng_contact.random(H) < 0.92), pl.Series([""] * H))
    banks = table([b[0] for b in BANKS], [b[1] for b in BANKS])
    bank_idx = banks.draw(rng_contact, H)
    has_bank = rng_contact.random(H) < 0.97
    bins = text([b[2] for b in BANKS], bank_idx)
    account = (bins + _digits(rng_contact, H, 13)).zip_with(pl.Series(has_bank), pl.Series([""] * H))
    bank_name = banks.values.gather(bank_idx).zip_with(pl.Series(has_bank), pl.Series([""] * H))
    u = rng_money.random(H)
    deposits = np.where(
        poor, rng_money.uniform(0, 5000, H), np.exp(rng_money.normal(np.log(np.where(urban_h, 40_000, 15_000)), 1.0))
    ).round(-2)
    vehicles = np.where(poor, (u < 0.02).astype(np.int64), (u < 0.22).astype(np.int64) + (u < 0.03))
    any_disabled = np.bincount(hh, weights=disabled, minlength=H) > 0
    disability_vehicle = (vehicles > 0) & any_disabled & (rng_money.random(H) < 0.3)
    u = rng_money.random(H)
    homes = np.where(u < 0.04, 0, np.where(u < np.where(poor, 0.99, 0.91), 1, 2))
    self_employed = np.bincount(hh, weights=employment == _JOB[Employment.SELF_EMPLOYED], minlength=H) > 0
    business_h = self_employed & (rng_money.random(H) < 0.5)
    households_frame = pl.DataFrame(
        {
            "number": numbers,
            "region_code": village_code,
            "area": text([Area.RURAL.value, Area.URBAN.value], urban_h.astype(np.int64)),
            "address": address,
            "phone": phone,
            "bank_name": bank_name,
            "bank_account": account,
            "deposits": _money(deposits.astype(np.int64)),
            "vehicles": pl.Series(vehicles.astype(np.int64)),
            "disability_vehicle": pl.Series(disability_vehicle),
            "homes": pl.Series(homes.astype(np.int64)),
            "business": pl.Series(business_h),
        }
    )
    return DemoData(places=places, households=households_frame, persons=persons, members=members)
