"""MkDocs hook: the configuration reference, generated from the pydantic models at build time.

The page docs/configuration.md holds a marker, `<!-- config-reference -->`; this hook replaces it
with one table per section of the config, every key with its type, default and description, read
from `coverage.config.config_schema()` — the same JSON Schema editors use, built from the same
models that validate a config. A key added to the models appears here on the next build; a key
without a description is a warning, which `mkdocs build --strict` (make docs, CI) turns into a
failed build, so the reference cannot fall behind the code.

tests/test_docs.py calls `reference()` directly.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

MARKER = "<!-- config-reference -->"
log = logging.getLogger("mkdocs.hooks.config_reference")

Schema = dict[str, Any]


@dataclass(frozen=True)
class Key:
    """One row of the reference: a dotted key as a user writes it (`sites.NAME.shifts.NAME.start`)."""

    path: str
    type: str
    default: str
    description: str
    section: str  # the top-level key it belongs to, which names its table


def reference(schema: Schema) -> list[Key]:
    """Every key of the configuration, in the models' order, sections before their keys."""
    keys: list[Key] = []
    for name, prop in schema["properties"].items():
        _walk(schema, name, prop, name in schema.get("required", ()), name, keys)
    return keys


def missing_descriptions(keys: list[Key]) -> list[str]:
    return [key.path for key in keys if not key.description]


def markdown(keys: list[Key]) -> str:
    """One table per top-level section, in the order of the models."""
    out: list[str] = []
    section = None
    for key in keys:
        if key.section != section:
            section = key.section
            out += ["", f"### `{section}`", "", "| key | type | default | description |", "|---|---|---|---|"]
        out.append(f"| `{key.path}` | {_cell(key.type)} | {_cell(key.default)} | {_cell(key.description)} |")
    return "\n".join(out).strip() + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _resolve(schema: Schema, node: Schema) -> Schema:
    while "$ref" in node:
        extra = {k: v for k, v in node.items() if k != "$ref"}
        node = {**schema["$defs"][node["$ref"].rsplit("/", 1)[-1]], **extra}
    return node


def _models(schema: Schema, node: Schema) -> list[tuple[str, Schema]]:
    """The object models a value may be (name, resolved schema); a scalar alternative is not one."""
    found = []
    for option in node.get("oneOf") or node.get("anyOf") or [node]:
        if "$ref" in option:
            name = option["$ref"].rsplit("/", 1)[-1]
            found.append((name, _resolve(schema, option)))
    return found


def _walk(schema: Schema, path: str, prop: Schema, required: bool, section: str, keys: list[Key]) -> None:
    node = _resolve(schema, prop)
    description = prop.get("description") or node.get("description") or ""
    models = _models(schema, node) if "properties" not in node else [("", node)]
    # A mapping of names to models (sites.NAME, channels.NAME) or a list of models (agents[]) gets its row, then its keys.
    inner = _values(node)
    items = node.get("items") if node.get("type") == "array" else None
    if inner and (_models(schema, inner) or "properties" in _resolve(schema, inner)):
        keys.append(Key(path, "mapping of names to sections", _default(prop, required), description, section))
        _members(schema, f"{path}.NAME", _resolve(schema, inner), section, keys)
        return
    if items and (_models(schema, items) or "properties" in _resolve(schema, items)) and not _scalar_options(items):
        keys.append(Key(path, "list of sections", _default(prop, required), description, section))
        _members(schema, f"{path}[]", _resolve(schema, items), section, keys)
        return
    if models:
        if not description and len(models) == 1:
            description = models[0][1].get("description", "")
        scalars = [
            _type(schema, o)
            for o in node.get("anyOf", node.get("oneOf", []))
            if "$ref" not in o and "properties" not in o and o.get("type") != "null"
        ]
        kind = " or ".join([*scalars, "section"]) + (" or null" if _nulls(node) else "")
        keys.append(Key(path, kind, _default(prop, required, section=True), description, section))
        _members(schema, path, node, section, keys)
        return
    keys.append(Key(path, _type(schema, node), _default(prop, required), description, section))


def _members(schema: Schema, path: str, node: Schema, section: str, keys: list[Key]) -> None:
    """The keys of one model, or of each model of a union (channels: realtime or backlog), each key once."""
    models = [model for _, model in _models(schema, node)] if "properties" not in node else [node]
    models += [_resolve(schema, o) for o in node.get("anyOf", []) if "properties" in o]  # inline (Shrinkage's rule)
    kinds = [_kind(model) for model in models]
    for model in models:
        required = set(model.get("required", ()))
        for name, prop in model.get("properties", {}).items():
            key_path = f"{path}.{name}"
            found = [i for i, k in enumerate(keys) if k.path == key_path]
            if found:  # a key two kinds share (kind, aht_seconds): one row, both types
                old = keys[found[0]]
                merged = " or ".join(dict.fromkeys([old.type, _type(schema, _resolve(schema, prop))]))
                more = _resolve(schema, prop).get("description") or prop.get("description") or ""
                text = old.description if more in old.description else f"{old.description} Or {more}"
                keys[found[0]] = Key(old.path, merged, old.default, text, old.section)
                continue
            owners = [k for m, k in zip(models, kinds) if name in m.get("properties", {})]
            start = len(keys)
            _walk(schema, key_path, prop, name in required, section, keys)
            if len(models) > 1 and len(owners) < len(models) and all(owners) and start < len(keys):
                row = keys[start]
                keys[start] = Key(row.path, row.type, row.default, f"{', '.join(owners)} only: {row.description}", row.section)


def _kind(model: Schema) -> str:
    """The `kind` a model of a union is told by (realtime, backlog), or ''."""
    kind = model.get("properties", {}).get("kind", {})
    return str(kind.get("const") or (kind.get("enum") or [""])[0])


def _values(node: Schema) -> Schema | None:
    """The value schema of a mapping of names (additionalProperties, or one patternProperties entry)."""
    if isinstance(node.get("additionalProperties"), dict):
        return node["additionalProperties"]
    patterns = node.get("patternProperties") or {}
    return next(iter(patterns.values())) if len(patterns) == 1 else None


def _nulls(node: Schema) -> int:
    return sum(1 for option in node.get("anyOf", []) if option.get("type") == "null")


def _scalar_options(node: Schema) -> bool:
    return any("$ref" not in option for option in node.get("oneOf", node.get("anyOf", [])))


def _type(schema: Schema, node: Schema) -> str:
    """The value's type in words, with its bounds: `number, > 0, ≤ 86400`."""
    options = node.get("anyOf") or node.get("oneOf")
    if options:
        words = [_type(schema, _resolve(schema, option)) for option in options if option.get("type") != "null"]
        return " or ".join(dict.fromkeys(words)) + (" or null" if _nulls(node) else "")
    if "$ref" in node:
        return _type(schema, _resolve(schema, node))
    if "enum" in node:
        return "one of " + ", ".join(f"`{json.dumps(value)}`" for value in node["enum"])
    if "const" in node:
        return f"`{json.dumps(node['const'])}`"
    kind = node.get("type")
    if kind == "array":
        if "prefixItems" in node:
            return "pair of " + " and ".join(_type(schema, _resolve(schema, item)) for item in node["prefixItems"])
        return "list of " + _type(schema, _resolve(schema, node.get("items", {})))
    if kind == "object":
        if "properties" in node:
            return "section"
        value = _values(node)
        names = node.get("propertyNames", {})
        key = _type(schema, names) if "enum" in names else "name"
        return f"mapping of {key} to " + (_type(schema, _resolve(schema, value)) if value else "value")
    words = {"string": "text", "number": "number", "integer": "integer", "boolean": "true/false"}.get(kind or "", "value")
    if node.get("format") == "date":
        words = "date (YYYY-MM-DD)"
    if node.get("pattern"):
        words += f" matching `{node['pattern']}`"
    bounds = [
        f"{sign} {node[k]:,}"
        for k, sign in (("exclusiveMinimum", ">"), ("minimum", "≥"), ("exclusiveMaximum", "<"), ("maximum", "≤"))
        if k in node
    ]
    return ", ".join([words, *bounds])


def _default(prop: Schema, required: bool, section: bool = False) -> str:
    if required:
        return "required"
    if "default" not in prop:
        return "none"
    value = prop["default"]
    if value is None:
        return "none"
    if section and isinstance(value, dict):
        return "its keys' defaults"
    if value in ([], {}):
        return "empty"
    return f"`{json.dumps(value, ensure_ascii=False)}`"


def on_page_markdown(markdown_text: str, page: Any, config: Any, files: Any) -> str:
    if MARKER not in markdown_text:
        return markdown_text
    from coverage.config import config_schema

    keys = reference(config_schema())
    for path in missing_descriptions(keys):
        log.warning("configuration reference: %s has no description (add one to its field in coverage/config/schema.py)", path)
    return markdown_text.replace(MARKER, markdown(keys))
