"""Models flow forward: staging -> intermediate -> marts. Read from dbt's own manifest, so the
check sees every ref and source, whatever Jinja wrote them."""

from __future__ import annotations

import json
from pathlib import Path

from helpers.project_copy import copy_project
from hvc import dbt

#: The layers in the order models may read them; dbt Python models are intermediate models.
LAYERS = ("staging", "intermediate", "marts")


def layer_of(node: dict) -> str | None:
    """A node's layer from its file's folder (None for seeds, tests and other resources)."""
    path = Path(node["original_file_path"])
    if path.parts[0] == "python_models":
        return "intermediate"
    if path.parts[0] == "models" and len(path.parts) > 2 and path.parts[1] in LAYERS:
        return path.parts[1]
    return None


def backward_edges(manifest: dict) -> list[str]:
    """Every model that reads a model of a later layer, as '<model> (<layer>) reads <parent>
    (<layer>)', sorted."""
    nodes = manifest["nodes"]
    found = []
    for node in nodes.values():
        if node["resource_type"] != "model" or layer_of(node) is None:
            continue
        for parent_id in node["depends_on"]["nodes"]:
            parent = nodes.get(parent_id)
            if parent is None or parent["resource_type"] != "model" or layer_of(parent) is None:
                continue
            if LAYERS.index(layer_of(parent)) > LAYERS.index(layer_of(node)):
                found.append(
                    f"{node['name']} ({layer_of(node)}) reads {parent['name']} ({layer_of(parent)})"
                )
    return sorted(found)


def parse(project_dir: Path, target: Path) -> dict:
    """dbt's manifest of a project (`dbt parse`, no database work)."""
    run = dbt.run_dbt(["parse"], project_dir=project_dir, target_path=target, log_path=target)
    assert run.returncode == 0, run.output[-4000:]
    return json.loads((target / "manifest.json").read_text())


def test_no_model_reads_a_later_layer(tmp_path: Path) -> None:
    manifest = parse(dbt.PROJECT_DIR, tmp_path / "target")
    layers = {layer_of(node) for node in manifest["nodes"].values()}
    assert set(LAYERS) <= layers, "the check must see models of every layer"
    assert backward_edges(manifest) == []


def test_a_planted_backward_ref_is_found_and_named(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    planted = project / "models" / "intermediate" / "value" / "int_value__planted.sql"
    planted.write_text("select customer_key from {{ ref('customer_value') }}\n")
    manifest = parse(project, tmp_path / "target")
    assert backward_edges(manifest) == [
        "int_value__planted (intermediate) reads customer_value (marts)"
    ]
