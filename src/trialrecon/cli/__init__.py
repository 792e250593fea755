"""The ``trialrecon`` command line: one module per subcommand in this package.

Each module defines ``NAME`` (the subcommand), ``HELP`` (one line), ``add_arguments(parser)``
and ``run(args) -> int``; :func:`build_parser` discovers them, so adding a command never edits
a shared file.

May import every layer: dossier, stats, checks, stages and report.
"""

from __future__ import annotations

import argparse
import importlib
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


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help()
        return 2
    try:
        return int(args._run(args))
    except (UserError, ValueError, OSError) as exc:
        # a path that is a folder, a file that is missing or unreadable: one line, not a trace
        text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        print(f"trialrecon {args.command}: error: {text}", file=sys.stderr)
        return 2
