import tomllib
from pathlib import Path

import desktop_app


def test_the_program_reports_the_version_the_package_and_installers_carry():
    pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
    assert desktop_app.__version__ == tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"]
