"""P014: free text that looks like special-category data.

Art. 9(1) forbids processing data on health, religious or philosophical beliefs, racial or
ethnic origin, sex life or sexual orientation, political opinions, trade-union membership,
genetic and biometric data unless an Art. 9(2) exception applies; Art. 10 adds criminal
convictions and offences. Such data rarely arrives in a structured field: it slips into a
note ("on sick leave with a burn-out", "active in the mosque board", "FNV member"). This
rule reads the free text of records and warns when it holds words from the word lists kept
as data in the rule's module (`SPECIAL_WORDS` in `crmtool/rules/p014_special_words.py`: per
category, in Dutch, Flemish and English), with the extra words of the setting
`special_words` (`{category: [words]}`, same syntax) added.

Texts read: the `notes[].text` of people, organisations and roles, the `summary` of
interactions, and of requests the `title`, `notes[].text`, `history[].note` and
`outcome.note`. A text may be a string or a map of languages; every language is read.

Matching is on whole words, case- and accent-insensitive (Unicode NFKD, accents dropped):
`kerk` matches "Kerk" but not "Kerkstraat" or "Kerkrade". A word ending in `*` is a stem and
matches the start of a word (`zwanger*`: zwanger, zwangerschapsverlof). A space in a listed
word matches any white space, a hyphen matches a hyphen, a space or nothing (`burn-out`:
burn-out, burnout, burn out). A hyphen in the text is a word boundary, so "FNV-lid" and
"ex-gedetineerde" are found. A few phrases that contain a listed word but are not special
data are cleared before matching (`NOT_SPECIAL`: "christen-democraten", "Nieuwe Kerk", and
"stemt op" followed by a day: "de raad stemt op 12 mei").

The lists are kept precise for the notes of an association of municipalities, where
politics and public services are the daily business. Deliberately *not* listed: "partij" /
"party" and "raad" / "council" (office holders have a party and a council seat in public),
"stemde voor" / "voted for" (council votes), "ziekenhuis" / "hospital" alone (a hospital is
an organisation and a meeting place; "in het ziekenhuis opgenomen" is listed),
"veroordeeld" alone (a mayor "veroordeelt" violence; "veroordeeld tot" is listed),
"aangehouden" (a motion is "aangehouden"), "geloof" alone ("ik geloof dat"), "herkomst" alone
(the source of data), "race" (an election race), "Christian" (a first name), "union" alone
(the European Union), "beperking" (restriction of processing), and policy topics such as
zorg, jeugdzorg, volksgezondheid, LHBTI, asielzoekers, vluchtelingen, fraude. Organisation
names such as a union (FNV, ACV) or a church are listed, as the law's examples ask, even
though an organisation note may name them as a partner: rewrite or waive such a note.

No category is reported whose data the record may hold: for a person's notes, the special
categories of the purposes of the person's labels in force (`special_categories` with an
`article9_exception`, and `criminal` with an `article10_basis`); for a role, those of its
holder; for a request, those of the person who asked (`from.person`); for an interaction,
those of its own `purpose`. Organisation notes have no exception. One warning per text, at
the text (the first language in which a word was found), naming the words found and their
categories.

Passing::

    notes:
      - {date: 2026-10-01, by: anna, text: "Meeting at the Ziekenhuis Amstelland about the heat network."}

Failing::

    notes:
      - {date: 2026-10-01, by: anna, text: "Off sick with a burn-out until January."}
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Mapping

from ..findings import Finding
from ..i18n import N_, _
from ..load.model import Record
from ..domain.policy import purpose as purpose_record
from ..domain.policy import purpose_special_categories, special_categories
from ..domain.retention import labels_in_force
from .base import RepoContext, Rule, Setting

WORDS = Setting("special_words", {}, N_("Extra words to look for, per special category"))

RULE = Rule("P014", "warning", N_("Free text that looks like special-category data"),
            "repository", "Art. 9(1), 10", dated=True, settings=(WORDS,))

# Words and phrases per special category (the `special_categories` values of a purpose, plus
# `criminal` for Art. 10). `*` at the end: a stem, matching word starts. Dutch (NL and
# Flemish) first, then English.
SPECIAL_WORDS: dict[str, tuple[str, ...]] = {
    "health": (
        # Dutch and Flemish
        "ziek", "zieke", "zieken", "ziekte*", "ziekmeld*", "ziekgemeld", "ziekenbriefje",
        "doktersbriefje", "burn-out", "overspannen*", "kanker*", "tumor", "chemo",
        "chemotherapie", "chemokuur*",
        "depressie*", "depressief", "psychisch*", "psychiat*", "psycholoog", "therapie",
        "zwanger*", "bevallingsverlof", "moederschapsrust", "diagnose*", "gediagnosticeerd",
        "medicijn*", "medicatie", "medische redenen", "medische klachten", "gezondheidsreden*",
        "ziekenhuisopname", "opgenomen in het ziekenhuis", "in het ziekenhuis opgenomen",
        "ligt in het ziekenhuis", "lag in het ziekenhuis", "gehospitaliseerd", "hospitalisatie",
        "gehandicapt*", "handicap*", "functiebeperking*", "lichamelijke beperking",
        "verstandelijke beperking", "rolstoel", "rolstoelgebruiker*", "in een rolstoel",
        "dementie", "dement", "alzheimer*", "diabetes", "suikerziekte", "hartaanval",
        "hartinfarct", "herseninfarct", "beroerte", "geopereerd", "revalideert", "revalidatie",
        "verslaafd", "verslaving*", "alcoholist*", "arbeidsongeschikt*", "invaliditeit", "hiv",
        "autisme", "autistisch*", "adhd", "dyslexie", "slechthorend*", "slechtziend*", "doof",
        # English
        "sick*", "illness*", "fell ill", "seriously ill", "terminally ill", "chronically ill",
        "mentally ill", "disease*", "cancer", "tumour", "depression", "depressed",
        "mental health", "psychiatr*", "therapist", "pregnan*", "maternity leave", "diagnos*",
        "medication*", "medical reasons", "medical condition*", "health reasons", "chemotherapy",
        "in hospital", "hospitalised", "hospitalized", "hospitalisation", "hospitalization",
        "disabilit*", "handicapped", "wheelchair*", "dementia", "diabetic", "heart attack", "operated on",
        "addict*", "alcoholic*", "autism", "autistic", "dyslexi*", "deaf",
    ),
    "religious-belief": (
        "moslim*", "islam*", "christelijk*", "christen", "christenen", "katholiek*",
        "protestant*", "gereformeerd*", "joods*", "jood", "joden", "kerk", "kerken", "kerkganger*",
        "kerkgaand*", "kerkelijk*", "moskee*", "synagoge*", "religie*", "religieu*",
        "gelovig*", "geloofsovertuiging*", "zijn geloof", "haar geloof", "het geloof",
        "levensbeschouw*", "vrijzinnig*", "atheist*", "hindoe*", "boeddhis*", "sikh*",
        "hoofddoek*", "halal", "koosjer",
        "muslim*", "catholic*", "jewish", "jew", "jews", "church", "churches", "churchgoer*", "mosque*",
        "synagogue*", "religio*", "his faith", "her faith", "their faith", "christian faith",
        "is a christian", "practising christian", "practicing christian", "hindu*", "buddhis*",
        "headscarf", "kosher",
    ),
    "racial-ethnic-origin": (
        "afkomst", "allochto*", "autochto*", "marokkaan*", "turk", "turken", "turkse",
        "surinaams*", "surinamer*", "antilliaan*", "migratieachtergrond",
        "migrantenachtergrond", "etnisch*", "etniciteit", "huidskleur", "getint",
        "etnische herkomst", "buitenlandse herkomst", "vreemde herkomst",
        "ethnic*", "racial*", "skin colour", "skin color", "descent", "migrant background",
        "immigrant background", "moroccan*", "turkish", "surinamese",
    ),
    "sex-life-orientation": (
        "homo", "homoseksu*", "homofiel*", "lesbisch*", "lesbienne*", "biseksu*",
        "transgender*", "transvrouw", "transman", "non-binair", "seksuele geaardheid",
        "seksuele orientatie", "seksuele voorkeur", "geaardheid", "seksleven", "uit de kast gekomen",
        "kwam uit de kast", "uit de kast kwam",
        "gay", "lesbian*", "bisexual*", "homosexual*", "non-binary", "sexual orientation",
        "sexual preference", "sex life", "came out as",
    ),
    "political-opinion": (
        "politieke voorkeur", "politieke overtuiging", "politieke sympathie*", "stemt op",
        "stemde op", "partijlid*", "lid van de partij", "partijkaart",
        "political views", "political opinion*", "political preference*",
        "political affiliation", "party member*", "party card", "voting intention*",
    ),
    "trade-union": (
        "vakbond*", "vakcentrale*", "fnv", "cnv", "acv", "abvv", "aclvb", "acod", "vsoa",
        "syndicaal", "syndicale*",
        "trade union*", "labour union*", "labor union*", "union member*", "union rep*",
        "shop steward*", "unionised", "unionized",
    ),
    "criminal": (
        "strafblad*", "strafregister*", "veroordeeld tot", "veroordeeld wegens",
        "veroordeeld voor", "veroordeling tot", "veroordeling wegens", "strafrechtelijk*",
        "gedetineerd*", "gevangenisstraf*", "celstraf*", "taakstraf*", "voorwaardelijke straf",
        "in de gevangenis", "in hechtenis", "voorlopige hechtenis",
        "gearresteerd", "verdacht van", "verdachte van", "vog", "verklaring omtrent het gedrag",
        "goed gedrag en zeden", "crimineel verleden",
        "criminal record*", "criminal conviction*", "criminal past", "convicted", "conviction for",
        "sentenced to", "in prison", "imprisoned", "in jail", "jailed", "arrested",
        "suspected of", "police record*", "offender*", "certificate of conduct",
    ),
    "genetic": (
        "dna-test*", "dna-onderzoek", "dna-profiel*", "dna-analyse", "genetisch*", "erfelijk*",
        "dna-profile*", "dna-analysis", "genetic*", "genome", "hereditary",
    ),
    "biometric": (
        "vingerafdruk*", "gezichtsherkenning", "irisscan*", "biometrisch*",
        "fingerprint*", "facial recognition", "face recognition", "iris scan*", "retina scan*",
        "biometric*",
    ),
}

# Phrases that contain a listed word but are not special-category data; cleared first.
NOT_SPECIAL: tuple[str, ...] = (
    "christen-democra*", "christelijk-democra*", "staatkundig gereformeerd*", "grote kerk",
    "nieuwe kerk", "oude kerk", "sick of",
)
# "de raad stemt op 12 mei": a council vote on a day, not a voter's choice of party.
_VOTE_ON_A_DAY = (r"(?<!\w)stem(?:t|de|den)\s+op\s+(?=\d|(?:maandag|dinsdag|woensdag|donderdag|vrijdag"
                  r"|zaterdag|zondag|de\s+volgende|die\s+dag)(?!\w))")


def fold(text: str) -> tuple[str, list[int]]:
    """`text` without accents and case (NFKD, combining marks dropped, casefolded), with the
    index in `text` of every folded character, so a match can be shown as it was written."""
    if text.isascii():
        return text.lower(), list(range(len(text)))
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        for part in unicodedata.normalize("NFKD", char):
            if unicodedata.combining(part):
                continue
            for folded in part.casefold():
                chars.append(folded)
                origin.append(index)
    return "".join(chars), origin


def _term_pattern(term: str) -> str | None:
    """The regular expression of one listed word (see the module docstring for the syntax)."""
    folded = fold(term.strip())[0]
    stem = folded.endswith("*")
    folded = folded.rstrip("*").strip()
    if not folded:
        return None
    words = []
    for word in folded.split():
        words.append(r"[-\s]?".join(re.escape(part) for part in word.split("-") if part))
    body = r"\s+".join(w for w in words if w)
    if not body:
        return None
    return body + (r"\w*" if stem else r"(?!\w)")


def _alternation(terms: Iterable[str]) -> re.Pattern | None:
    """One pattern for many words; each must start a word. Longest first, so that a phrase
    wins over a word it starts with."""
    patterns = sorted({p for p in map(_term_pattern, terms) if p}, key=lambda p: (-len(p), p))
    return re.compile(r"(?<!\w)(?:" + "|".join(patterns) + ")") if patterns else None


@dataclass(frozen=True)
class Hit:
    """A listed word found in a text: as written there, and its category."""

    text: str
    category: str


class Matcher:
    """The compiled word lists: `find(text)` gives the special words in a text."""

    def __init__(self, extra: Mapping[str, Iterable[str]] | None = None) -> None:
        words: dict[str, list[str]] = {c: list(w) for c, w in SPECIAL_WORDS.items()}
        for category, added in (extra or {}).items():
            words.setdefault(category, []).extend(added)
        self._categories = [(c, p) for c, p in ((c, _alternation(w)) for c, w in words.items()) if p]
        not_special = _alternation(NOT_SPECIAL)
        assert not_special is not None  # NOT_SPECIAL is a fixed list of words
        self._ignore = re.compile(not_special.pattern + "|" + _VOTE_ON_A_DAY)

    def find(self, text: str) -> list[Hit]:
        """Every distinct special word in `text` (first occurrence, in text order)."""
        folded, origin = fold(text)
        folded = self._ignore.sub(lambda m: " " * len(m.group()), folded)
        found: list[tuple[int, str, Hit]] = []
        seen: set[tuple[str, str]] = set()
        for category, pattern in self._categories:
            for match in pattern.finditer(folded):
                key = (match.group(), category)
                if key in seen:
                    continue
                seen.add(key)
                start, end = match.span()
                found.append((start, category, Hit(text[origin[start]:origin[end - 1] + 1], category)))
        return [hit for _start, _category, hit in sorted(found, key=lambda f: (f[0], f[1]))]


def check(ctx: RepoContext) -> Iterator[Finding]:
    matcher = Matcher(ctx.setting(WORDS))
    for record, pointer, text, allowed in _texts(ctx):
        hits, position = [], None
        for at, value in _languages(pointer, text):
            found = [h for h in matcher.find(value) if h.category not in allowed]
            if found and position is None:
                position = at
            hits += found
        if not hits or position is None:  # position is set with the first hit
            continue
        yield RULE.finding(
            record.path, ctx.at(record, position),
            _("This text may hold special-category data: {words}.").format(words=_describe(hits)),
            _("Remove the detail, or rewrite the text without it. If it must be kept, the purpose it is "
              "kept under needs that category in special_categories and an Art. 9(2) exception in "
              "article9_exception (for criminal data: an Art. 10 basis in article10_basis)."))


def _describe(hits: list[Hit]) -> str:
    """`health: "sick", "burn-out"; trade-union: "FNV"`: the words as written, per category."""
    by_category: dict[str, list[str]] = {}
    for hit in hits:
        words = by_category.setdefault(hit.category, [])
        if f'"{hit.text}"' not in words:
            words.append(f'"{hit.text}"')
    return "; ".join(f"{category}: {', '.join(words)}" for category, words in by_category.items())


def _languages(pointer: tuple, text: Any) -> Iterator[tuple[tuple, str]]:
    """A text's strings with their pointers: the string itself, or each language of a map."""
    if isinstance(text, str):
        yield pointer, text
    elif isinstance(text, dict):
        for language, value in text.items():
            if isinstance(value, str):
                yield pointer + (language,), value


def _texts(ctx: RepoContext) -> Iterator[tuple[Record, tuple, Any, set[str]]]:
    """Every free text to read: (record, pointer, text, the categories allowed there)."""
    for folder in ("people", "organisations", "roles"):
        for record in ctx.model.of(folder):
            notes = record.get("notes")
            if not isinstance(notes, list) or not notes:
                continue
            allowed = (_allowed_for_person(ctx, record.id) if folder == "people" else
                       _allowed_for_person(ctx, record.get("person")) if folder == "roles" else set())
            for index, note in enumerate(notes):
                if isinstance(note, dict) and "text" in note:
                    yield record, ("notes", index, "text"), note["text"], allowed
    for record in ctx.model.of("interactions"):
        if "summary" in record.data:
            yield record, ("summary",), record.get("summary"), _allowed_for_purpose(ctx, record.get("purpose"))
    for record in ctx.model.of("requests"):
        sender = record.get("from")
        allowed = _allowed_for_person(ctx, sender.get("person") if isinstance(sender, dict) else None)
        if "title" in record.data:
            yield record, ("title",), record.get("title"), allowed
        for key, field_name in (("notes", "text"), ("history", "note")):
            items = record.get(key)
            if isinstance(items, list):
                for index, item in enumerate(items):
                    if isinstance(item, dict) and field_name in item:
                        yield record, (key, index, field_name), item[field_name], allowed
        outcome = record.get("outcome")
        if isinstance(outcome, dict) and "note" in outcome:
            yield record, ("outcome", "note"), outcome["note"], allowed


def _allowed_for_person(ctx: RepoContext, person_id: Any) -> set[str]:
    """The special categories the purposes of a person's labels in force allow."""
    person = ctx.model.get("people", person_id) if isinstance(person_id, str) else None
    if person is None:
        return set()
    return special_categories(ctx.model, labels_in_force(ctx.model, person, ctx.today))


def _allowed_for_purpose(ctx: RepoContext, purpose_id: Any) -> set[str]:
    """The special categories one purpose allows (only with an Art. 9(2) exception)."""
    return purpose_special_categories(purpose_record(ctx.model, purpose_id) if isinstance(purpose_id, str) else None)
