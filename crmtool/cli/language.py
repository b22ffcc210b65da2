"""Click's own words in the repository's language.

A Dutch repository must not answer a typo with English: click writes its usage errors
("Error: No such option: --x", "Usage:", "Try 'crmtool check --help' for help.") through
module-level gettext functions, which look in no catalogue of ours. We point those functions
at crmtool's catalogue, so they speak whatever language the run speaks, and the run speaks
the repository's language from before click parses the command line: a usage error happens
before any command has read crmtool.yaml.

The message ids are click's, listed below with N_ so that `pybabel extract` keeps their
Dutch translations in our catalogue.
"""
from __future__ import annotations

import importlib
from pathlib import Path
from typing import Sequence

from .. import i18n
from ..i18n import N_

CLICK_MODULES = ("click.core", "click.decorators", "click.exceptions", "click.formatting",
                 "click.parser", "click.termui", "click.types", "click.utils")

CLICK_MESSAGES = (
    N_("Error: {message}"), N_("Usage:"), N_("Try '{command} {option}' for help."),
    N_("No such option: {name}"), N_("No such option {name!r}."), N_("No such command {name!r}."),
    N_("Missing argument"), N_("Missing option"), N_("Missing parameter"), N_("Missing command."),
    N_("Missing {param_type}"), N_("Missing parameter: {param_name}"),
    N_("Invalid value: {message}"), N_("Invalid value for {param_hint}: {message}"),
    N_("Option {name!r} requires an argument."), N_("Option {name!r} does not take a value."),
    N_("Got unexpected extra argument ({args})"), N_("Got unexpected extra arguments ({args})"),
    N_("{value!r} is not {choice}."), N_("{value!r} is not one of {choices}."),
    N_("{value!r} is not a valid {number_type}."), N_("{value} is not in the range {range}."),
    N_("Did you mean {possibility}?"), N_("(Did you mean one of: {possibilities}?)"),
    N_("Aborted!"), N_("Options"), N_("Commands"), N_("Show this message and exit."),
    N_("Show the version and exit."),
)


def _gettext(message: str) -> str:
    return i18n._(message)


def _ngettext(singular: str, plural: str, count: int) -> str:
    """Click's few plural messages are two plain entries in our catalogue; Dutch and English
    share the rule (one, and everything else)."""
    return i18n._(singular if count == 1 else plural)


def speak_for_click() -> None:
    """Route click's gettext lookups through crmtool's catalogue (in the active language)."""
    for name in CLICK_MODULES:
        module = importlib.import_module(name)
        if hasattr(module, "_"):
            vars(module)["_"] = _gettext  # module._ = ...: a module imported by name declares no attributes
        if hasattr(module, "ngettext"):
            vars(module)["ngettext"] = _ngettext


def command_line_language(argv: Sequence[str], cwd: Path) -> str:
    """The language of the repository this command line works on (`--root DIR`, or the one
    found upwards from `cwd`), so that even a usage error speaks it. Anything that goes wrong
    here is left to the command, which reports it properly: English."""
    from ..load import repository_language
    from ..load.repo import find_root
    explicit = next((Path(argv[i + 1]) for i, arg in enumerate(argv[:-1]) if arg == "--root"), None)
    explicit = explicit or next((Path(arg.split("=", 1)[1]) for arg in argv if arg.startswith("--root=")), None)
    try:
        return repository_language(find_root(cwd, explicit))
    except Exception:  # noqa: BLE001 - no repository, no file, broken YAML: the command will say so
        return "en"
