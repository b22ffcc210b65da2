"""New record ids: opaque people, readable slugs, numbered requests."""
from __future__ import annotations

from crmtool.domain import ids


def test_person_ids_are_opaque_and_avoid_the_name():
    letters = iter("jansen" "abcdef")  # a source that would first spell the name
    taken = {"p-jansen"}
    proposed = ids.opaque("p", taken, avoid=["Jan", "Jansen"], choice=lambda _: next(letters))
    assert proposed == "p-abcdef"


def test_opaque_ids_use_the_unambiguous_alphabet_and_are_unique():
    taken: set[str] = set()
    for _ in range(200):
        new = ids.person_id(taken, "Sanne", "de Vries")
        assert ids.ID_PATTERN.match(new) and new not in taken
        assert not set(new[2:]) & set("01lo")
        taken.add(new)


def test_readable_style_and_taken_slugs():
    assert ids.person_id(set(), "Jan", "Jansen", style="name") == "jan-jansen"
    assert ids.readable("Gemeente Almère", {"gemeente-almere", "gemeente-almere-2"}) == "gemeente-almere-3"


def test_numbered_follows_the_repositorys_width_and_year():
    taken = {"q-2026-0019", "q-2026-0003", "dsr-2026-0002", "rq-2026-042"}
    assert ids.numbered("q", 2026, taken) == "q-2026-0020"
    assert ids.numbered("rq", 2026, taken) == "rq-2026-043"
    assert ids.numbered("rq", 2027, taken) == "rq-2027-001"
    assert ids.numbered("x", 2026, set()) == "x-2026-0001"


def test_dated_ids_are_the_day_and_an_opaque_suffix():
    day = __import__("datetime").date(2026, 12, 4)
    letters = iter("k3m9" "k3m9" "ab2c")  # a source that first repeats a taken id
    taken = {"i-2026-12-04-k3m9"}
    assert ids.dated("i", day, taken, choice=lambda _: next(letters)) == "i-2026-12-04-ab2c"
    proposed = {ids.dated("i", day, set()) for _ in range(50)}
    assert all(ids.ID_PATTERN.match(p) and len(p) == len("i-2026-12-04-xxxx") for p in proposed)


def test_request_prefixes_are_short_words_never_free_text():
    assert all(ids.request_prefix_ok(p) for p in ("q", "dsr", "rq"))
    assert not any(ids.request_prefix_ok(p) for p in ("sara-mailde", "kees-ploeger", "q2", ""))
