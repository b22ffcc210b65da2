"""(to be written)"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from ..app import Page

PAGES: list[tuple[str, Callable[["Page"], tuple[str, dict]]]] = []
