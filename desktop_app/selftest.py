"""`desktop-app --self-test`: prove an installation works, frozen or not, without touching real data.

In a temporary data directory: migrate, write one record of each kind, export every report, write
an import template and read it back, open the main window offscreen and close it. One line of
summary and exit 0, or the step that failed and exit 1.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def run_self_test() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    started = time.perf_counter()
    done: list[str] = []
    with tempfile.TemporaryDirectory(prefix="desktop_app-selftest-") as tmp:
        data = Path(tmp) / "data"
        context: dict[str, Any] = {}
        steps: list[tuple[str, Callable[[], str]]] = [
            ("数据库与升级", lambda: _open(data, context)),
            ("每类记录各写一条", lambda: _write_records(context)),
            ("导出全部报表", lambda: _export_reports(context, Path(tmp))),
            ("导入模板读回", lambda: _template_round_trip(context, Path(tmp))),
            ("街道数据包往返", lambda: _package_round_trip(context, Path(tmp))),
            ("主窗口", lambda: _main_window(context)),
        ]
        try:
            for name, step in steps:
                try:
                    detail = step()
                except Exception as exc:
                    print(f"自检失败：{name}：{type(exc).__name__}: {exc}", file=sys.stderr)
                    return 1
                done.append(f"{name}（{detail}）" if detail else name)
        finally:
            db = context.get("db")
            if db is not None:
                db.dispose()
    from desktop_app import __version__

    elapsed = time.perf_counter() - started
    print(f"自检通过：书记工作台 {__version__}，{len(done)} 项：{'；'.join(done)}；用时 {elapsed:.1f} 秒")
    return 0


def _open(data: Path, context: dict[str, Any]) -> str:
    """An encrypted database, as every real one is: a throwaway password, the file unreadable without it."""
    import secrets

    from desktop_app.core.storage import keys, migrate
    from desktop_app.core.storage.paths import DATABASE_FILENAME
    from desktop_app.core.storage.restore import opens_with
    from desktop_app.core.storage.startup import open_database

    password = secrets.token_urlsafe(16)
    data_key, recovery = keys.create_keys(data, password)
    db = open_database(data, key=data_key)
    context["db"] = db
    if keys.open_keys(data, recovery) != data_key:
        raise RuntimeError("恢复密钥打不开数据")
    if opens_with(data / DATABASE_FILENAME, None):  # as Python's sqlite3, or any SQLite program, would read it
        raise RuntimeError("数据文件没有加密")
    return f"已加密，数据版本 {migrate.current_revision(db.engine)}"


def _write_records(context: dict[str, Any]) -> str:
    import datetime as dt

    from desktop_app.core.services.care import CareCategoryService, CareService
    from desktop_app.core.services.meetings import MeetingService
    from desktop_app.core.services.people import MemberService, PartyGroupService, ResidentService
    from desktop_app.core.services.profile import ProfileService
    from desktop_app.core.services.studio import StudioActivityService, StudioProblemService, StudioTopicService
    from desktop_app.core.services.visits import VisitService

    db = context["db"]
    today = dt.date.today()
    ProfileService(db).save({"community_name": "自检居民区"})
    resident = ResidentService(db).create({"name": "自检居民", "phone": "13800000000"})
    group = PartyGroupService(db).create({"name": "自检党小组"})
    member = MemberService(db).create({"name": "自检党员", "group_id": group})
    category = CareCategoryService(db).list()[0].id
    CareService(db).create({"date": today, "category_id": category, "resident_id": resident})
    VisitService(db).create(
        {
            "date": today,
            "destination": "梅陇六村",
            "participant_ids": [member],
            "practices": [{"description": "试点楼道议事会"}],
        }
    )
    MeetingService(db).create(
        {
            "kind": "group_meeting",
            "group_id": group,
            "date": today,
            "topic": "自检",
            "attendance": [{"member_id": member, "status": "present"}],
        }
    )
    activity = StudioActivityService(db).create({"kind": "mentoring", "date": today, "topic": "自检"})
    topic = StudioTopicService(db).list()[0].id
    StudioProblemService(db).create(
        {
            "raised_date": today,
            "topic_id": topic,
            "description": "自检",
            "source_activity_id": activity,
        }
    )
    return "9 类"


def _export_reports(context: dict[str, Any], folder: Path) -> str:
    import datetime as dt

    from desktop_app.core.domain.periods import Period
    from desktop_app.core.exchange.reports.registry import REPORTS, export_report

    year = Period.year(dt.date.today().year)
    for kind in REPORTS:
        export_report(context["db"], kind, year, folder / f"{kind}.xlsx")
    return f"{len(REPORTS)} 种"


def _template_round_trip(context: dict[str, Any], folder: Path) -> str:
    import openpyxl

    from desktop_app.core.exchange.roster.preview import preview_import
    from desktop_app.core.exchange.roster.template import write_template

    path = write_template("residents", folder / "template.xlsx")
    book = openpyxl.load_workbook(path)
    book.active.append(["模板读回"])
    book.save(path)
    preview = preview_import(context["db"], "residents", path)
    if preview.count("new") != 1:
        raise RuntimeError(preview.summary())
    return ""


def _package_round_trip(context: dict[str, Any], folder: Path) -> str:
    """A package sealed to a street's key, opened and added up by a street office's copy: the public-key
    cryptography is in the bundle and works."""
    import datetime as dt
    import secrets

    from desktop_app.core.domain.periods import Period
    from desktop_app.core.exchange.packages.build import build_package
    from desktop_app.core.exchange.packages.street_import import IMPORTED, import_packages
    from desktop_app.core.exchange.reports.registry import STREET, export_report
    from desktop_app.core.services.mode import ModeService
    from desktop_app.core.services.profile import ProfileService
    from desktop_app.core.services.street import StreetKeyService
    from desktop_app.core.storage import keys
    from desktop_app.core.storage.startup import open_database

    community = context["db"]
    street_dir = folder / "street"
    street = open_database(street_dir, key=keys.create_keys(street_dir, secrets.token_urlsafe(16))[0])
    try:
        ModeService(street).become_street("自检街道")
        StreetKeyService(community).set_street_key(StreetKeyService(street).create_key_pair("自检街道"))
        ProfileService(community).save({"community_name": "自检居民区", "unit_code": "000000001"})
        year = Period.year(dt.date.today().year)
        built = build_package(community, year, folder / "自检.sjb")
        [outcome] = import_packages(street, [built.path], add_units=True)
        if outcome.outcome != IMPORTED:
            raise RuntimeError(outcome.message)
        export_report(street, "meetings", year, folder / "street.xlsx", catalogue=STREET)
    finally:
        street.dispose()
    return f"{built.size} 字节"


def _main_window(context: dict[str, Any]) -> str:
    from desktop_app.ui.kit.context import AppContext
    from desktop_app.ui.shell.app import create_application
    from desktop_app.ui.shell.main_window import VIEWS, MainWindow

    app = create_application()
    window = MainWindow(AppContext.open(context["db"]))
    window.show()
    for index in range(len(VIEWS)):
        window.nav.setCurrentRow(index)
        app.processEvents()
    window.close()
    return f"{len(VIEWS)} 个界面"
