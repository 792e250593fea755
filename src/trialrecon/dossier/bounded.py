"""Running a parser of hostile input in a child process held to a memory and time budget.

A PDF is a program for its parser: a 3 MB file can inflate to 3 GB, an 878-byte one can
send a parser round a cross-reference stream forever, a broken one can crash the C engine.
None of that can be bounded from inside the parsing call, so :func:`run_bounded` runs the
call in a forked child process whose address space (beyond what it inherits) and CPU time
are limited with ``setrlimit`` and which is killed at a wall-clock deadline. The result comes
back through a pipe; every way the child can fail becomes one :class:`BudgetExceeded` (or
the call's own ``ValueError`` subclass, such as :class:`~.draft.reader.SourceError`), one
line, never a hang, a traceback or a machine out of memory.

How a reader uses it (the figure reader of the digitizer does; the drafter's PDF reader
bounds its own child process, :mod:`.draft.pdf_extract`)::

    from trialrecon.dossier.bounded import Budget, run_bounded

    text = run_bounded(parse_pdf, data, budget=Budget(seconds=60, memory=1 << 30),
                       what=f"{path}: reading the PDF")

``parse_pdf`` must be a module-level function; its arguments are not copied (the child is a
fork), its result is pickled back, so it should return plain data (text, lists, dataclasses
of numbers, numpy arrays, images). Inside the child, :func:`in_child` is True.

Part of the input layer: imports nothing from the project.
"""

from __future__ import annotations

import importlib
import math
import multiprocessing
import os
import resource
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")
_IN_CHILD = False


@dataclass(frozen=True)
class Budget:
    """What one bounded call may use."""

    seconds: float = 120.0  # wall clock, and (rounded up) CPU time
    memory: int = 1536 * 1024**2  # address space the call may add to what the process holds


DEFAULT = Budget()


class BudgetExceeded(ValueError):
    """The bounded call ran out of time or memory, or its process died: one line."""


def in_child() -> bool:
    """True inside a call run by :func:`run_bounded`."""
    return _IN_CHILD


def _address_space() -> int:
    """The process's current virtual size in bytes (0 when /proc is not there)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _lower(limit: int, value: int) -> None:
    """Lower a resource limit to ``value`` (never above the hard limit already set)."""
    soft, hard = resource.getrlimit(limit)
    value = value if hard == resource.RLIM_INFINITY else min(value, hard)
    if soft == resource.RLIM_INFINITY or value < soft:
        resource.setrlimit(limit, (value, hard))


def _child(conn: Any, budget: Budget, func: Callable[..., Any], args: tuple[Any, ...],
           kwargs: dict[str, Any]) -> None:
    global _IN_CHILD
    _IN_CHILD = True
    os.environ["OMP_NUM_THREADS"] = os.environ["OPENBLAS_NUM_THREADS"] = "1"
    _lower(resource.RLIMIT_AS, _address_space() + budget.memory)
    _lower(resource.RLIMIT_CPU, math.ceil(budget.seconds) + 1)
    try:
        message: tuple[str, Any] = ("ok", func(*args, **kwargs))
    except MemoryError:
        message = ("memory", "")
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, one line
        first = str(exc).splitlines()[0] if str(exc) else ""
        message = ("error", (type(exc).__module__, type(exc).__qualname__, first[:500]))
    try:
        conn.send(message)
    except MemoryError:
        conn.send(("memory", ""))
    conn.close()


def _raise(error: tuple[str, str, str], what: str) -> None:
    """The child's exception again: its own class when it is a ValueError taking a message."""
    module, name, text = error
    try:
        cls = getattr(importlib.import_module(module), name)
        if isinstance(cls, type) and issubclass(cls, ValueError):
            exc = cls(text)
            if str(exc) == text:
                raise exc
    except (ImportError, AttributeError, TypeError):
        pass
    raise BudgetExceeded(f"{what}: could not be read ({name}{': ' + text if text else ''})")


def run_bounded(func: Callable[..., T], *args: Any, budget: Budget = DEFAULT,
                what: str = "the input", **kwargs: Any) -> T:
    """``func(*args, **kwargs)`` run in a child process held to ``budget``.

    Raises :class:`BudgetExceeded` naming ``what`` and the limit when the child runs out of
    memory or time or dies; the child's own ValueError (a reader's refusal) is raised again
    as it was. Runs in-process when already inside a bounded call.
    """
    if _IN_CHILD:
        return func(*args, **kwargs)
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(send, budget, func, args, kwargs), daemon=True)
    start = time.monotonic()
    proc.start()
    send.close()
    status, payload = "died", None
    try:
        if receive.poll(budget.seconds):
            status, payload = receive.recv()
        else:
            status = "timeout"
    except (EOFError, OSError):
        status = "died"
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()
        receive.close()
    if status == "ok":
        return payload  # type: ignore[no-any-return]
    if status == "error":
        _raise(payload, what)
    mb = budget.memory // 1024**2
    if status == "memory" or proc.exitcode == -signal.SIGKILL and \
            time.monotonic() - start < budget.seconds:
        raise BudgetExceeded(f"{what}: needs more than {mb:,} MB of memory (the limit; a "
                             "compressed bomb?)")
    if status == "timeout" or proc.exitcode == -signal.SIGXCPU:
        raise BudgetExceeded(f"{what}: took longer than {budget.seconds:g} s (the limit)")
    code = proc.exitcode or 0
    how = f"signal {signal.Signals(-code).name}" if code < 0 and -code in signal.valid_signals() \
        else f"exit status {code}"
    raise BudgetExceeded(f"{what}: the reader stopped ({how}) within the limits of {mb:,} MB "
                         f"and {budget.seconds:g} s; the file is broken, hostile or too large")
