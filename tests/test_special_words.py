"""The P014 matcher: which words in free text look like special-category data.

Positives and negatives in Dutch (with Flemish) and English, accents and case, whole words
against stems, hyphens, and the phrases that must not be reported in the notes of an
association of municipalities.
"""
from __future__ import annotations

import json

import pytest

from crmtool.rules.p014_special_words import NOT_SPECIAL, SPECIAL_WORDS, Hit, Matcher, fold

from .conftest import PROJECT

MATCHER = Matcher()


def found(text: str, matcher: Matcher = MATCHER) -> list[tuple[str, str]]:
    return [(hit.text, hit.category) for hit in matcher.find(text)]


@pytest.mark.parametrize("text, word, category", [
    # Dutch and Flemish
    ("Langdurig ziek thuis.", "ziek", "health"),
    ("Met ziekteverlof tot maart.", "ziekteverlof", "health"),
    ("Heeft een burn-out.", "burn-out", "health"),
    ("Heeft een burnout.", "burnout", "health"),
    ("Behandeld voor kanker.", "kanker", "health"),
    ("Zwangerschapsverlof vanaf mei.", "Zwangerschapsverlof", "health"),
    ("Ligt in het ziekenhuis na een val.", "Ligt in het ziekenhuis", "health"),
    ("Stopt om gezondheidsredenen.", "gezondheidsredenen", "health"),
    ("Gehospitaliseerd sinds maandag.", "Gehospitaliseerd", "health"),
    ("Is moslim.", "moslim", "religious-belief"),
    ("Zit in het bestuur van de moskee.", "moskee", "religious-belief"),
    ("Van Marokkaanse afkomst.", "Marokkaanse", "racial-ethnic-origin"),
    ("Van Marokkaanse afkomst.", "afkomst", "racial-ethnic-origin"),
    ("Spreekt openlijk over zijn seksuele geaardheid.", "seksuele geaardheid", "sex-life-orientation"),
    ("Is lesbisch.", "lesbisch", "sex-life-orientation"),
    ("Stemt op de SP.", "Stemt op", "political-opinion"),
    ("FNV-lid.", "FNV", "trade-union"),
    ("Afgevaardigde van het ACV.", "ACV", "trade-union"),
    ("Vakbondslid sinds 2001.", "Vakbondslid", "trade-union"),
    ("Heeft een strafblad.", "strafblad", "criminal"),
    ("Uittreksel uit het strafregister opgevraagd.", "strafregister", "criminal"),
    ("Ex-gedetineerde.", "gedetineerde", "criminal"),
    ("VOG aangevraagd.", "VOG", "criminal"),
    ("Werd veroordeeld tot een taakstraf.", "veroordeeld tot", "criminal"),
    ("DNA-test gedaan.", "DNA-test", "genetic"),
    ("Toegang met vingerafdruk.", "vingerafdruk", "biometric"),
    # English
    ("Off sick until January.", "sick", "health"),
    ("She is pregnant.", "pregnant", "health"),
    ("Diagnosed with diabetes.", "Diagnosed", "health"),
    ("Attends the synagogue.", "synagogue", "religious-belief"),
    ("Of Moroccan descent.", "Moroccan", "racial-ethnic-origin"),
    ("He is gay.", "gay", "sex-life-orientation"),
    ("A party member since 2010.", "party member", "political-opinion"),
    ("Trade union representative.", "Trade union", "trade-union"),
    ("Has a criminal record.", "criminal record", "criminal"),
    ("Facial recognition at the door.", "Facial recognition", "biometric"),
])
def test_finds(text, word, category):
    assert (word, category) in found(text)


@pytest.mark.parametrize("text", [
    # politics is the daily business of an association of municipalities
    "Wethouder namens Partij A; fractievoorzitter in de raad.",
    "The party group leader spoke in the council.",
    "De raad stemt op 12 mei over de begroting.",
    "De raad stemde op dinsdag in met het voorstel.",
    "The council voted for the motion.",
    "De motie is aangehouden.",
    "De burgemeester veroordeelt het geweld.",
    "Coalitie met het Christen-Democratisch Appèl en de ChristenUnie.",
    "Gesprek met de christendemocraten.",
    "Staatkundig Gereformeerde Partij.",
    # places and organisations
    "Overleg in het Ziekenhuis Amstelland over de zorgregio.",
    "Meeting at the hospital about the heat network.",
    "Kantoor aan de Kerkstraat in Kerkrade.",
    "Vergadering in de Grote Kerk.",
    "Nieuwerkerk aan den IJssel.",
    # policy topics and ordinary words
    "Jeugdzorg, volksgezondheid en de opvang van asielzoekers.",
    "Herkomst van de gegevens: openbaar register.",
    "Beperking van de verwerking gevraagd.",
    "Ik geloof dat het project doorgaat.",
    "Het project zit vast op de vergunning.",
    "Oude plannen uit de kast gehaald.",
    "The race for mayor; funding from the European Union.",
    "We are sick of waiting for the permit.",
    "Met Christian besproken.",
    "De chemokar komt op zaterdag.",
    "LHBTI-beleid en Regenboogsteden.",
    "",
])
def test_ordinary_notes_are_not_special(text):
    assert found(text) == []


@pytest.mark.parametrize("text", ["ZIEKTE", "Ziekte", "ziekte", "zíékte"])
def test_case_and_accents_do_not_matter(text):
    assert found(text) == [(text, "health")]


def test_accented_word_in_the_list_matches_without_accents_and_back():
    assert found("seksuele orientatie") == [("seksuele orientatie", "sex-life-orientation")]
    assert found("seksuele oriëntatie") == [("seksuele oriëntatie", "sex-life-orientation")]
    assert found("atheïst") == [("atheïst", "religious-belief")]
    assert found("Moskeeën") == [("Moskeeën", "religious-belief")]


def test_whole_words_only_unless_a_stem():
    assert found("kerk") == [("kerk", "religious-belief")]
    assert found("kerkrade") == []  # `kerk` is a whole word
    assert found("kerkganger") == [("kerkganger", "religious-belief")]  # `kerkganger*` a stem
    assert found("ziek") == [("ziek", "health")]
    assert found("ziekenhuis") == []  # `ziek` whole word; `ziekte*` does not start it
    assert found("zwangerschap") == [("zwangerschap", "health")]  # `zwanger*`
    assert found("homo's") == [("homo", "sex-life-orientation")]


def test_a_hyphen_in_the_text_is_a_word_boundary():
    assert found("FNV-kaderlid") == [("FNV", "trade-union")]
    assert found("oud-vakbondsman") == [("vakbondsman", "trade-union")]


def test_white_space_in_a_phrase_is_flexible():
    assert found("sexual\n  orientation") == [("sexual\n  orientation", "sex-life-orientation")]
    assert found("burn out") == [("burn out", "health")]


def test_words_keep_text_order_and_each_appears_once():
    hits = found("Ziek, en nog steeds ziek; lid van de FNV; ziek.")
    assert hits == [("Ziek", "health"), ("FNV", "trade-union")]


def test_a_phrase_wins_over_a_word_it_contains():
    assert found("in een rolstoel") == [("in een rolstoel", "health")]


def test_extra_words_from_the_setting():
    matcher = Matcher({"health": ["mantelzorg*", "griep"], "own-category": ["geheim"]})
    assert found("Mantelzorger voor haar vader", matcher) == [("Mantelzorger", "health")]
    assert found("Heeft griep", matcher) == [("griep", "health")]
    assert found("griepvaccin", matcher) == []
    assert found("Een geheim", matcher) == [("geheim", "own-category")]
    assert found("Mantelzorger") == []  # the default lists do not have it


def test_malformed_extra_words_are_ignored():
    """The config schema refuses them (S001), so the rule reads its own lists only
    (`RepoContext.setting`); the matcher itself no longer sorts out bad words."""
    from crmtool.load.schema import SchemaSet
    from crmtool.rules.p014_special_words import WORDS
    schemas = SchemaSet(PROJECT / "schemas")
    for malformed in ({"health": "not-a-list"}, {3: ["xx"]}, {"criminal": [None, "*", "  "]}):
        assert not WORDS.accepts(schemas, malformed)
    assert found("Heeft een strafblad", Matcher(WORDS.fallback({}))) == [("strafblad", "criminal")]


def test_fold_keeps_the_way_back_to_the_original_text():
    folded, origin = fold("Café Straße")
    assert folded == "cafe strasse"
    assert origin[-3:] == [9, 9, 10]  # "ß" became "ss"


def test_every_category_is_a_purpose_special_category_value():
    schema = json.loads((PROJECT / "schemas" / "purpose.schema.json").read_text(encoding="utf-8"))
    allowed = set(schema["properties"]["special_categories"]["items"]["enum"])
    assert set(SPECIAL_WORDS) == allowed  # so that a purpose's special_categories can allow each


def test_lists_are_data_without_duplicates():
    for category, words in SPECIAL_WORDS.items():
        folded = [fold(w)[0] for w in words]
        assert len(folded) == len(set(folded)), category
        assert all(w == w.strip() and w for w in words), category
    assert all(isinstance(w, str) for w in NOT_SPECIAL)


def test_hit_is_a_value():
    assert Hit("ziek", "health") == Hit("ziek", "health")
