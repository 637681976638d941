"""Turning what people type (or what Excel holds) into clean values.

Each function returns the clean value or raises ValueError with a Chinese
reason; callers add the field, row and column.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation

MIN_DATE = dt.date(1900, 1, 1)
MAX_DATE = dt.date(2100, 12, 31)
MAX_MONEY = Decimal("9999999999.99")
EXCEL_EPOCH = dt.date(1899, 12, 30)

# Control characters, zero-width marks, and lone surrogates (bytes of another encoding that are not text:
# no file can store them, and writing one crashed the export).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\ufeff\ud800-\udfff]")
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def halfwidth(text: str) -> str:
    """Full-width digits, letters and punctuation to their ASCII forms (NFKC)."""
    return unicodedata.normalize("NFKC", text)


def clean_text(value: object, multiline: bool = False) -> str:
    """Strip, drop control characters; single-line text loses its line breaks."""
    text = "" if value is None else str(value)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not multiline:
        text = text.replace("\n", " ").replace("\t", " ")
    text = _CONTROL.sub("", text)
    if multiline:
        return "\n".join(line.rstrip() for line in text.strip().split("\n"))
    return " ".join(text.split())


def parse_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        result = value.date()
    elif isinstance(value, dt.date):
        result = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        # An Excel serial date.
        if not 1 <= value < 80000:
            raise ValueError("不是有效的日期")
        result = EXCEL_EPOCH + dt.timedelta(days=int(value))
    else:
        text = halfwidth(clean_text(value)).replace(" ", "")
        for pattern in _DATE_PATTERNS:
            match = pattern.match(text)
            if match:
                year, month, day = (int(part) for part in match.groups())
                try:
                    result = dt.date(year, month, day)
                except ValueError:
                    raise ValueError(f"日期“{text}”不存在") from None
                break
        else:
            raise ValueError("日期格式应为 2023-03-05、2023/3/5、2023.3.5 或 2023年3月5日")
    if not MIN_DATE <= result <= MAX_DATE:
        raise ValueError("日期应在 1900 年至 2100 年之间")
    return result


def parse_time(value: object) -> dt.time:
    if isinstance(value, dt.time):
        return value.replace(second=0, microsecond=0)
    text = halfwidth(clean_text(value)).replace("：", ":")
    match = re.match(r"^(\d{1,2})[:点]?(\d{2})分?$", text)
    if not match:
        raise ValueError("时间格式应为 14:30")
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise ValueError("时间不存在")
    return dt.time(hour, minute)


def parse_money(value: object) -> Decimal:
    """Yuan as Decimal with at most two decimals; never via float arithmetic."""
    if isinstance(value, bool):
        raise ValueError("金额应为数字")
    if isinstance(value, Decimal):
        amount = value
    elif isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, float):
        amount = Decimal(repr(value))
    else:
        text = halfwidth(clean_text(value)).replace(",", "").replace("元", "").replace("¥", "").strip()
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValueError("金额应为数字，例如 200 或 150.50") from None
    if not amount.is_finite():
        raise ValueError("金额应为数字")
    if amount < 0:
        raise ValueError("金额不能为负数")
    if amount > MAX_MONEY:
        raise ValueError("金额过大")
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError("金额最多保留两位小数")
    return amount.quantize(Decimal("0.01"))


def parse_count(value: object) -> int:
    if isinstance(value, bool):
        raise ValueError("应为整数")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    else:
        text = halfwidth(clean_text(value))
        if not re.fullmatch(r"\d{1,9}", text):
            raise ValueError("应为不小于 0 的整数")
        number = int(text)
    if number < 0:
        raise ValueError("不能为负数")
    return number


def normalize_phone(value: object) -> str:
    text = halfwidth(clean_text(value))
    text = re.sub(r"[\s\-()（）]", "", text)
    if text.startswith("+86"):
        text = text[3:]
    if not text.isdigit():
        raise ValueError("电话号码只能包含数字、空格和短横线")
    if len(text) == 11 and text.startswith("1"):
        return text
    if 7 <= len(text) <= 12 and not text.startswith("1"):
        return text
    raise ValueError("手机号应为 11 位，座机应为 7 至 12 位数字")


def id_check_digit(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def normalize_id_number(value: object) -> str:
    """An 18-digit 公民身份号码, verified by the GB 11643 check digit."""
    text = halfwidth(clean_text(value)).replace(" ", "").upper()
    if not re.fullmatch(r"\d{17}[\dX]", text):
        raise ValueError("身份证号应为 18 位（最后一位可以是 X）")
    try:
        dt.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        raise ValueError("身份证号中的出生日期不存在") from None
    if id_check_digit(text[:17]) != text[17]:
        raise ValueError("身份证号校验位不正确，请核对")
    return text


def id_birth_date(id_number: str) -> dt.date:
    """The birth date a valid 18-digit ID number carries."""
    return dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def id_is_male(id_number: str) -> bool:
    """The 17th digit of an ID number is odd for men and even for women (GB 11643)."""
    return int(id_number[16]) % 2 == 1
