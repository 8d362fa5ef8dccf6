"""A 2-process DDP fit on CPU (gloo) whose result exports and loads in one process."""
import subprocess
import sys
import textwrap

import torch

from zoo import Zoo

SCRIPT = textwrap.dedent('''
    import sys
    import lightning as L
    import torch
    from torch.utils.data import DataLoader, TensorDataset
    from zoo import hub
    from zoo.models.dcgan import DCGAN

    out = sys.argv[1]
    L.seed_everything(0, verbose=False)
    model = DCGAN(image_size=28, channels=1, latent_dim=8, generator_width=8, discriminator_width=8,
                  ema_decay=0.9, sample_every_n_steps=0)
    data = DataLoader(TensorDataset(torch.rand(64, 1, 28, 28) * 2 - 1), batch_size=8)
    trainer = L.Trainer(accelerator="cpu", devices=2, strategy="ddp_find_unused_parameters_true", max_epochs=1,
                        limit_train_batches=3, logger=False, enable_checkpointing=False, enable_progress_bar=False,
                        enable_model_summary=False)
    trainer.fit(model, data)
    flat = torch.cat([p.detach().flatten() for p in model.parameters()])
    torch.save(flat, f"{out}/rank{trainer.global_rank}.pt")
    if trainer.global_rank == 0:
        hub.export(model, f"{out}/export")
''')


def test_two_process_ddp_fit_exports_and_loads(tmp_path):
    script = tmp_path / "ddp_fit.py"
    script.write_text(SCRIPT)
    result = subprocess.run([sys.executable, str(script), str(tmp_path)], capture_output=True, text=True,
                            timeout=300, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    # gradients were all-reduced: both ranks end with identical weights although they saw different batches
    assert torch.equal(torch.load(tmp_path / "rank0.pt"), torch.load(tmp_path / "rank1.pt"))
    model = Zoo.load(tmp_path / "export")
    assert int(model.generator_updates) == 3 and int(model.discriminator_updates) == 3
    assert model.sample(2, generator=torch.Generator().manual_seed(0)).shape == (2, 1, 28, 28)
