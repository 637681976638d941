"""Where the files beside the code live: the repository's resources/ in a source checkout, and the
same folder inside the bundle when frozen by PyInstaller (which sets sys._MEIPASS)."""

from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path:
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)
