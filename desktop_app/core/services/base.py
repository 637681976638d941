"""The shape every record service shares: validate, write in one transaction,
soft-delete to the 回收站, restore, and list with filters done in SQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar, cast

from sqlalchemy import ColumnElement, Select, bindparam, delete, func, select, update
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import MANYTOONE, Session, joinedload, object_session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql.schema import Column as SchemaColumn
from sqlalchemy.sql.visitors import replacement_traverse

from desktop_app.core.domain.columns import Column, cell_text
from desktop_app.core.domain.day_text import moment_text
from desktop_app.core.domain.enums import AuditAction
from desktop_app.core.domain.errors import (
    ConcurrentWriteError,
    EditConflictError,
    NotFoundError,
    PermissionRefusedError,
    ValidationError,
)
from desktop_app.core.domain.fields import Field, FieldType, clean_values, labels_of
from desktop_app.core.storage import audit
from desktop_app.core.storage.database import Database, like_pattern, search_text_of
from desktop_app.core.storage.models import Base, RecordRow
from desktop_app.core.storage.roles import NO_BIN

if TYPE_CHECKING:
    from sqlalchemy.sql.visitors import ExternallyTraversible


@dataclass
class ListQuery:
    text: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    deleted: bool = False
    # The record kind's own filters, by the keys its service declares (RecordService.filters).
    filters: dict[str, Any] = field(default_factory=dict)
    sort_key: str | None = None
    descending: bool = False

    @property
    def search_term(self) -> str:
        """What `search_text` must contain (it is kept in lower case)."""
        return self.text.strip().lower()


# A record as saving it would write it: validated, typed, read-only (`RecordService.check`).
Validated = Mapping[str, Any]

# Ids per statement: below SQLite's oldest variable limit (999), whatever the build.
ID_CHUNK = 900


def referenced_name(obj: Any, column_name: str, record_id: int) -> str:
    """How the record a foreign key points at is named in the log: its name, or its topic."""
    [foreign_key] = sa_inspect(type(obj)).columns[column_name].foreign_keys
    target = next(m.class_ for m in Base.registry.mappers if m.local_table is foreign_key.column.table)
    session = object_session(obj)
    related = session.get(target, record_id) if session is not None else None
    if session is not None and related is not None:
        # Held for the session's life: the session keeps what it loaded only while something refers to it, and a
        # save names its references twice (before and after), which was a second SELECT each on a server.
        session.info.setdefault("referenced", []).append(related)
    name = getattr(related, "name", None) or getattr(related, "topic", None)
    return name or f"编号 {record_id}"


def name_taken(session: Session, model: Any, name: str, record_id: int | None) -> bool:
    """Whether another row of `model` already has this name (rows in the 回收站 too: they can come back)."""
    stmt = select(model.id).where(model.name == name, model.id != (record_id or 0))
    return session.scalar(stmt) is not None


def conflict_message(described: str, obj: Any, binned: bool = False) -> str:
    """Who saved the row `obj` (a record, a settings row) and when, while this person edited it."""
    what = "移到了回收站" if binned else "修改了"
    who = obj.updated_by or "另一位用户"
    when = moment_text(obj.updated_at) if obj.updated_at is not None else "刚才"
    return (
        f"在您编辑期间，{described}已被 {who} 于 {when} {what}，"
        "您的修改还没有保存。您填写的内容都还在：可以查看对方的修改，以我的为准保存，或放弃我的修改。"
    )


def settings_conflict(
    described: str, obj: Any, fields: Sequence[Field], mine: Mapping[str, Any], theirs: Mapping[str, Any]
) -> EditConflictError:
    """A settings row (the profile, a care category, a norm, a 核定) saved by someone else since this person
    read it, as records' conflicts are said: `theirs` with the version now saved."""
    typed = {spec.name: mine.get(spec.name) for spec in fields}
    saved = {spec.name: theirs.get(spec.name) for spec in fields}
    hidden = {spec.name for spec in fields if spec.is_sensitive}
    return EditConflictError(
        conflict_message(described, obj),
        {**theirs, "version": obj.version},
        audit.diff(typed, saved, labels_of(fields), hidden),
    )


class RecordService:
    """Subclasses name their model, fields, columns and filters; the rest is shared."""

    model: ClassVar[type[RecordRow]]
    kind_key: ClassVar[str]
    kind_label: ClassVar[str]
    fields: ClassVar[tuple[Field, ...]]
    default_sort: ClassVar[str]
    default_descending: ClassVar[bool] = True
    # The kind's filter keys, and the condition each makes of the value a list chose.
    filters: ClassVar[dict[str, Callable[[Any], ColumnElement[bool]]]] = {}
    # The parts of a record saved with it beyond its fields (attendance, 借鉴举措 …), as a conflict names them.
    part_labels: ClassVar[dict[str, str]] = {}

    def __init__(self, db: Database) -> None:
        self.db = db

    # -- what subclasses describe -------------------------------------------------
    def columns(self) -> list[Column]:
        raise NotImplementedError

    def search_columns(self) -> list[Any]:
        """The columns search looks in (names with their pinyin initials)."""
        raise NotImplementedError

    def search_text_expr(self) -> Any:
        """SQL that builds search_text from the searchable columns (one definition for every writer)."""
        return search_text_of(self.search_columns())

    def refresh_search_text(self, session: Session, ids: Sequence[int] | None = None) -> None:
        """Recompute search_text for these records (all when None), e.g. after a bulk insert. A login that may
        not read it (a 社工's residents: it holds the phone) leaves it to the server, which fills it as it saves."""
        model = self.model
        if not self._writes_search_text:
            return
        stmt = update(model).values(search_text=self.search_text_expr())
        if ids is not None:
            stmt = stmt.where(model.id.in_(list(ids)))
        session.execute(stmt.execution_options(synchronize_session=False))

    @property
    def _writes_search_text(self) -> bool:
        return "search_text" not in self.db.reach.hidden(self.model.__tablename__)

    def _stamp_search_text(self, obj: Any) -> None:
        """Have the row's own INSERT or UPDATE write its search_text: the same SQL definition
        (`search_text_expr`'s `search_text_of`) over the values being written, bound as parameters, where a second
        UPDATE over the stored columns used to follow (on a server a second row version, policy check, trigger
        and round trip per save)."""
        if not self._writes_search_text:
            return
        written = [
            bindparam(None, getattr(obj, column.key), type_=column.type, unique=True)
            for column in self.search_columns()
        ]
        obj.search_text = search_text_of(written)

    def date_column(self) -> Any | None:
        return None

    def title_expr(self) -> Any:
        """A short description of a record, e.g. for the 回收站."""
        raise NotImplementedError

    def joined(self, stmt: Select) -> Select:
        """Add the joins the columns need."""
        return stmt

    def validate(
        self, session: Session, cleaned: Mapping[str, Any], values: Mapping[str, Any], record_id: int | None
    ) -> dict[str, Any]:
        """Cross-field rules and what they settle (defaults, values derived from others, the kind's lists
        cleaned from `values`): a new mapping, or ValidationError naming the fields. Changes nothing it is
        given."""
        return dict(cleaned)

    def check(self, values: Mapping[str, Any], record_id: int | None = None) -> Validated:
        """What saving `values` would write, validated and typed, or ValidationError; writes nothing."""
        with self.db.read_session() as session:
            return self._validated(session, values, record_id)

    def _validated(self, session: Session, values: Mapping[str, Any], record_id: int | None) -> Validated:
        """What saving writes. Left out: the fields this login never sees, and a masked one handed back as it was
        shown (a 社工's 138****5678): those are kept as stored, never validated, blanked or overwritten."""
        shown = self._shown_masked(session, record_id)
        kept = self.unseen_fields() | {name for name, value in shown.items() if values.get(name) == value}
        typed = {name: value for name, value in values.items() if name not in kept}
        settled = self.validate(session, clean_values(self.fields, typed), typed, record_id)
        return MappingProxyType({name: value for name, value in settled.items() if name not in kept})

    def _shown_masked(self, session: Session, record_id: int | None) -> dict[str, Any]:
        """The record's columns this login sees masked, as its view shows them (none on a PC's file)."""
        masked = sorted(self.db.reach.masked_columns(self._table))
        view = self.db.reach.masked(self._table)
        if record_id is None or not masked or view is None:
            return {}
        row = session.execute(select(*(view.c[name] for name in masked)).where(view.c.id == record_id)).first()
        return dict(zip(masked, row, strict=True)) if row is not None else {}

    def apply(self, session: Session, obj: Any, validated: Validated) -> None:
        """Write a validated record onto its row: the fields here (those it holds: see `_validated`), the kind's
        lists in subclasses."""
        for spec in self.fields:
            if spec.name in validated:
                setattr(obj, spec.name, validated[spec.name])

    def field_value(self, obj: Any, name: str) -> Any:
        """A field's saved value: a column of the row, or (in subclasses) of a part saved with it."""
        return getattr(obj, name)

    def to_form(self, obj: Any) -> dict[str, Any]:
        unseen = self.unseen_fields()
        return {spec.name: self.field_value(obj, spec.name) for spec in self.fields if spec.name not in unseen}

    def warnings(self, values: Mapping[str, Any], today: dt.date | None = None) -> list[str]:
        """What is allowed but probably mistyped (a date in the future, an ID number that disagrees with
        the birth date): the form asks the person to confirm. Values that do not validate warn of nothing,
        saving reports them."""
        try:
            cleaned = clean_values(self.fields, values)
        except ValidationError:
            return []
        return self.implausible(cleaned, today or dt.date.today())

    def implausible(self, cleaned: Mapping[str, Any], today: dt.date) -> list[str]:
        return []

    def audit_values(self, obj: Any) -> dict[str, Any]:
        """The record as 操作记录 words it: references by name; kinds with lists add them by label."""
        values = {}
        unseen = self.unseen_fields()
        for spec in self.fields:
            if spec.name in unseen:
                continue
            value = self.field_value(obj, spec.name)
            if spec.type is FieldType.REF and value is not None:
                value = referenced_name(obj, spec.name, value)
            values[spec.name] = value
        return values

    # -- what the signed-in login sees (storage.roles) ----------------------------
    @property
    def _table(self) -> str:
        return self.model.__tablename__

    def unseen_fields(self) -> frozenset[str]:
        """Fields this login never sees (a 社工: ID numbers, illness): not in its lists or forms, never written."""
        return self.db.reach.unseen(self._table)

    def seen(self, columns: list[Column]) -> list[Column]:
        """The list columns without those this login never sees."""
        unseen = self.unseen_fields()
        return [column for column in columns if column.key not in unseen]

    def readable(self, stmt: Select) -> Select:
        """`stmt` as this login may run it: a table whose hidden columns it sees masked is read through its view
        (a 社工's residents through residents_masked: phones and the search text masked)."""
        table = self.model.__table__
        view = self.db.reach.masked(self._table)
        if view is None:
            return stmt

        def swap(element: Any, **_kw: Any) -> Any:
            if element is table:
                return view
            if isinstance(element, SchemaColumn) and element.table is table:
                return view.c[element.key]
            return None

        return cast("Select", replacement_traverse(cast("ExternallyTraversible", stmt), {}, swap))

    # -- listing ------------------------------------------------------------------
    def column_by_key(self, key: str) -> Column:
        for column in self.columns():
            if column.key == key:
                return column
        raise KeyError(key)

    def _filtered(self, stmt: Select, query: ListQuery, join: bool = True) -> Select:
        model = self.model
        if join:
            stmt = self.joined(stmt)
        deleted = model.deleted_at
        stmt = stmt.where(deleted.is_not(None) if query.deleted else deleted.is_(None))
        text = query.search_term
        if text:
            stmt = stmt.where(model.search_text.like(like_pattern(text), escape="\\"))
        date_col = self.date_column()
        if date_col is not None:
            if query.date_from is not None:
                stmt = stmt.where(date_col >= query.date_from)
            if query.date_to is not None:
                stmt = stmt.where(date_col <= query.date_to)
        for key, value in query.filters.items():
            if value is None:
                continue
            if key not in self.filters:
                raise KeyError(f"{type(self).__name__} has no filter {key!r}")
            stmt = stmt.where(self.filters[key](value))
        return stmt

    def list_ids(self, query: ListQuery | None = None, limit: int | None = None) -> list[int]:
        """Ids of the matching records, filtered and sorted by the database."""
        return self.db.fetch_ids(self.readable(self._listing(select(self.model.id), query or ListQuery(), limit)))

    def list_ids_with_text(self, query: ListQuery, limit: int | None = None) -> list[tuple[int, str]]:
        """(id, search text) of the matching records, in list order: a search typed on narrows what was found
        without reading again (the text comes from the same index as the ids)."""
        stmt = self.readable(self._listing(select(self.model.id, self.model.search_text), query, limit))
        return [(record_id, text) for record_id, text in self.db.fetch_stored(stmt)]

    def _listing(self, stmt: Select, query: ListQuery, limit: int | None) -> Select:
        sort_key = query.sort_key or self.default_sort
        descending = query.descending if query.sort_key else self.default_descending
        sort_expr = self.column_by_key(sort_key).order_by
        order = [sort_expr.desc(), self.model.id.desc()] if descending else [sort_expr.asc(), self.model.id.asc()]
        # Join the related tables only to sort by one of their columns; filters use this table's own.
        join = getattr(sort_expr, "table", None) is not self.model.__table__
        return self._filtered(stmt, query, join).order_by(*order).limit(limit)

    def count(self, query: ListQuery | None = None) -> int:
        stmt = self.readable(self._filtered(select(func.count(self.model.id)), query or ListQuery(), join=False))
        with self.db.read_session() as session:
            return session.scalar(stmt) or 0

    @cached_property
    def _stored_statement(self) -> Select:
        stmt = self.joined(select(self.model.id, *(c.expr for c in self.columns())))
        return self.readable(stmt.where(self.model.id.in_(bindparam("ids", expanding=True))))

    def fetch_stored(self, ids: Sequence[int]) -> dict[int, tuple[Any, ...]]:
        """The list columns `(id, value, ...)` as the database stores them, by id (see core.columns).

        What lists read while scrolling; ids no longer there are missing.
        """
        if not ids:
            return {}
        return {row[0]: row for row in self.db.fetch_stored(self._stored_statement, {"ids": list(ids)})}

    def fetch_rows(self, ids: Sequence[int], unmasked: bool = False) -> list[tuple[Any, ...]]:
        """`(id, text, ...)` for these ids, in the order given: each cell as a list shows it."""
        converters = [cell_text(column, unmasked) for column in self.columns()]
        by_id = self.fetch_stored(ids)
        return [
            (record_id, *(convert(value) for convert, value in zip(converters, by_id[record_id][1:], strict=True)))
            for record_id in ids
            if record_id in by_id
        ]

    # -- reading and writing one record -------------------------------------------
    def _load(self, session: Session, record_id: int, references: bool = False) -> Any:
        """The record, without what this login may not read (storage.roles.hide_unseen); what it sees masked
        (a 社工: the phone) as its view shows it, so that a form handing it back unchanged changes nothing.
        `references`: the records it refers to (its category, resident, group) in the same statement, for a save
        that names them in the log and checks them (on a server a round trip each otherwise); not those with
        columns this login may not read, which the hook keeping them out does not reach through a join."""
        options = []
        if references:
            options = [
                joinedload(getattr(self.model, relation.key))
                for relation in sa_inspect(self.model).relationships
                if relation.direction is MANYTOONE and not self.db.reach.hidden(relation.target.name)
            ]
        obj = session.get(self.model, record_id, options=options)
        if obj is None:
            raise NotFoundError(f"找不到这条{self.kind_label}（编号 {record_id}），可能已被永久删除。")
        for name, value in self._shown_masked(session, record_id).items():
            set_committed_value(obj, name, value)
        return obj

    def _expire(self, session: Session, obj: Any) -> None:
        """After a flush: read the record's relationships afresh when next used (a reference whose key changed
        still holds the old one; a list saved with it is read as stored). Its columns hold what the flush wrote
        (the ORM itself expires those the server computed, like a SQL expression's result), so they are not read
        again: on a server that was a SELECT of the whole row per save."""
        relations = [relation.key for relation in sa_inspect(type(obj)).relationships]
        if relations:  # an empty list would expire everything
            session.expire(obj, relations)

    def get(self, record_id: int) -> dict[str, Any]:
        """The record's values as a form shows them."""
        with self.db.read_session() as session:
            obj = self._load(session, record_id)
            values = self.to_form(obj)
            values["id"] = record_id
            values["version"] = obj.version  # handed back to `update`: was it saved by someone else meanwhile?
            return values

    def create(self, values: Mapping[str, Any]) -> int:
        with self.db.session() as session:
            validated = self._validated(session, values, None)
            obj = self.model(updated_by=audit.actor(session))
            self.apply(session, obj, validated)
            self._stamp_search_text(obj)
            session.add(obj)
            session.flush()
            self._expire(session, obj)  # references (group, resident) load by name for the log
            record_id: int = obj.id
            audit.record(
                session,
                AuditAction.CREATE,
                self.kind_key,
                record_id,
                self._titles(session, [record_id])[record_id],
                audit.field_diff(self.fields, {}, self.audit_values(obj)),
            )
            return record_id

    def update(self, record_id: int, values: Mapping[str, Any], version: int | None = None) -> None:
        """Save `values` over the record. `version`: the one the form was opened with (`get`); when someone
        has saved the record since, nothing is written and EditConflictError says who and when. Without it the
        record is still never overwritten by a save that ran at the same time (version_id_col)."""
        try:
            with self.db.session() as session:
                obj = self._load(session, record_id, references=True)
                if version is not None and obj.version != version:
                    raise self._conflict(session, obj, values)
                who = audit.actor(session)  # asked before the changes: a query would flush them on its own
                before = self.audit_values(obj)
                validated = self._validated(session, values, record_id)
                self.apply(session, obj, validated)
                # Always an UPDATE of the row, so its version moves also when only its parts (attendance,
                # 借鉴举措) changed: whoever holds the old version learns of it.
                obj.updated_by = who
                obj.updated_at = dt.datetime.now()
                self._stamp_search_text(obj)
                session.flush()
                self._expire(session, obj)  # relationships (group, attendance) are read afresh for the after-state
                changes = audit.field_diff(self.fields, before, self.audit_values(obj))
                if changes:
                    audit.record(
                        session,
                        AuditAction.UPDATE,
                        self.kind_key,
                        record_id,
                        self._titles(session, [record_id])[record_id],
                        changes,
                    )
        except ConcurrentWriteError as exc:  # saved by someone else between our read and our write
            with self.db.read_session() as session:
                raise self._conflict(session, self._load(session, record_id), values) from exc

    def _conflict(self, session: Session, obj: Any, mine: Mapping[str, Any]) -> EditConflictError:
        message = conflict_message(self.describe(session, obj.id), obj, obj.deleted_at is not None)
        theirs = self.to_form(obj)
        theirs["id"] = obj.id
        theirs["version"] = obj.version
        return EditConflictError(message, theirs, self.differences(obj, mine, theirs))

    def differences(self, obj: Any, mine: Mapping[str, Any], theirs: Mapping[str, Any]) -> dict[str, list[str | None]]:
        """{label: [what this person typed, what is saved now]} where they differ, in the words forms use."""
        try:
            typed: Mapping[str, Any] = {**mine, **clean_values(self.fields, mine)}
        except ValidationError:
            typed = mine  # what was typed does not validate yet: shown as it was typed

        def named(values: Mapping[str, Any]) -> dict[str, Any]:
            shown = {}
            for spec in self.fields:
                value = values.get(spec.name)
                if spec.type is FieldType.REF and isinstance(value, int):
                    value = referenced_name(obj, spec.name, value)
                shown[spec.name] = value
            for part in self.part_labels:
                shown[part] = values.get(part)
            return shown

        labels = {**labels_of(self.fields), **self.part_labels}
        return audit.diff(named(typed), named(theirs), labels)

    def _titles(self, session: Session, ids: Sequence[int]) -> dict[int, str]:
        model = self.model
        stmt = self.joined(select(model.id, self.title_expr())).where(model.id.in_(list(ids)))
        return {record_id: (title or "").strip() for record_id, title in session.execute(stmt)}

    def describe(self, session: Session, record_id: int) -> str:
        """A record named for a person: 关怀记录“陈静 3号楼201室”."""
        title = self._titles(session, [record_id]).get(record_id) or f"编号 {record_id}"
        return f"{self.kind_label}“{title}”"

    def _bulk(self, ids: Iterable[int], action: AuditAction, in_bin: bool, make_stmt: Any) -> int:
        """Change many records in one transaction, with one 操作记录 entry each.

        The ids go to the database in chunks: a person may select all 50,000 care actions, and
        SQLite refuses a statement with more than 32,766 variables (999 on older builds).
        """
        if not self.db.reach.may_bin:
            raise PermissionRefusedError(NO_BIN)
        model = self.model
        ids = list(ids)
        changed = 0
        with self.db.session() as session:
            deleted = model.deleted_at.is_not(None) if in_bin else model.deleted_at.is_(None)
            for start in range(0, len(ids), ID_CHUNK):
                chunk = ids[start : start + ID_CHUNK]
                found = list(session.scalars(select(model.id).where(model.id.in_(chunk), deleted)))
                if not found:
                    continue
                titles = self._titles(session, found)
                session.execute(make_stmt(model.id.in_(found), audit.actor(session)))
                for record_id in found:
                    audit.record(session, action, self.kind_key, record_id, titles.get(record_id, ""))
                changed += len(found)
        return changed

    def soft_delete(self, ids: Iterable[int]) -> int:
        """Move records to the 回收站."""
        now = dt.datetime.now()
        return self._bulk(ids, AuditAction.DELETE, False, lambda where, who: self._moved(where, who, now))

    def restore(self, ids: Iterable[int]) -> int:
        return self._bulk(ids, AuditAction.RESTORE, True, lambda where, who: self._moved(where, who, None))

    def _moved(self, where: ColumnElement[bool], who: str, deleted_at: dt.datetime | None) -> Any:
        """Into or out of the 回收站, as a new version: a form still open on the record learns of it."""
        model = self.model
        return (
            update(model)
            .where(where)
            .values(deleted_at=deleted_at, version=model.version + 1, updated_by=who, updated_at=dt.datetime.now())
        )

    def purge(self, ids: Iterable[int]) -> int:
        """Delete for good; only records already in the 回收站."""
        return self._bulk(ids, AuditAction.PURGE, True, lambda where, _who: delete(self.model).where(where))

    def deleted_entries(self) -> list[tuple[int, str, dt.datetime]]:
        """(id, title, deleted_at) of this kind's records in the 回收站."""
        model = self.model
        stmt = (
            select(model.id, self.title_expr(), model.deleted_at)
            .where(model.deleted_at.is_not(None))
            .order_by(model.deleted_at.desc())
        )
        with self.db.read_session() as session:
            return [tuple(row) for row in session.execute(self.joined(stmt))]

    def invalid(self, errors: dict[str, str]) -> ValidationError:
        return ValidationError(errors, labels_of(self.fields))

    def field_error(self, name: str, message: str) -> ValidationError:
        return self.invalid({name: message})
