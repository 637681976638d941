"""The load benchmark's lost-update check: each record's acknowledged saves form one chain of versions."""

from benchmarks.shared_load import chain_problems

RECORD = ("care_actions", 7)


def test_a_chain_of_saves_ending_in_what_is_stored_loses_nothing():
    saves = {RECORD: [(3, "甲-1"), (4, "乙-1"), (5, "甲-2")]}
    assert chain_problems(saves, {RECORD: (6, "甲-2")}) == []


def test_two_saves_acknowledged_from_one_version_are_a_lost_update():
    saves = {RECORD: [(3, "甲-1"), (3, "乙-1")]}
    problems = chain_problems(saves, {RECORD: (4, "乙-1")})
    assert any("从同一版本 [3] 确认了两次保存" in problem for problem in problems)


def test_the_last_acknowledged_save_missing_from_the_database_is_a_lost_update():
    saves = {RECORD: [(3, "甲-1"), (4, "乙-1")]}
    problems = chain_problems(saves, {RECORD: (5, "甲-1")})
    assert len(problems) == 1
    assert "最后确认的保存 乙-1" in problems[0]


def test_a_save_after_the_last_acknowledged_one_is_reported():
    saves = {RECORD: [(3, "甲-1")]}
    assert chain_problems(saves, {RECORD: (6, "甲-1")}) != []


def test_a_record_gone_is_reported():
    assert chain_problems({RECORD: [(0, "甲-1")]}, {}) == ["care_actions #7：记录不见了"]
