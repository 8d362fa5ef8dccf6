"""gan-zoo: the classic GAN papers as Lightning modules, loadable by name."""
__version__ = "0.1.0"

from zoo.core.module import GANModule  # noqa: E402
from zoo.registry import Zoo  # noqa: E402

__all__ = ["GANModule", "Zoo", "__version__"]
