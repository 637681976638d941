"""党费: a member's monthly dues by the standard, in one table.

中组发〔2008〕3号《关于中国共产党党费收缴、使用和管理的规定》sets the brackets for members in work (on monthly
pay after tax) and the fixed 0.20 元 for students, the unemployed, those living on 抚恤 or 救济, and 低保;
组电明字〔2017〕5号 sets the brackets for retirees (on the basic pension, without allowances). Each bound
belongs to the lower bracket. A change of the standard is one edit here, and its test vectors.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP, Decimal

from desktop_app.core.domain.enums import DuesCategory
from desktop_app.core.domain.errors import AppError

FEN = Decimal("0.01")
FIXED_AMOUNT = Decimal("0.20")
FARMER_RANGE = (Decimal("0.20"), Decimal("1.00"))  # the branch sets the amount within it
VOLUNTARY_FORWARDED = Decimal("1000")  # a one-off 自愿多交 of this much or more is forwarded in full
CATCH_UP_MONTHS = 6  # 补缴 reaches at most this many months back

# The documents do not say how to round to the fen: half up unless the branch (or its 上级党委) says otherwise.
ROUNDINGS = {ROUND_HALF_UP: "四舍五入到分", ROUND_DOWN: "舍去分以下尾数", ROUND_UP: "分以下尾数进为一分"}
DEFAULT_ROUNDING = ROUND_HALF_UP


@dataclass(frozen=True)
class Bracket:
    up_to: Decimal | None  # inclusive; None: everything above the last bound
    rate: Decimal


# (brackets, the document that sets them)
RATES: dict[DuesCategory, tuple[tuple[Bracket, ...], str]] = {
    DuesCategory.EMPLOYED: (
        (
            Bracket(Decimal("3000"), Decimal("0.005")),
            Bracket(Decimal("5000"), Decimal("0.01")),
            Bracket(Decimal("10000"), Decimal("0.015")),
            Bracket(None, Decimal("0.02")),
        ),
        "中组发〔2008〕3号",
    ),
    DuesCategory.RETIRED: (
        (Bracket(Decimal("5000"), Decimal("0.005")), Bracket(None, Decimal("0.01"))),
        "组电明字〔2017〕5号",
    ),
}
FIXED_CATEGORIES = frozenset(
    {DuesCategory.STUDENT, DuesCategory.UNEMPLOYED, DuesCategory.RELIEF, DuesCategory.MINIMUM_LIVING}
)


def rate_for(category: DuesCategory, base: Decimal) -> Decimal:
    brackets, _ = RATES[category]
    return next(b.rate for b in brackets if b.up_to is None or base <= b.up_to)


def monthly_dues(
    category: DuesCategory,
    base: Decimal | None = None,
    farmer_amount: Decimal | None = None,
    rounding: str = DEFAULT_ROUNDING,
) -> Decimal:
    """The dues of one month, rounded to the fen (half up unless 设置 says otherwise)."""
    if category is DuesCategory.PAYS_AT_WORK:
        return Decimal("0.00")
    if category in FIXED_CATEGORIES:
        return FIXED_AMOUNT
    if category is DuesCategory.FARMER:
        low, high = FARMER_RANGE
        if farmer_amount is None or not low <= farmer_amount <= high:
            raise AppError(f"农民党员的党费由支部在 {low}–{high} 元之间确定，请填写这个数额。")
        return farmer_amount.quantize(FEN, rounding=rounding)
    if base is None or base < 0:
        raise AppError(f"{category.label}党员需要填写计算党费的月收入基数（不能为负）。")
    return (base * rate_for(category, base)).quantize(FEN, rounding=rounding)
