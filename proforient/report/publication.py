"""What every report of a batch may show, decided once and kept in the context.

The batch calls :func:`prepare` before the notebooks run, so the snapshot carries the facts and
every report's decision; a notebook only reads them. In JupyterLab each decision is made the
first time a report asks for it.

The reports are one publication: the graduates report is decided first, and each school's
report takes its decision as given (the cells both show agree, and the school's audit sees
everything the graduates report says), so holding a school's report beside the graduates
report recovers nothing either. The district report shows no count of these people.
"""

from __future__ import annotations

from proforient.report.context import ReportContext
from proforient.report.graduates import publication as graduates_publication
from proforient.report.publish import Published
from proforient.report.school import publication as school_publication
from proforient.report.school.analysis import analyse

__all__ = ["graduates", "prepare", "school"]


def school(ctx: ReportContext, org_id: str) -> Published:
    """What the report of school ``org_id`` may show."""
    return ctx.publication(
        f"school:{org_id}",
        lambda: school_publication.publish(ctx.facts, analyse(ctx.facts, org_id),
                                           ctx.rules.suppression_threshold,
                                           alongside=graduates(ctx)))


def graduates(ctx: ReportContext) -> Published:
    """What the graduates report may show."""
    return ctx.publication("graduates", lambda: graduates_publication.publish(ctx))


def prepare(ctx: ReportContext) -> ReportContext:
    """Compute the facts and every report's publication decision (the batch does this once).

    Returns
    -------
    ReportContext
        The same context, filled in.
    """
    facts = ctx.facts
    graduates(ctx)  # first: every school's decision agrees with it
    for org_id in facts.orgs.loc[facts.orgs["kind"] == "school", "org_id"]:
        school(ctx, org_id)
    return ctx
