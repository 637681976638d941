"""Peak memory of this process.

VmHWM from /proc: unlike ru_maxrss it is not inherited across exec from the
(large) benchmark process that started us.
"""

from pathlib import Path


def peak_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status")
