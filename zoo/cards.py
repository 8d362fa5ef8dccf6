"""Model cards: Hub README.md with model-index metadata, from an export's config and results."""
from __future__ import annotations

import json
from typing import Any


def default_card(config: dict[str, Any], results: dict | None) -> str:
    """A minimal card for an export that is not (yet) a zoo entry: what it is and how to load it."""
    name = config.get("name")
    lines = [
        "---", "library_name: gan-zoo", "tags:", "- gan", "- pytorch-lightning", "- gan-zoo", "---", "",
        f"# {name or 'gan-zoo export'}", "",
        f"A `{config['model_class']}` exported by gan-zoo {config['zoo_version']} "
        f"({config.get('num_parameters', 0):,} parameters).", "",
        "```python", "from zoo import Zoo", f'model = Zoo.load("{name or "path/to/this/folder"}")',
        "images = model.sample(64)", "```", "",
    ]
    if results:
        lines += ["## Results", "", "```json", json.dumps(results, indent=2), "```", ""]
    return "\n".join(lines)
