import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop_app.core.domain import normalize
from desktop_app.core.domain.errors import ValidationError
from desktop_app.core.domain.fields import Field, FieldType, clean_values


@pytest.mark.parametrize(
    "text",
    ["2023-03-05", "2023/3/5", "2023.3.5", "2023年3月5日", "２０２３－０３－０５", " 2023-3-5 ", "20230305", 44990],
)
def test_every_date_format_people_type(text):
    assert normalize.parse_date(text) == dt.date(2023, 3, 5)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2023-02-30", "不存在"),
        ("3/5/2023", "格式"),
        ("1800-01-01", "1900"),
        ("明天", "格式"),
    ],
)
def test_bad_dates_say_why(text, reason):
    with pytest.raises(ValueError, match=reason):
        normalize.parse_date(text)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("200", Decimal("200.00")),
        ("1,200.5元", Decimal("1200.50")),
        (150, Decimal("150.00")),
        (0.1, Decimal("0.10")),
        ("¥ 88.88", Decimal("88.88")),
        (Decimal("3"), Decimal("3.00")),
    ],
)
def test_money_is_decimal_yuan(value, expected):
    result = normalize.parse_money(value)
    assert result == expected
    assert isinstance(result, Decimal)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("-5", "负数"),
        ("1.234", "两位小数"),
        ("abc", "数字"),
        ("NaN", "数字"),
        ("99999999999", "过大"),
    ],
)
def test_bad_money_is_refused(value, reason):
    with pytest.raises(ValueError, match=reason):
        normalize.parse_money(value)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 13812345678", "13812345678"),
        ("021-64361234", "02164361234"),
        ("１３８１２３４５６７８", "13812345678"),
    ],
)
def test_phones_are_normalised(raw, expected):
    assert normalize.normalize_phone(raw) == expected


def test_id_number_check_digit_gb11643():
    # The standard's worked example: 11010519491231002X.
    assert normalize.normalize_id_number("11010519491231002x") == "11010519491231002X"
    with pytest.raises(ValueError, match="校验位"):
        normalize.normalize_id_number("110105194912310021")
    with pytest.raises(ValueError, match="出生日期"):
        normalize.normalize_id_number("110105194913310027")
    with pytest.raises(ValueError, match="18 位"):
        normalize.normalize_id_number("12345")


def test_control_characters_are_removed_and_lines_joined():
    assert normalize.clean_text("  张\x00三\n李四\t ") == "张三 李四"
    assert normalize.clean_text("第一行\r\n第二行\x07", multiline=True) == "第一行\n第二行"


SPECS = (
    Field("name", "姓名", FieldType.TEXT, required=True, max_length=10),
    Field("date", "日期", FieldType.DATE),
    Field("amount", "金额（元）", FieldType.MONEY),
)


def test_validation_error_names_every_bad_field_in_chinese():
    with pytest.raises(ValidationError) as info:
        clean_values(SPECS, {"name": " ", "date": "2023-13-01", "amount": "-1"})
    assert set(info.value.errors) == {"name", "date", "amount"}
    message = str(info.value)
    assert "姓名：必须填写" in message
    assert "日期：" in message
    assert "金额（元）：金额不能为负数" in message


@given(st.text(max_size=40))
def test_free_text_is_either_clean_or_a_named_error(text):
    try:
        cleaned = clean_values(SPECS, {"name": text})
    except ValidationError as exc:
        assert set(exc.errors) == {"name"}
        return
    name = cleaned["name"]
    assert 0 < len(name) <= 10
    assert name == name.strip()
    assert not any(ord(ch) < 32 for ch in name)


@given(
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)),
    st.sampled_from(
        ["{:%Y-%m-%d}", "{d.year}/{d.month}/{d.day}", "{d.year}.{d.month}.{d.day}", "{d.year}年{d.month}月{d.day}日"]
    ),
)
def test_any_date_written_any_supported_way_round_trips(day, pattern):
    text = pattern.format(day, d=day)
    assert normalize.parse_date(text) == day


@given(st.decimals(min_value=0, max_value=Decimal("9999999999.99"), places=2, allow_nan=False))
def test_any_two_place_amount_round_trips_through_text(amount):
    assert normalize.parse_money(str(amount)) == amount


@given(st.one_of(st.text(max_size=20), st.floats(), st.integers()))
def test_money_never_fails_other_than_with_a_reason(value):
    try:
        result = normalize.parse_money(value)
    except ValueError as exc:
        assert str(exc)
    else:
        assert result >= 0
        assert result == result.quantize(Decimal("0.01"))
