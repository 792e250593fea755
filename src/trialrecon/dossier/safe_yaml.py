"""YAML for files a user (or an attacker) writes: plain data, bounded, with clear errors.

``yaml.safe_load`` already refuses to build objects from tags, but it still expands aliases
(a "billion laughs" document of a few hundred bytes grows to gigabytes), recurses without
limit into nested collections, and lets a repeated key silently replace the first. The
loader here refuses all three, and files larger than a limit, and reports each refusal as a
:class:`YamlRefused` with the line it happened on.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

MAX_BYTES = 1_000_000
MAX_DEPTH = 32
MAX_NODES = 200_000


class YamlRefused(ValueError):
    """A YAML document that is not plain, bounded data; ``line`` is 1-based or None."""

    def __init__(self, message: str, line: int | None = None):
        self.line = line
        super().__init__(message if line is None else f"line {line}: {message}")


class _Loader(yaml.SafeLoader):
    """SafeLoader that refuses anchors, aliases and deep nesting while composing."""

    _depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node:  # type: ignore[override]
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise YamlRefused(f"nested deeper than {MAX_DEPTH} levels",
                                  self.peek_event().start_mark.line + 1)
            return self._compose_plain(parent, index)
        finally:
            self._depth -= 1

    def _compose_plain(self, parent: Node | None, index: Any) -> Node:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise YamlRefused("aliases (*name) are not allowed", event.start_mark.line + 1)
        event = self.peek_event()
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise YamlRefused(f"anchors (&{anchor}) are not allowed", event.start_mark.line + 1)
        return super().compose_node(parent, index)


def _check_tree(node: Node, depth: int = 0, count: list[int] | None = None) -> None:
    """Depth, size and duplicate keys of a composed document, without recursion limits."""
    count = [0] if count is None else count
    stack = [(node, depth)]
    while stack:
        current, level = stack.pop()
        count[0] += 1
        if count[0] > MAX_NODES:
            raise YamlRefused(f"more than {MAX_NODES} values", current.start_mark.line + 1)
        if level > MAX_DEPTH:
            raise YamlRefused(f"nested deeper than {MAX_DEPTH} levels",
                              current.start_mark.line + 1)
        if isinstance(current, MappingNode):
            seen: dict[str, int] = {}
            for key, value in current.value:
                if isinstance(key, ScalarNode):
                    line = key.start_mark.line + 1
                    if key.value in seen:
                        raise YamlRefused(f"key '{key.value}' repeated (first on line "
                                          f"{seen[key.value]})", line)
                    seen[key.value] = line
                stack += [(key, level + 1), (value, level + 1)]
        elif isinstance(current, SequenceNode):
            stack += [(item, level + 1) for item in current.value]


def loads(text: str, max_bytes: int = MAX_BYTES) -> Any:
    """Parse one YAML document into plain Python data, or raise :class:`YamlRefused`."""
    if len(text.encode("utf-8")) > max_bytes:
        raise YamlRefused(f"larger than {max_bytes} bytes")
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_tree(node)
        return loader.construct_document(node)
    except YamlRefused:
        raise
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise YamlRefused(f"not valid YAML: {getattr(exc, 'problem', None) or exc}",
                          mark.line + 1 if mark is not None else None) from None
    finally:
        loader.dispose()


def load_file(path: str | Path, max_bytes: int = MAX_BYTES) -> Any:
    """Read and parse a YAML file (UTF-8) with :func:`loads`; size checked before reading."""
    path = Path(path)
    size = path.stat().st_size
    if size > max_bytes:
        raise YamlRefused(f"{path}: larger than {max_bytes} bytes ({size})")
    return loads(path.read_text(encoding="utf-8"), max_bytes)
