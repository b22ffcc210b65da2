"""Rendering the whole register into a folder: the language chooser at the root, per
language the home page, a page per purpose, the rights, the numbers, the changes and
(when asked) the directory; the stylesheet and script; the Art. 30 record as CSV and JSON.

Every link is relative, so the site works from a file system, under a GitHub Pages project
path and at a domain's root alike. Pages carry the same names in every language, so the
language switch links to the same page in the other language.
"""
from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

from babel import Locale
from markupsafe import Markup

from ..load.model import Model
from . import art30, changes, directory, numbers, views
from ..domain import words
from .render import SharedCompilation, environment, translations, write
from .scan import NAME
from .views import Language, Text

LANGUAGES = ("nl", "en")
MARKER = ".crmtool-register"
MARKER_TEXT = "This folder is written by `crmtool build` and replaced as a whole by every build.\n"
AUTHORITIES = {
    "BE": ("Gegevensbeschermingsautoriteit", "https://www.gegevensbeschermingsautoriteit.be"),
    "NL": ("Autoriteit Persoonsgegevens", "https://www.autoriteitpersoonsgegevens.nl"),
}
"""The supervisory authority a complaint goes to, by the controller's country (NL otherwise)."""


@dataclass
class Inputs:
    """What every language's pages are made from, computed once."""

    model: Model
    day: dt.date
    site_language: str  # the repository's language (nl or en)
    languages: list[str]  # the languages built, the repository's first
    threshold: int
    people: dict[str, int]
    requests: numbers.RequestCounts
    history: changes.PolicyHistory
    listings: list[directory.Listing] | None  # None: no directory


def write_site(target: Path, templates: Path, inputs: Inputs) -> set[tuple[str, str, str]]:
    """Render everything into `target` (an empty folder). Returns what the scan must allow:
    (page, person, "name") for every name the directory publishes."""
    allowed: set[tuple[str, str, str]] = set()
    chooser, contexts, environments = [], [], []
    compiled = SharedCompilation()
    for code in inputs.languages:
        env = environment(templates, code, compiled)
        environments.append(env)
        lang = Language(code, translations(code).gettext)
        context = _context(lang, inputs)
        pages = {"index.html": "home.html", "rights.html": "rights.html", "numbers.html": "numbers.html",
                 "changes.html": "changes.html"}
        if inputs.listings is not None:
            pages["directory.html"] = "directory.html"
            allowed |= {(f"{code}/directory.html", listing.person, NAME)
                        for listing in inputs.listings if "name" in listing.fields}
        for page, template in pages.items():
            write(target / code / page, env.get_template(template).render(**context, page=page, root="../"))
        for purpose in context["purposes"]:
            page = f"purposes/{purpose.id}.html"
            write(target / code / page, env.get_template("purpose.html").render(
                **context, page=page, root="../../", purpose=purpose))
        chooser.append(Markup(env.get_template("partials/chooser.html").render(**context)))
        contexts.append(context)
    write(target / "index.html", environments[0].get_template("chooser.html").render(
        **contexts[0], entries=chooser, page="index.html", root=""))
    _art30(target, inputs)
    static = templates / "static"
    if static.is_dir():
        for path in sorted(p for p in static.rglob("*") if p.is_file()):
            write(target / "static" / path.relative_to(static), path.read_bytes())
    write(target / MARKER, MARKER_TEXT)
    write(target / ".nojekyll", b"")
    return allowed


def _context(lang: Language, inputs: Inputs) -> dict:
    """Everything the templates of one language read."""
    model, _ = inputs.model, lang.gettext
    controller, dpo = views.controller(lang, model.config)
    purposes = views.purposes(lang, model)
    country = views.controller_country(model.config)
    authority = AUTHORITIES.get(country, AUTHORITIES["NL"])
    context = {
        "lang": lang.code, "languages": inputs.languages,
        "language_names": {code: _language_name(code) for code in inputs.languages},
        "controller": controller, "dpo": dpo, "purposes": purposes,
        "build_day": lang.day(inputs.day), "threshold": inputs.threshold,
        "authority": {"name": authority[0], "url": authority[1]},
        "profiling": any(p.profiling for p in purposes),
        "with_directory": inputs.listings is not None,
        "people": [(p, numbers.shown(inputs.people.get(p.id, 0), inputs.threshold)) for p in purposes],
        "request_years": inputs.requests.years,
        "request_rows": [(words.label(_, words.REQUEST_KINDS, kind),
                          [numbers.shown(inputs.requests.counts.get((kind, year), 0), inputs.threshold)
                           for year in inputs.requests.years]) for kind in inputs.requests.kinds],
        "breaches": numbers.breaches_per_year(model, inputs.day),
        "on_time": numbers.on_time(model, inputs.day),
        "history": _history(lang, inputs.history, {p.id for p in purposes}),
        "history_available": inputs.history.available, "history_shallow": inputs.history.shallow,
    }
    if inputs.listings is not None:
        columns, rows = directory.rows(lang, model, inputs.listings)
        context["directory_columns"] = [(field, _(words.PUBLISHED[field])) for field in columns]
        context["directory_rows"] = rows
    return context


def _language_name(code: str) -> str:
    """A language's name in that language, capitalised: `Nederlands`, `English`."""
    name = Locale(code).get_display_name(code)
    assert name is not None  # babel names every language the register is written in
    return name.capitalize()


def _history(lang: Language, history: changes.PolicyHistory, current: set[str]) -> list[tuple]:
    """The changes grouped by day, newest first: (day, [(kind, title, href, change, fields)])."""
    _ = lang.gettext
    days = []
    for date, group in groupby(history.changes, key=lambda change: change.date):
        items = []
        for change in group:
            for record in change.records:
                key = "title" if record.folder == "purposes" else "name"
                data = record.data if isinstance(record.data, dict) else {}
                title = lang.text(data.get(key)) or Text(record.id, lang.code)
                href = f"purposes/{record.id}.html" if record.folder == "purposes" and record.id in current else None
                fields = None if record.fields is None else [words.label(_, words.FIELDS, f) for f in record.fields]
                items.append((record.folder, title, href, record.change, fields))
        days.append((lang.day(date), items))
    return days


def _art30(target: Path, inputs: Inputs) -> None:
    """register.csv in the repository's language and register.json in both, always both
    languages whatever `--lang` says: the record is one document, not a page."""
    languages = [Language(code, translations(code).gettext) for code in LANGUAGES]
    rows = {}
    for lang in languages:
        controller, dpo = views.controller(lang, inputs.model.config)
        found = sorted(views.purposes(lang, inputs.model), key=lambda p: p.id)
        changed = art30.last_changed(inputs.history, found)
        rows[lang.code] = [art30.row(lang, purpose, controller, dpo, changed.get(purpose.id)) for purpose in found]
    site_language = next(lang for lang in languages if lang.code == inputs.site_language)
    write(target / "register.csv", art30.to_csv(site_language, rows[site_language.code]))
    write(target / "register.json", art30.to_json(languages, rows))


def replace(out: Path, fresh: Path) -> None:
    """Put the freshly built folder where the old site was, the old one out of the way
    first: a reader sees the old site or the new one, and a failure keeps the old one."""
    if not out.exists():
        fresh.rename(out)
        return
    old = out.with_name(f".{out.name}.old")
    if old.exists():
        shutil.rmtree(old)
    out.rename(old)
    try:
        fresh.rename(out)
    except OSError:
        old.rename(out)
        raise
    shutil.rmtree(old)
