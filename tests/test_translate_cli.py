"""`zoo translate` on a folder of images, and `zoo sample` / `zoo translate` refusing bad input in one line before
any expensive work."""
import json

import numpy as np
import pytest
import torch
from PIL import Image

from zoo import hub
from zoo.cli import main
from zoo.models.cyclegan import CycleGAN
from zoo.models.dcgan import DCGAN

SIZES = [(20, 30), (33, 17), (16, 16)]  # (width, height): any size is resized to the model's and back


@pytest.fixture
def cyclegan(tmp_path):
    model = CycleGAN(n_blocks=1, generator_width=4, discriminator_width=4, sample_every_n_steps=0)
    return model, model.save_pretrained(tmp_path / "cyclegan", samples=False)


@pytest.fixture
def photos(tmp_path):
    folder = tmp_path / "photos"
    folder.mkdir()
    rng = np.random.default_rng(0)
    for i, (w, h) in enumerate(SIZES):
        Image.fromarray(rng.integers(0, 256, (h, w, 3), dtype=np.uint8)).save(folder / f"photo{i}.png")
    (folder / "notes.txt").write_text("not an image")  # ignored: not an image file name
    return folder


@pytest.fixture
def dcgan(tmp_path):
    model = DCGAN(image_size=28, channels=1, latent_dim=8, generator_width=8, discriminator_width=8,
                  sample_every_n_steps=0)
    return model, hub.export(model, tmp_path / "dcgan", samples=False)


def expected_output(model, path, direction, size):
    """What one output should be: resize to size, translate, back to the input's size (the same code path)."""
    from zoo.translate import to_image, to_tensor

    with Image.open(path) as img:
        original = img.convert("RGB")
    return np.asarray(to_image(model.translate(to_tensor(original, size), direction=direction)[0], original.size))


def test_translate_writes_one_image_per_input_at_its_size(cyclegan, photos, tmp_path, capsys):
    model, folder = cyclegan
    out = tmp_path / "out"
    main(["translate", str(folder), str(photos), str(out), "--size", "16"])
    assert sorted(p.name for p in out.iterdir()) == ["photo0.png", "photo1.png", "photo2.png"]
    for i, size in enumerate(SIZES):
        with Image.open(out / f"photo{i}.png") as img:
            assert img.size == size and img.mode == "RGB"
            assert np.array_equal(np.asarray(img), expected_output(model, photos / f"photo{i}.png", "AtoB", 16))
    assert "wrote 3 translations" in capsys.readouterr().out


def test_translate_back_direction_side_by_side(cyclegan, photos, tmp_path):
    model, folder = cyclegan
    out = tmp_path / "figures"
    main(["translate", str(folder), str(photos), str(out), "--size", "16", "--direction", "BtoA", "--side-by-side"])
    for i, (w, h) in enumerate(SIZES):
        with Image.open(out / f"photo{i}.png") as img, Image.open(photos / f"photo{i}.png") as src:
            figure = np.asarray(img)
            assert img.size == (2 * w, h)
            assert np.array_equal(figure[:, :w], np.asarray(src))  # input | output
            assert np.array_equal(figure[:, w:], expected_output(model, photos / f"photo{i}.png", "BtoA", 16))


def test_translate_uses_the_recorded_resolution(cyclegan, photos, tmp_path, capsys):
    _, folder = cyclegan
    config = json.loads((folder / hub.CONFIG).read_text())
    config["metrics_protocol"] = {"image_size": 8}
    (folder / hub.CONFIG).write_text(json.dumps(config))
    main(["translate", str(folder), str(photos), str(tmp_path / "out")])
    assert "CycleGAN at 8x8" in capsys.readouterr().out


def test_translate_skips_unreadable_files_and_says_so(cyclegan, photos, tmp_path):
    _, folder = cyclegan
    (photos / "broken.png").write_bytes(b"not a png")
    with pytest.raises(SystemExit, match=r"^zoo translate: 1 of 4 files could not be read and were skipped: "
                                         r"broken.png"):
        main(["translate", str(folder), str(photos), str(tmp_path / "out"), "--size", "8"])
    assert len(list((tmp_path / "out").iterdir())) == 3


@pytest.mark.parametrize("args, message", [
    (["{model}", "{tmp}/nowhere", "{tmp}/out"], r"IN_DIR .*nowhere does not exist"),
    (["{model}", "{tmp}/empty", "{tmp}/out"], r"IN_DIR .*empty holds no images"),
    (["{model}", "{photos}", "{photos}"], r"OUT_DIR .*photos is IN_DIR: the outputs, .* would overwrite them"),
    (["{model}", "{photos}", "{photos}/photo0.png/out"], r"OUT_DIR .* is a file, not a folder"),
    (["{model}", "{photos}", "{tmp}/out", "--size", "0"], r"--size 0: expected a positive integer"),
    (["{model}", "{photos}", "{tmp}/out", "--size", "10"], r"--size 10: CycleGAN cannot translate 10x10 images"),
    (["{model}", "{photos}", "{tmp}/out", "--device", "cuda:7"], r"--device cuda:7: "),
    (["{dcgan}", "{photos}", "{tmp}/out"], r".*dcgan \(DCGAN\) draws samples and does not translate images; "
                                           r"use `zoo sample"),
    (["{tmp}/missing", "{photos}", "{tmp}/out"], r"export folder .*missing does not exist"),
])
def test_translate_refuses_bad_input_in_one_line(cyclegan, dcgan, photos, tmp_path, args, message):
    (tmp_path / "empty").mkdir()
    values = {"model": cyclegan[1], "dcgan": dcgan[1], "tmp": tmp_path, "photos": photos}
    with pytest.raises(SystemExit, match="^zoo translate: " + message):
        main(["translate", *(a.format(**values) for a in args)])
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_sample_draws_large_n_in_batches(dcgan, tmp_path, monkeypatch):
    from zoo import cli

    model, folder = dcgan
    monkeypatch.setattr(cli, "SAMPLE_BATCH", 10)
    calls = []
    real = DCGAN.sample

    def counting(self, n, **kw):
        calls.append(n)
        return real(self, n, **kw)

    monkeypatch.setattr(DCGAN, "sample", counting)
    main(["sample", str(folder), "-n", "25", "-o", str(tmp_path / "grid.png")])
    assert calls == [10, 10, 5]
    with Image.open(tmp_path / "grid.png") as img:
        assert img.size == (8 * 30 + 2, 4 * 30 + 2)  # 8 per row, 4 rows of 28 px tiles with 2 px padding


def test_sample_grid_matches_torchvision(dcgan, tmp_path):
    from torchvision.utils import save_image

    model, folder = dcgan
    main(["sample", str(folder), "-n", "12", "-o", str(tmp_path / "grid.png"), "--seed", "4"])
    save_image(model.sample(12, generator=torch.Generator().manual_seed(4)), str(tmp_path / "ref.png"), nrow=8,
               normalize=True, value_range=(-1, 1))
    with Image.open(tmp_path / "grid.png") as a, Image.open(tmp_path / "ref.png") as b:
        assert np.array_equal(np.asarray(a), np.asarray(b))


@pytest.mark.parametrize("args, message", [
    (["-n", "1000000000"], r"-n 1000000000: zoo sample writes one grid image of 1 to 10,000 samples"),
    (["-n", "0"], r"-n 0: zoo sample writes one grid image of 1 to 10,000 samples"),
    (["--nrow", "0"], r"--nrow 0: the number of images per grid row must be a positive integer"),
    (["-o", "{tmp}"], r"-o .* is a folder; give an image file name, e.g. -o .*samples.png"),
    (["-o", "{tmp}/grid.txt"], r"-o .*grid.txt has the extension '.txt'; an image file is expected, with one of "
                               r".png, .jpg"),
    (["-o", "{tmp}/grid"], r"-o .*grid has no extension"),
    (["-o", "{file}/grid.png"], r"-o .*grid.png: .*file.txt is a file, not a folder"),
    (["--device", "nonsense"], r"--device 'nonsense' is not a device"),
])
def test_sample_refuses_bad_input_before_sampling(dcgan, tmp_path, monkeypatch, args, message):
    (tmp_path / "file.txt").write_text("x")
    monkeypatch.setattr(DCGAN, "sample", lambda *a, **kw: pytest.fail("nothing may be sampled"))
    with pytest.raises(SystemExit, match="^zoo sample: " + message):
        main(["sample", str(dcgan[1]), *(a.format(tmp=tmp_path, file=tmp_path / "file.txt") for a in args)])


def test_sample_on_an_unwritable_folder_fails_before_sampling(dcgan, tmp_path, monkeypatch):
    import tempfile

    def refuse(*a, **kw):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "NamedTemporaryFile", refuse)  # root ignores permission bits: simulate them
    monkeypatch.setattr(DCGAN, "sample", lambda *a, **kw: pytest.fail("nothing may be sampled"))
    with pytest.raises(SystemExit, match=r"^zoo sample: -o .*grid.png: cannot write in .* \(Permission denied\)"):
        main(["sample", str(dcgan[1]), "-o", str(tmp_path / "grid.png")])


def test_sample_with_a_bad_config_is_one_line(dcgan, tmp_path):
    _, folder = dcgan
    config = json.loads((folder / hub.CONFIG).read_text())
    config["hparams"]["latent_dims"] = 8
    (folder / hub.CONFIG).write_text(json.dumps(config))
    with pytest.raises(SystemExit, match=r"^zoo sample: .*config.json: unknown hyperparameter 'latent_dims' \(did "
                                         r"you mean 'latent_dim'\?\)"):
        main(["sample", str(folder), "-o", str(tmp_path / "grid.png")])


def test_sample_on_a_translation_model_points_to_translate(cyclegan, tmp_path):
    with pytest.raises(SystemExit, match=r"is an image-to-image model \(CycleGAN\): it translates images instead "
                                         r"of drawing samples. Use `zoo translate "):
        main(["sample", str(cyclegan[1]), "-o", str(tmp_path / "grid.png")])
