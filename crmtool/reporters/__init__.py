"""Reporters turn findings into text for people or machines, chosen by name."""
from __future__ import annotations

from typing import Callable

from . import github, json_report, sarif, text

REPORTERS: dict[str, Callable] = {
    "text": text.render,
    "json": json_report.render,
    "github": github.render,
    "sarif": sarif.render,
}
