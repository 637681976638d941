"""书记工作台 — records for residential-community Party-branch secretaries."""

# A constant, not importlib.metadata: that import alone took a sixth of start-up, and a frozen
# build carries no package metadata. tests/unit/test_version.py keeps it equal to pyproject.toml.
__version__ = "0.1.0"

APP_NAME = "书记工作台"
