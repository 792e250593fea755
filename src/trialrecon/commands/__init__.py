"""Subcommands of the ``trialrecon`` command line.

Each module here defines ``NAME`` (the subcommand), ``HELP`` (one line),
``add_arguments(parser)`` and ``run(args) -> int``. ``trialrecon.cli``
discovers them, so adding a command never edits a shared file.
"""
