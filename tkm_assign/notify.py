"""Warnings and progress of the current call, kept apart for every call (contextvars).

Library code reports legal-but-suspicious input with :func:`warn` and long steps with
:func:`progress`; it never prints. Inside :func:`collecting` (the application layer opens
one per command call) warnings are gathered as :class:`~tkm_assign.messages.Message` for
that call only and progress goes to that call's callback. The state lives in
:mod:`contextvars`, so two calls running at once in one process (threads of a web server,
asyncio tasks) never see each other's warnings; work handed to a thread pool inside a call
keeps the call's state when submitted with :func:`in_call` (``pool.submit(in_call(task))``).

Outside any call, :func:`warn` falls back to :func:`warnings.warn` with a
:class:`~tkm_assign.errors.TkmWarning` (the English text), so scripts and tests calling
library functions directly still see every warning; :func:`progress` does nothing.
"""

from __future__ import annotations

import contextvars
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TypeVar

from tkm_assign.errors import TkmWarning
from tkm_assign.messages import Message

__all__ = ["Call", "ProgressCallback", "collecting", "in_call", "progress", "warn"]

ProgressCallback = Callable[[str, int, int], None]
T = TypeVar("T")


@dataclass
class Call:
    """The warnings and progress callback of one command call."""

    progress: ProgressCallback | None = None
    _warnings: list[Message] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, message: Message) -> None:
        """Keep ``message`` once (the same fact reported twice is one warning)."""
        with self._lock:
            if message not in self._warnings:
                self._warnings.append(message)

    @property
    def warnings(self) -> tuple[Message, ...]:
        """The warnings so far, in the order first reported."""
        with self._lock:
            return tuple(self._warnings)


_CALL: contextvars.ContextVar[Call | None] = contextvars.ContextVar("tkm_assign_call", default=None)


@contextmanager
def collecting(progress: ProgressCallback | None = None) -> Iterator[Call]:
    """A call: warnings raised inside are collected in the yielded :class:`Call`.

    Parameters
    ----------
    progress
        Called as ``progress(step, done, total)`` by long steps of this call; ``step`` is a
        ``step.*`` code of the catalogue (render it with :func:`tkm_assign.messages.render`).

    Yields
    ------
    Call
        Read ``call.warnings`` after the work (also while it runs).
    """
    call = Call(progress)
    token = _CALL.set(call)
    try:
        yield call
    finally:
        _CALL.reset(token)


def current() -> Call | None:
    """The call in progress in this context, if any."""
    return _CALL.get()


def warn(message: Message, category: type[TkmWarning] = TkmWarning) -> None:
    """Report a legal but suspicious fact of the input or the plan.

    Inside a call it is collected for that call; outside, it is issued with
    :func:`warnings.warn` as ``category(message)``.
    """
    call = _CALL.get()
    if call is not None:
        call.add(message)
        return
    warnings.warn(category(message), stacklevel=3)


def progress(step: str, done: int, total: int) -> None:
    """Report that ``done`` of ``total`` parts of ``step`` (a ``step.*`` code) are finished."""
    call = _CALL.get()
    if call is not None and call.progress is not None:
        call.progress(step, done, total)


def in_call(task: Callable[[], T]) -> Callable[[], T]:
    """``task`` bound to the current call, for running it on another thread."""
    context = contextvars.copy_context()
    return lambda: context.run(task)
