"""The program as `python -m desktop_app` starts it, with the key derivation made cheap: its start-up figures
judge the program, not the half second of scrypt chosen on purpose (`storage/keys.py`). Its data directory's
wraps are made at that cheap cost on its first, unmeasured start, so no start re-derives them dearly."""

import sys

from desktop_app.core.storage import keys

keys.POLICY = keys.KdfPolicy(min_n=2**10, max_n=2**10, target_s=0.0)

from desktop_app.cli import main  # noqa: E402  (after the policy: nothing may derive a key before it)

sys.exit(main(sys.argv[1:]))
