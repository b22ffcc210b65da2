"""P034: a purpose that profiles, holds special categories or criminal data, or concerns children needs a DPIA.

A processing likely to result in a high risk needs a data protection impact assessment
before it starts (Art. 35(1)); Art. 35(3) and the supervisors' lists (the Dutch AP's and the
Belgian GBA's) name profiling, special categories and criminal data (Art. 9, 10) and the data
of children. A purpose with `profiling: true`, any `special_categories`, or a data subject
category that is children (children, minors, pupils, young-people; crmtool/domain/dpia.py)
must record `dpia` with the day it was `done`. The finding stands at the key that requires
it: `profiling`, `special_categories` or `data_subjects`. Whether the review is due is P035's.

Passing::

    special_categories: [health]
    dpia: {done: 2026-01-10, reference: DPIA-2026-01, next_review: 2027-01-10}

Failing::

    profiling: true
    special_categories: [health, political-opinion]
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from ..domain import dpia
from .base import RepoContext, Rule

RULE = Rule("P034", "error", N_("A purpose that profiles, holds special categories or concerns children needs a DPIA"),
            "record", "Art. 35(1), (3)")

WHERE = {dpia.PROFILING: "profiling", dpia.SPECIAL: "special_categories", dpia.CRIMINAL: "special_categories",
         dpia.CHILDREN: "data_subjects"}
WHY = {dpia.PROFILING: N_("it profiles people"), dpia.SPECIAL: N_("it holds special categories of data"),
       dpia.CRIMINAL: N_("it holds criminal data"), dpia.CHILDREN: N_("children are among its data subjects")}


def check(ctx: RepoContext) -> Iterator[Finding]:
    for purpose in ctx.model.of("purposes"):
        why = dpia.reasons(purpose)
        if not why or dpia.assessment(purpose) is not None:
            continue  # a `dpia` without a valid `done` is the schema's (S001)
        yield RULE.finding(
            purpose.path, ctx.at(purpose, (WHERE[why[0]],), at_key=True),
            _("This purpose needs a data protection impact assessment: {reasons}.").format(
                reasons="; ".join(_(WHY[code]) for code in why)),
            _("Carry out a DPIA before processing (Art. 35) and record it under `dpia` (done, reference, "
              "next_review); or, if the purpose does not in fact do this, correct the record."))
