"""`crmtool demo`: write a synthetic records repository."""
from __future__ import annotations

from pathlib import Path

import click

from .options import resolve_today, today_option


@click.command()
@click.option("--people", type=click.IntRange(min=1), required=True, metavar="N",
              help="How many people to generate (organisations, roles, requests follow in proportion).")
@click.option("--seed", type=int, required=True, metavar="S",
              help="The random seed: the same people, seed and day give the same files and commit.")
@click.option("--out", type=click.Path(path_type=Path), required=True, metavar="DIR",
              help="A new or empty folder to write the repository to.")
@today_option
@click.option("--no-git", "no_git", is_flag=True, help="Do not make the folder a git repository.")
def demo(people: int, seed: int, out: Path, today: str | None, no_git: bool) -> None:
    """Generate a realistic synthetic records repository, for trying and benchmarking.

    The fictional association of municipalities of the example records, with N fictional
    people: municipalities (about one per 250 people), their councils and colleges over three
    election periods, committees, requests, contact moments and newsletter consents. The
    result passes `crmtool check` for the same --today.
    """
    from ..demo import generate
    from ..load.repo import UsageError
    day = resolve_today(today)
    try:
        counts = generate(out, people, seed, day, git=not no_git)
    except UsageError as error:
        raise click.UsageError(str(error)) from error
    total = sum(counts.values())
    parts = ", ".join(f"{n} {folder}" for folder, n in counts.items() if n)
    click.echo(f"Wrote {total} records to {out} ({parts}){'' if no_git else ', committed to git'}.")
