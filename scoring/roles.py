"""Roles as Django groups, and the object rules (django `rules`) that decide who may act on which assessment.

Groups give access to admin pages; the predicates below decide, per assessment, whether a user is an officer
or leader of its unit (units.Membership), an appraiser assigned to it, or the secretariat. Lists are scoped
separately (units.scope, ScopedByUnitMixin): rules filters no list.
"""

import rules
from django.db.models import Q

from scoring import codes, policy
from units.models import Membership, MembershipRole

# The group names live in units.scope (accounts are managed there); imported here so that
# `from scoring.roles import OFFICER_GROUP` keeps working.
from units.scope import APPRAISER_GROUP, OFFICER_GROUP, SECRETARIAT_GROUP
from units.scope import is_secretariat as _is_secretariat

# Admin permissions of each group (the secretariat holds every permission of the units and scoring apps).
GROUP_PERMISSIONS = {
    OFFICER_GROUP: [
        "scoring.view_assessment",
        "scoring.view_scoreentry",
        "scoring.view_assessmentresult",
        "scoring.view_framework",
        "scoring.view_frameworknode",
        "scoring.view_period",
        "scoring.view_workflowevent",
        "scoring.view_deadlineextension",
        "scoring.view_evidencedocument",
        "scoring.add_evidencedocument",
        "scoring.change_evidencedocument",
        "scoring.view_evidencelink",
        "units.view_unit",
    ],
    APPRAISER_GROUP: [
        "scoring.view_assessment",
        "scoring.view_scoreentry",
        "scoring.view_assessmentresult",
        "scoring.view_framework",
        "scoring.view_frameworknode",
        "scoring.view_period",
        "scoring.view_workflowevent",
        "scoring.view_evidencedocument",
        "scoring.view_evidencelink",
        "units.view_unit",
    ],
}


def ensure_roles(**kwargs):
    """Create or refresh the role groups and their permissions (run after every migrate)."""
    from django.contrib.auth.models import Group, Permission

    secretariat, _ = Group.objects.get_or_create(name=SECRETARIAT_GROUP)
    # Every permission of the units and scoring apps, and the accounts of the people who do the work: view,
    # add and change users (never delete them, nor manage groups or permissions; units.admin keeps the
    # secretariat away from superusers, permissions and its own role).
    secretariat.permissions.set(
        Permission.objects.filter(
            Q(content_type__app_label__in=["units", "scoring"])
            | Q(content_type__app_label="auth", codename__in=["view_user", "add_user", "change_user"])
        )
    )
    for name, permission_codes in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = Q()
        for code in permission_codes:
            app_label, codename = code.split(".")
            wanted |= Q(content_type__app_label=app_label, codename=codename)
        group.permissions.set(Permission.objects.filter(wanted))


@rules.predicate
def is_secretariat(user):
    return _is_secretariat(user)


def _member(user, unit_id, roles=(MembershipRole.OFFICER, MembershipRole.LEADER)) -> bool:
    """Whether the (active) user belongs to the unit with one of the roles."""
    if unit_id is None or not user.is_authenticated or not user.is_active:
        return False
    return Membership.objects.filter(user=user, unit_id=unit_id, role__in=roles).exists()


@rules.predicate
def is_unit_officer(user, assessment):
    """An officer or a leader of the assessment's unit (leaders can do everything officers can)."""
    return assessment is not None and _member(user, assessment.unit_id)


@rules.predicate
def is_unit_leader(user, assessment):
    return assessment is not None and _member(user, assessment.unit_id, [MembershipRole.LEADER])


def is_appraiser(user) -> bool:
    return user.is_authenticated and user.is_active and user.groups.filter(name=APPRAISER_GROUP).exists()


def _assignments(user, period_id) -> list[tuple]:
    """The user's appraisal assignments in a period as (unit id or None, domain code or "")."""
    if not is_appraiser(user):
        return []
    return list(user.assignments.filter(period_id=period_id).values_list("unit_id", "domain_code"))


@rules.predicate
def is_assigned_appraiser(user, assessment):
    """An appraiser with an assignment in the assessment's period covering its unit (or every unit)."""
    if assessment is None:
        return False
    return policy.covers(_assignments(user, assessment.period_id), unit_id=assessment.unit_id)


@rules.predicate
def is_appraiser_of_period(user, period):
    return period is not None and bool(_assignments(user, period.pk))


@rules.predicate
def is_member_of_unit(user, unit):
    return unit is not None and _member(user, unit.pk)


@rules.predicate
def may_read_unit_evidence(user, document):
    """The unit's own people, the secretariat, and appraisers assigned to a period in which the unit is
    assessed (covering that unit or every unit)."""
    if document is None or not user.is_authenticated or not user.is_active:
        return False
    if _is_secretariat(user) or _member(user, document.unit_id):
        return True
    if not is_appraiser(user):
        return False
    return user.assignments.filter(
        Q(unit__isnull=True, period__assessments__unit_id=document.unit_id) | Q(unit_id=document.unit_id)
    ).exists()


rules.add_perm("scoring.manage_evidence", is_member_of_unit | is_secretariat)
rules.add_perm("scoring.read_evidence", may_read_unit_evidence)


@rules.predicate
def is_assigned_appraiser_for_entry(user, entry):
    """An appraiser whose assignment covers the entry's unit (or every unit) and its domain (or every one)."""
    if entry is None:
        return False
    assessment = entry.assessment
    return policy.covers(
        _assignments(user, assessment.period_id),
        unit_id=assessment.unit_id,
        domain_code=codes.domain_of(entry.node.code),
    )


rules.add_perm("scoring.appraise_entry", is_assigned_appraiser_for_entry)
rules.add_perm("scoring.edit_self_assessment", is_unit_officer)
rules.add_perm("scoring.explain_assessment", is_unit_officer)
rules.add_perm("scoring.submit_assessment", is_unit_leader)
rules.add_perm("scoring.appraise_assessment", is_assigned_appraiser)
rules.add_perm("scoring.manage_period", is_secretariat)
rules.add_perm("scoring.correct_period", is_secretariat | is_appraiser_of_period)
# The period's ranking from the stored results, before and after publication (the draft of the decision).
rules.add_perm("scoring.export_ranking", is_secretariat | is_appraiser_of_period)
