"""Output folders that never lose anything: written aside, moved into place when complete.

Everything is written to a hidden sibling folder (``.<name>.tkm-XXXXXXXX.partial``) and
renamed to the output folder when complete, so an interrupted run (error, Ctrl-C, power
cut) leaves no half-written output behind. Safety rules, all checked before any work
starts (:func:`check_output_dir`):

- an output folder is never an input file, nor a folder holding one (at any depth), nor
  the current folder or one holding it;
- an existing folder is replaced only with ``force=True``, and only when every file in it
  was written by tkm_assign (listed in its :data:`MANIFEST`); otherwise nothing is deleted
  and the error names the files;
- a folder that cannot be replaced (read-only, immutable) or a parent where nothing can
  be created is refused up front, leaving nothing behind.

Unfinished folders of an earlier run of the same output that was killed are removed on
the next run, with an :class:`~tkm_assign.errors.OutputWarning` naming them; a folder
still being written by a running process is left alone (it holds a lock). A *resumable*
run (a scenario grid) keeps its unfinished folder when it is interrupted, with what it
finished so far; the next run of the same output continues in it when asked to
(``resume=True``) and removes it otherwise.

CSV files are neutralised against formula injection (:func:`neutralise_cell`), and JSON
never holds ``NaN`` or ``Infinity`` (which browsers cannot parse).
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import pandas as pd

from tkm_assign import notify
from tkm_assign.errors import OutputError, OutputExistsError, OutputWarning
from tkm_assign.messages import Message, Value

# The list of what tkm_assign wrote into an output folder; replacing it needs nothing else.
MANIFEST = ".tkm-assign-files.json"
_STAGING_TAG = "tkm-"
# mkdtemp's random part: 8 characters of [a-z0-9_]. The untagged form is the one earlier
# versions used; their leftovers are cleaned up too.
_LEFTOVER = r"^\.{name}\.(?:tkm-)?[a-z0-9_]{{8}}\.(?:partial|old)$"
# Marks an unfinished folder that a later run may continue (see ``resumable``).
RESUMABLE = ".tkm-assign-resumable"
# Without a lock to test (no fcntl), only leftovers this old count as abandoned.
_STALE_WITHOUT_LOCK_S = 24 * 3600
_LISTED = 5  # file names quoted in an error; the rest are counted

try:  # POSIX: a running writer holds an advisory lock on its staging folder.
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


def check_output_dir(
    out: str | Path, *, force: bool = False, inputs: Iterable[str | Path | None] = ()
) -> None:
    """Raise :class:`OutputError` unless ``out`` can safely become (or replace) an output folder.

    Call it before any work so that a refusal costs nothing; :func:`atomic_output_dir`
    checks again when it starts.

    Parameters
    ----------
    out
        The output folder.
    force
        Whether an existing folder written by tkm_assign may be replaced.
    inputs
        Every file the run reads (``None`` entries are ignored): the output folder must
        neither be one nor hold one.

    Raises
    ------
    OutputError
        The folder is (or holds) an input or the current folder; it exists without
        ``force``; it holds files tkm_assign did not write; it or its parent cannot be
        written.
    """
    target = Path(out)
    resolved = target.resolve()
    if resolved.parent == resolved:
        raise _refused(target, "output.root")
    for given in inputs:
        if given is None:
            continue
        source = Path(given).resolve()
        if source == resolved or resolved in source.parents:
            code = "output.is_input" if source == resolved else "output.holds_input"
            raise _refused(target, code, input=str(given))
    here = Path.cwd().resolve()
    if resolved == here or resolved in here.parents:
        raise _refused(target, "output.current_folder")
    if target.is_symlink():
        raise _refused(target, "output.link")
    if target.exists():
        if not target.is_dir():
            raise _refused(target, "output.not_folder")
        if not force:
            # Front ends add how to replace it (the command line: --force).
            raise _refused(target, "output.exists", OutputExistsError)
        _check_replaceable(target)
    _check_parent(target, resolved.parent)


@contextmanager
def atomic_output_dir(
    out: str | Path,
    force: bool = False,
    inputs: Iterable[str | Path | None] = (),
    *,
    resumable: bool = False,
    resume: bool = False,
) -> Iterator[Path]:
    """Yield a private staging folder; when the block succeeds it becomes ``out``.

    Parameters
    ----------
    out, force, inputs
        As for :func:`check_output_dir`, which runs first.
    resumable
        On an exception (Ctrl-C included) keep the staging folder, when the block wrote
        anything into it, for a later run with ``resume``.
    resume
        Continue in the folder an interrupted resumable run of ``out`` kept (the newest;
        a new one when there is none).

    Yields
    ------
    Path
        The staging folder to write into. On an exception it is removed (unless
        ``resumable``) and ``out`` is left as it was.

    Raises
    ------
    OutputError
        From :func:`check_output_dir`, or when moving the finished folder into place fails
        (then the previous folder is restored and nothing is left behind).
    """
    inputs = tuple(inputs)
    check_output_dir(out, force=force, inputs=inputs)
    target = Path(out)
    resolved = target.resolve()
    parent = resolved.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise _refused(target, "output.cannot_create", why=_reason(error)) from None
    kept = resumable_leftover(target) if resume else None
    remove_leftovers(target, keep=kept)
    try:
        staging = kept or Path(
            tempfile.mkdtemp(
                prefix=f".{resolved.name}.{_STAGING_TAG}", suffix=".partial", dir=parent
            )
        )
        if resumable:
            (staging / RESUMABLE).write_text("unfinished output kept to be resumed\n", "utf-8")
    except OSError as error:
        raise _refused(target, "output.cannot_create", why=_reason(error)) from None
    lock = _lock(staging)
    try:
        try:
            yield staging
        except BaseException:
            if not resumable or not any(p.name != RESUMABLE for p in staging.iterdir()):
                shutil.rmtree(staging, ignore_errors=True)
            raise
        (staging / RESUMABLE).unlink(missing_ok=True)
        _write_manifest(staging)
        # mkdtemp makes the folder private (0700); give it the permissions a new folder gets.
        umask = os.umask(0)
        os.umask(umask)
        staging.chmod(0o777 & ~umask)
        _move_into_place(staging, target, resolved)
    finally:
        _unlock(lock)


def _leftovers(out: str | Path) -> list[Path]:
    """Unfinished folders of output ``out`` that no running process holds."""
    resolved = Path(out).resolve()
    parent = resolved.parent
    if not parent.is_dir():
        return []
    pattern = re.compile(_LEFTOVER.format(name=re.escape(resolved.name)))
    return [
        entry
        for entry in sorted(parent.iterdir())
        if pattern.match(entry.name)
        and not entry.is_symlink()
        and entry.is_dir()
        and _abandoned(entry)
    ]


def resumable_leftover(out: str | Path) -> Path | None:
    """The newest unfinished folder an interrupted resumable run of ``out`` kept, if any."""
    kept = [p for p in _leftovers(out) if (p / RESUMABLE).is_file()]
    if not kept:
        return None
    return max(kept, key=lambda p: (p.stat().st_mtime, p.name))


def remove_leftovers(out: str | Path, keep: Path | None = None) -> list[Path]:
    """Remove unfinished folders that killed runs of output ``out`` left beside it.

    A folder still locked by a running process is kept, and so is ``keep`` (a folder
    being resumed). Each removal is reported with an :class:`OutputWarning`.

    Returns
    -------
    list of Path
        The folders removed.
    """
    removed = []
    for entry in _leftovers(out):
        if entry == keep:
            continue
        shutil.rmtree(entry, ignore_errors=True)
        if not entry.exists():
            removed.append(entry)
    if removed:
        notify.warn(
            Message.of(
                "warning.output_leftovers_removed",
                folder=str(out),
                count=len(removed),
                names=", ".join(p.name for p in removed),
            ),
            OutputWarning,
        )
    return removed


def written_files(folder: Path) -> set[str]:
    """Relative paths (POSIX) of every file and folder tkm_assign wrote into ``folder``."""
    try:
        data = json.loads((folder / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return set()
    entries = data.get("entries") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return set()
    return {str(e) for e in entries}


def foreign_files(folder: Path) -> list[str]:
    """Files and links in ``folder`` (relative POSIX paths) that tkm_assign did not write."""
    ours = written_files(folder)
    foreign = []
    for root, dirs, files in os.walk(folder):
        base = Path(root).relative_to(folder)
        for name in sorted(dirs):
            path = Path(root) / name
            rel = (base / name).as_posix()
            if path.is_symlink() or rel not in ours:
                foreign.append(rel + ("" if path.is_symlink() else "/"))
        # Do not look inside folders that are not ours: one line names the folder.
        dirs[:] = [d for d in sorted(dirs) if (base / d).as_posix() in ours]
        for name in sorted(files):
            rel = (base / name).as_posix()
            if rel != MANIFEST and (rel not in ours or (Path(root) / name).is_symlink()):
                foreign.append(rel)
    return foreign


def _check_replaceable(target: Path) -> None:
    foreign = foreign_files(target)
    if foreign:
        listed = ", ".join(foreign[:_LISTED])
        more: Value = (
            Message.of("output.foreign_more", count=len(foreign) - _LISTED)
            if len(foreign) > _LISTED
            else ""
        )
        origin: Value = (
            ""
            if (target / MANIFEST).exists()
            else Message.of("output.no_manifest", manifest=MANIFEST)
        )
        raise _refused(
            target, "output.foreign", count=len(foreign), origin=origin, listed=listed, more=more
        )
    for root, _, _ in os.walk(target):
        if not os.access(root, os.W_OK | os.X_OK):
            raise _refused(target, "output.read_only", folder=str(root))


def _check_parent(target: Path, parent: Path) -> None:
    existing = parent
    while not existing.exists() and existing.parent != existing:
        existing = existing.parent
    if not existing.is_dir():
        raise _refused(target, "output.parent_not_folder", folder=str(existing))
    if not os.access(existing, os.W_OK | os.X_OK):
        raise _refused(target, "output.parent_read_only", folder=str(existing))


def _move_into_place(staging: Path, target: Path, resolved: Path) -> None:
    """Rename ``staging`` to ``resolved``, swapping out a previous folder; restore on failure."""
    old: Path | None = None
    old_lock = None
    try:
        if resolved.exists():
            old = Path(
                tempfile.mkdtemp(
                    prefix=f".{resolved.name}.{_STAGING_TAG}", suffix=".old", dir=resolved.parent
                )
            )
            old_lock = _lock(old)
            resolved.rename(old / "previous")
        try:
            staging.rename(resolved)
        except OSError:
            if old is not None:
                (old / "previous").rename(resolved)
            raise
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        raise _refused(target, "output.cannot_move", why=_reason(error)) from None
    finally:
        _unlock(old_lock)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
        if old.exists():
            notify.warn(
                Message.of("warning.previous_output_kept", folder=str(target), kept=str(old)),
                OutputWarning,
            )


def _write_manifest(staging: Path) -> None:
    entries = sorted(p.relative_to(staging).as_posix() for p in staging.rglob("*"))
    data = {"written_by": "tkm_assign", "entries": entries}
    (staging / MANIFEST).write_text(json.dumps(data, indent=1) + "\n", "utf-8")


def _lock(folder: Path) -> int | None:
    """Hold an advisory lock on ``folder`` so other runs see it is in use."""
    if fcntl is None:  # pragma: no cover - Windows
        return None
    handle = os.open(folder, os.O_RDONLY)
    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return handle


def _unlock(handle: int | None) -> None:
    if handle is not None:
        os.close(handle)  # closing releases the lock


def _abandoned(folder: Path) -> bool:
    if fcntl is None:  # pragma: no cover - Windows
        with suppress(OSError):
            return time.time() - folder.stat().st_mtime > _STALE_WITHOUT_LOCK_S
        return False
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False  # a running process is writing it
    finally:
        os.close(handle)
    return True


def _reason(error: OSError) -> str:
    return error.strerror or type(error).__name__


def _refused(
    target: Path, code: str, kind: type[OutputError] = OutputError, **values: Value
) -> OutputError:
    """An :class:`OutputError` about folder ``target``: the catalogue's ``code``."""
    return kind(Message.of("output.at", folder=str(target), text=Message.of(code, **values)))


# Characters that make a spreadsheet read a cell as a formula (OWASP, "CSV Injection"),
# with their full-width forms; a leading quote is escaped too so that reading back is exact.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0", "＝", "＋", "－", "＠", "'")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)


def neutralise_cell(value: str) -> str:
    """``=HYPERLINK(...)`` -> ``'=HYPERLINK(...)``: text a spreadsheet shows, never runs.

    A text starting with a formula character (or with a quote) gets a leading quote, which
    spreadsheets hide and :func:`restore_cell` removes. Plain numbers (``-6.9``) stay.
    """
    if value.startswith(FORMULA_TRIGGERS) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def restore_cell(value: str) -> str:
    """The inverse of :func:`neutralise_cell`, applied to every CSV cell read."""
    if value.startswith("'") and value[1:].startswith(FORMULA_TRIGGERS):
        return value[1:]
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell passed through :func:`neutralise_cell`."""
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if series.dtype == object or isinstance(series.dtype, pd.StringDtype):
            out[column] = series.map(lambda v: neutralise_cell(v) if isinstance(v, str) else v)
    return out


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """CSV as spreadsheets expect it: UTF-8 with BOM, formula-like text neutralised."""
    neutralise_frame(frame).to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n")


def json_ready(data: Any) -> Any:
    """``data`` with every non-finite float (``NaN``, ``Infinity``) as ``None`` (JSON null)."""
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {key: json_ready(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [json_ready(value) for value in data]
    return data


def write_json(data: Any, path: Path) -> None:
    """Indented UTF-8 JSON that any browser parses (no ``NaN``/``Infinity``)."""
    text = json.dumps(json_ready(data), indent=2, ensure_ascii=False, default=str, allow_nan=False)
    path.write_text(text + "\n", "utf-8")
