"""Where crmtool's templates are found: a repository's own `templates/<set>/` wins (a fork may
restyle its register or its letters), else the set that ships with crmtool (the source tree's
`templates/<set>/`, or in an installed wheel the copy packaged as `crmtool/templates/<set>/`),
as for the schemas. Texts the register and a data subject's copy both say (their rights) are
macros in the `shared` set, which every HTML environment can import.
"""
from __future__ import annotations

from pathlib import Path

from jinja2 import ChoiceLoader, FileSystemLoader

TEMPLATES = Path("templates")
SHARED = "shared"


def bundled(name: str) -> Path:
    """crmtool's own template set `name`."""
    package = Path(__file__).resolve().parent
    for candidate in (package.parent / TEMPLATES / name, package / TEMPLATES / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"crmtool's own templates ({name}) are missing from this installation")


def folder(root: Path | None, name: str) -> Path:
    """The template set `name` for the repository at `root` (None: crmtool's own)."""
    own = root / TEMPLATES / name if root is not None else None
    return own if own is not None and own.is_dir() else bundled(name)


def loader(templates: Path) -> ChoiceLoader:
    """The templates of one set, then the shared ones that lie beside it (else crmtool's)."""
    beside = templates.parent / SHARED
    return ChoiceLoader([FileSystemLoader(str(templates)),
                         FileSystemLoader(str(beside if beside.is_dir() else bundled(SHARED)))])
