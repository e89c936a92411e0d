"""Build step that puts the program's files inside the wheel.

The repository keeps the default configuration and presets (``configs/``), the geography
(``geo/``), the gazetteer and the bundled sample (``data/``) as top-level folders. A wheel
must carry them inside the package, where ``tkm_assign.resources`` finds them with
``importlib.resources``, so that ``pip install`` of the wheel is all a laptop needs.
Everything else about the package is declared in ``pyproject.toml``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
SHIPPED = ("configs", "geo", "data")  # tkm_assign.resources.SHIPPED
BUNDLE = "_bundled"  # tkm_assign.resources.BUNDLE
SKIPPED = ("__pycache__", "*.pyc")


class BuildWithResources(build_py):
    """``build_py`` that also copies the shipped folders into ``tkm_assign/_bundled``."""

    def run(self) -> None:
        super().run()
        # An editable install reads the folders of the checkout directly.
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "tkm_assign" / BUNDLE
        for name in SHIPPED:
            destination = target / name
            if destination.exists():
                shutil.rmtree(destination)
            shutil.copytree(HERE / name, destination, ignore=shutil.ignore_patterns(*SKIPPED))


setup(cmdclass={"build_py": BuildWithResources})
