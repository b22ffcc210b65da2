"""P031: data on criminal convictions and offences needs an Art. 10 basis, not an Art. 9(2) exception.

Art. 10 allows personal data relating to criminal convictions and offences only under the
control of official authority, or where a law of the Union or a member state allows it with
safeguards (in the Netherlands UAVG art. 31–33, such as 33(2)(a) for a certificate of conduct;
in Belgium the law of 30 July 2018, art. 10). None of the exceptions of Art. 9(2) is such a
basis: explicit consent or "made public" do not make a criminal record lawful to keep.

A purpose that lists `criminal` in `special_categories` must therefore carry
`article10_basis: {ground, reference}` (ground `official-authority` or `law`, and the
provision); without it the purpose is reported on its `special_categories` key, whatever its
`article9_exception` says. The other special categories stay P005's.

Passing::

    special_categories: [criminal]
    article10_basis: {ground: law, reference: "UAVG art. 33(2)(a): certificate of conduct for volunteers with children"}

Failing::

    special_categories: [health, criminal]
    article9_exception: explicit-consent
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from ..domain.policy import CRIMINAL, has_article10_basis
from .base import RepoContext, Rule

RULE = Rule("P031", "error", N_("Criminal-offence data needs an Art. 10 basis in the purpose"), "repository",
            "Art. 10")


def check(ctx: RepoContext) -> Iterator[Finding]:
    for purpose in ctx.model.of("purposes"):
        categories = purpose.get("special_categories")
        if not isinstance(categories, list) or CRIMINAL not in categories or has_article10_basis(purpose):
            continue
        yield RULE.finding(purpose.path, ctx.at(purpose, ("special_categories",), at_key=True),
                           _("This purpose processes data on criminal convictions and offences but names no Art. 10 "
                             "basis; an Art. 9(2) exception does not allow it."),
                           _("Set 'article10_basis' with its ground (official-authority, or law) and the provision "
                             "that allows it in 'reference', or remove 'criminal' if the purpose does not need it."))
