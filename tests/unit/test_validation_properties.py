"""Validation is pure, for every record kind: any input either validates to a record that saves and reads back
equal to what validation said, or gives field errors and writes nothing; the values handed in are never
changed."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy import inspect as sa_inspect

from desktop_app.core.domain.errors import ValidationError
from desktop_app.core.domain.fields import FieldType
from desktop_app.core.exchange.demo import fill_demo
from desktop_app.core.services.registry import record_services
from desktop_app.core.storage.models import AuditEntry
from desktop_app.core.storage.startup import open_database
from tests.conftest import make_plain_database

KINDS = ("care", "visit", "meeting", "resident", "member", "party_group", "studio_activity", "studio_problem")
EXAMPLES = 40


@pytest.fixture(scope="module")
def services(tmp_path_factory):
    """One branch's demo data, whose records the generated inputs refer to."""
    directory = tmp_path_factory.mktemp("validation")
    make_plain_database(directory / "shuji.sqlite3")
    db = open_database(directory)
    fill_demo(db, "small", today=dt.date(2024, 6, 15))
    yield record_services(db)
    db.dispose()


text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)
some_day = st.dates(dt.date(1940, 1, 1), dt.date(2030, 12, 31))


def valid_value(spec, refs):
    """What a careful person types into the field."""
    kind = spec.type
    if kind in (FieldType.TEXT, FieldType.LONG_TEXT):
        words = st.text(
            st.characters(categories=("Lo", "Ll", "Nd")), min_size=1, max_size=min(spec.max_length or 60, 60)
        )
        return words if spec.required else st.one_of(st.just(""), words)
    if kind is FieldType.DATE:
        return some_day if spec.required else st.one_of(st.none(), some_day)
    if kind is FieldType.TIME:
        return st.one_of(st.none(), st.times().map(lambda t: t.replace(second=0, microsecond=0)))
    if kind is FieldType.MONEY:
        return st.one_of(st.none(), st.decimals(0, 100000, places=2, allow_nan=False, allow_infinity=False))
    if kind is FieldType.COUNT:
        return st.one_of(st.none(), st.integers(0, 500))
    if kind is FieldType.ENUM:
        members = st.sampled_from(list(spec.enum))
        return members if spec.required else st.one_of(st.none(), members)
    if kind is FieldType.BOOL:
        return st.booleans()
    if kind is FieldType.PHONE:
        return st.one_of(st.none(), st.sampled_from(["13812345678", "021-64001234"]))
    if kind is FieldType.ID_NUMBER:
        return st.one_of(st.none(), st.sampled_from(["11010519491231002X", "310104195003154611"]))
    if kind is FieldType.TAGS:
        return st.lists(st.sampled_from(["独居老人", "低保", "高龄"]), max_size=3)
    if kind is FieldType.REF:
        chosen = st.sampled_from(refs)
        return chosen if spec.required else st.one_of(st.none(), chosen)
    raise AssertionError(kind)


def junk_value(spec):
    """What an import, a script or a slip of the hand may hand in instead."""
    odd = st.one_of(st.none(), st.just(""), st.just("  "), text)
    if kind_takes_numbers(spec):
        return st.one_of(odd, st.sampled_from(["12.5", "1,000", "-3", "x", "1430", "9:05"]), st.integers(-3, 10**6))
    if spec.type is FieldType.REF:
        return st.sampled_from([0, -1, 987654, None])
    if spec.type is FieldType.ENUM:
        return st.one_of(odd, st.sampled_from([m.label for m in spec.enum]))
    if spec.type in (FieldType.TEXT, FieldType.LONG_TEXT):
        return st.one_of(odd, st.text(max_size=(spec.max_length or 200) + 5))
    return odd


def kind_takes_numbers(spec):
    return spec.type in (FieldType.MONEY, FieldType.COUNT, FieldType.TIME, FieldType.DATE, FieldType.PHONE)


def value_of(spec, refs):
    """Mostly what a person types; now and then (one field in fifteen) junk."""
    return st.integers(0, 14).flatmap(lambda n: junk_value(spec) if n == 0 else valid_value(spec, refs))


def references(service, name):
    """Ids a REF field can point at: rows of the table its foreign key names, from the demo data."""
    [foreign_key] = sa_inspect(service.model).columns[name].foreign_keys
    table = foreign_key.column.table
    with service.db.read_session() as session:
        return list(session.scalars(select(table.c.id).limit(5))) or [1]


def inputs(service):
    fields = {
        spec.name: value_of(spec, references(service, spec.name) if spec.type is FieldType.REF else [])
        for spec in service.fields
    }
    return st.fixed_dictionaries(fields)


def written(service):
    with service.db.read_session() as session:
        return service.count(), session.scalar(select(func.count(AuditEntry.id)))


@pytest.mark.parametrize("kind", KINDS)
def test_any_input_validates_and_reads_back_or_writes_nothing(services, kind):
    service = services[kind]

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(values=inputs(service))
    def check(values):
        handed_in = copy.deepcopy(values)
        before = written(service)
        try:
            validated = service.check(values)
        except ValidationError:
            with pytest.raises(ValidationError):
                service.create(values)
            assert written(service) == before, "a refused record writes nothing"
            assert values == handed_in
            return
        assert values == handed_in, "validation changes nothing it is given"
        with pytest.raises(TypeError):
            validated["notes"] = "改动"  # type: ignore[index]
        record_id = service.create(values)
        stored = service.get(record_id)
        assert {spec.name: stored[spec.name] for spec in service.fields} == {
            spec.name: validated[spec.name] for spec in service.fields
        }

    check()
