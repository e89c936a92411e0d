"""Run every benchmark module of this folder: ``python -m benchmarks`` (or ``make bench``).

Each ``bench_*.py`` module runs in its own process with its default arguments; a module
that needs arguments must have sensible defaults. The exit code is 1 if any module failed.
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    names = sorted(m.name for m in pkgutil.iter_modules([str(HERE)]) if m.name.startswith("bench_"))
    failed = []
    for name in names:
        print(f"== benchmarks.{name}", flush=True)
        done = subprocess.run([sys.executable, "-m", f"benchmarks.{name}"], cwd=HERE.parent)
        if done.returncode != 0:
            failed.append(name)
        print(flush=True)
    if failed:
        print("failed: " + ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
