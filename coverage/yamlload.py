"""Reading a config's YAML: PyYAML's safe loader, hardened, with every problem located.

YAML converts text before our schema sees it: `2026-12-07` becomes a date,
`0x1F` the number 31, `~` nothing, `!!set {a}` a set. Some conversions fail
inside PyYAML with Python's own exceptions (`2026-02-30` raises ValueError,
`!!bool maybe` KeyError, `!!timestamp x` AttributeError, `!!int ''`
IndexError), and a mapping that repeats a key silently keeps the last one.
Here every such failure, and every repeated key, becomes a problem with the
file, the line and the path of the value (`FILE:LINE: plan.start: ...`),
all of them in one run. What YAML reads successfully is handed on as it is:
the schema (coverage/config/schema.py) decides whether a date or a set fits where it
stands, and says what YAML made of the text when it does not.

The loader also refuses documents no plan needs and that would hurt us:
nesting deeper than MAX_YAML_DEPTH and aliases expanding past MAX_YAML_NODES.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from types import GeneratorType
from typing import Any

import yaml

from coverage.errors import InputError, Problem

# A real config nests 5-6 levels and has a few thousand nodes per thousand agents.
# Beyond these, the document is a mistake or an attack: PyYAML's composer
# recurses once per level (10,000 levels crash the interpreter), and aliases
# let 1 KB of text stand for a billion nodes ("billion laughs").
MAX_YAML_DEPTH = 64
MAX_YAML_NODES = 1_000_000  # after expanding aliases

YAML_TAG = "tag:yaml.org,2002:"
MERGE = YAML_TAG + "merge"


class _LimitError(yaml.MarkedYAMLError):
    """The document breaks one of the loader's limits (not a syntax error)."""


class _Invalid:
    """Stands for a value YAML could not construct; each is distinct, so two never look like one repeated key."""


class _Refused(ValueError):
    """A YAML type no config value can be: the message says why and what to write instead."""


class _Loader(yaml.SafeLoader):
    """Safe loader that keeps unquoted clock times such as 07:00 as strings, with size limits.

    YAML 1.1 reads `07:00` as the base-60 integer 420; managers mean a time.
    Nesting deeper than MAX_YAML_DEPTH stops composing at the offending line;
    aliases are recorded so their expansion can be measured before anything
    walks the expanded tree (see _check_expansion). Values that cannot be
    constructed and repeated keys are collected in `problems` (node, mark,
    message) instead of stopping at the first.
    """

    def __init__(self, stream: str):
        super().__init__(stream)
        self.depth = 0
        self.aliases: list[tuple[str, yaml.Mark, yaml.Node]] = []
        self.problems: list[tuple[yaml.Node, yaml.Mark, str]] = []
        self.flattened: set[yaml.Node] = set()
        self.merged: dict[yaml.Node, list[yaml.Node]] = {}  # mapping -> the mappings merged into it (for paths)

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            node = super().compose_node(parent, index)
            assert node is not None, "an alias is the node of its anchor (an unknown anchor raises)"
            self.aliases.append((event.anchor, event.start_mark, node))
            return node
        self.depth += 1
        try:
            if self.depth > MAX_YAML_DEPTH:
                mark = self.peek_event().start_mark
                raise _LimitError(
                    problem=f"nested more than {MAX_YAML_DEPTH} levels deep (expected a plan config: a few levels of sections and keys)",
                    problem_mark=mark,
                )
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def flatten_mapping(self, node: yaml.MappingNode) -> None:
        """Resolve merge keys (<<), then report keys the mapping itself gives twice.

        Only keys written in this mapping are compared: a key given here overrides
        one merged in with <<, which is what merge keys are for. The first
        flattening sees the mapping as written; later ones (an anchored mapping
        merged elsewhere) see it with its merged keys and are not checked again.
        """
        first_time = node not in self.flattened
        self.flattened.add(node)
        own = [key for key, _ in node.value if key.tag != MERGE]
        for key, value in node.value:
            if key.tag == MERGE:
                self.merged.setdefault(node, []).extend(value.value if isinstance(value, yaml.SequenceNode) else [value])
        super().flatten_mapping(node)  # also retags a `=` key as text, as construct_mapping will read it
        if first_time:
            self._check_repeated_keys(own)

    def _check_repeated_keys(self, keys: list[yaml.Node]) -> None:
        """Keys equal as YAML reads them (`1` and `0x1`, `~` and `null`) are the same key."""
        seen: dict[Any, yaml.Node] = {}
        for key_node in keys:
            key = self.construct_object(key_node, deep=True)  # cached: construct_mapping reuses it
            try:
                first = seen.setdefault(key, key_node)
            except TypeError:  # a list or mapping as a key: construct_mapping reports it
                continue
            if first is not key_node:
                where = f"line {first.start_mark.line + 1}"
                self.problems.append((key_node, key_node.start_mark, f"duplicate key (first at {where}; each key once)"))

    def record(self, node: yaml.Node, exc: Exception) -> None:
        mark = exc.problem_mark if isinstance(exc, yaml.MarkedYAMLError) and exc.problem_mark else node.start_mark
        self.problems.append((node, mark, _construction_problem(node, exc)))


def _guarded(constructor: Callable[..., Any]) -> Callable[[_Loader, yaml.Node], Any]:
    """A PyYAML constructor that records what it cannot construct instead of raising.

    PyYAML's constructors raise whatever Python raises on the text (ValueError,
    OverflowError, KeyError, AttributeError, IndexError, UnicodeEncodeError)
    besides its own ConstructorError; every one is a fault in that node's text.
    """

    def construct(loader: _Loader, node: yaml.Node) -> Any:
        try:
            data = constructor(loader, node)
        except MemoryError:
            raise
        except Exception as exc:  # see the docstring: whichever it is, the user's value caused it
            loader.record(node, exc)
            return _Invalid()
        return _guarded_steps(loader, node, data) if isinstance(data, GeneratorType) else data

    return construct


def _guarded_steps(loader: _Loader, node: yaml.Node, steps: Iterator[Any]) -> Iterator[Any]:
    """The same for constructors that yield an empty container first and fill it afterwards (maps, lists, sets)."""
    started = False
    try:
        for data in steps:
            started = True
            yield data
    except MemoryError:
        raise
    except Exception as exc:  # as in _guarded
        loader.record(node, exc)
        if not started:
            yield _Invalid()


def _refuse_binary(loader: _Loader, node: yaml.Node) -> None:
    raise _Refused("!!binary data is not a config value (expected text, a number or a date)")


def _refuse_set(loader: _Loader, node: yaml.Node) -> None:
    """Sets iterate in a different order each run, and the outputs follow the order of the config."""
    raise _Refused("a !!set has no order, and the plan's outputs follow the config's order (expected a list: [a, b])")


def _decimal_int(loader: _Loader, node: yaml.ScalarNode) -> Any:
    """`010` is 10, as in YAML 1.2 and as a manager means it; YAML 1.1 reads a leading 0 as octal (8)."""
    text = loader.construct_scalar(node)
    if isinstance(text, str) and re.fullmatch(r"[-+]?0[0-9_]+", text):
        return int(text.replace("_", ""), 10)
    return yaml.SafeLoader.construct_yaml_int(loader, node)


_Loader.yaml_constructors = {
    tag: _guarded(constructor)
    for tag, constructor in {
        **yaml.SafeLoader.yaml_constructors,
        YAML_TAG + "binary": _refuse_binary,
        YAML_TAG + "set": _refuse_set,
        YAML_TAG + "int": _decimal_int,
    }.items()
}

# YAML 1.1 reads on/off/yes/no as booleans: `{on: early}` would become
# `{True: early}` and `holidays: NO` (Norway) would become False. Only
# true/false are booleans here, as in YAML 1.2; pydantic still accepts
# "yes"/"no" where a field really is a boolean.
_BOOL = YAML_TAG + "bool"
_Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in value if tag != _BOOL]
    for key, value in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
for _first in "tTfF":
    _Loader.yaml_implicit_resolvers[_first].insert(0, (_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")))
for _digit in "0123456789":
    _Loader.yaml_implicit_resolvers.setdefault(_digit, []).insert(0, (YAML_TAG + "str", re.compile(r"^\d{1,2}:\d{2}$")))


# --------------------------------------------------------------------------- what went wrong, in words

_FOUND = {"scalar": "a single value", "sequence": "a list", "mapping": "a mapping"}
_SCALARS = {  # tag: (what the text should have been, an example)
    "int": ("an integer", "digits such as 42, 0x2A or 1_000"),
    "float": ("a number", "e.g. 1.5, 1.0e+3 or .inf"),
    "bool": ("a boolean", "true or false"),
    "null": ("an empty value", "~, null or nothing"),
    "str": ("text", "text"),
}
_TIMESTAMP = yaml.SafeLoader.timestamp_regexp


def _construction_problem(node: yaml.Node, exc: Exception) -> str:
    """What is wrong with a value PyYAML could not construct, as `what (expected …)`."""
    tag = _short_tag(node.tag)
    if isinstance(exc, _Refused):
        return str(exc)
    if isinstance(exc, yaml.constructor.ConstructorError):
        return _constructor_error(tag, str(exc.problem or ""))
    text = shorten(node.value) if isinstance(node, yaml.ScalarNode) else ""
    if tag == "!!timestamp":
        form = "date and time, YYYY-MM-DD HH:MM:SS+HH:MM" if len(text) > 10 else "date, YYYY-MM-DD"
        return f"{text!r} is not a date: {_date_fault(text, exc)} (expected a real {form}; put text in quotes)"
    what, example = _SCALARS.get(tag.removeprefix("!!"), ("a value of that tag", f"a value {tag} can read"))
    return f"{text!r} is not {what} (expected {example}; put text in quotes)"


def _constructor_error(tag: str, problem: str) -> str:
    """PyYAML's ConstructorError texts, reworded for a manager."""
    found = _FOUND.get(problem.rsplit(" ", 1)[-1], problem.rsplit(" ", 1)[-1])
    if problem.startswith("could not determine a constructor"):
        return f"unknown tag {tag} (expected a value without a tag)"
    if problem == "found unhashable key":
        return "a list or mapping as a key (expected text, a number or a date before the colon)"
    if "for merging" in problem:
        return f"<< merges a mapping or a list of mappings, not {found} (expected e.g. <<: *defaults)"
    if tag in ("!!omap", "!!pairs"):
        what = (
            f"{tag} is a list of one-key mappings, not {found}"
            if "sequence" in problem
            else f"each item of {tag} is a one-key mapping, not {found}"
        )
        return f"{what} (expected e.g. {tag} [a: 1, b: 2])"
    match = re.match(r"expected an? (scalar|sequence|mapping) node, but found (\w+)", problem)
    if match:
        return f"{tag} cannot tag {_FOUND[match[2]]} (expected {_FOUND[match[1]]} after {tag})"
    if problem == "found unconstructable recursive node":
        return "a value that contains itself (expected a value without loops)"
    return f"{problem} (expected a plain YAML value)"


def _date_fault(text: str, exc: Exception) -> str:
    """Which part of a YAML timestamp is impossible: the month, the day, the hour, the offset ..."""
    match = _TIMESTAMP.match(text)
    if match is None:
        return "not in the form YYYY-MM-DD"
    parts = match.groupdict()
    year, month, day = int(parts["year"]), int(parts["month"]), int(parts["day"])
    if not 1 <= year <= 9999:
        return f"year {year} does not exist in the calendar"
    if not 1 <= month <= 12:
        return f"there is no month {month}"
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        return f"{calendar.month_name[month]} {year} has {days} days"
    for name, top in (("hour", 23), ("minute", 59), ("second", 59)):
        if parts[name] is not None and int(parts[name]) > top:
            return f"{name} {int(parts[name])} is past {top}"
    if parts["tz_hour"] is not None and int(parts["tz_hour"]) * 60 + int(parts["tz_minute"] or 0) >= 24 * 60:
        return f"offset {parts['tz']} is a day or more"
    return str(exc)


def shorten(text: str, limit: int = 40) -> str:
    """A value as a message quotes it: a 600-character line is cut, not printed whole."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _short_tag(tag: str | None) -> str:
    tag = tag or "?"
    return "!!" + tag.removeprefix(YAML_TAG) if tag.startswith(YAML_TAG) else tag


def describe_value(value: Any, node: yaml.Node | None) -> str:
    """What YAML made of a value, for a message: `007, which YAML reads as the number 7`."""
    written = shorten(node.value) if isinstance(node, yaml.ScalarNode) else None
    if value is None:
        return f"{written!r}, which YAML reads as no value" if written else "no value"
    if isinstance(value, bool):
        shown = str(value).lower()
        return f"{written}, which YAML reads as {shown}" if written and written.lower() != shown else shown
    if isinstance(value, (int, float)):
        shown = shorten(repr(value))
        return f"{written}, which YAML reads as the number {shown}" if written and written != shown else shown
    if isinstance(value, (date, datetime)):
        kind = "a date and time" if isinstance(value, datetime) else "a date"
        return f"{written or value.isoformat()}, which YAML reads as {kind}"
    if isinstance(value, list):
        return "a list of pairs (!!omap or !!pairs)" if value and all(isinstance(v, tuple) for v in value) else "a list"
    if isinstance(value, dict):
        return "a mapping"
    return shorten(repr(value))


# --------------------------------------------------------------------------- reading


def parse_yaml(text: str, file: Path) -> tuple[Any, yaml.Node | None]:
    """The document's data and its node tree (for line numbers); InputError listing every problem otherwise."""
    loader: _Loader | None = None
    try:
        loader = _Loader(text)  # checks for control characters already
        node = loader.get_single_node()
        if node is not None:
            _check_expansion(node, loader.aliases)
        data = loader.construct_document(node) if node is not None else None
        if loader.problems:
            raise InputError(_located(loader.problems, node, loader.merged, file))
        keys = _non_text_keys(node, loader.merged, file)
        if keys:
            raise InputError(keys)
    except _LimitError as exc:
        raise InputError([Problem(file, exc.problem_mark.line + 1 if exc.problem_mark else None, "", str(exc.problem))]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise InputError([Problem(file, line, "", f"not valid YAML: {exc.problem or exc}")]) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        raise InputError(
            [
                Problem(
                    file,
                    line,
                    "",
                    f"not valid YAML: control character U+{exc.character:04X} (expected printable text; was a binary file saved as .yaml?)",
                )
            ]
        ) from None
    except yaml.YAMLError as exc:
        raise InputError([Problem(file, None, "", f"not valid YAML: {exc}")]) from None
    finally:
        if loader is not None:
            loader.dispose()
    return data, node


def _located(
    found: list[tuple[yaml.Node, yaml.Mark, str]], root: yaml.Node | None, merged: dict[yaml.Node, list[yaml.Node]], file: Path
) -> list[Problem]:
    wanted = {node for node, _, _ in found}
    paths: dict[yaml.Node, tuple[Any, ...]] = {}
    for node, path in _walk(root, merged):
        if node in wanted:
            paths.setdefault(node, path)
    problems = [Problem(file, mark.line + 1, dotted_path(paths.get(node, ())), what) for node, mark, what in found]
    return sorted(problems, key=lambda problem: problem.line or 0)


def _walk(root: yaml.Node | None, merged: dict[yaml.Node, list[yaml.Node]]) -> Iterator[tuple[yaml.Node, tuple[Any, ...]]]:
    """Every node once, in document order, with its config path (a key node has its own key's path).

    A mapping merged in with << is no longer in the tree once merged; its keys
    are the host mapping's keys, so it is walked at the host's path.
    """
    seen: set[yaml.Node] = set()
    stack: list[tuple[yaml.Node, tuple[Any, ...]]] = [(root, ())] if root is not None else []
    while stack:
        node, path = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        yield node, path
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in reversed(node.value):
                key = _key_text(key_node)
                stack += [(value_node, path + (key,)), (key_node, path + (key,))]
            stack += [(source, path) for source in reversed(merged.get(node, []))]
        elif isinstance(node, yaml.SequenceNode):
            stack += [(child, path + (index,)) for index, child in reversed(list(enumerate(node.value)))]


def _key_text(key_node: yaml.Node) -> str:
    if isinstance(key_node, yaml.ScalarNode):
        return key_node.value
    return "[...]" if isinstance(key_node, yaml.SequenceNode) else "{...}"


_READ_AS = {"int": "a number", "float": "a number", "timestamp": "a date", "bool": "a boolean", "null": "no value"}


def _non_text_keys(root: yaml.Node | None, merged: dict[yaml.Node, list[yaml.Node]], file: Path) -> list[Problem]:
    """Every key of a plan config is a name; YAML reads some unquoted names as numbers, dates or nothing.

    Said here, at the key's own line, instead of as a type error on a path such
    as `sites.None.[key]` after validation.
    """
    problems = []
    for node, path in _walk(root, merged):
        if not isinstance(node, yaml.MappingNode):
            continue
        for key_node, _ in node.value:
            read_as = _READ_AS.get(key_node.tag.removeprefix(YAML_TAG)) if isinstance(key_node, yaml.ScalarNode) else None
            if read_as is not None:
                text = shorten(key_node.value)
                what = f"key {text or repr(text)} is read by YAML as {read_as} (expected a name: put it in quotes, '{text}')"
                problems.append(Problem(file, key_node.start_mark.line + 1, dotted_path(path + (key_node.value,)), what))
    return problems


def _check_expansion(root: yaml.Node, aliases: list[tuple[str, yaml.Mark, yaml.Node]]) -> None:
    """Refuse documents whose aliases expand past MAX_YAML_NODES or MAX_YAML_DEPTH, or into themselves.

    PyYAML shares one object per anchor, so loading a "billion laughs" is
    cheap; validating it is not, because validation walks the expanded tree.
    Sizes are counted per node once (memoised, no recursion), so the check
    itself costs one pass over the document as written.
    """
    sizes, loop = _expanded_sizes(root)
    if loop is not None:
        anchor, mark = next(((a, m) for a, m, n in aliases if n is loop), ("?", loop.start_mark))
        raise _LimitError(
            problem=f"alias *{anchor} refers to a value that contains itself (expected a value without loops)", problem_mark=mark
        )
    count, depth = sizes[id(root)]
    if count <= MAX_YAML_NODES and depth <= MAX_YAML_DEPTH:
        return
    anchor, mark, _ = max(aliases, key=lambda alias: sizes[id(alias[2])], default=("?", root.start_mark, root))
    if count > MAX_YAML_NODES:
        what = f"expand the document to more than {MAX_YAML_NODES:,} values (alias *{anchor}: a 'billion laughs'? expected at most {MAX_YAML_NODES:,})"
    else:
        what = f"nest the document more than {MAX_YAML_DEPTH} levels deep (alias *{anchor}; expected at most {MAX_YAML_DEPTH})"
    raise _LimitError(problem=f"aliases {what}", problem_mark=mark)


def _expanded_sizes(root: yaml.Node) -> tuple[dict[int, tuple[int, int]], yaml.Node | None]:
    """(values, depth) of every node with aliases expanded, by id(node), and a node that contains itself, if any."""
    sizes: dict[int, tuple[int, int]] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        children = _children(node)
        if children_done:
            on_path.discard(key)
            count = 1 + sum(sizes[id(child)][0] for child in children)
            depth = 1 + max((sizes[id(child)][1] for child in children), default=0)
            sizes[key] = (min(count, MAX_YAML_NODES + 1), depth)
            continue
        if key in sizes:
            continue
        if key in on_path:
            return sizes, node
        on_path.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in children if id(child) not in sizes)
    return sizes, None


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


# --------------------------------------------------------------------------- paths and lines


def node_at(node: yaml.Node | None, path: tuple[Any, ...]) -> tuple[yaml.Node | None, int | None]:
    """The deepest YAML node reachable along a field path, and its 1-based line (the key's line in a mapping).

    The node is None unless the whole path was found, so a message can tell the
    value the user wrote from the section around it.
    """
    if node is None:
        return None, None
    line = node.start_mark.line + 1
    for key in path:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if str(key_node.value) == str(key):
                    line = key_node.start_mark.line + 1
                    node = value_node
                    break
            else:
                return None, line
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line + 1
        else:
            return None, line
    return node, line


def line_of(node: yaml.Node | None, path: tuple[Any, ...]) -> int | None:
    """1-based line of the deepest YAML node reachable along a field path."""
    return node_at(node, path)[1]


def dotted_path(path: tuple[Any, ...]) -> str:
    """`agents[3].leave[0].from`: how problems name a place in the config."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{_printable(part)}" if text else _printable(part))
    return text


def _printable(part: Any) -> str:
    """A key as one line can show it: a key with a line break or control character is quoted."""
    text = str(part)
    return text if text.isprintable() else repr(text)
