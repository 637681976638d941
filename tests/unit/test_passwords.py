"""The one judge of new passwords: zxcvbn's estimate plus the passwords Chinese users pick most."""

from __future__ import annotations

import pytest

from desktop_app.core.storage.passwords import (
    MIN_SCORE,
    WeakPasswordError,
    judge,
    own_words_of,
    require_strong,
)

COMMON = ["123", "123456", "a123456", "qq123456", "5201314", "woaini520", "woaini1314", "zhangwei", "wangfang88"]


@pytest.mark.parametrize("password", COMMON)
def test_common_chinese_passwords_are_refused_with_a_chinese_reason(password):
    verdict = judge(password)
    assert not verdict.acceptable
    assert verdict.score < MIN_SCORE
    assert any("\u4e00" <= ch <= "\u9fff" for ch in verdict.reason), verdict.reason
    with pytest.raises(WeakPasswordError, match="太容易被猜到"):
        require_strong(password)


def test_the_reason_names_what_a_guesser_tries_first():
    assert "常被用作密码的数字或拼音" in judge("woaini520").reason
    assert "连续的字母或数字" in judge("abcdef").reason
    assert "重复的字符" in judge("aaaaaaaaaaaa").reason


@pytest.mark.parametrize("password", ["woaini520", "康宁居民区2024", "abcdef", "Zhang1990"])
def test_the_reason_never_quotes_the_password(password):
    """The meter is on screen beside a masked field, and a script's weak password is logged as weak."""
    verdict = judge(password, own_words_of("康宁居民区"))
    for part in ("woaini", "康宁", "abc", "Zhang", "1990", "2024"):
        assert part not in verdict.reason
        assert part not in verdict.describe()


def test_the_communitys_own_name_makes_a_password_weak():
    password = "康宁居民区2024"
    assert judge(password).acceptable, "without the community's words the estimate is high enough"
    own = own_words_of("康宁居民区")
    assert "kangning" in own, "the name's pinyin is guessed too"
    verdict = judge(password, own)
    assert not verdict.acceptable
    assert "本居民区的名称" in verdict.reason
    assert not judge("kangning2024", own).acceptable


@pytest.mark.parametrize("password", ["春天的第一棵树开花了", "correct horse battery staple", "Ta7#mq!Lw9@z"])
def test_strong_passwords_pass_at_ten_to_the_eighth_guesses(password):
    verdict = judge(password)
    assert verdict.acceptable
    assert verdict.guesses >= 1e8
    assert verdict.reason == ""
    require_strong(password)


def test_an_empty_password_is_not_judged_strong():
    assert not judge("").acceptable
