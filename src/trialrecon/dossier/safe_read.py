"""The one gate every read of a user's file goes through: what it is, where, and how large.

A file named by a dossier (``trial.yaml``, ``values*.csv``, ``triage.yaml``, a source's
``file:``, a curve) or by the user (the paper given to ``trialrecon draft``, a registry
record, ``config.yaml``, a figure to digitize) is checked here before any parser sees a byte:

- it exists and is a *regular file*: a folder, a FIFO (which would block the reader
  forever), a character or block device (``/dev/zero`` never ends) or a socket is refused;
- a file of a dossier is *inside* that dossier and reached without a symbolic link (neither
  the file nor a folder on the way may be a link), so a contributed dossier cannot make
  validation print ``/etc/passwd``; a file the user names on the command line may be a link,
  but to a regular file;
- its *size is known before reading* and at most a limit, and the read itself stops at the
  limit (a file that grows while it is read is refused, never read to the end);
- the file is opened without following a link and without blocking, and the opened file is
  checked again (``fstat``), so it cannot be swapped for a FIFO or a link in between.

Every refusal is an :class:`InputRefused`: one line naming the file, what is wrong and the
rule (``not-a-file``, ``outside-dossier``, ``file-too-large``, ...). The command line prints
it and exits with status 2; validation turns it into a :class:`~.model.Problem`.

:func:`walk` lists a folder's files the same way, bounded in depth and count, without
recursion (a folder nested 1,500 deep is refused, not a ``RecursionError``).

Part of the input layer: imports nothing from the project.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path

# How many files and how deep a dossier may hold (``curves/``, ``sources/`` and a few more).
MAX_DEPTH = 6
MAX_FILES = 10_000
_CHUNK = 1 << 20


class InputRefused(ValueError):
    """A file the gate refuses: ``path``, ``rule`` and a one-line message."""

    def __init__(self, path: str | Path, rule: str, why: str, line: int | None = None):
        self.path = str(path)
        self.rule = rule
        self.why = why
        self.line = line
        where = f", line {line}" if line is not None else ""
        super().__init__(f"{_printable(self.path)}{where}: {why} ({rule})")


def _printable(text: str) -> str:
    """A path as one printable line: control characters shown as escapes."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _inside(path: Path, root: Path) -> Path:
    """``path`` as a path in ``root`` reached without any link (itself included), or a refusal.

    The path is compared after ``..`` is taken out, so ``dossier/sub/../values_x.csv`` is
    the dossier's ``values_x.csv`` and ``dossier/../x`` is outside; the path returned is the
    one checked, and the one to open.
    """
    absolute_root = Path(os.path.abspath(root))
    full = Path(os.path.abspath(path))
    try:
        rel = full.relative_to(absolute_root)
    except ValueError:
        raise InputRefused(path, "outside-dossier", f"is not inside the dossier {root}") from None
    current = absolute_root
    for i, part in enumerate(rel.parts):
        current = current / part
        try:
            info = current.lstat()
        except FileNotFoundError:
            raise InputRefused(path, "file-missing", "file is missing") from None
        except OSError as exc:
            raise InputRefused(path, "unreadable", _os_reason(exc)) from None
        if stat.S_ISLNK(info.st_mode):
            where = "is" if i == len(rel.parts) - 1 else f"lies under {current.name}/, which is"
            raise InputRefused(path, "not-a-file", f"{where} a symbolic link; copy the file into "
                               "the dossier instead")
    return current


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied"
    if exc.errno == errno.ENAMETOOLONG:
        return "the path is too long"
    if exc.errno == errno.ELOOP:
        return "too many levels of symbolic links"
    return exc.strerror or type(exc).__name__


def check_file(path: str | Path, max_bytes: int, *, within: str | Path | None = None,
               follow_link: bool = False) -> os.stat_result:
    """The file's status when the gate lets it through, else :class:`InputRefused`.

    ``within``: the dossier the file belongs to (then no link is allowed at all);
    ``follow_link``: a file the user named may be a link to a regular file.
    """
    return _check(Path(path), max_bytes, within, follow_link)[1]


def _check(path: Path, max_bytes: int, within: str | Path | None,
           follow_link: bool) -> tuple[Path, os.stat_result]:
    if within is not None:
        path = _inside(path, Path(within))
    try:
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode):
            if not follow_link or within is not None:
                raise InputRefused(path, "not-a-file", "is a symbolic link; give the file itself")
            info = path.stat()
    except FileNotFoundError:
        raise InputRefused(path, "file-missing", "no such file") from None
    except OSError as exc:
        raise InputRefused(path, "unreadable", _os_reason(exc)) from None
    if not stat.S_ISREG(info.st_mode):
        raise InputRefused(path, "not-a-file", f"is {_kind(info.st_mode)}, not a regular file")
    if info.st_size > max_bytes:
        raise InputRefused(path, "file-too-large", f"{info.st_size:,} bytes, more than the "
                           f"limit of {max_bytes:,}")
    return path, info


def read_bytes(path: str | Path, max_bytes: int, *, within: str | Path | None = None,
               follow_link: bool = False) -> bytes:
    """The bytes of a file the gate lets through, read with the limit enforced."""
    path, before = _check(Path(path), max_bytes, within, follow_link)
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    if not follow_link or within is not None:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise InputRefused(path, "unreadable", _os_reason(exc)) from None
    with os.fdopen(fd, "rb", buffering=0) as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode) or (info.st_dev, info.st_ino) != (before.st_dev,
                                                                            before.st_ino):
            raise InputRefused(path, "not-a-file", "changed while it was opened")
        chunks, total = [], 0
        while True:
            chunk = handle.read(min(_CHUNK, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes:
                raise InputRefused(path, "file-too-large",
                                   f"more than the limit of {max_bytes:,} bytes")
    return b"".join(chunks)


def decode(path: str | Path, data: bytes, *, bom: bool = False) -> str:
    """UTF-8 text of ``data``; a byte-order mark is refused unless ``bom`` (then dropped)."""
    if data.startswith(b"\xef\xbb\xbf"):
        if not bom:
            raise InputRefused(path, "not-utf8", "file starts with a byte-order mark; save it "
                               "as UTF-8 without BOM")
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputRefused(path, "not-utf8", f"file is not UTF-8 (byte {exc.start})",
                           line) from None


def read_text(path: str | Path, max_bytes: int, *, within: str | Path | None = None,
              follow_link: bool = False, bom: bool = False) -> str:
    """The UTF-8 text of a file the gate lets through (see :func:`read_bytes`)."""
    return decode(path, read_bytes(path, max_bytes, within=within, follow_link=follow_link),
                  bom=bom)


def walk(folder: str | Path, max_depth: int = MAX_DEPTH,
         max_files: int = MAX_FILES) -> Iterator[Path]:
    """The regular files under ``folder``, sorted, links not followed, bounded.

    Iterative (no recursion limit); a folder deeper than ``max_depth`` or more than
    ``max_files`` entries is an :class:`InputRefused`. Links and special files are skipped
    here: validation reports those it reads.
    """
    root = Path(folder)
    stack: list[tuple[Path, int]] = [(root, 0)]
    found: list[Path] = []
    seen = 0
    while stack:
        current, depth = stack.pop()
        try:
            entries = sorted(os.scandir(current), key=lambda e: e.name)
        except OSError as exc:
            raise InputRefused(current, "unreadable", _os_reason(exc)) from None
        for entry in entries:
            seen += 1
            if seen > max_files:
                raise InputRefused(root, "too-many-files", f"more than {max_files:,} files "
                                   "and folders")
            if entry.is_dir(follow_symlinks=False):
                if depth + 1 > max_depth:
                    raise InputRefused(entry.path, "folder-depth", f"folders nested more than "
                                       f"{max_depth} deep")
                stack.append((Path(entry.path), depth + 1))
            elif entry.is_file(follow_symlinks=False):
                found.append(Path(entry.path))
    return iter(sorted(found))
