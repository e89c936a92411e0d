"""Servers for the page tests: the real application, in process or as ``tkm-assign serve``."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx2 as httpx
import pytest
from starlette.testclient import TestClient

from tkm_assign.config import PROJECT_ROOT, Config
from tkm_assign.web.app import Options, create_app

SAMPLE = PROJECT_ROOT / "data" / "sample"
VALID = PROJECT_ROOT / "tests" / "data" / "valid"
INVALID = PROJECT_ROOT / "tests" / "data" / "invalid"
ADDRESS = re.compile(r"(http://\S+) (?:in a browser|di peramban)")


@pytest.fixture
def client(tmp_path) -> Iterator[TestClient]:
    """The application on a fresh data folder, its job runner started."""
    app = create_app(Options(data_dir=tmp_path / "data", workers=1, config=Config.load()))
    with TestClient(app, base_url="http://127.0.0.1:8050") as test_client:
        yield test_client


def csrf_of(client: TestClient, path: str = "/new") -> str:
    page = client.get(path)
    match = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert match, page.text[:500]
    return match.group(1)


@dataclass
class Served:
    """A ``tkm-assign serve`` process and where it answers."""

    process: subprocess.Popen[str]
    url: str
    data_dir: Path
    reader: threading.Thread | None = None

    @property
    def base(self) -> str:
        return self.url.split("?", 1)[0].rstrip("/")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self.reader is not None:
            self.reader.join(timeout=10)
        if self.process.stdout is not None:
            self.process.stdout.close()


def start_server(data_dir: Path, *extra: str, timeout_s: float = 60) -> Served:
    """``tkm-assign serve`` on a free port; returns once it printed its address."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tkm_assign",
            "serve",
            "--port",
            "0",
            "--data-dir",
            str(data_dir),
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        cwd=PROJECT_ROOT,
    )
    deadline = time.monotonic() + timeout_s
    assert process.stdout is not None
    seen = []
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        seen.append(line)
        match = ADDRESS.search(line)
        if match:
            served = Served(process, match.group(1), data_dir, _drain(process))
            _wait_until_up(served.base)
            return served
    process.kill()
    raise AssertionError("the server did not start:\n" + "".join(seen))


def _drain(process: subprocess.Popen[str]) -> threading.Thread:
    """Keep reading the server's output so that it never blocks on a full pipe."""

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            sys.stderr.write(f"[server] {line}")

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    return reader


def _wait_until_up(base: str) -> None:
    for _ in range(100):
        try:
            httpx.get(base + "/static/app.css", timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
