"""`crmtool address fill` and `crmtool places sync`: addresses and place names from the
postcode table (docs/addresses.md)."""
from __future__ import annotations

from pathlib import Path

import click

from ..i18n import _
from ..domain.texts import labelled
from .options import format_option, resolve_repo, root_option
from .output import changed, interrupted, show


@click.group("address")
def address() -> None:
    """Addresses from the postcode table (data/postcodes.csv, or `postcodes` in crmtool.yaml)."""


@address.command("fill")
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@click.option("--dry-run", is_flag=True, help="Show what would be filled; write nothing.")
@root_option
@format_option("text", "json")
def fill(paths: tuple[str, ...], dry_run: bool, root: Path | None, output_format: str) -> None:
    """Fill in missing streets and cities of Dutch addresses from postcode and house number.

    Works on the people and organisations under PATH (files or folders), or on all of them.
    A value that is there is never changed: `crmtool check` (Q007) reports one that disagrees
    with the table. All files are written at once, or none; comments and layout stay.
    """
    from ..edit.address_fill import fill_addresses
    outcome = changed(lambda: fill_addresses(resolve_repo(root), list(paths), dry_run=dry_run))
    show(outcome, output_format, render_fill)


@click.group("places")
def places() -> None:
    """Municipalities' place names from the postcode table."""


@places.command("sync")
@click.option("--dry-run", is_flag=True, help="Show what would be added; write nothing.")
@root_option
@format_option("text", "json")
def sync(dry_run: bool, root: Path | None, output_format: str) -> None:
    """Add the table's place names to the `places` of every municipality with a CBS code.

    Places are only added, never removed: a place the table does not have is listed as
    "not in the table" for you to judge. All files are written at once, or none.
    """
    from ..edit.places_sync import sync_places
    outcome = changed(lambda: sync_places(resolve_repo(root), dry_run=dry_run))
    show(outcome, output_format, render_sync)



def _written(outcome) -> list[str]:
    if not outcome.written:
        return []
    return ["", _("Would write:") if outcome.dry_run else _("Written:")] + [f"  {p}" for p in outcome.written]


def render_fill(outcome) -> str:
    """Per file: which address got which street and city, with the name next to the id."""
    lines = interrupted(outcome)
    if outcome.fills:
        heading = _("Would fill from {table}:") if outcome.dry_run else _("Filled from {table}:")
        lines.append(heading.format(table=outcome.table))
        path = None
        for fill in outcome.fills:
            if fill.path != path:
                path = fill.path
                lines.append(f"  {fill.path}: {labelled(fill.record, fill.name)}")
            parts = ([_("street {street}").format(street=fill.street)] if fill.street else []) + \
                    ([_("city {city}").format(city=fill.city)] if fill.city else [])
            lines.append("    " + _("address {n} ({postcode} {number}): {filled}").format(
                n=fill.address, postcode=fill.postcode, number=fill.number, filled=", ".join(parts)))
    else:
        lines.append(_("Nothing to fill from {table}.").format(table=outcome.table))
    if outcome.unknown:
        lines += ["", _("Not in the table (left as they are; check the postcode and number):")]
        lines += ["  " + _("{path}: {who}, address {n} ({postcode} {number})").format(
            path=u.path, who=labelled(u.record, u.name), n=u.address, postcode=u.postcode, number=u.number)
            for u in outcome.unknown]
    return "\n".join(lines + _written(outcome)) + "\n"


def render_sync(outcome) -> str:
    """Per municipality: places added, and places the table does not have."""
    lines = interrupted(outcome)
    added = [m for m in outcome.municipalities if m.added]
    if added:
        heading = _("Places that would be added from {table}:") if outcome.dry_run else _("Places added from {table}:")
        lines.append(heading.format(table=outcome.table))
        lines += [f"  {labelled(m.organisation, m.name)} ({m.code}): " + ", ".join(m.added) for m in added]
    else:
        lines.append(_("Every municipality already has the places of {table}.").format(table=outcome.table))
    unknown = [m for m in outcome.municipalities if m.code_unknown]
    if unknown:
        lines += ["", _("Municipality codes the table has no places for (nothing changed):")]
        lines += [f"  {labelled(m.organisation, m.name)} ({m.code})" for m in unknown]
    extra = [m for m in outcome.municipalities if m.not_in_table and not m.code_unknown]
    if extra:
        lines += ["", _("Places not in the table (kept; check whether they belong to the municipality):")]
        lines += [f"  {labelled(m.organisation, m.name)} ({m.code}): " + ", ".join(m.not_in_table) for m in extra]
    return "\n".join(lines + _written(outcome)) + "\n"
