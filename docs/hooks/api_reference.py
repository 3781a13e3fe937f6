"""MkDocs hook: the API reference lists exactly what `coverage/__init__.py` exports.

docs/reference.md holds `<!-- api-reference -->`; this hook replaces it with one mkdocstrings
block per public name, grouped by the module that defines it, in the order of `coverage._API`.
A name added to the package's API gets its page section on the next build, from its docstring.
"""

from __future__ import annotations

from typing import Any

MARKER = "<!-- api-reference -->"


def blocks(api: dict[str, str]) -> str:
    out: list[str] = []
    module = None
    for name, home in api.items():
        if home != module:
            module = home
            out += ["", f"## `{module}`", ""]
        target = f"{home}.{name}" if home.rsplit(".", 1)[-1] != name else home
        out += [f"::: {target}", "    options:", "      heading_level: 3", ""]
    return "\n".join(out).strip() + "\n"


def on_page_markdown(markdown_text: str, page: Any, config: Any, files: Any) -> str:
    if MARKER not in markdown_text:
        return markdown_text
    from coverage import _API

    return markdown_text.replace(MARKER, blocks(_API))
