"""Every write to households and persons. Each call checks capability and region scope, writes in one
transaction and leaves an audit entry; bad input raises ValidationError and changes nothing."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from jiuzhu.accounts.models import Capability, User
from jiuzhu.core import pii
from jiuzhu.core.audit import audit_record
from jiuzhu.core.bulk import bulk_insert, reserve_ids
from jiuzhu.core.counters import counter_next, counters_raise
from jiuzhu.core.idcard import IdNumberError, parse_id_number
from jiuzhu.core.models import AuditAction
from jiuzhu.core.scope import in_scope, require_scope
from jiuzhu.regions.models import PREFIX_LENGTH, Level, Region
from jiuzhu.registry.models import Household, Person, Relation
from jiuzhu.registry.names import name_keys, name_keys_bulk
from jiuzhu.registry.selectors import households_last_serial

# Fields a caseworker may change by hand; derived and encrypted columns are set only here.
HOUSEHOLD_FIELDS = (
    "area", "address", "bank_name", "deposits", "vehicles", "disability_vehicle", "homes", "business", "notes",
)  # fmt: skip
PERSON_FIELDS = (
    "name", "relation", "disability_kind", "disability_grade", "disability_cert", "serious_illness",
    "illness_name", "labor", "adl_impossible", "student", "employment", "supporter", "orphan", "institution",
    "prefers_dibao", "excluded", "excluded_reason", "date_of_death", "income_wage", "income_business",
    "income_property", "income_transfer", "income_other", "income_exempt", "rigid_medical", "rigid_rehab",
)  # fmt: skip


# Of those, the ones stored encrypted (the model holds `<name>_enc` and `<name>_masked`; the property `<name>`
# encrypts on set): forms ask for them apart, "blank keeps what is stored", and the audit log sees them masked.
SECRET_PERSON_FIELDS = ("disability_cert",)
PLAIN_PERSON_FIELDS = tuple(f for f in PERSON_FIELDS if f not in SECRET_PERSON_FIELDS)
_CERT = re.compile(r"[0-9A-Za-z]{6,30}")


def disability_cert_problem(value: str) -> str:
    """Why a 残疾证号 cannot be stored, or "" (empty is allowed: no certificate)."""
    value = (value or "").strip()
    if value and not _CERT.fullmatch(value):
        return _("残疾证号应为 6 至 30 位数字或字母")
    return ""


def _require(actor: User, capability: Capability) -> None:
    if not actor.has_capability(capability):
        raise PermissionDenied(_("您的角色无权执行此操作"))


def _snapshot(obj: Household | Person, names: tuple[str, ...]) -> dict[str, Any]:
    """The fields as the audit log keeps them: encrypted ones masked, never in clear."""
    return {n: getattr(obj, f"{n}_masked" if n in SECRET_PERSON_FIELDS else n) for n in names}


def _check_secrets(values: dict[str, Any]) -> None:
    problems = {n: p for n in SECRET_PERSON_FIELDS if n in values and (p := disability_cert_problem(values[n]))}
    if problems:
        raise ValidationError(problems)


def _diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    changed = [k for k in after if before.get(k) != after[k]]
    return {k: before.get(k) for k in changed}, {k: after[k] for k in changed}


def _set_id_number(person: Person, raw: str, *, actor: User) -> None:
    try:
        parsed = parse_id_number(raw)
    except IdNumberError as exc:
        raise ValidationError({"id_number": str(exc)}) from None
    # Under every key of the ring: during a key rotation the other row may still carry the old key's hash.
    clash = Person.objects.filter(id_number_hash__in=pii.lookup_hashes(parsed.number)).exclude(pk=person.pk).first()
    if clash is not None:
        if in_scope(actor, clash.household.region_code):
            raise ValidationError({"id_number": _("该身份证号已登记在户 %(n)s") % {"n": clash.household.number}})
        # As the importer says: naming the household would tell an outsider where this person lives.
        raise ValidationError({"id_number": _("该身份证号已在其他地区登记")})
    person.id_number_enc, person.id_number_hash = pii.seal(parsed.number)
    person.id_masked = pii.mask_id(parsed.number)
    person.birth_date = parsed.birth_date
    person.sex = parsed.sex


def _set_name(person: Person, name: str) -> None:
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("姓名不能为空")})
    person.name = name
    person.name_initials, person.name_pinyin = name_keys(name)


def _household_changed(household: Household, actor: User) -> None:
    # Higher apps recompute what depends on the household's facts (monitoring: the warning level).
    from jiuzhu.registry.hooks import household_changed

    household_changed(household=household, actor=actor)


def _set_contact(household: Household, *, phone: str | None, bank_account: str | None) -> None:
    if phone is not None:
        phone = phone.strip().replace(" ", "").replace("-", "")
        if phone and not (phone.isdigit() and 7 <= len(phone) <= 12):
            raise ValidationError({"phone": _("联系电话应为7至12位数字")})
        household.phone_enc, household.phone_masked = pii.encrypt(phone), pii.mask_phone(phone)
    if bank_account is not None:
        bank_account = bank_account.strip().replace(" ", "")
        if bank_account and not (bank_account.isdigit() and 12 <= len(bank_account) <= 30):
            raise ValidationError({"bank_account": _("银行账号应为12至30位数字")})
        household.bank_account_enc = pii.encrypt(bank_account)
        household.bank_account_masked = pii.mask_account(bank_account)


def _refresh_head_name(household: Household) -> None:
    head = household.members.filter(relation=Relation.SELF).first()
    name = head.name if head else ""
    if household.head_name != name:
        household.head_name = name
        household.save(update_fields=["head_name", "updated_at"])


def household_next_number(*, village: Region) -> str:
    """户编号: the village's 12-digit code and a 5-digit serial within it, from the village's locked counter
    (call inside the transaction that creates the household)."""

    def highest() -> int:
        return households_last_serial(villages=[village.code]).get(village.code, 0)

    return f"{village.code}{counter_next(kind='household', key=village.code, floor=highest):05d}"


@dataclass
class MemberInput:
    name: str
    id_number: str
    relation: str
    fields: dict[str, Any] = field(default_factory=dict)


@transaction.atomic
def household_register(
    *,
    actor: User,
    village: Region,
    area: str,
    members: list[MemberInput],
    address: str = "",
    phone: str = "",
    bank_name: str = "",
    bank_account: str = "",
    **household_fields: Any,
) -> Household:
    _require(actor, Capability.EDIT_REGISTRY)
    require_scope(actor, village.code)
    if village.level != Level.VILLAGE:
        raise ValidationError({"village": _("家庭只能登记在村（社区）")})
    if not members:
        raise ValidationError({"members": _("至少登记一名家庭成员")})
    if sum(1 for m in members if m.relation == Relation.SELF) != 1:
        raise ValidationError({"members": _("每户应有且只有一名户主")})
    unknown = set(household_fields) - set(HOUSEHOLD_FIELDS)
    if unknown:
        raise ValueError(f"unknown household fields {sorted(unknown)}")
    household = Household(
        number=household_next_number(village=village),
        region=village,
        region_code=village.code,
        area=area,
        address=address,
        bank_name=bank_name,
        **household_fields,
    )
    _set_contact(household, phone=phone, bank_account=bank_account)
    household.full_clean(exclude=["head_name"])
    household.save()
    seen: set[str] = set()
    for m in members:
        _check_secrets(m.fields)
        person = Person(household=household, region_code=household.region_code, relation=m.relation, **m.fields)
        _set_name(person, m.name)
        _set_id_number(person, m.id_number, actor=actor)
        if person.id_number_hash in seen:
            raise ValidationError({"id_number": _("同一身份证号在本户出现两次")})
        seen.add(person.id_number_hash)
        person.full_clean(exclude=["household"])
        person.save()
    _refresh_head_name(household)
    _household_changed(household, actor)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="household",
        object_id=household.pk,
        region_code=household.region_code,
        summary=_("登记家庭 %(n)s，%(c)d 人") % {"n": household.number, "c": len(members)},
        after={"number": household.number, "members": [m.name for m in members]},
    )
    return household


@transaction.atomic
def household_update(
    *,
    actor: User,
    household: Household,
    phone: str | None = None,
    bank_account: str | None = None,
    **changes: Any,
) -> Household:
    _require(actor, Capability.EDIT_REGISTRY)
    require_scope(actor, household.region_code)
    unknown = set(changes) - set(HOUSEHOLD_FIELDS)
    if unknown:
        raise ValueError(f"unknown household fields {sorted(unknown)}")
    household = Household.objects.select_for_update().get(pk=household.pk)
    before = _snapshot(household, HOUSEHOLD_FIELDS) | {
        "phone": household.phone_masked,
        "bank_account": household.bank_account_masked,
    }
    old_account = household.bank_account
    for name, value in changes.items():
        setattr(household, name, value)
    _set_contact(household, phone=phone, bank_account=bank_account)
    household.full_clean()
    after = _snapshot(household, HOUSEHOLD_FIELDS) | {
        "phone": household.phone_masked,
        "bank_account": household.bank_account_masked,
    }
    old, new = _diff(before, after)
    # Compared in the clear: a new account may end in the same four digits as the old one.
    account_changed = bank_account is not None and household.bank_account != old_account
    if not new and not account_changed:
        return household
    household.save()
    if account_changed:
        from jiuzhu.registry.hooks import bank_account_changed

        bank_account_changed(household=household, actor=actor)
    _household_changed(household, actor)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="household",
        object_id=household.pk,
        region_code=household.region_code,
        summary=_("修改家庭 %(n)s") % {"n": household.number},
        before=old,
        after=new,
    )
    return household


@transaction.atomic
def person_add(*, actor: User, household: Household, member: MemberInput) -> Person:
    _require(actor, Capability.EDIT_REGISTRY)
    require_scope(actor, household.region_code)
    if member.relation == Relation.SELF and household.members.filter(relation=Relation.SELF).exists():
        raise ValidationError({"relation": _("本户已有户主")})
    _check_secrets(member.fields)
    person = Person(household=household, region_code=household.region_code, relation=member.relation, **member.fields)
    _set_name(person, member.name)
    _set_id_number(person, member.id_number, actor=actor)
    person.full_clean()
    person.save()
    _refresh_head_name(household)
    _household_changed(household, actor)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="person",
        object_id=person.pk,
        region_code=household.region_code,
        summary=_("户 %(n)s 增加成员 %(p)s") % {"n": household.number, "p": person.name},
        after={"household": household.number, "name": person.name, "id": person.id_masked},
    )
    return person


@transaction.atomic
def person_update(*, actor: User, person: Person, id_number: str | None = None, **changes: Any) -> Person:
    _require(actor, Capability.EDIT_REGISTRY)
    require_scope(actor, person.household.region_code)
    unknown = set(changes) - set(PERSON_FIELDS)
    if unknown:
        raise ValueError(f"unknown person fields {sorted(unknown)}")
    person = Person.objects.select_for_update().select_related("household").get(pk=person.pk)
    becomes_head = changes.get("relation") == Relation.SELF and person.relation != Relation.SELF
    if becomes_head and person.household.members.filter(relation=Relation.SELF).exclude(pk=person.pk).exists():
        raise ValidationError({"relation": _("本户已有户主，请先修改原户主的关系")})
    before = _snapshot(person, PERSON_FIELDS) | {"id_number": person.id_masked}
    _check_secrets(changes)
    for name, value in changes.items():
        if name == "name":
            _set_name(person, value)
        else:
            setattr(person, name, value)
    if id_number is not None:
        _set_id_number(person, id_number, actor=actor)
    if person.date_of_death and person.date_of_death > timezone.localdate():
        raise ValidationError({"date_of_death": _("死亡日期不能晚于今天")})
    if person.date_of_death and person.date_of_death < person.birth_date:
        raise ValidationError({"date_of_death": _("死亡日期不能早于出生日期")})
    person.full_clean()
    after = _snapshot(person, PERSON_FIELDS) | {"id_number": person.id_masked}
    old, new = _diff(before, after)
    if not new:
        return person
    person.save()
    _refresh_head_name(person.household)
    if before["date_of_death"] is None and person.date_of_death is not None:
        # Higher apps react through the hook (cases: a re-check within 3 months, [57] art. 30).
        from jiuzhu.registry.hooks import death_recorded

        death_recorded(person=person, actor=actor, on=timezone.localdate())
    _household_changed(person.household, actor)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="person",
        object_id=person.pk,
        region_code=person.household.region_code,
        summary=_("修改成员 %(p)s（户 %(n)s）") % {"p": person.name, "n": person.household.number},
        before=old,
        after=new,
    )
    return person


REVEALABLE = {
    ("person", "id_number"): lambda obj: obj.id_number,
    ("person", "disability_cert"): lambda obj: obj.disability_cert,
    ("household", "phone"): lambda obj: obj.phone,
    ("household", "bank_account"): lambda obj: obj.bank_account,
}
# What the audit log calls each revealed field.
REVEALABLE_LABELS = {
    "id_number": _lazy("身份证号"),
    "disability_cert": _lazy("残疾证号"),
    "phone": _lazy("联系电话"),
    "bank_account": _lazy("银行账号"),
}


@transaction.atomic
def pii_reveal(*, actor: User, obj: Household | Person, field_name: str) -> str:
    """The value in full, for a user granted it; every reveal is in the audit log."""
    kind = "person" if isinstance(obj, Person) else "household"
    region_code = obj.household.region_code if isinstance(obj, Person) else obj.region_code
    require_scope(actor, region_code)
    if not actor.can_reveal_pii:
        raise PermissionDenied(_("您没有查看完整个人信息的权限"))
    getter: Callable[[Any], str] = REVEALABLE[(kind, field_name)]
    value = getter(obj)
    audit_record(
        actor=actor,
        action=AuditAction.REVEAL,
        object_type=kind,
        object_id=obj.pk,
        region_code=region_code,
        summary=_("查看完整%(f)s：%(o)s") % {"f": REVEALABLE_LABELS[field_name], "o": str(obj)},
    )
    return value


# ---------------------------------------------------------------------------------------------------------
# The bulk path, shared by the importer and the demo: frames in, COPY/executemany out, one audit entry.

HOUSEHOLD_FRAME = {
    "number": pl.String, "region_id": pl.Int64, "region_code": pl.String, "area": pl.String,
    "address": pl.String, "phone": pl.String, "bank_name": pl.String, "bank_account": pl.String,
    "deposits": pl.String, "vehicles": pl.Int64, "disability_vehicle": pl.Boolean, "homes": pl.Int64,
    "business": pl.Boolean,
}  # fmt: skip
PERSON_FRAME = {
    "household_number": pl.String, "name": pl.String, "id_number": pl.String, "birth_date": pl.Date,
    "sex": pl.String, "relation": pl.String, "disability_kind": pl.String, "disability_grade": pl.Int64,
    "disability_cert": pl.String, "serious_illness": pl.Boolean, "illness_name": pl.String, "labor": pl.String,
    "adl_impossible": pl.Int64, "student": pl.Boolean, "employment": pl.String, "supporter": pl.String,
    "orphan": pl.String, "institution": pl.Boolean, "date_of_death": pl.Date,
    "income_wage": pl.String, "income_business": pl.String, "income_property": pl.String,
    "income_transfer": pl.String, "income_other": pl.String, "income_exempt": pl.String,
    "rigid_medical": pl.String, "rigid_rehab": pl.String,
}  # fmt: skip


def _encrypt_column(values: list[str | None]) -> list[str]:
    return pii.encrypt_many([v or "" for v in values])


def _batch_step(progress: Callable[[str, int, int], None] | None, step: str, done: int, total: int) -> None:
    if progress is not None:
        progress(step, done, total)


def households_bulk_create(
    *,
    actor: User | str,
    households: pl.DataFrame,
    persons: pl.DataFrame,
    source: str,
    progress: Callable[[str, int, int], None] | None = None,
    write_chunk: int | None = None,
    id_hashes: pii.KeyedHashes | None = None,
) -> tuple[int, int]:
    """Insert already-validated households and persons (frames shaped as HOUSEHOLD_FRAME and PERSON_FRAME;
    ID numbers normalised to 18 digits). Encrypts, hashes, masks and indexes pinyin in bulk.

    All or nothing, and short: the rows are built completely (encryption, hashes, pinyin: most of the time)
    before any transaction opens. On PostgreSQL one transaction then takes the ids and inserts: other writers
    do not wait for it. On SQLite, where one writer holds the whole database, a large file is written in
    transactions of about `write_chunk` persons (default: the JIUZHU_IMPORT_WRITE_CHUNK setting; 0 writes one
    transaction), whole households each, so that another clerk's edit waits for one chunk, not for the file;
    should a chunk fail, the chunks already written are deleted again before the error goes up (see
    _write_in_chunks). `id_hashes`: the persons' lookup hashes as the caller computed them (an import's
    duplicate check), parallel to `persons`; taken instead of computing them again while still under the
    current key (pii.seal_many)."""
    if isinstance(actor, User):
        _require(actor, Capability.IMPORT_REGISTRY)
        prefix = actor.scope_prefix or "-"
        outside = households.filter(~pl.col("region_code").str.starts_with(prefix)).height
        if outside:
            raise PermissionDenied(_("有 %(n)d 户不在您的管辖范围内") % {"n": outside})
    households = households.select([pl.col(c).cast(t) for c, t in HOUSEHOLD_FRAME.items()])
    persons = persons.select([pl.col(c).cast(t) for c, t in PERSON_FRAME.items()])
    now = timezone.now()
    hh_rows = _household_rows(households, persons, now)
    region_of = hh_rows.select("number", "region_code")
    if write_chunk is None:
        write_chunk = settings.JIUZHU_IMPORT_WRITE_CHUNK if connection.vendor == "sqlite" else 0
    if write_chunk and persons.height > write_chunk:
        p_rows = _person_rows(persons, region_of, now, id_hashes)
        return _write_in_chunks(actor, hh_rows, p_rows, source=source, progress=progress, chunk=write_chunk)
    # The persons' rows (their ID numbers sealed, their names spelt: seconds of this process at a million) are
    # built by a second thread while the database writes the households, and wait there for them. Neither the
    # transaction nor the file's work grows: the write of the households takes longer than those rows (a
    # province: 16 s against 5 s), and the thread touches no database.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-persons") as pool:
        building = pool.submit(_person_rows, persons, region_of, now, id_hashes)
        with transaction.atomic():
            return _write_bulk(actor, hh_rows, building.result, persons.height, source=source, progress=progress)


def _household_rows(households: pl.DataFrame, persons: pl.DataFrame, now: Any) -> pl.DataFrame:
    heads = persons.filter(pl.col("relation") == Relation.SELF).select(
        pl.col("household_number").alias("number"), pl.col("name").alias("head_name")
    )
    hh = households.join(heads, on="number", how="left")
    phones = hh["phone"].to_list()
    accounts = hh["bank_account"].to_list()
    return hh.select(
        "number", "region_id", "region_code", "area", "address",
        pl.col("head_name").fill_null(""),
        pl.Series("phone_enc", _encrypt_column(phones)),
        pii.mask_phone_expr(pl.col("phone").fill_null("")).alias("phone_masked"),
        "bank_name",
        pl.Series("bank_account_enc", _encrypt_column(accounts)),
        pii.mask_account_expr(pl.col("bank_account").fill_null("")).alias("bank_account_masked"),
        "deposits", "vehicles", "disability_vehicle", "homes", "business",
        pl.lit("").alias("notes"),
        pl.lit(now).alias("created_at"), pl.lit(now).alias("updated_at"),
    )  # fmt: skip


def _person_rows(
    persons: pl.DataFrame, region_of: pl.DataFrame, now: Any, id_hashes: pii.KeyedHashes | None = None
) -> pl.DataFrame:
    persons = persons.with_columns(pl.col("disability_cert").fill_null("").str.strip_chars().str.to_uppercase())
    tokens, hashes = pii.seal_many(persons["id_number"].to_list(), known=id_hashes)  # under one key
    keys = name_keys_bulk(persons["name"])
    p = persons.join(region_of, left_on="household_number", right_on="number", how="left", maintain_order="left")
    missing = p.filter(pl.col("region_code").is_null()).height
    if missing:
        raise ValidationError(_("有 %(n)d 名成员找不到所属家庭") % {"n": missing})
    return p.select(
        "household_number", "region_code", "name",
        keys["name_initials"],
        keys["name_pinyin"],
        pl.Series("id_number_enc", tokens, pl.String),
        pl.Series("id_number_hash", hashes, pl.String),
        pii.mask_id_expr(pl.col("id_number")).alias("id_masked"),
        "birth_date", "sex", "relation",
        pl.col("disability_kind").fill_null(""), "disability_grade",
        pl.Series("disability_cert_enc", _encrypt_column(persons["disability_cert"].to_list())),
        pii.mask_id_expr(pl.col("disability_cert")).alias("disability_cert_masked"),
        "serious_illness", pl.col("illness_name").fill_null(""), "labor", "adl_impossible", "student",
        "employment", "supporter", "orphan", "institution",
        pl.lit(False).alias("prefers_dibao"), pl.lit(False).alias("excluded"), pl.lit("").alias("excluded_reason"),
        "date_of_death",
        "income_wage", "income_business", "income_property", "income_transfer", "income_other",
        "income_exempt", "rigid_medical", "rigid_rehab",
        pl.lit(now).alias("created_at"), pl.lit(now).alias("updated_at"),
    )  # fmt: skip


def _write_bulk(
    actor: User | str,
    hh_rows: pl.DataFrame,
    p_rows: Callable[[], pl.DataFrame],
    n_persons: int,
    *,
    source: str,
    progress: Callable[[str, int, int], None] | None,
) -> tuple[int, int]:
    """The transaction's part: hold the villages' number series, take ids, insert, audit. `p_rows` gives the
    persons' rows, of which there are `n_persons`, once the households are written (they may still be in the
    making until then)."""
    total = hh_rows.height + n_persons
    _hold_numbers(hh_rows)
    _insert(hh_rows, p_rows, lambda table, done: _batch_step(progress, table, done, total))
    _audit_import(actor, hh_rows, n_persons, source=source)
    return hh_rows.height, n_persons


def _hold_numbers(hh_rows: pl.DataFrame) -> None:
    serials = (
        hh_rows.filter(pl.col("number").str.contains(r"^\d{17}$"))
        .group_by(pl.col("number").str.slice(0, 12).alias("village"))
        .agg(pl.col("number").str.slice(12).cast(pl.Int64).max().alias("serial"))
    )
    counters_raise(kind="household", highest=dict(serials.iter_rows()))


def _insert(
    hh_rows: pl.DataFrame, persons: pl.DataFrame | Callable[[], pl.DataFrame], step: Callable[[str, int], None]
) -> list[int]:
    """Inserts the households and their persons inside the caller's transaction; the households' ids. `persons`:
    the persons' rows, or what gives them once the households are written."""
    ids = reserve_ids(Household, hh_rows.height)
    hh_rows = hh_rows.with_columns(id=pl.Series(ids, dtype=pl.Int64))
    bulk_insert(Household, hh_rows)
    step("households", hh_rows.height)
    p_rows = persons if isinstance(persons, pl.DataFrame) else persons()
    number_to_id = hh_rows.select("number", pl.col("id").alias("household_id"))
    p_rows = p_rows.join(number_to_id, left_on="household_number", right_on="number", how="left").drop(
        "household_number"
    )
    bulk_insert(Person, p_rows)
    step("persons", hh_rows.height + p_rows.height)
    return ids


_CHUNK_PAUSE = 0.15  # seconds between two chunks of an import (_write_in_chunks)


def _write_in_chunks(
    actor: User | str,
    hh_rows: pl.DataFrame,
    p_rows: pl.DataFrame,
    *,
    source: str,
    progress: Callable[[str, int, int], None] | None,
    chunk: int,
) -> tuple[int, int]:
    """The file in transactions of about `chunk` persons (whole households), so that SQLite's one write lock
    passes to other writers between them. Every row was checked before (household_import validates the whole
    file first), so what can still fail here is the database: someone registered one of these people or
    numbers meanwhile (IntegrityError), the disk, the process. Then the households already committed are
    deleted, in short transactions too, and the error goes up: the import as a whole wrote nothing, as the
    importer promises. Meanwhile the chunks written are visible, as households a clerk registers one by one
    are; the import's audit entry is written with the last chunk. Not covered: a process killed between two
    chunks leaves the chunks before it in place (no audit entry yet; their rows share one created_at), and
    importing the file again then reports those people as already registered."""
    total = hh_rows.height + p_rows.height
    per_household = p_rows.group_by("household_number").len()
    parts = (
        hh_rows.join(per_household, left_on="number", right_on="household_number", how="left", maintain_order="left")
        .with_columns(pl.col("len").fill_null(0))
        .with_columns(_part=((pl.col("len").cum_sum() - pl.col("len")) // chunk).cast(pl.Int64))
    )
    part_of = parts.select("number", "_part")
    persons_by_part = p_rows.join(part_of, left_on="household_number", right_on="number", how="left").partition_by(
        "_part", as_dict=True, include_key=False
    )
    with transaction.atomic():
        _hold_numbers(hh_rows)
    written: list[int] = []
    done = 0
    try:
        for (part,), households in parts.drop("len").partition_by("_part", as_dict=True, include_key=False).items():
            people = persons_by_part.get((part,), p_rows.clear())
            with transaction.atomic():
                ids = _insert(households, people, lambda _t, _n: None)
                if done + households.height + people.height >= total:
                    _audit_import(actor, hh_rows, p_rows.height, source=source)
            written += ids
            done += households.height + people.height
            _batch_step(progress, "persons", done, total)
            if done < total:
                # SQLite queues no one: a waiting writer's busy handler retries after sleeping up to 100 ms, and
                # without this pause the next chunk would take the lock again before it wakes.
                time.sleep(_CHUNK_PAUSE)
    except BaseException:
        _undo_written(actor, written, source=source, region_code=_import_region(hh_rows))
        raise
    return hh_rows.height, p_rows.height


def _undo_written(actor: User | str, ids: list[int], *, source: str, region_code: str) -> None:
    """Deletes the households of a chunked import that failed (and their persons), chunk by chunk."""
    step = 2_000
    for start in range(0, len(ids), step):
        part = ids[start : start + step]
        with transaction.atomic():
            Person.objects.filter(household_id__in=part).delete()
            Household.objects.filter(id__in=part).delete()
    if ids:
        audit_record(
            actor=actor,
            action=AuditAction.DELETE,
            object_type="household",
            region_code=region_code,
            summary=_("批量导入中途失败，已撤销已写入的 %(h)d 户：%(s)s") % {"h": len(ids), "s": source},
            after={"households": len(ids), "source": source},
        )


def _import_region(hh_rows: pl.DataFrame) -> str:
    if not hh_rows.height:
        return ""
    codes = hh_rows["region_code"]
    return common_region_code(codes.min(), codes.max())  # type: ignore[arg-type]


def _audit_import(actor: User | str, hh_rows: pl.DataFrame, persons: int, *, source: str) -> None:
    audit_record(
        actor=actor,
        action=AuditAction.IMPORT,
        object_type="household",
        region_code=_import_region(hh_rows),
        summary=_("批量导入 %(h)d 户 %(p)d 人：%(s)s") % {"h": hh_rows.height, "p": persons, "s": source},
        after={"households": hh_rows.height, "persons": persons, "source": source},
    )


def common_region_code(a: str, b: str) -> str:
    """The 12-digit code of the smallest region holding both codes (a county for villages of two of its
    townships): an import spanning several townships is audited where the county's auditor looks, not
    under a string prefix that is no region at all. "" when they share no province."""
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    level = max((length for length in PREFIX_LENGTH.values() if length <= n), default=0)
    return a[:level].ljust(12, "0") if level else ""
