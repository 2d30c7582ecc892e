"""Access to the data shipped inside the package (knowledge/, templates/) via importlib.resources."""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable


def data_root() -> Traversable:
    return files("advisor") / "_data"


def knowledge_root() -> Traversable:
    return data_root() / "knowledge"


def templates_root() -> Traversable:
    return data_root() / "templates"
