"""Model cards carry model-index metadata; push validates the export and uploads it in one commit (offline)."""
import pytest
import yaml

from zoo import hub
from zoo.cards import entry_card
from zoo.models.dcgan import DCGAN
from zoo.push import push
from zoo.schema import ZooEntry

ENTRY = ZooEntry(name="tiny-dcgan", model_class="zoo.models.dcgan.DCGAN", paper="Unsupervised Representation "
                 "Learning with DCGANs", arxiv="1511.06434", dataset="MNIST", split="test", recipe="recipes/dcgan/"
                 "mnist.yaml", license="mit", origin="trained here", num_parameters=10, datasets=("mnist",),
                 paper_metrics={"fid (Lucic et al. 2018, best of search)": 6.8}, limitations="Small.",
                 data_terms="CC BY-SA 3.0")
RESULTS = {"fid": 9.5, "kid": 0.004, "kid_std": 0.001,
           "protocol": {"feature_extractor": "inception", "num_fake": 5000, "num_real": 5000}}


def test_card_front_matter_has_model_index():
    card = entry_card(ENTRY, RESULTS, {"num_parameters": 10, "training": {"train_seconds": 12.4, "epochs": 3}})
    meta = yaml.safe_load(card.split("---")[1])
    metrics = meta["model-index"][0]["results"][0]["metrics"]
    assert {m["type"]: m["value"] for m in metrics} == {"fid": 9.5, "kid": 0.004, "kid_std": 0.001}
    assert meta["library_name"] == "gan-zoo" and meta["license"] == "mit" and meta["datasets"] == ["mnist"]
    assert meta["pipeline_tag"] == "unconditional-image-generation"
    assert meta["model-index"][0]["results"][0]["task"]["type"] == "unconditional-image-generation"
    body = card.split("---", 2)[2]
    assert 'Zoo.load("tiny-dcgan")' in body and "6.8 (fid (Lucic et al. 2018, best of search))" in body
    assert '"num_fake": 5000' in body and "CC BY-SA 3.0" in body and "arXiv:1511.06434" in body
    assert "12 s of training" in body and "3 epochs" in body


def test_translation_card_shows_translate_and_the_alias():
    import dataclasses

    entry = dataclasses.replace(ENTRY, verb="translate", aliases=("tiny-cyclegan",))
    card = entry_card(entry, {"fid_horse2zebra": 100.0, "protocol": {}})
    meta = yaml.safe_load(card.split("---")[1])
    assert meta["pipeline_tag"] == "image-to-image"
    use = card.split("## Use", 1)[1].split("## Training", 1)[0]
    assert "model.translate(" in use and "model.sample(" not in use
    assert "'tiny-cyclegan'" in card


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
