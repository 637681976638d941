"""Packages as an earlier program made them, for the street's tests: a program of format 1 wrote the same file
with the same parts, less the duties part that format 2 added."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any
from unittest.mock import patch

from desktop_app.core.domain.duty_figures import PART
from desktop_app.core.exchange.packages import build, format


@contextmanager
def format_1() -> Iterator[None]:
    """Within it, build_package writes what the program of format 1 wrote."""
    parts_now = build.build_parts

    def parts_of_format_1(*args: Any, **kwargs: Any) -> dict[str, Any]:
        parts = parts_now(*args, **kwargs)
        del parts[PART]
        return parts

    with patch.object(format, "FORMAT_VERSION", 1), patch.object(build, "build_parts", parts_of_format_1):
        yield


def quarters(db: Any, year: int, folder: Path, seed: int, old: bool = False) -> list[Path]:
    """The four quarterly packages of a year from a community (`old`: as the program of format 1 made them)."""
    files = []
    for quarter in range(1, 5):
        files.append(folder / f"{seed}-Q{quarter}.sjb")
        with format_1() if old else nullcontext():
            build.build_package(db, build.package_period(f"{year}Q{quarter}"), files[-1])
    return files
