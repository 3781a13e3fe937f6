"""`covplan schema`: the JSON Schema an editor uses to complete and check a config."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from coverage.cli import main

ROOT = Path(__file__).resolve().parents[2]


class EditorLoader(yaml.SafeLoader):
    """YAML as an editor's language server sees it: dates stay text (JSON has no date type)."""


EditorLoader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in value if tag != "tag:yaml.org,2002:timestamp"]
    for key, value in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@pytest.fixture(scope="module")
def schema(tmp_path_factory: pytest.TempPathFactory) -> dict:
    path = tmp_path_factory.mktemp("schema") / "covplan.schema.json"
    assert main(["schema", "--out", str(path)]) == 0
    return json.loads(path.read_text())


@pytest.mark.parametrize("name", ["example.yaml", "nine-to-five.yaml", "dst-crossing.yaml"])
def test_shipped_configs_validate_against_the_schema(schema: dict, name: str) -> None:
    document = yaml.load((ROOT / "configs" / name).read_text(), Loader=EditorLoader)
    jsonschema.validate(document, schema)


def test_schema_catches_what_the_loader_catches(schema: dict) -> None:
    document = yaml.load((ROOT / "configs" / "nine-to-five.yaml").read_text(), Loader=EditorLoader)
    document["plan"]["interval_minutes"] = 45
    with pytest.raises(jsonschema.ValidationError, match="45"):
        jsonschema.validate(document, schema)
    document["plan"]["interval_minutes"] = 60
    document["agents"][0]["sikls"] = ["chat"]
    with pytest.raises(jsonschema.ValidationError, match="sikls"):
        jsonschema.validate(document, schema)


def test_schema_to_standard_output(capsys) -> None:
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out)["title"] == "covplan configuration"
