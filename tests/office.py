"""An office's server database for the 社工 tests: `server init`, one community, its 书记 and a 社工 (each signs in
with their own password), and what the 书记 recorded through the program's own services: a resident with a phone and
an ID number, a care action with an illness, a member, a study visit."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from desktop_app.core.domain.normalize import id_check_digit
from desktop_app.core.storage import server
from desktop_app.core.storage.database import Database, build_engine
from desktop_app.core.storage.server_connection import ServerConnection
from desktop_app.core.storage.startup import open_database

PASSWORD = "Qiushui-gongchang#tian-1yise"
PHONE = "13812345678"
ILLNESS = "肺癌晚期化疗中"
ID_NUMBER = "31010419600101123" + id_check_digit("31010419600101123")


class Office:
    def __init__(self, pg_server: object, root: Path) -> None:
        self.server = pg_server
        self.root = root
        self.name = f"office_{uuid.uuid4().hex[:10]}"
        suffix = uuid.uuid4().hex[:6]
        self.community = f"康宁居民区{suffix}"
        self.secretary = f"zhu_{suffix}"
        self.worker = f"wang_{suffix}"
        self.resident = self.care = self.visit = 0

    def plain_url(self, login: str) -> str:
        return f"postgresql+psycopg://{login}@127.0.0.1:{self.server.port}/{self.name}"  # type: ignore[attr-defined]

    def connection(self, login: str) -> ServerConnection:
        """As 设置 → 连接服务器 keeps it, on an office's TLS server (tests/tls_postgres.py)."""
        return ServerConnection.checked(self.plain_url(login), self.server.ca_file)  # type: ignore[attr-defined]

    def url(self, login: str) -> str:
        """The address the program opens: with TLS on an office's server, plain on the tests' own."""
        if hasattr(self.server, "ca_file"):
            return self.connection(login).engine_url()
        return self.plain_url(login)

    def open_as(self, login: str) -> Database:
        return open_database(self.root / f"{login}-{uuid.uuid4().hex[:6]}", self.url(login), password=PASSWORD)

    @contextmanager
    def signed_in(self, login: str) -> Iterator[Database]:
        db = self.open_as(login)
        try:
            yield db
        finally:
            db.dispose()


def make_office(pg_server: object, root: Path) -> Office:
    from desktop_app.core.services.care import CareCategoryService, CareService
    from desktop_app.core.services.people import MemberService, ResidentService
    from desktop_app.core.services.visits import VisitService

    office = Office(pg_server, root)
    pg_server.execute(f"CREATE DATABASE {office.name}")  # type: ignore[attr-defined]
    owner = build_engine(pg_server.url(office.name))  # type: ignore[attr-defined]
    try:
        server.init(owner)
        server.add_community(owner, office.community)
        server.add_user(owner, office.secretary, "书记", office.community, PASSWORD)
        server.add_user(owner, office.worker, "社工", office.community, PASSWORD)
    finally:
        owner.dispose()
    db = office.open_as(office.secretary)
    try:
        office.resident = ResidentService(db).create(
            {"name": "陈静", "address": "1号楼101室", "phone": PHONE, "id_number": ID_NUMBER, "notes": "独居"}
        )
        category = next(c.id for c in CareCategoryService(db).list() if c.name == "重病帮困")
        office.care = CareService(db).create(
            {
                "date": "2026-03-05",
                "category_id": category,
                "resident_id": office.resident,
                "item": "帮困金",
                "amount": "500",
                "illness_detail": ILLNESS,
            }
        )
        MemberService(db).create({"name": "李建国", "join_date": "2001-07-01", "phone": "13900001111"})
        office.visit = VisitService(db).create({"date": "2026-04-10", "destination": "梅陇六村", "district": "闵行区"})
    finally:
        db.dispose()
    return office
