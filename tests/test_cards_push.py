"""Model cards carry model-index metadata; push validates the export and uploads it in one commit (offline)."""
import pytest
import yaml

from zoo import hub, registry
from zoo.cards import entry_card
from zoo.models.dcgan import DCGAN
from zoo.push import push
from zoo.registry import ZooEntry

ENTRY = ZooEntry(name="tiny-dcgan", model_class="zoo.models.dcgan.DCGAN", paper="Unsupervised Representation "
                 "Learning with DCGANs", arxiv="1511.06434", dataset="MNIST", split="test", recipe="recipes/dcgan/"
                 "mnist.yaml", license="MIT", origin="trained here", num_parameters=10,
                 paper_metrics={"fid (Lucic et al. 2018, best of search)": 6.8}, limitations="Small.",
                 data_license="CC BY-SA 3.0")
RESULTS = {"fid": 9.5, "kid": 0.004, "kid_std": 0.001,
           "protocol": {"feature_extractor": "inception", "num_fake": 5000, "num_real": 5000}}


def test_card_front_matter_has_model_index(monkeypatch):
    monkeypatch.setattr(registry, "_entries", lambda: {ENTRY.name: ENTRY})
    card = entry_card("tiny-dcgan", RESULTS)
    meta = yaml.safe_load(card.split("---")[1])
    metrics = meta["model-index"][0]["results"][0]["metrics"]
    assert {m["type"]: m["value"] for m in metrics} == {"fid": 9.5, "kid": 0.004, "kid_std": 0.001}
    assert meta["library_name"] == "gan-zoo" and meta["license"] == "mit"
    body = card.split("---", 2)[2]
    assert 'Zoo.load("tiny-dcgan")' in body and "6.8 (fid (Lucic et al. 2018, best of search))" in body
    assert '"num_fake": 5000' in body and "CC BY-SA 3.0" in body and "arXiv:1511.06434" in body


class FakeApi:
    def __init__(self):
        self.calls = []

    def create_repo(self, repo_id, **kw):
        self.calls.append(("create_repo", repo_id, kw))

    def upload_folder(self, **kw):
        self.calls.append(("upload_folder", kw["repo_id"], kw))

        class Info:
            oid = "a" * 40

        return Info()


def test_push_uploads_a_valid_export_in_one_commit(tmp_path):
    folder = hub.export(DCGAN(image_size=28, channels=1, latent_dim=8, generator_width=8, discriminator_width=8),
                        tmp_path / "export")
    api = FakeApi()
    assert push(folder, "org/tiny-dcgan", api=api) == "a" * 40
    assert [c[0] for c in api.calls] == ["create_repo", "upload_folder"]
    assert api.calls[1][2]["folder_path"] == str(folder)


def test_push_refuses_a_broken_export(tmp_path):
    folder = hub.export(DCGAN(image_size=28, channels=1, latent_dim=8, generator_width=8, discriminator_width=8),
                        tmp_path / "export")
    (folder / "model.safetensors").write_bytes(b"broken")
    api = FakeApi()
    with pytest.raises(hub.ExportError, match="truncated or damaged"):
        push(folder, "org/x", api=api)
    assert api.calls == []
