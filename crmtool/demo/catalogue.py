"""Public facts the synthetic repository is built on: the four real municipalities of the
example records, the twelve provinces, the safety regions, the national parties, the
association's committees, council sizes and election dates.

Only public facts live here (names, CBS codes, the Municipalities Act's seat table); every
person is made up elsewhere. Keeping the facts in one table lets the generator stay small and
lets a reader check them at a glance.
"""
from __future__ import annotations

import datetime as dt

# The municipalities that the shipped example records already describe, with their real CBS
# codes and public details (records/organisations/gemeente-*.yaml). Beyond these, names are
# made up (names.municipality_names).
REAL_MUNICIPALITIES: tuple[dict, ...] = (
    {"slug": "almere", "name": "Almere", "cbs": "GM0034", "province": "flevoland",
     "safety_region": "vr-flevoland", "inwoners": 226000, "places": ["Almere"],
     "phone": "14 036", "visit": ("Stadhuisplein", "1", "1315 HR"), "postal": ("Postbus", "200", "1300 AE"),
     "website": "https://www.almere.nl", "start": "1984-01-01", "urban": "sterk"},
    {"slug": "lelystad", "name": "Lelystad", "cbs": "GM0995", "province": "flevoland",
     "safety_region": "vr-flevoland", "inwoners": 82000, "places": ["Lelystad"],
     "phone": "14 0320", "visit": ("Stadhuisplein", "2", "8232 ZX"), "postal": ("Postbus", "91", "8200 AB"),
     "website": "https://www.lelystad.nl", "start": "1980-01-01", "urban": "matig"},
    {"slug": "utrecht", "name": "Utrecht", "cbs": "GM0344", "province": "utrecht",
     "safety_region": "vr-utrecht", "inwoners": 374000, "places": ["Utrecht", "Vleuten", "De Meern", "Haarzuilens"],
     "phone": "14 030", "visit": ("Stadsplateau", "1", "3521 AZ"), "postal": ("Postbus", "16200", "3500 CE"),
     "website": "https://www.utrecht.nl", "start": None, "urban": "zeer-sterk"},
    {"slug": "zwolle", "name": "Zwolle", "cbs": "GM0193", "province": "overijssel",
     "safety_region": "vr-ijsselland", "inwoners": 133000, "places": ["Zwolle", "Windesheim", "Wijthmen"],
     "phone": "14 038", "visit": ("Grote Kerkplein", "15", "8011 PK"), "postal": ("Postbus", "10007", "8000 GA"),
     "website": "https://www.zwolle.nl", "start": None, "urban": "sterk"},
)

# Local parties of the real municipalities: the fictional ones of the example records
# (records/organisations/), plus one made up for Utrecht.
REAL_LOCAL_PARTIES = {
    "almere": [("almeerse-buurtlijst", "Almeerse Buurtlijst")],
    "lelystad": [("polderpartij-lelystad", "Polderpartij Lelystad")],
    "utrecht": [("singelpartij-utrecht", "Singelpartij Utrecht")],
    "zwolle": [("hanzelijst-zwolle", "Hanzelijst Zwolle")],
}

# Province id (vocabulary `provinces`) → (label, VGN region, weight). The weight is roughly the
# number of municipalities in the province, so made-up municipalities spread like real ones.
PROVINCES = {
    "groningen": ("Groningen", "noord", 10), "fryslan": ("Fryslân", "noord", 18),
    "drenthe": ("Drenthe", "noord", 12), "overijssel": ("Overijssel", "oost", 25),
    "flevoland": ("Flevoland", "midden", 6), "gelderland": ("Gelderland", "oost", 51),
    "utrecht": ("Utrecht", "midden", 26), "noord-holland": ("Noord-Holland", "west", 44),
    "zuid-holland": ("Zuid-Holland", "west", 50), "zeeland": ("Zeeland", "zuid", 13),
    "noord-brabant": ("Noord-Brabant", "zuid", 56), "limburg": ("Limburg", "zuid", 31),
}

# The 25 safety regions (veiligheidsregio's): id → (name, province). A municipality belongs
# to one in its own province.
SAFETY_REGIONS = {
    "vr-groningen": ("Veiligheidsregio Groningen", "groningen"),
    "vr-fryslan": ("Veiligheidsregio Fryslân", "fryslan"),
    "vr-drenthe": ("Veiligheidsregio Drenthe", "drenthe"),
    "vr-ijsselland": ("Veiligheidsregio IJsselland", "overijssel"),
    "vr-twente": ("Veiligheidsregio Twente", "overijssel"),
    "vr-flevoland": ("Veiligheidsregio Flevoland", "flevoland"),
    "vr-noord-en-oost-gelderland": ("Veiligheidsregio Noord- en Oost-Gelderland", "gelderland"),
    "vr-gelderland-midden": ("Veiligheidsregio Gelderland-Midden", "gelderland"),
    "vr-gelderland-zuid": ("Veiligheidsregio Gelderland-Zuid", "gelderland"),
    "vr-utrecht": ("Veiligheidsregio Utrecht", "utrecht"),
    "vr-noord-holland-noord": ("Veiligheidsregio Noord-Holland Noord", "noord-holland"),
    "vr-zaanstreek-waterland": ("Veiligheidsregio Zaanstreek-Waterland", "noord-holland"),
    "vr-kennemerland": ("Veiligheidsregio Kennemerland", "noord-holland"),
    "vr-amsterdam-amstelland": ("Veiligheidsregio Amsterdam-Amstelland", "noord-holland"),
    "vr-gooi-en-vechtstreek": ("Veiligheidsregio Gooi en Vechtstreek", "noord-holland"),
    "vr-haaglanden": ("Veiligheidsregio Haaglanden", "zuid-holland"),
    "vr-hollands-midden": ("Veiligheidsregio Hollands Midden", "zuid-holland"),
    "vr-rotterdam-rijnmond": ("Veiligheidsregio Rotterdam-Rijnmond", "zuid-holland"),
    "vr-zuid-holland-zuid": ("Veiligheidsregio Zuid-Holland Zuid", "zuid-holland"),
    "vr-zeeland": ("Veiligheidsregio Zeeland", "zeeland"),
    "vr-midden-en-west-brabant": ("Veiligheidsregio Midden- en West-Brabant", "noord-brabant"),
    "vr-brabant-noord": ("Veiligheidsregio Brabant-Noord", "noord-brabant"),
    "vr-brabant-zuidoost": ("Veiligheidsregio Brabant-Zuidoost", "noord-brabant"),
    "vr-limburg-noord": ("Veiligheidsregio Limburg-Noord", "limburg"),
    "vr-zuid-limburg": ("Veiligheidsregio Zuid-Limburg", "limburg"),
}

# National parties: id → (name, short name, share of local council seats, first and last
# election year they take part in). GroenLinks and the PvdA stand as one list from 2026.
NATIONAL_PARTIES = {
    "partij-vvd": ("Volkspartij voor Vrijheid en Democratie", "VVD", 12, 0, 9999),
    "partij-cda": ("Christen-Democratisch Appèl", "CDA", 12, 0, 9999),
    "partij-pvda": ("Partij van de Arbeid", "PvdA", 8, 0, 2025),
    "partij-groenlinks": ("GroenLinks", "GL", 8, 0, 2025),
    "partij-groenlinks-pvda": ("GroenLinks-PvdA", "GL-PvdA", 15, 2026, 9999),
    "partij-d66": ("Democraten 66", "D66", 6, 0, 9999),
    "partij-christenunie": ("ChristenUnie", "CU", 5, 0, 9999),
    "partij-sgp": ("Staatkundig Gereformeerde Partij", "SGP", 2.5, 0, 9999),
    "partij-sp": ("Socialistische Partij", "SP", 3, 0, 9999),
    "partij-pvv": ("Partij voor de Vrijheid", "PVV", 1, 0, 9999),
    "partij-pvdd": ("Partij voor de Dieren", "PvdD", 1, 0, 9999),
    "partij-bbb": ("BoerBurgerBeweging", "BBB", 4, 2022, 9999),
    "partij-ja21": ("JA21", "JA21", 1, 2022, 9999),
    "partij-volt": ("Volt Nederland", "Volt", 0.5, 2022, 9999),
    "partij-50plus": ("50PLUS", "50PLUS", 0.5, 0, 9999),
    "partij-denk": ("DENK", "DENK", 0.5, 0, 9999),
}
MERGED_INTO = {"partij-pvda": "partij-groenlinks-pvda", "partij-groenlinks": "partij-groenlinks-pvda"}
LOCAL_PARTY_SHARE = 30  # local lists hold about a third of the council seats

# Patterns for the local parties of made-up municipalities: (id prefix, name pattern).
LOCAL_PARTY_PATTERNS = (
    ("lokaal", "Lokaal {name}"), ("gemeentebelangen", "Gemeentebelangen {name}"),
    ("dorpenlijst", "Dorpenlijst {name}"), ("burgerlijst", "Burgerlijst {name}"),
    ("samen", "Samen {name}"), ("open", "Open {name}"),
)

# The association's committees: id → (Dutch name, English name, short name, portfolios of the
# aldermen who sit on it). The safety committee seats mayors.
COMMITTEES = {
    "vgn-commissie-milieu": ("VGN-commissie Milieu", "VGN Environment Committee", "Commissie Milieu",
                             ("milieu", "energie", "klimaat")),
    "vgn-commissie-financien": ("VGN-commissie Financiën", "VGN Finance Committee", "Commissie Financiën",
                                ("financien", "personeel-en-organisatie")),
    "vgn-commissie-veiligheid": ("VGN-commissie Bestuur en Veiligheid", "VGN Governance and Safety Committee",
                                 "Commissie Bestuur en Veiligheid", ("veiligheid",)),
    "vgn-commissie-zorg": ("VGN-commissie Gezondheid en Welzijn", "VGN Health and Welfare Committee",
                           "Commissie Gezondheid en Welzijn", ("zorg", "jeugd")),
    "vgn-commissie-onderwijs": ("VGN-commissie Onderwijs, Cultuur en Sport",
                                "VGN Education, Culture and Sport Committee",
                                "Commissie Onderwijs", ("onderwijs", "cultuur", "sport")),
    "vgn-commissie-werk": ("VGN-commissie Werk en Inkomen", "VGN Work and Income Committee",
                           "Commissie Werk en Inkomen", ("werk-en-inkomen", "economie")),
    "vgn-commissie-wonen": ("VGN-commissie Ruimte en Wonen", "VGN Spatial Planning and Housing Committee",
                            "Commissie Ruimte en Wonen", ("wonen", "ruimtelijke-ordening", "mobiliteit")),
    "vgn-commissie-digitalisering": ("VGN-commissie Dienstverlening en Informatiebeleid",
                                     "VGN Services and Information Committee", "Commissie Informatiebeleid",
                                     ("digitalisering",)),
}
SAFETY_COMMITTEE = "vgn-commissie-veiligheid"

# Council seats by population: the table of the Municipalities Act (Gemeentewet, art. 8).
_SEATS = ((3000, 9), (6000, 11), (10000, 13), (15000, 15), (20000, 17), (25000, 19), (30000, 21),
          (35000, 23), (40000, 25), (45000, 27), (50000, 29), (60000, 31), (70000, 33), (80000, 35),
          (100000, 37), (200000, 39))


def council_seats(inwoners: int) -> int:
    for limit, seats in _SEATS:
        if inwoners <= limit:
            return seats
    return 45


def size_class(inwoners: int) -> str:
    """The custom field `grootteklasse` (records/fields/grootteklasse.yaml)."""
    for limit, value in ((5000, "tot-5000"), (10000, "5000-10000"), (20000, "10000-20000"),
                         (50000, "20000-50000"), (100000, "50000-100000"), (150000, "100000-150000"),
                         (250000, "150000-250000")):
        if inwoners < limit:
            return value
    return "250000-plus"


def municipal_elections(today: dt.date, count: int = 3) -> list[dt.date]:
    """The last `count` municipal elections whose new council was installed by `today`.

    Dutch municipal elections fall every four years on the third Wednesday of March
    (2018-03-21, 2022-03-16, 2026-03-18); the new council is installed two weeks later.
    """
    days: list[dt.date] = []
    year = 2014 + 4 * ((today.year - 2014) // 4)
    while len(days) < count:
        election = _third_wednesday_of_march(year)
        if installation(election) <= today:
            days.append(election)
        year -= 4
    return sorted(days)


def installation(election: dt.date) -> dt.date:
    return election + dt.timedelta(days=14)


def _third_wednesday_of_march(year: int) -> dt.date:
    first = dt.date(year, 3, 1)
    return first + dt.timedelta(days=(2 - first.weekday()) % 7 + 14)
