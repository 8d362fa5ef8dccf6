"""One module per paper. Models never import from each other; shared code lives in zoo.core and zoo.nets."""
