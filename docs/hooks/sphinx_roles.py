"""Griffe extension for the API reference: Sphinx roles in docstrings become links.

The package's docstrings name other objects the Sphinx way (``:mod:`.km```,
``:class:`~trialrecon.dossier.Dossier```, ``:func:`clean_clicks```). Markdown has no such
roles, so mkdocstrings would print the role's text. This extension rewrites each role, once
the package is loaded, into a cross-reference when the name resolves to an object the reference
shows, and into plain code otherwise (a name outside the package, a private or undocumented
object), so ``mkdocs build --strict`` never meets a link without a target.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

ROLE = re.compile(r":(?:py:)?(?:mod|class|func|meth|data|attr|exc|obj|const):`(~?)([^`]+)`")
EXPLICIT = re.compile(r"(.+?)\s*<([\w.\s]+)>")


def _lookup(obj: griffe.Object, path: str) -> griffe.Object | griffe.Alias | None:
    """The object at a full dotted path of the loaded package, or None."""
    try:
        return obj.modules_collection[path]
    except (KeyError, ValueError):
        return None


def _target(obj: griffe.Object, name: str) -> str | None:
    """The full path a role's name points at, seen from obj's docstring, or None."""
    module = obj if obj.is_module else obj.module
    candidates = []
    if name.startswith("."):
        candidates.append(module.path + name)
    else:
        candidates += [name, f"{module.path}.{name}"]
        if obj.is_class or obj.parent is not None:
            scope = obj if obj.is_class else obj.parent
            candidates.append(f"{scope.path}.{name}")
    for path in candidates:
        found = _lookup(obj, path)
        if found is None:
            continue
        try:
            # A name imported into a module is shown where it is defined.
            found = found.final_target if found.is_alias else found
        except griffe.AliasResolutionError:
            return None
        return found.path if _shown(found) else None
    return None


def _shown(obj: griffe.Object) -> bool:
    """Whether the reference renders obj: public and documented, in a class it renders."""
    if any(part.startswith("_") and not part.startswith("__") for part in obj.path.split(".")):
        return False
    parent = obj.parent
    while parent is not None and parent.is_class:
        if not parent.docstring:
            return False
        parent = parent.parent
    return bool(obj.docstring)


class SphinxRoles(griffe.Extension):
    """Rewrite Sphinx roles in every docstring of the loaded package."""

    def on_object(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is None or ":" not in obj.docstring.value:
            return

        def replace(match: re.Match[str]) -> str:
            short, text = match.group(1), match.group(2)
            explicit = EXPLICIT.fullmatch(text.strip())
            # A name the docstring wrapped over two lines is one name.
            name = "".join((explicit.group(2) if explicit else text).split())
            if explicit:
                shown = explicit.group(1)
            else:
                shown = name.rsplit(".", 1)[-1] if short else name.lstrip(".")
            path = _target(obj, name)
            return f"[`{shown}`][{path}]" if path else f"`{shown}`"

        obj.docstring.value = ROLE.sub(replace, obj.docstring.value)
