"""The program's own files are found in a checkout and inside an installed wheel."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import httpx2 as httpx
import pytest

from tkm_assign import resources
from tkm_assign.config import PROJECT_ROOT, Config
from tkm_assign.errors import TkmError

# What a wheel is built from: the package, its metadata and the folders it bundles.
SOURCES = (
    "tkm_assign",
    "pyproject.toml",
    "setup.py",
    "MANIFEST.in",
    "README.md",
    *resources.SHIPPED,
)


def test_a_checkout_reads_the_repository_folders():
    assert resources.GEO_DIR == PROJECT_ROOT / "geo"
    assert resources.DEFAULT_CONFIG == PROJECT_ROOT / "configs" / "default.toml"
    assert (resources.SAMPLE_DIR / "participants.csv").is_file()
    assert (resources.PLACES_DIR / "villages.csv.gz").is_file()
    assert sorted(p.name for p in resources.PRESETS_DIR.glob("*.toml")) == [
        "kepulauan.toml",
        "laptop_cepat.toml",
        "praktik_2024.toml",
    ]


def test_only_shipped_folders_are_asked_for():
    with pytest.raises(ValueError, match="'tests' is not a shipped folder"):
        resources.resource_dir("tests")


def test_a_package_without_its_folders_says_how_to_fix_it(tmp_path):
    bare = tmp_path / "tkm_assign"
    bare.mkdir()
    with pytest.raises(TkmError, match="reinstall tkm_assign from its wheel"):
        resources.resource_dir("geo", bare)


def test_the_bundle_wins_over_a_neighbouring_folder(tmp_path):
    package = tmp_path / "site-packages" / "tkm_assign"
    (package / resources.BUNDLE / "geo").mkdir(parents=True)
    (tmp_path / "site-packages" / "geo").mkdir()
    assert resources.resource_dir("geo", package) == package / resources.BUNDLE / "geo"


def test_the_default_configuration_comes_from_the_resources():
    assert Config.load() == Config()


def build_wheel(work: Path) -> Path:
    """A wheel built from a copy of the sources, so the checkout gets no build folders."""
    source = work / "source"
    for name in SOURCES:
        origin = PROJECT_ROOT / name
        if origin.is_dir():
            shutil.copytree(origin, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            source.mkdir(exist_ok=True)
            shutil.copy2(origin, source / name)
    dist = work / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(source),
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "--wheel-dir",
            str(dist),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    (wheel,) = dist.glob("tkm_assign-*.whl")
    return wheel


def fresh_environment(work: Path, wheel: Path) -> tuple[Path, dict[str, str]]:
    """A new virtual environment with the wheel installed the ordinary way."""
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    installed = subprocess.run(
        [str(bin_dir / "python"), "-m", "pip", "install", "--quiet", str(wheel)],
        capture_output=True,
        text=True,
        env=env,
        timeout=1200,
    )
    assert installed.returncode == 0, installed.stderr[-3000:]
    return bin_dir, env


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, dict[str, str], Path]:
    """(bin folder, environment, wheel) of a fresh install, shared by this module's tests."""
    work = tmp_path_factory.mktemp("wheel")
    wheel = build_wheel(work)
    bin_dir, env = fresh_environment(work, wheel)
    return bin_dir, env, wheel


@pytest.mark.slow
def test_the_wheel_carries_configuration_geography_places_and_sample(installed):
    _, _, wheel = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    bundle = f"tkm_assign/{resources.BUNDLE}"
    for path in (
        "configs/default.toml",
        "configs/examples/praktik_2024.toml",
        "configs/scenarios/praktik_2024_vs_rekomendasi.toml",
        "geo/provinces.gpkg",
        "geo/regencies.gpkg",
        "geo/islands.gpkg",
        "geo/roads_trunk.gpkg",
        "geo/ferries.csv",
        "geo/README.md",
        "data/places/villages.csv.gz",
        "data/places/README.md",
        "data/sample/participants.csv",
        "data/sample/mentors.csv",
    ):
        assert f"{bundle}/{path}" in names, path
    for path in (
        "web/templates/plan.html",
        "web/static/app.js",
        "web/static/vendor/leaflet/leaflet.js",
        "web/static/vendor/leaflet/images/layers.png",
        "web/static/vendor/leaflet/LICENSE",
        "web/static/vendor/htmx/htmx.min.js",
    ):
        assert f"tkm_assign/{path}" in names, path


@pytest.mark.slow
def test_the_installed_program_runs_the_demo_from_an_unrelated_folder(installed, tmp_path):
    bin_dir, env, _ = installed
    elsewhere = tmp_path / "a folder of its own"
    elsewhere.mkdir()
    where = subprocess.run(
        [str(bin_dir / "python"), "-c", "import tkm_assign.resources as r; print(r.GEO_DIR)"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    geo = Path(where.stdout.strip())
    assert geo.parts[-2:] == (resources.BUNDLE, "geo")
    assert not geo.is_relative_to(PROJECT_ROOT)  # the installed copy, not the checkout
    demo = subprocess.run(
        [str(bin_dir / "tkm-assign"), "demo", "--quiet"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert demo.returncode == 0, demo.stderr[-3000:]
    out = elsewhere / "outputs" / "demo"
    assert "peserta mendapat pendamping" in demo.stdout  # the summary, in Indonesian
    for name in ("plan.xlsx", "report.html", "plan.gpkg", "assignments.csv", "schedule.csv"):
        assert (out / name).stat().st_size > 0, name


@pytest.mark.slow
def test_the_installed_program_serves_the_page_from_an_unrelated_folder(installed, tmp_path):
    bin_dir, env, _ = installed
    server = subprocess.Popen(
        [str(bin_dir / "tkm-assign"), "serve", "--port", "0", "--data-dir", str(tmp_path / "d")],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        match = re.search(r"(http://\S+) (?:in a browser|di peramban)", line)
        assert match, line
        base = match.group(1).rstrip("/")
        for path in ("/", "/new", "/static/vendor/leaflet/leaflet.js", "/geo/provinces.json"):
            answer = _get_when_up(base + path)
            assert answer.status_code == 200, path
        assert "Rencana baru" in _get_when_up(base + "/new").text
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
        if server.stdout is not None:
            server.stdout.close()


def _get_when_up(url: str) -> httpx.Response:
    for _ in range(100):
        try:
            return httpx.get(url, timeout=60)
        except httpx.TransportError:
            time.sleep(0.2)
    return httpx.get(url, timeout=60)
