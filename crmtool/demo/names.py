"""Made-up names: people (Dutch and Flemish given and family names, combined at random) and
municipalities (Dutch-sounding parts that name no real municipality), plus the slugs and
email local parts derived from them.

The lists are long enough that two people with the same full name at one organisation are
rare; the generator still keeps names unique within a municipality, because Q005 would flag
such a pair as a probable duplicate.
"""
from __future__ import annotations

import random
import re

from ..domain.texts import ascii_fold, slug

GIVEN = (
    # Dutch
    "Anna", "Anouk", "Arjan", "Bart", "Bas", "Bram", "Carolien", "Daan", "Dennis", "Dirk", "Eline",
    "Els", "Erik", "Esther", "Eva", "Femke", "Floor", "Frank", "Frits", "Gerard", "Gert", "Hanna",
    "Hans", "Harm", "Hendrik", "Henk-Jan", "Ilse", "Ingrid", "Iris", "Jan", "Janneke", "Jasper",
    "Jeroen", "Johan", "Johanna", "Joost", "Joyce", "Karin", "Kees", "Koen", "Lieke", "Linda",
    "Lisa", "Lotte", "Maaike", "Marieke", "Marjolein", "Mark", "Martijn", "Martin", "Maud",
    "Merel", "Michiel", "Miriam", "Nienke", "Niels", "Noor", "Paul", "Peter", "Petra", "Pieter",
    "Renate", "Ria", "Rik", "Rob", "Roel", "Ruben", "Ruud", "Sander", "Sanne", "Saskia", "Sietske",
    "Sjoerd", "Sophie", "Stefan", "Suzanne", "Teun", "Thijs", "Tim", "Tom", "Vincent", "Wendy",
    "Willem", "Wim", "Wouter", "Yvonne", "Zoë", "Annemarie", "Berend", "Corine", "Diederik",
    "Egbert", "Fenna", "Geert", "Hester", "Ivo", "Jolanda", "Karel", "Laura", "Marloes", "Nicole",
    "Olga", "Rianne", "Remco", "Sylvia", "Thea", "Ulbe", "Vera", "Wietske", "Yara", "Auke",
    "Baukje", "Douwe", "Gerrit", "Hilde", "Jelle", "Klaas", "Lammert", "Marten", "Roelof", "Tjitske",
    # Flemish
    "An", "Bert", "Brecht", "Dries", "Ellen", "Elke", "Griet", "Hannelore", "Jef", "Jens", "Joris",
    "Katrien", "Kris", "Lieven", "Liesbeth", "Mathias", "Nele", "Pieterjan", "Sofie", "Stijn",
    "Tine", "Toon", "Veerle", "Wannes", "Wout", "Annelies", "Bavo", "Evelien", "Frederik", "Ine",
    # Dutch, of many origins
    "Naima", "Youssef", "Sevda", "Orlando", "Fatima", "Mohamed", "Samira", "Hatice", "Emre", "Mehmet",
    "Ayşe", "Rachid", "Nadia", "Karim", "Soufiane", "Ilham", "Priya", "Ravi", "Shanti", "Anand",
    "Chantal", "Gregory", "Marisol", "Tariq", "Zeynep", "Yusuf", "Amira", "Malika", "Dewi", "Kevin",
)

FAMILY = (
    # Dutch
    "Jansen", "Bakker", "Visser", "Smit", "Meijer", "Mulder", "Bos", "Vos", "Peters", "Hendriks",
    "Dekker", "Brouwer", "Dijkstra", "Kok", "Jacobs", "Vermeulen", "Willems", "Hoekstra", "Koster",
    "Prins", "Huisman", "Postma", "Kuipers", "Schouten", "Veenstra", "Kramer", "Scholten", "Wolters",
    "Hofman", "Timmer", "Molenaar", "Brinkman", "Verhoef", "Dekkers", "Ploeger", "Talsma", "Wiersma",
    "Landman", "Stam", "Lammers", "Hoogeveen", "Schaap", "Pinas", "Bosveld", "Veldhuis", "Vlaar",
    "Kuijpers", "Evers", "Gerritsen", "Bosman", "Verbeek", "Koning", "Maas", "Sluiter", "Heijnen",
    "Boersma", "Zijlstra", "Kooistra", "Bouma", "Terpstra", "Westra", "Hoogland", "Blom", "Groen",
    "Mol", "Wijnands", "Claassen", "Kroon", "Pauw", "Rutten", "Janssen", "Hermans", "Coenen",
    "Oosterhuis", "Nijhuis", "Kamphuis", "Lubbers", "Pronk", "Verschoor", "Kooij", "Bronkhorst",
    "Appel", "Tol", "Dam", "Roos", "Verhagen", "Verweij", "Steenbergen", "Wessels", "Hofstra",
    "Zwart", "Bruins", "Baas", "Bakkers", "Sijbrands", "Geerts", "Borst", "Hartman", "Lindeman",
    "Mulders", "Nieuwenhuis", "Overbeek", "Pool", "Reinders", "Segers", "Tromp", "Uijl", "Vink",
    "Wouters", "Zuidema", "Ebbers", "Feenstra", "Greve", "Haverkamp", "IJzerman", "Jonker",
    # Flemish
    "Peeters", "Janssens", "Maes", "Mertens", "Claes", "Goossens", "De Smet", "Dubois",
    "Van Damme", "De Backer", "Vandenberghe", "Verstraete", "Declercq", "Desmet", "Lambrechts",
    "Cools", "Aerts", "Michiels", "Verhoeven", "Van Acker", "De Clercq", "Pauwels",
    "Vermeiren", "Verlinden", "Claeys", "Baert", "Smets", "Bogaert", "Vercammen",
    # Dutch, of many origins
    "Aydın", "Bouzid", "El Amrani", "Yılmaz", "Kaya", "Demir", "Çelik", "Öztürk", "Benali",
    "El Idrissi", "Ait Said", "Ramdin", "Doekhie", "Sewnath", "Kartosen", "Tjon", "Martina",
    "Pietersz", "Lie", "Tan", "Nguyen", "Haddou", "Amrani", "Kok-Sahin",
)

# Prefixes (tussenvoegsels) with the family names that usually follow them.
PREFIXED = (
    ("van", ("Dijk", "Leeuwen", "Beek", "Vliet", "Wijk", "Rooij", "Dam", "Veen", "Loon", "Dongen",
             "Essen", "Gils", "Hulst", "Kempen", "Rijn", "Zanten", "Wijngaarden", "Dijkhuizen")),
    ("de", ("Vries", "Jong", "Boer", "Graaf", "Bruijn", "Haan", "Wit", "Groot", "Lange", "Ruiter",
            "Kort", "Wilde", "Koning", "Beer", "Leeuw", "Klerk", "Haas", "Waal")),
    ("van der", ("Meer", "Linden", "Heijden", "Berg", "Veen", "Wal", "Laan", "Velde", "Ploeg", "Zwan",
                 "Sluis", "Kolk", "Steen", "Burg")),
    ("van den", ("Berg", "Broek", "Bosch", "Heuvel", "Hoek", "Brink", "Akker", "Bogaard", "Hurk")),
    ("van de", ("Ven", "Kamp", "Pol", "Laar", "Wetering", "Water", "Weg")),
    ("ten", ("Brink", "Hove", "Cate", "Have", "Bosch")),
    ("ter", ("Horst", "Haar", "Beek", "Braak")),
    ("in 't", ("Veld", "Hout", "Zand")),
)
PREFIX_CHANCE = 0.25

# Parts of made-up municipality names. Combinations that name a real municipality or town
# are left out (NOT_FICTIONAL), so no real place is mixed up with invented people.
NAME_HEADS = (
    "Ooster", "Wester", "Noorder", "Zuider", "Hoog", "Laag", "Nieuw", "Oud", "Groot", "Klein",
    "Midden", "Boven", "Neder", "Heide", "Linde", "Elzen", "Berken", "Eiken", "Wilgen", "Hazel",
    "Kievit", "Reiger", "Zwanen", "Otter", "Vlinder", "Leeuwe", "Wolfs", "Haver", "Rogge", "Klaver",
)
NAME_TAILS = (
    "broek", "veen", "wolde", "dijk", "horst", "hoven", "dam", "zand", "meer", "beek", "wijk",
    "donk", "rade", "berg", "woude", "haven", "sloot", "vaart", "brug", "gaast", "holt", "mond",
    "sluis", "hem", "schoten", "zijl", "lo", "akker",
)
NOT_FICTIONAL = frozenset({
    "hoogeveen", "beverwijk", "westerwolde", "oosterwolde", "oosterbeek", "westerbroek", "nieuwveen",
    "nieuwdijk", "hoogkerk", "zuiderwoude", "oosterhaven", "nieuwebrug", "nieuwbroek", "oudebroek",
    "hoogwoud", "nieuwkoop", "oosterhout", "westerhoven", "noorderhaven", "oudemeer", "nieuwemeer",
    "hoogland", "nieuwland", "groothoven", "kleinhoven", "neerijnen", "nederhorst", "oudewater",
    "nieuwegein", "oosterland", "westerland", "hazelhorst", "heidemeer", "oosterdijk", "westerdijk",
    "noorderdijk", "zuiderdijk", "oudendijk", "nieuwendijk", "nieuwvaart", "oosterwijk", "westerwijk",
    "nieuwdam", "ouddam", "oudwoude", "nieuwwoude", "hoogwijk", "zuiderveen", "oosterveen",
    "westerveen", "noorderveen", "hoogdam", "laagveen", "laagkeppel", "oudhem", "nieuwhem",
    "oosterhem", "zuiderhaven", "oudhaven", "nieuwhaven", "oudsluis", "nieuwsluis", "oudvaart",
    "oudbeek", "nieuwbeek", "hoogbeek", "hoogmade", "nieuwlo", "oosterzand", "westerzand",
    "groothorst", "boveneind", "nederweert", "nederhemert", "bovenkarspel", "midden-delfland",
    "middelburg", "middelharnis", "kleinmeer", "grootmeer", "oudedijk", "oudveen", "nieuwveense",
})


def municipality_names(rng: random.Random, count: int, taken: set[str]) -> list[str]:
    """`count` different made-up municipality names, none of them in `taken` (slugs)."""
    combos = [head + tail for head in NAME_HEADS for tail in NAME_TAILS
              if slug(head + tail) not in NOT_FICTIONAL and not head.lower().endswith(tail[:1])]
    rng.shuffle(combos)
    result: list[str] = []
    if count <= 0:
        return result
    seen = set(taken)
    suffixes = ("", " aan Zee", " aan de Vaart")
    for suffix in suffixes:
        for combo in combos:
            name = combo + suffix
            if slug(name) in seen:
                continue
            seen.add(slug(name))
            result.append(name)
            if len(result) == count:
                return result
    raise ValueError(f"cannot make {count} municipality names")


def village_names(rng: random.Random, town: str, count: int) -> list[str]:
    """Made-up places inside a municipality (the `places` field), the town itself first."""
    places = [town]
    while len(places) < count + 1:
        name = rng.choice(NAME_HEADS) + rng.choice(NAME_TAILS)
        if name not in places and slug(name) not in NOT_FICTIONAL:
            places.append(name)
    return places




def local_part(*pieces: str) -> str:
    """An email local part from name pieces: ("t", "van Rooij") → "t.vanrooij"."""
    return ".".join(re.sub(r"[^a-z0-9]", "", ascii_fold(p)) for p in pieces if p)


def draw_name(rng: random.Random) -> tuple[str, str, str]:
    """(given, prefix, family), Dutch and Flemish names combined at random."""
    given = rng.choice(GIVEN)
    if rng.random() < PREFIX_CHANCE:
        prefix, families = rng.choice(PREFIXED)
        return given, prefix, rng.choice(families)
    return given, "", rng.choice(FAMILY)
