"""The ``trialrecon`` command line: one module per subcommand in this package.

Each module defines ``NAME`` (the subcommand), ``HELP`` (one line), ``add_arguments(parser)``
and ``run(args) -> int``; :func:`build_parser` discovers them, so adding a command never edits
a shared file.

May import every layer: dossier, stats, checks, stages and report.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from typing import NoReturn

from trialrecon import __version__


class UserError(Exception):
    """A problem with what the user asked for: printed as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (and exit status 2), like the others."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="trialrecon",
        description="Reanalyse the numbers of a published clinical trial report.",
    )
    parser.add_argument("--version", action="version", version=f"trialrecon {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue  # __main__ and private helpers are not subcommands
        module = importlib.import_module(f"{__name__}.{info.name}")
        cmd = sub.add_parser(module.NAME, help=module.HELP, description=module.HELP)
        module.add_arguments(cmd)
        cmd.set_defaults(_run=module.run)
    return parser


def _quiet_stdout() -> None:
    """Point stdout at the null device: the reader (``| head``) has gone.

    Python flushes stdout once more at exit; with the pipe closed that flush would print
    "Exception ignored ... BrokenPipeError". Writing to the null device instead ends quietly.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def main(argv: list[str] | None = None) -> int:
    try:
        status = _main(argv)
        sys.stdout.flush()  # inside the try: a closed pipe shows here, not at exit
        return status
    except BrokenPipeError:
        # ``trialrecon design ... | head``: the reader stopped reading; not an error of ours.
        _quiet_stdout()
        return 0


def _main(argv: list[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help()
        return 2
    try:
        return int(args._run(args))
    except BrokenPipeError:
        raise
    except (UserError, ValueError, OSError) as exc:
        # a path that is a folder, a file that is missing or unreadable: one line, not a trace
        text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        print(f"trialrecon {args.command}: error: {text}", file=sys.stderr)
        return 2
