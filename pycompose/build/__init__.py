"""Building service images: the context tar (`context`), `.dockerignore` rules (`dockerignore`) and the image
names and labels Compose v2 uses (`naming`). Nothing here talks to the engine."""

from __future__ import annotations

from pycompose.build.context import make_context_tar
from pycompose.build.dockerignore import Pattern, is_excluded, load_patterns
from pycompose.build.naming import build_labels, default_image_name, image_for_service

__all__ = [
    "Pattern",
    "build_labels",
    "default_image_name",
    "image_for_service",
    "is_excluded",
    "load_patterns",
    "make_context_tar",
]
