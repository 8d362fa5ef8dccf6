"""gan-zoo: the classic GAN papers as Lightning modules, loadable by name."""
from zoo.version import __version__  # noqa: E402

from zoo.core.module import GANModule  # noqa: E402
from zoo.registry import Zoo  # noqa: E402

__all__ = ["GANModule", "Zoo", "__version__"]
