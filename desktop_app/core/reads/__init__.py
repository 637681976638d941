"""Every read that is not a plain ORM load, each question defined once: the only SQL text of the program
outside the migrations and the storage layer's engine plumbing (`tests/unit/test_sql_has_one_home.py`).

The modules the 工作台's first look uses read through the driver alone (`storage.plain.Reader`) and never import
SQLAlchemy: their statements are plain SQL text with named parameters (`:day`), written to run on SQLite and
PostgreSQL alike, and their answers are typed rows (NamedTuples, domain objects) converted by
`storage.plain`'s converters. `clauses` serves the ORM's statements and does import SQLAlchemy.
No value is ever formatted into a statement's text; only names of tables and parameters are.
"""
