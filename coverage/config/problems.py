"""Pydantic's validation errors as problems at a file, line and dotted path, in the manager's words.

Shared by the config loader, the team sheet (its rows and columns) and what-if
scenario files: a value is located and explained the same way wherever it was written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import (
    ValidationError,
)
from pydantic_core import ErrorDetails

from coverage.config.schema import NAME_PATTERN
from coverage.errors import Problem
from coverage.yamlload import describe_value, dotted_path, node_at, shorten


def _pydantic_problems(exc: ValidationError, prefix: tuple[Any, ...], file: Path, node: yaml.Node | None) -> list[Problem]:
    problems = []
    for error in exc.errors(include_url=False):
        # Drop pydantic's union/tag markers such as 'realtime' or 'date', and '[key]' (the name is the key itself), from the path.
        loc = tuple(part for part in error["loc"] if not _is_type_marker(part) and part != "[key]")
        if error["type"] in ("union_tag_invalid", "union_tag_not_found"):
            loc += ("kind",)
        path = prefix + loc
        written, line = node_at(node, path)
        problems.append(Problem(file, line, dotted_path(path), _explain(error, written)))
    return problems


def _is_type_marker(part: Any) -> bool:
    return isinstance(part, str) and (
        part in ("realtime", "backlog", "date", "LeaveRange") or part.startswith(("function-", "constrained-"))
    )


# A value of the wrong type is most often YAML reading text as something else
# (`007` as the number 7, `2026-12-07` as a date, `~` or nothing as no value):
# the message says what was written, what YAML made of it, and what fits there.
_EXPECTED = {
    "string_type": "text",
    "string_unicode": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "date_type": "a date such as 2026-12-07",
    "date_parsing": "a date such as 2026-12-07",
    "date_from_datetime_inexact": "a date without a time of day",
    "date_from_datetime_parsing": "a date such as 2026-12-07",
    "dict_type": "a mapping of keys and values",
    "model_type": "a mapping of keys and values",
    "list_type": "a list: [a, b], or one '- ' line per item",
    "tuple_type": "a pair: [a, b]",
    "invalid_key": "a key that is text",
}


def _explain(error: ErrorDetails, written: yaml.Node | None = None) -> str:
    """One problem in words; `written` is the YAML node of the value, when the path reaches it."""
    kind = error["type"]
    if kind == "extra_forbidden":
        return "unknown key (check the spelling; see the config reference in docs/configuration.md)"
    if kind == "missing":
        return "required key is missing"
    message = str(error["msg"]).removeprefix("Value error, ")
    if kind == "union_tag_invalid":
        return "unknown channel kind (expected 'realtime' or 'backlog')"
    if kind == "union_tag_not_found":
        return "channel has no 'kind' (expected kind: realtime or kind: backlog)"
    if kind == "model_type":  # pydantic names our class: "a valid dictionary or instance of Plan"
        message = "Input should be a valid dictionary"
    if kind == "string_pattern_mismatch" and error.get("ctx", {}).get("pattern") == NAME_PATTERN:
        return f"{shorten(repr(error['input']))} is not a name (expected letters, digits, '_', '.' and '-', without spaces)"
    if "(expected" in message:
        return message
    got = error.get("input")
    if kind == "invalid_key":  # the path leads to the key's value, not to the key
        written = None
    expected = _EXPECTED.get(kind)
    if expected is not None:
        if kind == "string_type" and isinstance(written, yaml.ScalarNode) and written.value:
            expected = f"text: put it in quotes, '{shorten(written.value)}'"
        return f"{message} (got {describe_value(got, written)}; expected {expected})"
    if kind == "value_error" or isinstance(got, (dict, list)):
        return message
    if isinstance(got, (str, int, float, bool)):
        return f"{message} (got {shorten(repr(got))})"
    return f"{message} (got {describe_value(got, written)})"


explain_error = _explain  # for coverage/config/teamsheet.py: a cell's error in the same words
pydantic_problems = _pydantic_problems  # for coverage/scenarios.py: a scenario file's values located the same way
