"""`检查数据库`: integrity, foreign keys, schema version and attachment files, in plain words."""

from __future__ import annotations

from dataclasses import dataclass, field

from desktop_app.core.services.attachments import AttachmentService
from desktop_app.core.storage import migrate, sqlite_checks
from desktop_app.core.storage.database import Database


@dataclass
class CheckReport:
    lines: list[str] = field(default_factory=list)
    problems: int = 0

    @property
    def ok(self) -> bool:
        return self.problems == 0

    def good(self, line: str) -> None:
        self.lines.append(f"✔ {line}")

    def bad(self, line: str) -> None:
        self.problems += 1
        self.lines.append(f"✘ {line}")


def check_database(db: Database) -> CheckReport:
    report = CheckReport()
    with db.engine.connect() as conn:
        if db.is_sqlite:
            problems = sqlite_checks.integrity_problems(conn)
            if not problems:
                report.good("数据文件完整性检查通过")
            else:
                report.bad("数据文件已损坏：" + "；".join(problems[:5]))
            broken = sqlite_checks.broken_references(conn)
            if broken:
                tables = sorted(set(broken))
                report.bad(f"有 {len(broken)} 条记录引用了不存在的数据（表：{'、'.join(tables)}）")
            else:
                report.good("记录之间的引用关系正确")
    revision, head = migrate.current_revision(db.engine), migrate.head_revision()
    if revision == head:
        report.good(f"数据版本为最新（{head}）")
    else:
        report.bad(f"数据版本 {revision or '未知'} 与程序要求的 {head} 不一致")
    attachments = AttachmentService(db)
    missing = attachments.missing()
    if missing:
        report.bad(f"有 {len(missing)} 个附件文件缺失：{'、'.join(missing[:5])}")
    else:
        report.good(f"附件文件齐全（共 {attachments.count()} 个）")
    report.lines.append("检查结果：正常" if report.ok else f"检查结果：发现 {report.problems} 个问题")
    return report
