"""Upload an export folder to the Hugging Face Hub in one commit."""
from __future__ import annotations

from pathlib import Path

from zoo import hub


def push(folder: str | Path, repo_id: str, *, private: bool = False, token: str | None = None,
         api=None) -> str:
    """Create ``repo_id`` if needed and upload ``folder`` as one commit; return the commit id.

    The folder is checked first (config, weights and card present, weights readable), so a broken export is never
    published. Record the returned commit as the entry's ``hub_revision``.
    """
    folder = Path(folder)
    hub.read_config(folder)
    for required in (hub.WEIGHTS, hub.CARD):
        if not (folder / required).is_file():
            raise hub.ExportError(f"{required} not found in {folder}; export again with `zoo export` before pushing.")
    hub.load_folder(folder)  # refuse to publish an export that does not load strictly
    if "/" not in repo_id:
        raise ValueError(f"repo_id={repo_id!r}: expected 'ORG/NAME' (or 'USER/NAME').")
    if api is None:
        from huggingface_hub import HfApi

        api = HfApi(token=token)
    api.create_repo(repo_id, repo_type="model", private=private, exist_ok=True)
    info = api.upload_folder(repo_id=repo_id, folder_path=str(folder), repo_type="model",
                             commit_message=f"Upload {folder.name} from gan-zoo",
                             allow_patterns=["*.json", "*.safetensors", "*.md", "*.png", "*.csv"])
    return info.oid
