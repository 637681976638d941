"""Is a new password strong enough to guard the data key? One judge for every place a password is chosen
(the first start, 修改密码, a script's first start, the command line), with the reason in Chinese.

`keys.json` allows offline guessing at the key derivation's cost, so the password must hold against a
guesser with a good list. zxcvbn (Dropbox's estimate: dictionaries, keyboard walks, repeats, sequences,
dates, l33t) counts the guesses; its lists are English, so the passwords Chinese users pick most often
(pinyin, 520/1314 digit codes, common names) are added as a dictionary of their own, and so are the words
the person's own data makes easy to guess (the community's name, also in pinyin). A password is accepted
at zxcvbn's score 3 or more: an estimate of at least 10^8 guesses.

zxcvbn is imported when a password is first judged, never on the way to the window.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from desktop_app.core.domain.errors import AppError

MIN_SCORE = 3
SCORE_LABELS = ("很弱", "弱", "一般", "强", "很强")
# Passwords Chinese users choose most (leaked-list studies: 123456, 5201314, woaini1314, qq123456 …), pinyin of
# the most common full names, and words of this program's own world. Ranked: earlier ones are guessed first.
COMMON_CHINESE_PASSWORDS = (
    "123456",
    "a123456",
    "123456a",
    "5201314",
    "woaini1314",
    "woaini520",
    "woaini",
    "qq123456",
    "1314520",
    "520520",
    "aa123456",
    "abc123456",
    "woaiwojia",
    "iloveyou",
    "wodemima",
    "mima",
    "nihao",
    "baobei",
    "laogong",
    "laopo",
    "zhongguo",
    "shanghai",
    "beijing",
    "zhangwei",
    "wangwei",
    "wangfang",
    "liwei",
    "wangxiuying",
    "lixiuying",
    "lina",
    "zhangxiuying",
    "liuwei",
    "zhangmin",
    "lijing",
    "wangjing",
    "zhangli",
    "wangli",
    "liqiang",
    "wangmin",
    "lijun",
    "zhangyong",
    "shuji",
    "dangyuan",
    "dangzhibu",
    "gongchandang",
    "juweihui",
    "shequ",
    "我爱你",
    "密码",
    "书记",
    "党员",
    "中国",
    "上海",
)


class WeakPasswordError(AppError):
    """A new password was refused; the message says why, in Chinese."""


@dataclass(frozen=True)
class PasswordVerdict:
    score: int  # zxcvbn's 0..4
    guesses: float
    problem: str  # what makes it weak, in a few words; empty when the password is accepted

    @property
    def reason(self) -> str:
        """The problem and what to do instead; empty when the password is accepted."""
        return f"{self.problem}。{ADVICE}" if self.problem else ""

    @property
    def acceptable(self) -> bool:
        return self.score >= MIN_SCORE

    @property
    def label(self) -> str:
        return SCORE_LABELS[self.score]

    def describe(self) -> str:
        """One short line for the strength meter (the advice is shown beside it once)."""
        if not self.guesses:
            return "密码强度：还没有输入"
        return f"密码强度：{self.label}（{self.problem}）" if self.problem else f"密码强度：{self.label}"


def own_words_of(*texts: str) -> list[str]:
    """The person's own words (e.g. the community's name) as zxcvbn should know them: as written, without
    a trailing 居民区/社区, and in pinyin."""
    from desktop_app.core.domain.pinyin import name_syllables

    words: list[str] = []
    for text in texts:
        text = (text or "").strip()
        if not text:
            continue
        short = text.removesuffix("居民区").removesuffix("社区").removesuffix("居委会") or text
        for word in dict.fromkeys((text, short)):
            words.append(word)
            spelled = "".join(name_syllables(word))
            if spelled and spelled != word:
                words.append(spelled)
    return words


def judge(password: str, own_words: Sequence[str] = ()) -> PasswordVerdict:
    """How many guesses the password would take, and why it is weak if it is."""
    if not password:
        return PasswordVerdict(0, 0, "还没有输入")
    from zxcvbn import zxcvbn

    own = [word for word in own_words if word]
    result = zxcvbn(password[:100], user_inputs=[*own, *COMMON_CHINESE_PASSWORDS])
    score = int(result["score"])
    if score >= MIN_SCORE:
        return PasswordVerdict(score, float(result["guesses"]), "")
    return PasswordVerdict(score, float(result["guesses"]), _problem(result["sequence"], set(own)))


def require_strong(password: str, own_words: Sequence[str] = ()) -> None:
    """Refuse a new password that would not hold; the reason says what to change."""
    verdict = judge(password, own_words)
    if not verdict.acceptable:
        raise WeakPasswordError(f"密码太容易被猜到：{verdict.reason}")


ADVICE = "建议 12 位以上，混合字母、数字和符号，或用一句只有自己知道的话（中文至少 9 个字）。"


def _problem(sequence: Iterable[Mapping[str, Any]], own: set[str]) -> str:
    """The first thing a guesser would try, said plainly."""
    for match in sequence:
        found = _matched(match, own)
        if found:
            return found
    return "太短或太简单"


def _matched(match: Mapping[str, Any], own: set[str]) -> str:
    """The kind of guess, never the characters: the meter is on screen beside a masked field, and the reason
    may reach a log."""
    pattern = match.get("pattern")
    if pattern == "dictionary":
        word = str(match.get("matched_word", match.get("token", "")))
        if match.get("dictionary_name") == "user_inputs" and word in {w.lower() for w in own}:
            return "含有本居民区的名称"
        if match.get("dictionary_name") in ("user_inputs", "passwords"):
            return "含有常被用作密码的数字或拼音"
        return "含有常见的单词或姓名"
    return {
        "spatial": "含有键盘上相邻的键",
        "repeat": "含有重复的字符",
        "sequence": "含有连续的字母或数字",
        "regex": "含有年份",
        "date": "含有日期（如生日）",
    }.get(str(pattern), "")
