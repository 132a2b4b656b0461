"""A strict YAML reader: safe tags only, no anchors or aliases, no duplicate keys.

Returns the data and a map from field path to line number, so that every later error can name
the file, the line and the field.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from fireenforce.errors import Finding, field_path

dotted = field_path  # the path notation of every message, for ruleset findings

Path_ = tuple[str | int, ...]
Lines = dict[Path_, int]


class YamlProblem(Exception):
    def __init__(self, finding: Finding) -> None:
        self.finding = finding
        super().__init__(finding.format())


class _Strict:
    """Safe loading that refuses anchors and aliases (no alias bombs, no shared nodes)."""

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        event = self.peek_event()  # type: ignore[attr-defined]
        if isinstance(event, yaml.AliasEvent):
            raise yaml.MarkedYAMLError(None, None, "aliases (*name) are not allowed", event.start_mark)  # type: ignore[arg-type]
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise yaml.MarkedYAMLError(None, None, f"anchors (&{anchor}) are not allowed",
                                     event.start_mark)
        return super().compose_node(parent, index)  # type: ignore[misc]

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        """Keys stay the text written (``60:1:3`` is not a base-60 number)."""
        return {
            key_node.value: self.construct_object(value_node, deep=deep)  # type: ignore[attr-defined]
            for key_node, value_node in node.value
        }


class _PyLoader(_Strict, yaml.SafeLoader):
    """Pure-Python events."""


LOADERS: list[type] = [_PyLoader]
if yaml.__with_libyaml__:
    from yaml.cyaml import CParser  # type: ignore[attr-defined]

    class _CLoader(_Strict, Composer, CParser, SafeConstructor, Resolver):
        """libyaml's events (about five times faster), the same Python composer and constructor."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)

    LOADERS.insert(0, _CLoader)


def load_yaml(path: Path, display: str | None = None, loader: type | None = None) -> tuple[Any, Lines]:
    """Parse one YAML file strictly; raise YamlProblem with file:line on any violation.

    ``loader`` defaults to the fastest in ``LOADERS`` (libyaml when PyYAML has it)."""
    name = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise YamlProblem(Finding("RS-READ", f"cannot read: {exc}", file=name)) from None
    return parse_yaml(text, name, loader or LOADERS[0])


def parse_yaml(text: str, name: str, loader_class: type) -> tuple[Any, Lines]:
    """Parse YAML text strictly with ``loader_class``."""
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        lines: Lines = {}
        _walk(node, (), lines, name)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        code = "RS-YAML-TAG" if "constructor" in problem or "tag" in problem else "RS-YAML"
        if "aliases" in problem or "anchors" in problem:
            code = "RS-YAML-ALIAS"
        raise YamlProblem(Finding(code, problem, file=name, line=line)) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(Finding("RS-YAML", str(exc).splitlines()[0], file=name)) from None
    finally:
        loader.dispose()
    return data, lines


def _walk(node: Node, path: Path_, lines: Lines, name: str) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise YamlProblem(Finding("RS-YAML", "mapping keys must be plain scalars", file=name,
                                          line=key_node.start_mark.line + 1))
            key = key_node.value
            if key in seen:
                raise YamlProblem(Finding(
                    "RS-YAML-DUPLICATE",
                    f"duplicate key {key!r} (first on line {seen[key]})",
                    file=name, line=key_node.start_mark.line + 1, field=dotted(path + (key,)),
                ))
            seen[key] = key_node.start_mark.line + 1
            _walk(value_node, path + (key,), lines, name)
    elif isinstance(node, SequenceNode):
        for index, child in enumerate(node.value):
            _walk(child, path + (index,), lines, name)


def line_of(lines: Lines, loc: Path_) -> int | None:
    """The line of the deepest known prefix of ``loc``."""
    for end in range(len(loc), -1, -1):
        line = lines.get(tuple(loc[:end]))
        if line is not None:
            return line
    return None

