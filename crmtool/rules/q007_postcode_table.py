"""Q007: a Dutch address must agree with the postcode table.

A postcode and house number point to one street in one place. An address whose street or
city differs from what the postcode table says for them is inaccurate (Art. 5(1)(d)): one of
the three was typed wrong, and a letter may go astray. This rule reads the repository's
postcode table (`postcodes` in crmtool.yaml, default `data/postcodes.csv`; see
docs/addresses.md) and, for every address of a person or organisation in the Netherlands
(`country: NL`, or no country when the default country is NL), reports:

- a `street` or `city` that is not the table's for the postcode and house number (the number
  part of "12a" or "12-2" counts). Names are compared ignoring case, accents, spaces and
  punctuation, and "str." is read as "straat"; "Den Haag" and "'s-Gravenhage", "Den Bosch"
  and "'s-Hertogenbosch" are the same place;
- a house number the table does not know under a postcode it does know: the number, or
  the postcode, is wrong.

A postcode the table has no row for is not reported (a sample table, or a PO box), nor is
an invalid postcode (that is Q003's). Without a table the rule is silent. A table that
cannot be read is reported as an error on its line, and the addresses are not compared.

Passing (with the row `1315 NT;1;1;all;Stationsplein;Almere;GM0034`)::

    addresses:
      - {street: Stationsplein, number: "1", postcode: "1315 NT", city: Almere, country: NL}
      - {street: stationsplein, number: "1a", postcode: "1315 NT", city: ALMERE}

Failing::

    addresses:
      - {street: Stationsstraat, number: "1", postcode: "1315 NT", city: Almere, country: NL}
      - {street: Stationsplein, number: "3", postcode: "1315 NT", city: Almere, country: NL}
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from ..domain.postcodes import (
    CONFIG_KEY, DEFAULT_TABLE, TableError, fingerprint, house_number, load_table, normalise, same_name,
)
from .base import DEFAULT_COUNTRY, RepoContext, Rule
from ..domain.texts import excerpt

RULE = Rule("Q007", "warning", N_("An address must agree with the postcode table"), "repository", "Art. 5(1)(d)",
            settings=(DEFAULT_COUNTRY,))


def inputs(root: Path, config: dict) -> dict[str, bytes]:
    """The table this rule reads besides the records (see rules.inputs), by its name in
    crmtool.yaml or the default one, present or not."""
    named = config.get(CONFIG_KEY) if isinstance(config, dict) else None
    return {named if isinstance(named, str) and named.strip() else DEFAULT_TABLE: fingerprint(root, config)}


def check(ctx: RepoContext) -> Iterator[Finding]:
    try:
        table = load_table(ctx.locator.root, ctx.model.config)
    except TableError as error:
        yield _broken(ctx, error)
        return
    if table is None:
        return
    fallback = ctx.setting(DEFAULT_COUNTRY)
    for record, annotation, pointer, value in ctx.annotated_values("x-format"):
        if annotation.value != "address" or not isinstance(value, dict) or value.get("country", fallback) != "NL":
            continue
        postcode, number = normalise(value.get("postcode")), house_number(value.get("number"))
        if postcode is None or number is None or not table.covers(postcode):
            continue
        where = f"{postcode} {value.get('number')}"
        row = table.lookup(postcode, number)
        if row is None:
            known = ", ".join(r.describe() for r in table.ranges[postcode])
            yield RULE.finding(record.path, ctx.at(record, pointer + ("number",)), _(
                "The postcode table ({table}) has no house number {number} under {postcode}; it knows the "
                "numbers {known}.").format(table=table.path, number=excerpt(value.get("number")),
                                           postcode=excerpt(postcode), known=known),
                _("Check the house number and the postcode with the address: one of them is wrong."))
            continue
        for key, wanted in (("street", row.street), ("city", row.place)):
            written = value.get(key)
            if isinstance(written, str) and written.strip() and wanted and not same_name(written, wanted):
                message, hint = _texts(key)
                yield RULE.finding(record.path, ctx.at(record, pointer + (key,)), message.format(
                    value=excerpt(written), address=excerpt(where), expected=wanted), hint)


def _texts(key: str) -> tuple[str, str]:
    """The message and hint for a street or a city that disagrees (two sentences each, so a
    translation can use its own word for the field)."""
    fill = _("`crmtool address fill` fills in a missing street and city from the table.")
    if key == "street":
        return (_("The street '{value}' does not agree with the postcode table: {address} lies in '{expected}'."),
                _("Correct the street, or the postcode and number if those are wrong.") + " " + fill)
    return (_("The city '{value}' does not agree with the postcode table: {address} lies in '{expected}'."),
            _("Correct the city, or the postcode and number if those are wrong.") + " " + fill)


def _broken(ctx: RepoContext, error: TableError) -> Finding:
    """A table that cannot be used: an error on its line (or on crmtool.yaml's `postcodes`)."""
    if error.path == "crmtool.yaml":
        line, column = ctx.locator.position("crmtool.yaml", ("postcodes",))
    else:
        line, column = max(error.line, 1), 1
    return Finding(error.path, line, column, RULE.id, "error", error.detail,
                   _("Fix the table (or `postcodes` in crmtool.yaml); until then addresses are not compared "
                     "with it."))
