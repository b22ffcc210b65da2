"""The organisations of the synthetic repository, in proportion to the number of people:
municipalities (about one per 250 people, at least 3 and at most 400) with their council,
executive board, registry office and executive secretariat; national and local parties; the
twelve provinces; the safety regions the municipalities belong to; a G40-like network of the
larger municipalities; and the association itself with its board and committees.

The first municipalities are the real ones of the example records (with their CBS codes);
the others have made-up names and CBS codes from GM9001 upwards, a range no real
municipality uses, so they can never collide with each other or with a real one.
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from . import catalogue
from .entities import Municipality, Org
from ..domain.texts import slug
from .names import municipality_names, village_names

PEOPLE_PER_MUNICIPALITY = 250
MIN_MUNICIPALITIES, MAX_MUNICIPALITIES = 3, 400
G40_SIZE = 40
G40_MIN_INWONERS = 50000
FICTIONAL_CBS_START = 9001
_POSTCODE_LETTERS = "ABCDEFGHJKLMNPRSTVWXZ"


@dataclass
class Landscape:
    """Every organisation, and the groups the generator picks from."""

    municipalities: list[Municipality]
    parties: dict[str, Org]  # national parties by id
    provinces: list[Org]
    safety_regions: dict[str, Org]  # only those with member municipalities
    g40: Org
    vgn: Org
    board: Org
    committees: dict[str, Org]
    all: list[Org] = field(default_factory=list)


def municipality_count(people: int) -> int:
    return max(MIN_MUNICIPALITIES, min(MAX_MUNICIPALITIES, round(people / PEOPLE_PER_MUNICIPALITY)))


def build(rng: random.Random, people: int) -> Landscape:
    count = municipality_count(people)
    real = list(catalogue.REAL_MUNICIPALITIES[:count])
    names = municipality_names(rng, count - len(real), {m["slug"] for m in catalogue.REAL_MUNICIPALITIES})
    municipalities = [_real_municipality(spec) for spec in real]
    municipalities += [_made_up_municipality(rng, name, FICTIONAL_CBS_START + i) for i, name in enumerate(names)]

    parties = {pid: Org(pid, name, "political-party", pid, short_name=short)
               for pid, (name, short, *_rest) in catalogue.NATIONAL_PARTIES.items()}
    provinces = [Org(f"provincie-{pid}", f"Provincie {label}", "government", f"provincie-{pid}",
                     province=pid, region=region)
                 for pid, (label, region, _weight) in catalogue.PROVINCES.items()]
    used_regions = [vr for vr in catalogue.SAFETY_REGIONS if any(m.safety_region == vr for m in municipalities)]
    safety_regions = {}
    for vr in used_regions:
        name, province = catalogue.SAFETY_REGIONS[vr]
        safety_regions[vr] = Org(vr, name, "safety-region", vr, province=province,
                                 region=catalogue.PROVINCES[province][1],
                                 short_name="VRF" if vr == "vr-flevoland" else None)
    g40 = Org("g40", "G40-stedennetwerk", "partnership", "g40", short_name="G40",
              website="https://www.g40stedennetwerk.nl")
    larger = sorted((m for m in municipalities if m.inwoners >= G40_MIN_INWONERS and m.slug != "utrecht"),
                    key=lambda m: -m.inwoners)
    for municipality in larger[:G40_SIZE]:
        municipality.g40 = True
    vgn = Org("vgn", "Vereniging Gemeentelijk Netwerk", "association", "vgn", short_name="VGN",
              emails=[("info@vgn.example.nl", "work")], phones=[("+31 70 700 1200", "work")],
              addresses=[("visit", "Lange Voorbeeldstraat", "12", "2514 AB", "Den Haag")],
              website="https://www.vgn.example.nl")
    board = Org("vgn-bestuur", {"nl": "Bestuur VGN", "en": "VGN board"}, "board", "vgn-bestuur", parent=vgn)
    committees = {cid: Org(cid, {"nl": nl, "en": en}, "committee", cid, short_name=short, parent=vgn)
                  for cid, (nl, en, short, _portfolios) in catalogue.COMMITTEES.items()}

    landscape = Landscape(municipalities, parties, provinces, safety_regions, g40, vgn, board, committees)
    for m in municipalities:
        landscape.all += [m.org, m.council, m.college, m.registry, m.secretariat, *m.local_parties]
    landscape.all += [*parties.values(), *provinces, *safety_regions.values(), g40, vgn, board, *committees.values()]
    return landscape


def _parts(org: Org, name: str, slug_: str, domain: str, local_parties: list[Org], inwoners: int,
           province: str, safety_region: str) -> Municipality:
    council = Org(f"{org.id}-raad", f"Gemeenteraad {name}", "council", slug_, parent=org)
    college = Org(f"{org.id}-college", f"College van burgemeester en wethouders {name}", "executive-board",
                  slug_, short_name=f"College B&W {name}", parent=org)
    registry = Org(f"{org.id}-griffie", f"Griffie {name}", "registry-office", slug_, owner="member-services",
                   parent=org, emails=[(f"griffie@{domain}", "work")])
    secretariat = Org(f"{org.id}-bestuurssecretariaat", f"Bestuurssecretariaat {name}", "secretariat", slug_,
                      owner="member-services", parent=org, emails=[(f"bestuurssecretariaat@{domain}", "work")])
    return Municipality(org, name, slug_, inwoners, catalogue.council_seats(inwoners), province, safety_region,
                        council, college, registry, secretariat, local_parties, domain)


def _real_municipality(spec: dict) -> Municipality:
    name, slug_ = spec["name"], spec["slug"]
    province = spec["province"]
    org = Org(f"gemeente-{slug_}", f"Gemeente {name}", "municipality", slug_, owner="member-services",
              short_name=name, identifiers={"cbs": spec["cbs"]}, province=province,
              region=catalogue.PROVINCES[province][1], places=list(spec["places"]),
              phones=[(spec["phone"], "work")],
              addresses=[("visit", *spec["visit"], name), ("postal", *spec["postal"], name)],
              website=spec["website"], start=spec["start"],
              fields=_fields(spec["inwoners"], spec["urban"], False, False, False))
    parties = [Org(pid, pname, "political-party", pid, tags=["lokale-partij"])
               for pid, pname in catalogue.REAL_LOCAL_PARTIES[slug_]]
    return _parts(org, name, slug_, f"{slug_}.example.nl", parties, spec["inwoners"], province,
                  spec["safety_region"])


def _made_up_municipality(rng: random.Random, name: str, cbs: int) -> Municipality:
    slug_ = slug(name)
    inwoners = max(1000, min(400000, round(math.exp(rng.gauss(math.log(30000), 0.85)) / 1000) * 1000))
    provinces = list(catalogue.PROVINCES)
    province = rng.choices(provinces, weights=[catalogue.PROVINCES[p][2] for p in provinces])[0]
    regions = [vr for vr, (_n, p) in catalogue.SAFETY_REGIONS.items() if p == province]
    safety_region = rng.choice(regions)
    urban = ("zeer-sterk" if inwoners >= 150000 else "sterk" if inwoners >= 80000 else
             rng.choice(("matig", "sterk")) if inwoners >= 40000 else rng.choice(("weinig", "matig", "niet")))
    digits = rng.randint(1000, 9999)
    org = Org(f"gemeente-{slug_}", f"Gemeente {name}", "municipality", slug_, owner="member-services",
              short_name=name, identifiers={"cbs": f"GM{cbs:04d}"}, province=province,
              region=catalogue.PROVINCES[province][1],
              places=village_names(rng, name, rng.choice((0, 0, 1, 2, 3))),
              addresses=[("visit", rng.choice(("Raadhuisplein", "Stadhuisplein", "Markt", "Burgemeester Visserlaan")),
                          str(rng.randint(1, 40)), _postcode(rng, digits), name),
                         ("postal", "Postbus", str(rng.randint(1, 999)), _postcode(rng, digits), name)],
              website=f"https://www.{slug_}.example.nl",
              fields=_fields(inwoners, urban, rng.random() < 0.1, rng.random() < 0.08, rng.random() < 0.1))
    patterns = rng.sample(catalogue.LOCAL_PARTY_PATTERNS, rng.choice((1, 1, 2)))
    parties = [Org(f"{prefix}-{slug_}", pattern.format(name=name), "political-party", f"{prefix}-{slug_}",
                   tags=["lokale-partij"]) for prefix, pattern in patterns]
    return _parts(org, name, slug_, f"{slug_}.example.nl", parties, inwoners, province, safety_region)


def _postcode(rng: random.Random, digits: int) -> str:
    while True:
        letters = rng.choice(_POSTCODE_LETTERS) + rng.choice(_POSTCODE_LETTERS)
        if letters not in ("SA", "SD", "SS"):
            return f"{digits} {letters}"


def _fields(inwoners: int, urban: str, border: bool, coast: bool, shrinking: bool) -> dict:
    return {"inwoners": inwoners, "grootteklasse": catalogue.size_class(inwoners), "stedelijkheidsklasse": urban,
            "grensgemeente": border, "kustgemeente": coast, "krimpgemeente": shrinking}
