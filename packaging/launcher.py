"""The frozen program's entry point (PyInstaller runs this file)."""

import sys

from desktop_app.cli import main

sys.exit(main())
