"""Moving in (`desktop-app server upload`): a single PC's data becomes one community on a shared server.

Everything goes in one transaction on the server: every record, its attachments' files (into
`attachment_contents`, bytea), the 党费 ledger and the audit log with its own times and users. Ids are the
server's (a sequence shared by all communities), so every reference is renumbered: foreign keys by their
table, and the two references by record kind (an attachment's owner, an audit line's record). After writing,
each table's count and money sums are read back from the server and compared with the PC's; any difference
rolls everything back. The community must be as `server add-community` left it (its default categories, norms
and topics, which the PC's replace); a line in its audit log, which nobody can delete, records the move and
refuses a second one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Engine, Table, delete, func, select, true

from desktop_app.core.domain.errors import AppError
from desktop_app.core.reads.settings import STREET, read_mode
from desktop_app.core.services.attachments import AttachmentInfo, AttachmentService
from desktop_app.core.services.registry import record_services
from desktop_app.core.storage.database import Database
from desktop_app.core.storage.models import Base, Community, Money
from desktop_app.core.storage.server import audit_stamps_held, community_tables, require_init

UPLOAD_KIND = "server_upload"  # the audit line that records a move: its record kind
# What `server add-community` gives a new community, replaced by the PC's own.
SEEDED = ("community_profile", "care_categories", "meeting_norms", "studio_topics", "app_settings")
# The files of attachments are moved apart (from the data directory into attachment_contents).
FILES = "attachment_contents"
AUDIT = Base.metadata.tables["audit_log"]

TABLE_LABELS = {
    "community_profile": "居民区信息",
    "app_settings": "设置",
    "residents": "居民",
    "members": "党员",
    "party_groups": "党小组",
    "care_categories": "关怀类别",
    "care_actions": "关怀记录",
    "study_visits": "学习考察",
    "visit_participants": "考察参加人员",
    "adopted_practices": "借鉴举措",
    "meetings": "三会一课",
    "meeting_attendance": "出席情况",
    "meeting_norms": "三会一课频次要求",
    "studio_activities": "工作室活动",
    "studio_topics": "工作室课题",
    "studio_problems": "工作室问题",
    "studio_problem_activities": "问题与活动的关联",
    "dues_assessments": "党费核定",
    "dues_payments": "党费缴纳",
    "dues_reliefs": "党费减免",
    "attachments": "附件",
    FILES: "附件文件",
    "audit_log": "操作记录",
}
# Record kinds (an attachment's owner, an audit line's record) that are not record services' kinds.
OTHER_KINDS = {
    "attachment": "attachments",
    "care_category": "care_categories",
    "studio_topic": "studio_topics",
    "dues_assessment": "dues_assessments",
    "dues_payment": "dues_payments",
    "dues_relief": "dues_reliefs",
    "profile": "community_profile",
}


def label(table: str) -> str:
    return TABLE_LABELS.get(table, table)


# Money columns as the 操作记录 and the reports name them; the files' total size apart.
SUM_LABELS = {"amount": "金额", "base": "基数", "monthly_amount": "月缴金额", "default_amount": "默认金额"}
SIZE = "size"
# Compared like the others, never shown (nor written to the 操作记录): 党费 bases are incomes.
UNSHOWN_SUMS = {"base"}


@dataclass(frozen=True)
class Tally:
    """What is compared after the move: a table's rows, and the sum of each money column (the files' size)."""

    rows: int
    sums: tuple[tuple[str, Decimal], ...]

    def describe(self, table: str) -> str:
        totals = "".join(
            f"，共 {total:.0f} 字节"
            if column == SIZE
            else f"，{SUM_LABELS.get(column, column)}合计"
            + ("（个人收入，不显示）" if column in UNSHOWN_SUMS else f" {total} 元")
            for column, total in self.sums
        )
        return f"{label(table)} {self.rows} 条{totals}"


def tally(conn: Connection, table: Table, community: int | None) -> Tally:
    """Counted in the database (SQL sums of the stored fen, read back as yuan), on either engine."""
    columns = [column.name for column in table.c if isinstance(column.type, Money)]
    query = select(func.count(), *(func.coalesce(func.sum(table.c[name]), 0) for name in columns)).select_from(table)
    if community is not None:
        query = query.where(table.c.community_id == community)
    count, *sums = conn.execute(query).one()
    return Tally(int(count), tuple(zip(columns, (Decimal(value) for value in sums), strict=True)))


@dataclass
class Source:
    """The PC's data, read whole before the server is touched."""

    rows: dict[str, list[dict[str, Any]]]
    tallies: dict[str, Tally]
    files: dict[str, bytes]  # an attachment's sha256 -> its file's contents


def read_source(db: Database) -> Source:
    if not db.is_sqlite:
        raise AppError("迁入的来源应是一台电脑上的数据目录（--from），不是服务器。")
    with db.plain() as reader:
        if read_mode(reader) == STREET:
            raise AppError("这份数据是街道汇总用的，不是一个居民区的记录，不能迁入为居民区。")
    rows: dict[str, list[dict[str, Any]]] = {}
    tallies: dict[str, Tally] = {}
    with db.engine.connect() as conn:
        for table in upload_tables():
            rows[table.name] = [
                {key: value for key, value in row._mapping.items() if key != "community_id"}
                for row in conn.execute(select(table).order_by(*table.primary_key.columns))
            ]
            tallies[table.name] = tally(conn, table, None)
    files = {}
    service = AttachmentService(db)
    for row in rows["attachments"]:
        if row["sha256"] in files:
            continue
        name, sha256 = row["original_name"], row["sha256"]
        info = AttachmentInfo(row["id"], name, row["size"], sha256, service.stored_path(sha256, name))
        if not info.exists:
            raise AppError(
                f"附件“{name}”的文件不在数据目录中（{info.path}），没有迁入任何数据。"
                "请先在程序中用“设置 → 检查数据库”查看缺少的附件。"
            )
        data = service.read(info)
        if hashlib.sha256(data).hexdigest() != sha256:
            raise AppError(f"附件“{name}”的文件已损坏（内容与记录不符），没有迁入任何数据。")
        files[sha256] = data
    tallies[FILES] = Tally(len(files), ((SIZE, Decimal(sum(len(data) for data in files.values()))),))
    return Source(rows, tallies, files)


def upload_tables() -> list[Table]:
    """The community's tables in the order their references allow (the files apart)."""
    wanted = set(community_tables()) - {FILES}
    return [table for table in Base.metadata.sorted_tables if table.name in wanted]


def kind_tables(db: Database) -> dict[str, str]:
    """Record kind -> table, for the references that name a kind and an id."""
    kinds = {kind: service.model.__tablename__ for kind, service in record_services(db).items()}
    return {**kinds, **OTHER_KINDS}


def upload(source_db: Database, target: Engine, community_name: str, source_label: str) -> list[str]:
    """Move the PC's data into the community; returns what was done, in Chinese."""
    source = read_source(source_db)
    kinds = kind_tables(source_db)
    with target.begin() as conn:
        require_init(conn)
        community = conn.execute(select(Community.id).where(Community.name == community_name)).scalar()
        if community is None:
            raise AppError(
                f"服务器上没有名为“{community_name}”的居民区：请先用 server add-community 建立，什么也没有做。"
            )
        _refuse_used(conn, community, community_name)
        for name in reversed(SEEDED):
            seeded = Base.metadata.tables[name]
            conn.execute(delete(seeded).where(seeded.c.community_id == community))
        _write(conn, community, source, kinds)
        written = {table.name: tally(conn, table, community) for table in upload_tables()}
        written[FILES] = _files_tally(conn, community)
        _refuse_differences(source.tallies, written)
        summary = "；".join(source.tallies[name].describe(name) for name in _reported(source.tallies))
        conn.execute(
            AUDIT.insert().values(
                community_id=community,
                at=func.localtimestamp(),
                os_user="",
                action="import",
                record_kind=UPLOAD_KIND,
                summary="从单机数据迁入服务器",
                changes={},
                details=f"来源：{source_label}。{summary}",
                unmasked=False,
            )
        )
    return [
        f"已把“{source_label}”的数据迁入服务器上的居民区“{community_name}”：",
        *(f"  {source.tallies[name].describe(name)}" for name in _reported(source.tallies)),
        "迁入后逐表核对了服务器上的条数和金额合计，与本机完全一致。这台电脑上的数据没有改动，"
        "确认大家都改用服务器后，可以把它备份后收起来，不要再在上面记录。",
    ]


def _reported(tallies: dict[str, Tally]) -> Iterable[str]:
    return (name for name in tallies if tallies[name].rows)


def _refuse_used(conn: Connection, community: int, name: str) -> None:
    """A community already moved into, or already holding records, is refused: nothing is merged."""
    moved = conn.execute(
        select(AUDIT.c.at, AUDIT.c.os_user, AUDIT.c.details)
        .where(AUDIT.c.community_id == community, AUDIT.c.record_kind == UPLOAD_KIND)
        .order_by(AUDIT.c.id)
        .limit(1)
    ).first()
    if moved is not None:
        raise AppError(
            f"居民区“{name}”已在 {moved.at:%Y-%m-%d %H:%M} 由 {moved.os_user} 迁入过数据"
            f"（{moved.details.split('。')[0]}），不会再迁入一次，什么也没有做。"
        )
    held = []
    for table in [*upload_tables(), Base.metadata.tables[FILES]]:
        if table.name in SEEDED:
            continue
        count = conn.execute(
            select(func.count()).select_from(table).where(table.c.community_id == community)
        ).scalar_one()
        if count:
            held.append(f"{label(table.name)} {count} 条")
    if held:
        raise AppError(
            f"居民区“{name}”在服务器上已有数据（{'，'.join(held)}），迁入只用于新建的居民区，什么也没有做。"
            "请用 server add-community 新建一个居民区后迁入到它。"
        )


def _write(conn: Connection, community: int, source: Source, kinds: dict[str, str]) -> None:
    # The audit lines last: nothing refers to them, and holding back their stamp locks the table (below).
    tables = sorted(upload_tables(), key=lambda table: table.name == "audit_log")
    new_ids: dict[str, dict[int, int]] = {}  # every table's ids first: references by kind go either way
    for table in tables:
        old = [row["id"] for row in source.rows[table.name]] if "id" in table.c else []
        if old:
            sequence = func.pg_get_serial_sequence(table.name, "id")
            fresh = conn.execute(
                select(func.nextval(sequence)).select_from(func.generate_series(1, len(old)))
            ).scalars()
            new_ids[table.name] = dict(zip(old, fresh, strict=True))
    cycles: list[tuple[Table, str, int, int]] = []  # a party group's leader, a member of it: set once both exist
    for table in tables:
        rows = [dict(row) for row in source.rows[table.name]]
        for row in rows:
            if table.name in new_ids:
                row["id"] = new_ids[table.name][row["id"]]
            row["community_id"] = community
            for key in table.foreign_keys:
                referred, column = key.column.table.name, key.parent.name
                if referred == "communities" or row[column] is None:
                    continue
                if key.use_alter:
                    cycles.append((table, column, row["id"], new_id(new_ids, referred, row[column])))
                    row[column] = None
                else:
                    row[column] = new_id(new_ids, referred, row[column])
            # A record purged (永久删除) leaves its attachments and audit lines behind, pointing at nothing: so they
            # stay (0 is no record's id: never another record's, here or in another community).
            if table.name == "attachments":
                row["owner_id"] = new_ids.get(kinds[row["owner_kind"]], {}).get(row["owner_id"], 0)
            elif table.name == "audit_log" and row["record_id"] is not None and row["record_kind"] in kinds:
                row["record_id"] = new_ids.get(kinds[row["record_kind"]], {}).get(row["record_id"])
        if table.name == "audit_log":
            _keep_their_stamps(conn, table, rows)
        elif rows:
            conn.execute(table.insert(), rows)
        if table.name == "attachments":
            files = Base.metadata.tables[FILES]
            for sha256, data in source.files.items():
                conn.execute(files.insert().values(community_id=community, sha256=sha256, data=data))
    for table, column, row_id, value in cycles:
        conn.execute(table.update().where(table.c.id == row_id).values({column: value}))


def _keep_their_stamps(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """The PC's audit lines keep their own times and users (server.audit_stamps_held): this comes last, only the
    check and the commit after it, since holding the stamps back locks the table until the commit."""
    with audit_stamps_held(conn):
        if rows:
            conn.execute(table.insert(), rows)


def new_id(new_ids: dict[str, dict[int, int]], table: str, old: int) -> int:
    try:
        return new_ids[table][old]
    except KeyError:
        raise AppError(
            f"本机数据中有指向不存在的{label(table)}（编号 {old}）的记录，没有迁入任何数据。"
            "请先在程序中用“设置 → 检查数据库”检查。"
        ) from None


def _files_tally(conn: Connection, community: int) -> Tally:
    """The files as the server holds them: each one's SHA-256 computed by the server must be its name."""
    files = Base.metadata.tables[FILES]
    count, size, intact = conn.execute(
        select(
            func.count(),
            func.coalesce(func.sum(func.length(files.c.data)), 0),
            func.coalesce(func.bool_and(func.encode(func.sha256(files.c.data), "hex") == files.c.sha256), true()),
        ).where(files.c.community_id == community)
    ).one()
    return Tally(int(count) if intact else -1, ((SIZE, Decimal(size)),))


def _refuse_differences(expected: dict[str, Tally], written: dict[str, Tally]) -> None:
    differences = [
        f"{label(name)}：本机 {expected[name].describe(name)}，服务器上 {written[name].describe(name)}"
        for name in expected
        if expected[name] != written[name]
    ]
    if differences:
        raise AppError(
            "迁入后核对时发现服务器上的数据与本机不一致，已全部撤回，服务器上什么也没有写入："
            + "；".join(differences)
            + "。请把这段说明交给单位的信息技术人员（可能是服务器上另有触发器或规则改动了写入的数据）。"
        )
