"""pycompose: Docker Compose v2, reimplemented in Python.

Importing this package loads nothing heavy (no docker, networkx, jsonschema or rich).
"""

__version__ = "0.1.0"

#: The Compose v2 release whose behaviour (names, labels, config hash) pycompose reproduces.
COMPOSE_COMPAT_VERSION = "2.40.3"
