"""`crmtool build`: render the register into a temporary folder, prove it holds no personal
data, and only then put it where the previous site was.

The proof is the scan (`scan.py`) for every name, email address, phone number and street
address in `records/people/`. The one exception is the directory page, which may show the
names it lists, and only those, on that page; any other hit fails the build (exit 1) and the
previous site stays as it was, so a publish job never publishes a leak.
"""
from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .. import i18n
from ..load.repo import RECORDS, Repository, UsageError
from . import changes, directory, numbers
from .changes import FOLDERS
from .render import template_dir
from .scan import Hit, Needles, scan_folder
from .site import LANGUAGES, MARKER, Inputs, replace, write_site
from .views import controller_country

DEFAULT_OUT = Path("build") / "site"


class BuildFailed(Exception):
    """The rendered site holds personal data: nothing was published."""

    def __init__(self, hits: list[Hit]) -> None:
        super().__init__(f"{len(hits)} places with personal data")
        self.hits = hits


class PolicyUnreadable(Exception):
    """A purpose or processor file did not load: the register would silently leave it out."""

    def __init__(self, paths: list[str]) -> None:
        super().__init__(", ".join(paths))
        self.paths = paths


@dataclass
class Built:
    out: Path
    languages: list[str]
    pages: int  # HTML files written
    listed: int | None  # roles in the directory; None without one
    withheld: int = 0  # public roles left out of the directory: their holder is restricted (Art. 18)


def build(repo: Repository, day: dt.date, out: Path | None = None, language: str | None = None,
          with_directory: bool | None = None) -> Built:
    """Build the register of `repo` as of `day` into `out` (default build/site under the
    repository). `language` builds one language only; `with_directory` None follows
    `register.directory` in crmtool.yaml."""
    from ..load import load_model
    model = load_model(repo, day)
    unreadable = sorted(f"{RECORDS}/{folder}/{record_id}.yaml" for folder in FOLDERS
                        for record_id in model.ids[folder] - set(model.records[folder]))
    if unreadable:
        raise PolicyUnreadable(unreadable)
    out = (out or repo.root / DEFAULT_OUT).absolute()
    _check_out(out)
    site_language = model.language
    languages = [language] if language else sorted(LANGUAGES, key=lambda code: code != site_language)
    settings = value if isinstance(value := model.config.get("register"), dict) else {}
    if with_directory is None:
        with_directory = settings.get("directory") is True
    inputs = Inputs(model, day, site_language, languages, numbers.threshold(model.config),
                    numbers.people_per_purpose(model, day), numbers.requests_per_kind(model, day),
                    changes.policy_history(repo.root),
                    directory.listings(model, day) if with_directory else None)
    needles = Needles.of([(person.id, person.data) for person in model.of("people")],
                         controller_country(model.config))
    out.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        fresh.chmod(0o755)  # mkdtemp's 0700 would hide the site from a web server's user
        allowed = write_site(fresh, template_dir(repo.root), inputs)
        hits = scan_folder(fresh, needles, allowed)
        if hits:
            raise BuildFailed(hits)
        pages = sum(1 for _path in fresh.rglob("*.html"))
        replace(out, fresh)
    finally:
        if fresh.exists():
            shutil.rmtree(fresh)
    return Built(out, languages, pages, len(inputs.listings) if inputs.listings is not None else None,
                 directory.withheld(model, day) if with_directory else 0)


def _check_out(out: Path) -> None:
    """The output folder must be new, empty, or a site an earlier build wrote (it holds the
    marker file): a build replaces the folder whole, and `--out records` must not do that."""
    if out.exists() and not out.is_dir():
        raise UsageError(i18n._("--out {path} is a file; give a folder").format(path=out))
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise UsageError(i18n._("--out {path} holds files that crmtool build did not write; give a new or "
                                "empty folder, or the folder of an earlier build").format(path=out))
