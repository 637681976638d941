"""书记工作台 — records for residential-community Party-branch secretaries."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("desktop_app")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

APP_NAME = "书记工作台"
