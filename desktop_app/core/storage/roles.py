"""What the signed-in person may see and do, as the server's role model grants it (shared mode).

On this PC's own file, and for a login that is no account (the owner, a superuser), nothing is hidden. A 社工's
login reads no ID number, illness text or 党费 base: their sessions never select those columns (`hide_unseen`),
their lists and searches read residents through `residents_masked` (phones as 138****5678, the search text with
the phone masked), and what they cannot do (the 回收站) is refused before it reaches the server. The server
enforces all of it anyway (storage.server); this is how the program keeps out of its way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import Column, Connection, MetaData, Result, Table, event, func, select
from sqlalchemy.orm import ORMExecuteState, defer, sessionmaker

# What a 社工 must never read: ID numbers, illness text, phones (seen masked through residents_masked) and the
# search text that holds the phone; and no 党费 or 三会一课 table at all (storage.server grants none).
HIDDEN_FROM_WORKERS = {
    "residents": ("id_number", "phone", "search_text"),
    "members": ("id_number", "phone", "search_text", "birth_date", "notes"),
    "care_actions": ("illness_detail",),
}
# A table read through a view that shows some of its hidden columns masked; the view has the table's columns but
# those it leaves out.
MASKED_VIEWS = {"residents": ("residents_masked", ("id_number",))}

ROLE_LABELS = {"secretary": "书记", "worker": "社工", "street": "街道", "admin": "管理员"}
WORKER = "worker"
NO_BIN = "社工账号不能删除、恢复或彻底删除记录（回收站由书记处理），什么也没有改动。"


@cache
def masked_view(table: str) -> Table | None:
    """The view a hidden table is read through, as a table SQLAlchemy can select from; None when it has none."""
    if table not in MASKED_VIEWS:
        return None
    from desktop_app.core.storage.models import Base  # not on the PC's start: its reach needs no model

    name, left_out = MASKED_VIEWS[table]
    columns = Base.metadata.tables[table].c
    shown = [Column(c.name, c.type, key=c.key, primary_key=c.primary_key) for c in columns if c.name not in left_out]
    return Table(name, MetaData(), *shown)


@dataclass(frozen=True)
class Reach:
    """The signed-in login's role (None: this PC's file, or a login that is no account) and what follows."""

    role: str | None = None
    _hidden: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, role: str | None) -> Reach:
        return cls(role, HIDDEN_FROM_WORKERS if role == WORKER else {})

    @property
    def label(self) -> str:
        return ROLE_LABELS.get(self.role or "", "")

    @property
    def is_worker(self) -> bool:
        return self.role == WORKER

    @property
    def whole_community(self) -> bool:
        """Whether it reads every record of its community (the 工作台, 三会一课, 党费, reports): not a 社工."""
        return not self.is_worker

    @property
    def may_bin(self) -> bool:
        """Whether records may go to the 回收站, come back, or be purged."""
        return not self.is_worker

    def hidden(self, table: str) -> tuple[str, ...]:
        """The columns of `table` this login may not select."""
        return self._hidden.get(table, ())

    def masked(self, table: str) -> Table | None:
        """The view `table` is read through, when some of its hidden columns are seen masked."""
        return masked_view(table) if self.hidden(table) else None

    def unseen(self, table: str) -> frozenset[str]:
        """The hidden columns not even a masked view shows: never on a list or in a form."""
        view = self.masked(table)
        return frozenset(c for c in self.hidden(table) if view is None or c not in view.c)

    def masked_columns(self, table: str) -> frozenset[str]:
        """The hidden columns seen masked (a phone): what the form shows of them is not what is stored."""
        return frozenset(self.hidden(table)) - self.unseen(table)


def read_reach(connection: Connection) -> Reach:
    """The role the server gives this login (its `server_logins` row), or none on a database without roles."""
    if connection.dialect.name == "sqlite":
        return Reach()
    if connection.execute(select(func.to_regproc("shuji_current_role"))).scalar() is None:
        return Reach()
    return Reach.of(connection.execute(select(func.shuji_current_role())).scalar())


def hide_unseen(factory: sessionmaker[Any], reach: Reach) -> None:
    """The sessions of `factory` load records without the columns this login may not read (a resident loaded
    by a care form, a care action opened by a 社工): touching one raises instead of asking the server. Not a
    relationship's lazy load (SQLAlchemy builds it past this hook): a 社工's services read a related person's
    name by column (VisitService.audit_values)."""
    if not reach.is_worker:
        return

    @event.listens_for(factory, "do_orm_execute")
    def _without_hidden(state: ORMExecuteState) -> Result[Any] | None:
        if not state.is_select or state.is_column_load:
            return None
        options = [
            defer(getattr(entity, name), raiseload=True)
            for described in getattr(state.statement, "column_descriptions", ())
            if (entity := described.get("entity")) is not None and described.get("type") is entity
            for name in reach.hidden(entity.__table__.name)
        ]
        if options:
            state.statement = state.statement.options(*options)
        return None
