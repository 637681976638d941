"""开始使用: the first steps of a new program, each ticked off once the data shows it done. Read through the
driver alone (core.reads): the 工作台 shows them in its first look, before the database layer has loaded.

The list is for a program not yet in use: once a record of the day's work is kept (a care action, a meeting, a
study visit, a studio activity or problem), or every step is done, the 工作台 no longer shows it.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app.core.reads.records import WORK_TABLES, any_live
from desktop_app.core.reads.settings import NORMS_CONFIRMED_KEY, profile_filled, setting
from desktop_app.core.services.reminders import Target
from desktop_app.core.storage.backup_files import OFFSITE_BACKUP_KEY
from desktop_app.core.storage.plain import Reader

# What 开始使用 leads to: a page, and the part of it (see MainWindow.follow_reminder).
PROFILE, MEMBERS, RESIDENTS, NORMS, BACKUP_PLACE = "profile", "members", "residents", "norms", "backup_place"


@dataclass(frozen=True)
class FirstStep:
    label: str
    done: bool
    target: Target


def first_steps(reader: Reader) -> list[FirstStep]:
    """The five steps and whether each is done; empty once the program is in use (see the module's note)."""
    steps = [
        FirstStep("填写居民区信息", profile_filled(reader), Target(PROFILE)),
        FirstStep("导入党员名册", any_live(reader, "members"), Target(MEMBERS)),
        FirstStep("导入居民名单", any_live(reader, "residents"), Target(RESIDENTS)),
        FirstStep("设置三会一课规范", setting(reader, NORMS_CONFIRMED_KEY) is not None, Target(NORMS)),
        FirstStep(
            "设置备份位置（备份到 U 盘等其他位置）",
            setting(reader, OFFSITE_BACKUP_KEY) is not None,
            Target(BACKUP_PLACE),
        ),
    ]
    in_use = any(any_live(reader, table) for table in WORK_TABLES)
    return [] if in_use or all(step.done for step in steps) else steps
