"""Parameter keys, their kinds, and resolution of (region, date) to one value per key.

Values travel as text (what the database and the YAML file hold) and become integers here: money in
fen, ratios and multiples in basis points (1.5 → 15000), percents in basis points of the whole (20 → 2000).
Integers keep the engine exact, so the explanation lines add up to the fen.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum

import polars as pl

from jiuzhu.policy.rules.i18n import gettext_noop


class Kind(StrEnum):
    MONEY = "money"  # 元, two decimals at most
    NUMBER = "number"  # a ratio, multiple or count of months, four decimals at most
    PERCENT = "percent"  # 20 means 20 %
    INTEGER = "integer"
    ROUNDING = "rounding"


class Rounding(StrEnum):
    CEIL_YUAN = "ceil_yuan"
    ROUND_YUAN = "round_yuan"
    FEN = "fen"


# How the settings page names a rounding mode; the value stored and typed stays the code.
ROUNDING_LABELS = {
    Rounding.CEIL_YUAN: gettext_noop("向上取整到元"),
    Rounding.ROUND_YUAN: gettext_noop("四舍五入到元"),
    Rounding.FEN: gettext_noop("保留到分"),
}


@dataclass(frozen=True, slots=True)
class ParameterSpec:
    key: str
    kind: Kind
    label: str
    unit: str = ""


def _s(key: str, kind: Kind, label: str, unit: str = "") -> ParameterSpec:
    return ParameterSpec(key, kind, label, unit)


_M, _N, _P, _I = Kind.MONEY, Kind.NUMBER, Kind.PERCENT, Kind.INTEGER
PARAMETER_SPECS: dict[str, ParameterSpec] = {
    s.key: s
    for s in (
        _s("dibao.standard.urban", _M, gettext_noop("城市低保标准"), gettext_noop("元/人/月")),
        _s("dibao.standard.rural", _M, gettext_noop("农村低保标准"), gettext_noop("元/人/月")),
        _s("dibao.rounding", Kind.ROUNDING, gettext_noop("低保金取整方式")),
        _s("dibao.edge_ratio", _N, gettext_noop("低保边缘倍数"), gettext_noop("倍")),
        _s("dibao.job_cost_ratio", _N, gettext_noop("就业成本扣除比例"), gettext_noop("工资性收入的比例")),
        _s("dibao.assets.deposit_months", _N, gettext_noop("人均存款限额"), gettext_noop("个月低保标准")),
        _s("dibao.assets.max_homes", _I, gettext_noop("房产套数上限"), gettext_noop("套")),
        _s("dibao.classified.elderly70", _P, gettext_noop("分类施保：70周岁以上老年人"), gettext_noop("% 标准")),
        _s("dibao.classified.minor", _P, gettext_noop("分类施保：未成年人"), gettext_noop("% 标准")),
        _s("dibao.classified.disability_severe", _P, gettext_noop("分类施保：重度残疾人"), gettext_noop("% 标准")),
        _s("dibao.classified.serious_illness", _P, gettext_noop("分类施保：重病患者"), gettext_noop("% 标准")),
        _s("tekun.basic_ratio", _N, gettext_noop("特困基本生活标准"), gettext_noop("倍低保标准")),
        _s("tekun.care.self_sufficient", _M, gettext_noop("特困照料护理：生活自理"), gettext_noop("元/月")),
        _s("tekun.care.partly_dependent", _M, gettext_noop("特困照料护理：部分失能"), gettext_noop("元/月")),
        _s("tekun.care.fully_dependent", _M, gettext_noop("特困照料护理：完全失能"), gettext_noop("元/月")),
        _s(
            "tekun.care.partly_max_impossible",
            _I,
            gettext_noop("部分失能：不能完成的日常生活活动最多项数"),
            gettext_noop("项（六项中）"),
        ),
        _s("canji.shenghuo", _M, gettext_noop("困难残疾人生活补贴"), gettext_noop("元/人/月")),
        _s("canji.huli.grade1", _M, gettext_noop("重度残疾人护理补贴：一级"), gettext_noop("元/人/月")),
        _s("canji.huli.grade2", _M, gettext_noop("重度残疾人护理补贴：二级"), gettext_noop("元/人/月")),
        _s(
            "canji.huli.grade3_mental",
            _M,
            gettext_noop("重度残疾人护理补贴：三级智力、精神（0 为不覆盖）"),
            gettext_noop("元/人/月"),
        ),
        _s("gaoling.age80", _M, gettext_noop("高龄津贴：80—89周岁"), gettext_noop("元/人/月")),
        _s("gaoling.age90", _M, gettext_noop("高龄津贴：90—99周岁"), gettext_noop("元/人/月")),
        _s("gaoling.age100", _M, gettext_noop("高龄津贴：100周岁以上"), gettext_noop("元/人/月")),
        _s("laonian.amount", _M, gettext_noop("经济困难老年人补贴"), gettext_noop("元/人/月")),
        _s("ertong.orphan_institution", _M, gettext_noop("孤儿基本生活费：机构养育"), gettext_noop("元/人/月")),
        _s("ertong.orphan_dispersed", _M, gettext_noop("孤儿基本生活费：社会散居"), gettext_noop("元/人/月")),
        _s("ertong.defacto", _M, gettext_noop("事实无人抚养儿童基本生活费"), gettext_noop("元/人/月")),
        _s("linshi.cap_months", _N, gettext_noop("临时救助上限"), gettext_noop("个月低保标准/人")),
        _s("yiliao.ratio.tekun", _N, gettext_noop("医疗救助比例：特困"), gettext_noop("比例")),
        _s("yiliao.ratio.dibao", _N, gettext_noop("医疗救助比例：低保"), gettext_noop("比例")),
        _s("yiliao.ratio.edge", _N, gettext_noop("医疗救助比例：低保边缘"), gettext_noop("比例")),
        _s("yiliao.deductible", _M, gettext_noop("医疗救助起付线"), gettext_noop("元/年")),
        _s("yiliao.annual_cap", _M, gettext_noop("医疗救助年度限额"), gettext_noop("元/年")),
        _s("jiage.cpi_trigger", _P, gettext_noop("价格补贴启动条件：CPI同比涨幅"), gettext_noop("%")),
        _s("jiage.food_cpi_trigger", _P, gettext_noop("价格补贴启动条件：食品CPI同比涨幅"), gettext_noop("%")),
        _s("weiwen.dibao_urban", _M, gettext_noop("春节慰问金：城市低保"), gettext_noop("元/人")),
        _s("weiwen.dibao_rural", _M, gettext_noop("春节慰问金：农村低保"), gettext_noop("元/人")),
        _s("weiwen.tekun", _M, gettext_noop("春节慰问金：特困"), gettext_noop("元/人")),
        # The procedure's numbers (cases): deadlines in working days unless marked, review intervals in months.
        _s("case.days.accept", _I, gettext_noop("办理时限：受理（材料齐全）"), gettext_noop("个工作日")),
        _s("case.days.supplement", _I, gettext_noop("办理时限：申请人补正材料"), gettext_noop("个工作日")),
        _s("case.days.investigation_start", _I, gettext_noop("办理时限：启动入户调查"), gettext_noop("个工作日")),
        _s("case.days.check_start", _I, gettext_noop("办理时限：启动经济状况核对"), gettext_noop("个工作日")),
        _s("case.days.notice", _I, gettext_noop("办理时限：公示期"), gettext_noop("天（自然日）")),
        _s("case.days.county", _I, gettext_noop("办理时限：县级审核确认"), gettext_noop("个工作日")),
        _s("case.days.refusal_notice", _I, gettext_noop("办理时限：不予确认书面告知"), gettext_noop("个工作日")),
        _s("case.days.overall", _I, gettext_noop("办理时限：全流程"), gettext_noop("个工作日")),
        _s(
            "case.days.overall_delegated",
            _I,
            gettext_noop("办理时限：全流程（委托乡镇审核确认）"),
            gettext_noop("个工作日"),
        ),
        _s(
            "case.days.overall_extended",
            _I,
            gettext_noop("办理时限：全流程（有异议、人户分离等）"),
            gettext_noop("个工作日"),
        ),
        _s("case.days.tekun_township", _I, gettext_noop("办理时限：特困乡镇审核"), gettext_noop("个工作日")),
        _s(
            "case.days.linshi_paperwork", _I, gettext_noop("办理时限：急难型先行救助补办手续"), gettext_noop("个工作日")
        ),
        _s("case.delegated_confirmation", _I, gettext_noop("审核确认权委托乡镇（1 是，0 否）"), gettext_noop("1/0")),
        _s("case.money.linshi_township_cap", _M, gettext_noop("乡镇急难型临时救助审批额度"), gettext_noop("元")),
        _s("review.months.stable", _I, gettext_noop("定期复核间隔：收入稳定"), gettext_noop("个月")),
        _s("review.months.irregular", _I, gettext_noop("定期复核间隔：收入不稳定且有劳动能力"), gettext_noop("个月")),
        _s("review.months.death", _I, gettext_noop("成员死亡后复核时限"), gettext_noop("个月")),
        _s("review.months.gradual_exit_max", _I, gettext_noop("渐退期上限"), gettext_noop("个月")),
        # Payments: how far back arrears are settled, and whether a recovery may take a month below zero.
        _s(
            "payments.recovery.allow_negative",
            _I,
            gettext_noop("扣回可使当月实发为负（1 是，0 否）"),
            gettext_noop("1/0"),
        ),
        _s("payments.arrears.window_months", _I, gettext_noop("补发、扣回的追溯期限"), gettext_noop("个月")),
        # One-off lines of the payroll: the month they are paid in, and the yearly 资助参保 amounts.
        _s("weiwen.month", _I, gettext_noop("春节慰问金发放月份"), gettext_noop("月（1–12）")),
        _s("zizhu_canbao.month", _I, gettext_noop("资助参保划拨月份"), gettext_noop("月（1–12）")),
        _s("zizhu_canbao.contribution", _M, gettext_noop("城乡居民医保个人缴费标准"), gettext_noop("元/人/年")),
        _s("zizhu_canbao.dibao_share", _P, gettext_noop("资助参保：低保对象资助比例"), gettext_noop("%")),
        # 价格临时补贴: the month's rises, entered by the county from the statistics bureau's figures.
        _s("jiage.cpi_yoy", _P, gettext_noop("价格联动：当月CPI同比涨幅"), gettext_noop("%")),
        _s("jiage.food_cpi_yoy", _P, gettext_noop("价格联动：当月食品CPI同比涨幅"), gettext_noop("%")),
        # Grievances (投诉举报): the working days from receipt to the answer, per kind.
        _s("grievance.days.complaint", _I, gettext_noop("投诉办理时限"), gettext_noop("个工作日")),
        _s("grievance.days.report", _I, gettext_noop("举报办理时限"), gettext_noop("个工作日")),
        _s("grievance.days.inquiry", _I, gettext_noop("咨询答复时限"), gettext_noop("个工作日")),
        _s("grievance.days.suggestion", _I, gettext_noop("意见建议答复时限"), gettext_noop("个工作日")),
        # Low-income monitoring (低收入人口动态监测): the line, the warning thresholds, the assessment cycle.
        _s("monitoring.poverty_line", _M, gettext_noop("监测：国家扶贫标准（2020年底）"), gettext_noop("元/人/年")),
        _s("monitoring.line_multiple", _N, gettext_noop("监测：收入线倍数"), gettext_noop("倍扶贫标准")),
        _s("monitoring.red.rigid_share", _P, gettext_noop("监测：红色预警刚性支出占收入比例"), gettext_noop("%")),
        _s("monitoring.rigid.share", _P, gettext_noop("刚性支出困难：刚性支出占家庭收入比例"), gettext_noop("%")),
        _s(
            "monitoring.rigid.average_income",
            _M,
            gettext_noop("刚性支出困难：当地居民人均可支配收入"),
            gettext_noop("元/人/年"),
        ),
        _s("monitoring.assessment_months", _I, gettext_noop("监测：风险消除评估周期"), gettext_noop("个月")),
        # The most one decision may grant, per programme: a typing error or a forged request beyond it is
        # refused (monthly programmes: per household and month; one-off ones: per grant).
        *(
            _s(f"case.money.cap.{code}", _M, label, unit)
            for code, label, unit in (
                ("dibao_urban", gettext_noop("确认金额上限：城市低保"), gettext_noop("元/户/月")),
                ("dibao_rural", gettext_noop("确认金额上限：农村低保"), gettext_noop("元/户/月")),
                ("tekun_central", gettext_noop("确认金额上限：特困集中供养"), gettext_noop("元/人/月")),
                ("tekun_dispersed", gettext_noop("确认金额上限：特困分散供养"), gettext_noop("元/人/月")),
                ("linshi", gettext_noop("确认金额上限：临时救助"), gettext_noop("元/次")),
                ("yiliao", gettext_noop("确认金额上限：医疗救助"), gettext_noop("元/次")),
                ("canji_shenghuo", gettext_noop("确认金额上限：困难残疾人生活补贴"), gettext_noop("元/人/月")),
                ("canji_huli", gettext_noop("确认金额上限：重度残疾人护理补贴"), gettext_noop("元/人/月")),
                ("gaoling", gettext_noop("确认金额上限：高龄津贴"), gettext_noop("元/人/月")),
                ("laonian_kunnan", gettext_noop("确认金额上限：经济困难老年人补贴"), gettext_noop("元/人/月")),
                ("ertong", gettext_noop("确认金额上限：困境儿童基本生活费"), gettext_noop("元/人/月")),
                ("weiwen", gettext_noop("确认金额上限：春节慰问金"), gettext_noop("元/次")),
                ("jiage_butie", gettext_noop("确认金额上限：价格临时补贴"), gettext_noop("元/人/月")),
            )
        ),
        # Cross-checks (matching): the findings' verification deadlines by severity, and the rules' thresholds.
        _s("matching.days.high", _I, gettext_noop("疑似问题核实时限：高"), gettext_noop("个工作日")),
        _s("matching.days.medium", _I, gettext_noop("疑似问题核实时限：中"), gettext_noop("个工作日")),
        _s("matching.days.low", _I, gettext_noop("疑似问题核实时限：低"), gettext_noop("个工作日")),
        _s("matching.elderly_age", _I, gettext_noop("比对规则：老年人年龄起点"), gettext_noop("周岁")),
        _s("matching.huli_max_grade", _I, gettext_noop("比对规则：享受护理补贴的最低残疾等级"), gettext_noop("级")),
        # Charity (慈善救助): the most one disbursement of each category may pay.
        _s("charity.cap.education", _M, gettext_noop("慈善单笔支出上限：助学"), gettext_noop("元")),
        _s("charity.cap.medical", _M, gettext_noop("慈善单笔支出上限：助医"), gettext_noop("元")),
        _s("charity.cap.elderly", _M, gettext_noop("慈善单笔支出上限：助老"), gettext_noop("元")),
        _s("charity.cap.disability", _M, gettext_noop("慈善单笔支出上限：助残"), gettext_noop("元")),
        _s("charity.cap.orphan", _M, gettext_noop("慈善单笔支出上限：助孤"), gettext_noop("元")),
        _s("charity.cap.disaster", _M, gettext_noop("慈善单笔支出上限：救灾"), gettext_noop("元")),
        _s("charity.cap.hardship", _M, gettext_noop("慈善单笔支出上限：临时困难"), gettext_noop("元")),
    )
}


# Column of a resolved parameter in the engine's frames.
def col(key: str) -> str:
    return f"p:{key}"


class ParameterError(ValueError):
    """A value that does not fit its key, or a key no region up the tree defines."""


# Every numeric parameter stays below this: a standard, a cap or a threshold of ten billion is a typing error.
_LIMIT = 10_000_000_000


def parse_value(key: str, raw: object) -> Decimal | str:
    """The canonical value of a key from text or a number; ParameterError says why it does not fit."""
    spec = PARAMETER_SPECS.get(key)
    if spec is None:
        raise ParameterError(f"未知参数：{key}")
    text = str(raw).strip()
    if spec.kind is Kind.ROUNDING:
        if text not in {r.value for r in Rounding}:
            raise ParameterError(f"{spec.label}只能是 ceil_yuan、round_yuan 或 fen，收到“{text}”")
        return text
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ParameterError(f"{spec.label}应为数字，收到“{text}”") from None
    if not value.is_finite() or value < 0:
        raise ParameterError(f"{spec.label}不能为负数或非数字，收到“{text}”")
    if value >= _LIMIT:  # an amount built on it must fit the money fields (12 digits, 2 decimals)
        raise ParameterError(f"{spec.label}超出可保存的范围（应小于 {_LIMIT:,}），收到“{text}”")
    places = {Kind.MONEY: 2, Kind.NUMBER: 4, Kind.PERCENT: 2, Kind.INTEGER: 0}[spec.kind]
    if value != value.quantize(Decimal(1).scaleb(-places)):
        raise ParameterError(f"{spec.label}最多保留 {places} 位小数，收到“{text}”")
    if key.endswith(".month") and not 1 <= value <= 12:
        raise ParameterError(f"{spec.label}应为 1 至 12，收到“{text}”")
    return value


def canonical_text(key: str, raw: object) -> str:
    value = parse_value(key, raw)
    return value if isinstance(value, str) else format(value.normalize(), "f")


def engine_value(key: str, raw: object) -> int | str:
    value = parse_value(key, raw)
    if isinstance(value, str):
        return value
    scale = {Kind.MONEY: 100, Kind.NUMBER: 10_000, Kind.PERCENT: 100, Kind.INTEGER: 1}[PARAMETER_SPECS[key].kind]
    return int(value * scale)


PARAMS_SCHEMA = {"prefix": pl.String, "key": pl.String, "value": pl.String, "effective_from": pl.Date}


def params_frame(rows: list[tuple[str, str, object, dt.date]]) -> pl.DataFrame:
    """(region prefix, key, value, effective_from) rows as the frame resolve() takes; "" is the root."""
    return pl.DataFrame([(p, k, str(v), d) for p, k, v, d in rows], schema=PARAMS_SCHEMA, orient="row")


def resolve(pairs: pl.DataFrame, params: pl.DataFrame, keys: list[str] | None = None) -> pl.DataFrame:
    """One row per distinct (region, date) of `pairs` with one column per key, in engine units.

    A household's value of a key is the value of the nearest region up its tree that has one in force
    on the date — a township without its own value uses the county's — and among that region's values
    the latest one in force. Resolution runs on distinct (region, date) pairs, a few thousand even for a
    province, so a million households cost one join afterwards.
    """
    keys = keys or list(PARAMETER_SPECS)
    region = pl.col("region")
    ancestors = (
        pairs.select("region", "date")
        .unique()
        .with_columns(
            prefix=pl.concat_list(pl.lit(""), *(region.str.slice(0, n) for n in (2, 4, 6, 9)), region).list.unique()
        )
        .explode("prefix")
        .with_columns(depth=pl.col("prefix").str.len_chars())
    )
    prepared = _prepared(params.filter(pl.col("key").is_in(keys)))
    chosen = (
        ancestors.join(prepared, on="prefix", how="inner")
        .filter(pl.col("effective_from") <= pl.col("date"))
        .sort(["depth", "effective_from"], descending=[True, True])
        .group_by("region", "date", "key", maintain_order=True)
        .first()
    )
    out = pairs.select("region", "date").unique()
    for kinds, value in ((True, "text"), (False, "units")):
        part = [k for k in keys if (PARAMETER_SPECS[k].kind is Kind.ROUNDING) is kinds]
        if not part:
            continue
        wide = chosen.filter(pl.col("key").is_in(part)).pivot(on="key", index=["region", "date"], values=value)
        out = out.join(wide, on=["region", "date"], how="left")
        dtype = pl.String if kinds else pl.Int64
        out = out.with_columns(
            (pl.col(k) if k in wide.columns else pl.lit(None)).cast(dtype).alias(col(k)) for k in part
        ).drop(k for k in part if k in out.columns)
    out = out.select("region", "date", *(col(k) for k in keys))
    nulls = out.null_count().row(0, named=True)
    for key in keys:
        if nulls[col(key)]:
            row = out.filter(pl.col(col(key)).is_null()).row(0, named=True)
            where = row["region"] or "（根）"
            label = PARAMETER_SPECS[key].label
            raise ParameterError(f"区划 {where} 在 {row['date']} 没有有效的参数 {key}（{label}）")
    return out


def _prepared(params: pl.DataFrame) -> pl.DataFrame:
    """Adds the engine-unit value of every row; parameter rows are few, so Python per row is fine."""
    units = [engine_value(k, v) for k, v in zip(params["key"], params["value"], strict=True)]
    return params.with_columns(
        units=pl.Series([u if isinstance(u, int) else None for u in units], dtype=pl.Int64),
        text=pl.Series([u if isinstance(u, str) else None for u in units], dtype=pl.String),
    )
