"""YAML for files a user (or an attacker) writes: plain data, bounded, with clear errors.

``yaml.safe_load`` already refuses to build objects from ``!!python/...`` tags, but it still
expands aliases (a "billion laughs" document of a few hundred bytes grows to gigabytes),
recurses without limit into nested collections, lets a repeated key silently replace the
first (and a merge key ``<<:`` do the same unseen), builds sets whose order depends on
``PYTHONHASHSEED``, raises a bare ``ValueError`` on ``!!int abc``, on a 5,000-digit integer
or on the date ``2015-02-31``, and reads ``.nan`` and ``.inf`` as numbers. The loader here
reads only plain data:

- no tags of any kind (``!!int``, ``!!set``, ``!!binary``, ``!!python/...``, ``!local``);
- no anchors, aliases or merge keys; no repeated keys; keys are plain scalars;
- at most :data:`MAX_DEPTH` levels, :data:`MAX_NODES` values and ``max_bytes`` bytes;
- integers of at most :data:`MAX_DIGITS` digits, floats finite;
- dates stay text (``2015-02-31`` is then refused by whoever expects a date, with its key);
- no control characters in any text (NUL, escape sequences, ...; tab and newline allowed).

Each refusal is a :class:`YamlRefused` naming the line and, where there is one, the key.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from trialrecon.dossier import safe_read

MAX_BYTES = 1_000_000
MAX_DEPTH = 32
MAX_NODES = 200_000
MAX_DIGITS = 30
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_MERGE = "tag:yaml.org,2002:merge"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_STR = "tag:yaml.org,2002:str"
# C0 controls but tab, line feed and carriage return; DEL; C1 controls.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class YamlRefused(ValueError):
    """A YAML document that is not plain, bounded data; ``line`` is 1-based or None."""

    def __init__(self, message: str, line: int | None = None, key: str | None = None):
        self.line = line
        self.key = key
        where = " ".join(x for x in (f"line {line}" if line is not None else "",
                                     f"key '{key}'" if key else "") if x)
        super().__init__(f"{where}: {message}" if where else message)


class _Loader(yaml.SafeLoader):
    """SafeLoader that refuses tags, anchors, aliases and deep nesting while composing."""

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
        event = self.peek_event()
        line = event.start_mark.line + 1
        if self.check_event(yaml.AliasEvent):
            raise YamlRefused("aliases (*name) are not allowed", line)
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise YamlRefused(f"anchors (&{anchor}) are not allowed", line)
        tag = getattr(event, "tag", None)
        if tag is not None:
            raise YamlRefused(f"tags ({_short(tag)}) are not allowed; write plain values "
                              "(quote a text)", line)
        return super().compose_node(parent, index)


# Dates stay text: the reader of each key checks them (and names the key).
_Loader.add_constructor(_TIMESTAMP, yaml.SafeLoader.construct_yaml_str)


def _short(tag: str) -> str:
    return "!!" + tag.rsplit(":", 1)[1] if tag.startswith("tag:yaml.org,2002:") else tag


def _scalar_problem(node: ScalarNode) -> str | None:
    """Why a scalar is not plain data, or None."""
    found = _CONTROL.search(node.value)
    if found:
        return (f"contains the control character U+{ord(found.group()):04X}; remove it "
                "(write plain text)")
    if node.tag == _INT:
        digits = sum(ch.isdigit() for ch in node.value)
        if digits > MAX_DIGITS:
            return f"a number of {digits} digits; at most {MAX_DIGITS}"
    if node.tag == _FLOAT:
        try:
            value = float(node.value.replace("_", ""))
        except ValueError:
            value = math.nan  # .nan, .inf and their spellings
        if not math.isfinite(value):
            return f"'{node.value[:40]}' is not a finite number"
    return None


def _child(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _check_tree(node: Node) -> None:
    """Keys, scalars, depth and size of a composed document, without recursion."""
    count = 0
    stack: list[tuple[Node, int, str]] = [(node, 0, "")]
    while stack:
        current, level, path = stack.pop()
        count += 1
        line = current.start_mark.line + 1
        if count > MAX_NODES:
            raise YamlRefused(f"more than {MAX_NODES} values", line)
        if level > MAX_DEPTH:
            raise YamlRefused(f"nested deeper than {MAX_DEPTH} levels", line, path or None)
        if isinstance(current, ScalarNode):
            why = _scalar_problem(current)
            if why:
                raise YamlRefused(why, line, path or None)
        elif isinstance(current, MappingNode):
            seen: dict[str, int] = {}
            for key, value in current.value:
                key_line = key.start_mark.line + 1
                if key.tag == _MERGE:
                    raise YamlRefused("merge keys (<<) are not allowed; write every key",
                                      key_line, path or None)
                if not isinstance(key, ScalarNode):
                    raise YamlRefused("a key must be a plain text or number", key_line,
                                      path or None)
                if key.value in seen:
                    raise YamlRefused(f"key '{key.value[:60]}' repeated (first on line "
                                      f"{seen[key.value]})", key_line, path or None)
                seen[key.value] = key_line
                stack += [(key, level + 1, path), (value, level + 1, _child(path, key.value))]
        elif isinstance(current, SequenceNode):
            stack += [(item, level + 1, f"{path}[{i + 1}]")
                      for i, item in enumerate(current.value)]


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
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        raise YamlRefused(f"the character U+{exc.character:04X} is not allowed in YAML"
                          if isinstance(exc.character, int) else "not valid YAML text",
                          line) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise YamlRefused(f"not valid YAML: {getattr(exc, 'problem', None) or exc}",
                          mark.line + 1 if mark is not None else None) from None
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:
        # a value the constructors cannot build despite the checks above
        raise YamlRefused(f"a value cannot be read ({type(exc).__name__})") from None
    finally:
        loader.dispose()


def load_file(path: str | Path, max_bytes: int = MAX_BYTES, *, within: str | Path | None = None,
              follow_link: bool = False) -> Any:
    """Read a YAML file through the gate (:mod:`.safe_read`) and parse it with :func:`loads`.

    ``within``: the dossier the file belongs to (no links); ``follow_link``: a file the user
    named may be a link to a regular file. A refused file is a :class:`YamlRefused` too.
    """
    try:
        text = safe_read.read_text(path, max_bytes, within=within, follow_link=follow_link)
    except safe_read.InputRefused as exc:
        raise YamlRefused(f"{exc.why} ({exc.rule})", exc.line) from None
    return loads(text, max_bytes)
