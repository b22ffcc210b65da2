"""What the register's pages show, in one language: the controller, every purpose and
processor in plain words, as plain values that the templates only lay out.

Nothing here reads `records/people/`: the pages describe the policy, not the people. The
counts (`numbers.py`) and the directory (`directory.py`) are the only parts that read people,
and each says why what it shows is allowed.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from babel import Locale
from babel.dates import format_date

from ..load.model import Model, Record, parse_date
from ..domain.policy import latest_wording, list_of
from ..domain import dpia, transfers, words
from ..domain.words import Gettext


@dataclass(frozen=True)
class Text:
    """A text from a record with the language it is really in: a purpose written only in
    Dutch shows in Dutch on the English page too, marked `lang="nl"` for screen readers."""

    text: str
    lang: str

    def __str__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        return bool(self.text.strip())


@dataclass(frozen=True)
class Day:
    """A date as machines (`<time datetime>`) and people ("10 December 2025") read it."""

    iso: str
    text: str


@dataclass
class Language:
    """One language of the site: its code and its translations."""

    code: str
    gettext: Gettext

    def text(self, value: Any) -> Text:
        """A record text (a string or `{nl: ..., en: ...}`) in this language when it has it."""
        if isinstance(value, dict):
            chosen = value.get(self.code)
            if isinstance(chosen, str):
                return Text(chosen.strip(), self.code)
            for code, text in value.items():  # else the first language written, as texts.localised
                if isinstance(text, str):
                    return Text(text.strip(), str(code))
            return Text("", self.code)
        return Text(value.strip() if isinstance(value, str) else "", self.code)

    def day(self, value: Any) -> Day | None:
        parsed = value if isinstance(value, dt.date) else parse_date(value)
        if parsed is None:
            return None
        return Day(parsed.isoformat(), format_date(parsed, format="long", locale=self.code))

    def country(self, code: Any) -> str:
        if not isinstance(code, str) or not code:
            return ""
        return Locale(self.code).territories.get(code.upper(), code)


@dataclass(frozen=True)
class Transfer:
    """Data going outside the EEA, to a processor or one of its sub-processors, and the
    safeguard it goes under (Art. 13(1)(f)): what the register shows beside each processor."""

    who: Text  # the processor, or its sub-processor
    country: str  # the country's name in this language
    mechanism: str  # the tool in words; "" when none is recorded (P032 reports that)
    reference: str  # which decision or clauses: where people can find them


@dataclass
class Processor:
    id: str
    name: Text
    service: Text
    country: str
    location: Text
    signed: Day | None
    start: Day | None
    end: Day | None
    transfers: list[Transfer] = field(default_factory=list)


@dataclass
class Purpose:
    id: str
    title: Text
    summary: Text
    description: Text
    basis: str  # the code, e.g. legitimate-interests
    basis_name: str
    basis_article: str
    basis_meaning: str
    balancing: Text
    data_subjects: list[str]
    data_categories: list[str]
    special_categories: list[str]
    exception_article: str
    exception_meaning: str
    criminal_basis: str  # Art. 10, when the purpose holds criminal data
    retention: str
    sources: list[str]
    collection: Text
    recipients: list[Text]
    processors: list[Processor]
    profiling: bool | None
    transfers: Text
    security: Text
    review: Day | None
    consent_wording: Text | None = None
    requirement: Text = Text("", "en")  # Art. 13(2)(e): must people give it, and what if not
    profiling_logic: Text = Text("", "en")  # Art. 13(2)(f)
    dpia_done: Day | None = None  # the date only: the DPIA's reference is internal and never shown
    dpia_required: bool = False

    @property
    def third_countries(self) -> list[Transfer]:
        """Every transfer outside the EEA through this purpose's processors."""
        return [t for p in self.processors for t in p.transfers]


_WEB = re.compile(r"https?://", re.IGNORECASE)
"""A website is linked only as http(s): `javascript:` is a valid URI too."""
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-Ý])")


def first_sentence(text: Text) -> Text:
    """The one-line summary of a description on the list of purposes."""
    return Text(_SENTENCE_END.split(text.text, maxsplit=1)[0], text.lang)


def _labels(lang: Language, model: Model, vocabulary: str | None, table: dict[str, str], values: Any) -> list[str]:
    """Codes as words: the repository's vocabulary first (its own words), then ours."""
    known = (model.vocabulary(vocabulary) if vocabulary else None) or {}
    result = []
    for value in list_of(values):
        if not isinstance(value, str):
            continue
        entry = known.get(value)
        text = lang.text(entry.get("label")).text if entry else ""
        result.append(text or words.label(lang.gettext, table, value))
    return result


def processor(lang: Language, record: Record) -> Processor:
    agreement = record.get("agreement") if isinstance(record.get("agreement"), dict) else {}
    name = lang.text(record.get("name")) or Text(record.id, lang.code)
    return Processor(record.id, name,
                     lang.text(record.get("service")), lang.country(record.get("country")),
                     lang.text(record.get("data_location")), lang.day(agreement.get("signed")),
                     lang.day(agreement.get("start")), lang.day(agreement.get("end")),
                     _transfers(lang, record, name))


def _transfers(lang: Language, record: Record, name: Text) -> list[Transfer]:
    found = []
    subprocessors = list_of(record.get("subprocessors"))
    for place in transfers.third_countries(record):
        who = name if not place.pointer else Text(lang.gettext("{processor}, sub-processor {name}").format(
            processor=name, name=lang.text(subprocessors[place.pointer[-1]].get("name")) or place.pointer[-1] + 1),
            lang.code)
        mechanism = transfers.MECHANISM_NAMES.get(place.mechanism or "")
        found.append(Transfer(who, lang.country(place.country), lang.gettext(mechanism) if mechanism else "",
                              place.reference or ""))
    return found


def purpose(lang: Language, model: Model, record: Record) -> Purpose:
    _ = lang.gettext
    basis = record.get("legal_basis") if isinstance(record.get("legal_basis"), str) else ""
    exception = record.get("article9_exception")
    special = _labels(lang, model, None, words.SPECIAL_CATEGORIES, record.get("special_categories"))
    review = record.get("review") if isinstance(record.get("review"), dict) else {}
    description = lang.text(record.get("description"))
    title = lang.text(record.get("title")) or Text(record.id, lang.code)
    wording = latest_wording(model, record.id)
    processors = [processor(lang, found) for found in
                  (model.get("processors", p) for p in sorted(set(list_of(record.get("processors"))), key=str))
                  if found is not None]
    profiling = record.get("profiling")
    basis_name, basis_article, basis_meaning = words.legal_basis(_, basis)
    exception_article, exception_meaning = words.exception(_, exception) if special else ("", "")
    return Purpose(
        id=record.id, title=title, summary=first_sentence(description), description=description,
        basis=basis, basis_name=basis_name, basis_article=basis_article, basis_meaning=basis_meaning,
        balancing=lang.text(record.get("legitimate_interest")),
        data_subjects=_labels(lang, model, "data-subjects", words.DATA_SUBJECTS, record.get("data_subjects")),
        data_categories=_labels(lang, model, None, words.DATA_CATEGORIES, record.get("data_categories")),
        special_categories=special,
        exception_article=exception_article, exception_meaning=exception_meaning,
        criminal_basis=words.article10(_, record.get("article10_basis")) if special else "",
        retention=words.retention(_, record.get("retention")),
        sources=_labels(lang, model, "sources", {}, record.get("sources")),
        collection=lang.text(record.get("collection")),
        recipients=[t for t in (lang.text(r) for r in list_of(record.get("recipients"))) if t],
        processors=processors,
        profiling=profiling if isinstance(profiling, bool) else None,
        transfers=lang.text(record.get("transfers")), security=lang.text(record.get("security")),
        review=lang.day(review.get("last")),
        consent_wording=lang.text(wording.get("text")) if wording else None,
        requirement=lang.text(record.get("requirement")), profiling_logic=lang.text(record.get("profiling_logic")),
        dpia_done=lang.day(dpia.done(record)), dpia_required=bool(dpia.reasons(record)),
    )


def purposes(lang: Language, model: Model) -> list[Purpose]:
    """Every purpose, by title in this language (then id, so equal titles keep one order)."""
    found = [purpose(lang, model, record) for record in model.of("purposes")]
    return sorted(found, key=lambda p: (p.title.text.casefold(), p.id))


@dataclass
class Contact:
    name: Text
    email: str
    phone: str
    website: str
    address: list[str]


def controller(lang: Language, config: dict) -> tuple[Contact, Contact | None]:
    """The controller and the data protection officer from crmtool.yaml (the DPO is None
    when the settings name none)."""
    data = value if isinstance(value := config.get("controller"), dict) else {}
    address = value if isinstance(value := data.get("address"), dict) else {}
    lines = [" ".join(str(address[k]) for k in ("street", "number", "addition") if address.get(k)),
             " ".join(str(address[k]) for k in ("postcode", "city") if address.get(k)),
             lang.country(address.get("country"))]
    website = _str(data.get("website"))
    main = Contact(lang.text(data.get("name")), _str(data.get("email")), _str(data.get("phone")),
                   website if _WEB.match(website) else "", [line for line in lines if line])
    dpo = value if isinstance(value := config.get("dpo"), dict) else None
    officer = Contact(lang.text(dpo.get("name")), _str(dpo.get("email")), _str(dpo.get("phone")), "", []) \
        if dpo else None
    return main, officer


def controller_country(config: dict) -> str:
    """The country of the controller's address (NL when it has none): it decides the
    supervisory authority and how phone numbers without a country code are read."""
    data = value if isinstance(value := config.get("controller"), dict) else {}
    address = value if isinstance(value := data.get("address"), dict) else {}
    country = address.get("country")
    return country.upper() if isinstance(country, str) and len(country) == 2 else "NL"


def _str(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""
