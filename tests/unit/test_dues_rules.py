"""The 党费 standard's test vectors, every bracket bound on both sides."""

from decimal import ROUND_HALF_EVEN, Decimal

import pytest

from desktop_app.core.domain.dues import monthly_dues
from desktop_app.core.domain.enums import DuesCategory
from desktop_app.core.domain.errors import AppError

E, R = DuesCategory.EMPLOYED, DuesCategory.RETIRED


@pytest.mark.parametrize(
    ("category", "base", "dues"),
    [
        (E, "0", "0.00"),
        (E, "3000.00", "15.00"),
        (E, "3000.01", "30.00"),
        (E, "5000.00", "50.00"),
        (E, "5000.01", "75.00"),
        (E, "10000.00", "150.00"),
        (E, "10000.01", "200.00"),
        (E, "2999.99", "15.00"),
        (E, "4321.50", "43.22"),  # 43.215 rounds half up
        (R, "5000.00", "25.00"),
        (R, "5000.01", "50.00"),
        (R, "3200.00", "16.00"),
    ],
)
def test_brackets_each_bound_in_the_lower_one(category, base, dues):
    assert monthly_dues(category, Decimal(base)) == Decimal(dues)


@pytest.mark.parametrize(
    "category",
    [DuesCategory.STUDENT, DuesCategory.UNEMPLOYED, DuesCategory.RELIEF, DuesCategory.MINIMUM_LIVING],
)
@pytest.mark.parametrize("base", [None, "0", "12000"])
def test_fixed_categories_pay_twenty_fen_whatever_the_income(category, base):
    assert monthly_dues(category, None if base is None else Decimal(base)) == Decimal("0.20")


def test_farmers_pay_what_the_branch_set_within_the_range():
    assert monthly_dues(DuesCategory.FARMER, farmer_amount=Decimal("0.5")) == Decimal("0.50")
    for outside in (None, Decimal("0.10"), Decimal("1.01")):
        with pytest.raises(AppError, match=r"0\.20–1\.00"):
            monthly_dues(DuesCategory.FARMER, farmer_amount=outside)


def test_members_paying_at_their_work_owe_nothing_here():
    assert monthly_dues(DuesCategory.PAYS_AT_WORK, Decimal("8000")) == Decimal("0.00")


def test_a_base_is_needed_for_income_brackets_and_rounding_is_a_setting():
    with pytest.raises(AppError, match="基数"):
        monthly_dues(E, None)
    assert monthly_dues(E, Decimal("4321.50"), rounding=ROUND_HALF_EVEN) == Decimal("43.22")
    assert monthly_dues(E, Decimal("4322.50"), rounding=ROUND_HALF_EVEN) == Decimal("43.22")  # 43.225 to even
    assert monthly_dues(E, Decimal("4322.50")) == Decimal("43.23")


def test_the_months_of_each_12_bit_number_are_its_set_bits_from_january():
    from desktop_app.core.reads.dues import MONTHS_OF_BITS

    assert len(MONTHS_OF_BITS) == 4096
    tested_bit_by_bit = [tuple(m for m in range(1, 13) if bits >> (m - 1) & 1) for bits in range(4096)]
    assert tested_bit_by_bit == MONTHS_OF_BITS
    assert MONTHS_OF_BITS[0b100000000101] == (1, 3, 12)
