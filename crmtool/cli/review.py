"""`crmtool review`: what needs doing now or soon, per owner team."""
from __future__ import annotations

from pathlib import Path

import click

from .options import format_option, resolve_repo, resolve_today, root_option, today_option


@click.command()
@root_option
@today_option
@click.option("--days", type=click.IntRange(min=0), default=None,
              help="Show what falls due within this many days (default: review.days in crmtool.yaml, else 30).")
@format_option("text", "markdown", "json")
def review(root: Path | None, today: str | None, days: int | None, output_format: str) -> None:
    """The periodic data wash: everything due now or within N days, by owner team and kind.

    Erase or anonymise data whose retention ends, ask for consent again, review purposes,
    follow up requests, answer data-subject requests, renew processor agreements. Exit 0
    whatever is due: `crmtool check` is the gate, the review is the to-do list.
    """
    from ..load import load_model
    from ..reporters.review_report import RENDERERS
    from ..domain.review import horizon_days
    from ..domain.review import review as compute
    day = resolve_today(today)
    model = load_model(resolve_repo(root), day)
    horizon = horizon_days(model, days)
    click.echo(RENDERERS[output_format](compute(model, day, horizon), model, day, horizon), nl=False)
