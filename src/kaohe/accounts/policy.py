"""Who may do what: the one place where kaohe's access rules live (docs/roles.md).

Two layers, both used by every entry point (page, HTMX partial, API operation):

- **Named permissions** ``can_…(user, …) -> bool`` state a whole rule for one kind of object,
  e.g. ``can_view_explanation(user, plan_code, assessee_code)``. A view, an API operation, a
  template or a selector asks the same function, so a rule is never written twice.
- **The ``@allow`` decorator** declares, on each view, the roles that may open it and the
  named permission that decides for the object in the URL. A refused anonymous visitor is sent
  to the log-in page; a refused account gets 403. The declaration is kept on the view
  (``view.kaohe_rule``) so ``tests/test_authorization.py`` can find a view that has none.

API operations (django-ninja) call ``require(can_…(request.user, …))``, which raises
``PermissionDenied``, the same refusal the pages give.

Roles are the values of ``Role`` plus ``ANONYMOUS`` for the public; an inactive account is
anonymous. Unknown objects are refused to the roles that could only see them when published,
so a refused request does not reveal whether a plan or assessee exists (a 403, not a 404).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from kaohe.accounts.models import Role

ANONYMOUS = "anonymous"
SIGNED_IN: frozenset[str] = frozenset(Role.values)
EVERYONE: frozenset[str] = SIGNED_IN | {ANONYMOUS}
# 考核办 and 监督 read everything of the county; only 考核办 writes plans and results.
READ_ALL: frozenset[str] = frozenset({Role.OFFICE, Role.SUPERVISOR})

View = TypeVar("View", bound=Callable[..., HttpResponse])
Check = Callable[..., bool]


def role_of(user: Any) -> str:
    """The role a request acts with: an account's role, or ``ANONYMOUS``."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ANONYMOUS
    return str(user.role)


# ---------------------------------------------------------------------------------------------
# Named permissions


def can_manage_accounts(user: Any) -> bool:
    """Create, change, deactivate accounts and reset passwords: 系统管理员 only."""
    return role_of(user) == Role.ADMIN


def can_read_all(user: Any) -> bool:
    """Read every plan, value, ballot count and result of the county, published or not."""
    return role_of(user) in READ_ALL


def can_edit_plans(user: Any) -> bool:
    """Create and change plans, units, people and evaluations; load and compute: 考核办."""
    return role_of(user) == Role.OFFICE


def can_publish_results(user: Any) -> bool:
    """Publish or withdraw a plan's results: 考核办."""
    return role_of(user) == Role.OFFICE


def can_comment(user: Any) -> bool:
    """Write comments on plans and results: 监督 (its only write) and 考核办."""
    return role_of(user) in READ_ALL


def can_view_plan(user: Any, plan_code: str) -> bool:
    """See a plan itself (categories, indicators, targets, assessees; no figures).

    考核办 and 监督: every plan. A unit: the plans it is assessed in. An assessor body: the
    plans in which it assesses an indicator. Everyone else: plans with published results.
    """
    from kaohe.plans.models import Indicator, PlanAssessee

    role = role_of(user)
    if role in READ_ALL:
        return True
    if (
        role == Role.UNIT
        and PlanAssessee.objects.filter(plan__code=plan_code, unit_id=user.unit_id).exists()
    ):
        return True
    if (
        role == Role.ASSESSOR
        and Indicator.objects.filter(plan__code=plan_code, assessor=user.assessor).exists()
    ):
        return True
    return _published(plan_code)


def can_view_results(user: Any, plan_code: str) -> bool:
    """See a plan's ranking, grades and indicator diagnostics.

    考核办 and 监督 always (also before publication, to review them); everyone else, the
    public included, only once the office has published them.
    """
    return role_of(user) in READ_ALL or _published(plan_code)


def can_view_explanation(user: Any, plan_code: str, assessee_code: str) -> bool:
    """See one assessee's line-by-line explanation (计分说明, with rater-group vote counts).

    考核办 and 监督: always. A unit account: its own explanation (the assessee is its unit) in
    a units plan, once published. Nobody else, not even after publication: the public sees
    the ranking, not each unit's ballot counts. People plans: a unit account sees no person's
    explanation (docs/roles.md).
    """
    from kaohe.plans.models import PlanAssessee

    role = role_of(user)
    if role in READ_ALL:
        return True
    if role != Role.UNIT:
        return False
    own = PlanAssessee.objects.filter(
        plan__code=plan_code, code=assessee_code, unit_id=user.unit_id
    ).exists()
    return own and _published(plan_code)


def explainable_codes(user: Any, plan_code: str) -> frozenset[str] | None:
    """The assessee codes of a plan whose explanation ``user`` may open; None means all.

    The bulk form of ``can_view_explanation`` for list pages (at most two queries).
    """
    from kaohe.plans.models import PlanAssessee

    role = role_of(user)
    if role in READ_ALL:
        return None
    if role != Role.UNIT or not _published(plan_code):
        return frozenset()
    return frozenset(
        PlanAssessee.objects.filter(plan__code=plan_code, unit_id=user.unit_id).values_list(
            "code", flat=True
        )
    )


def can_enter_values(user: Any, plan_code: str, indicator_code: str) -> bool:
    """Enter or change values and grades of one indicator: 考核办, or its own assessor body."""
    from kaohe.plans.models import Indicator

    role = role_of(user)
    if role == Role.OFFICE:
        return True
    return (
        role == Role.ASSESSOR
        and Indicator.objects.filter(
            plan__code=plan_code, code=indicator_code, assessor=user.assessor
        ).exists()
    )


def can_view_entries(user: Any, plan_code: str, indicator_code: str) -> bool:
    """See the values entered for one indicator: whoever may enter them, and 监督."""
    return role_of(user) == Role.SUPERVISOR or can_enter_values(user, plan_code, indicator_code)


def can_enter_events(user: Any, plan_code: str, assessee_code: str) -> bool:
    """Record 加分/扣分/否决/降档 for one assessee: 考核办, or an assessor body that assesses
    an indicator of the assessee's category in this plan."""
    from kaohe.plans.models import Indicator, PlanAssessee

    role = role_of(user)
    if role == Role.OFFICE:
        return True
    if role != Role.ASSESSOR:
        return False
    category = PlanAssessee.objects.filter(plan__code=plan_code, code=assessee_code).values(
        "category_id"
    )
    return Indicator.objects.filter(
        plan__code=plan_code, section__category_id__in=category, assessor=user.assessor
    ).exists()


def can_view_ballots(user: Any, plan_code: str) -> bool:
    """See a plan's ballots one by one (never shown to units, assessor bodies or the public)."""
    return role_of(user) in READ_ALL


def can_use_django_admin(user: Any) -> bool:
    """Open the Django admin: 考核办 (configuration) and 系统管理员 (accounts)."""
    return role_of(user) in {Role.OFFICE, Role.ADMIN}


def require(allowed: bool) -> None:
    """Refuse with 403 unless ``allowed``: ``require(can_view_results(request.user, code))``."""
    if not allowed:
        raise PermissionDenied


def _published(plan_code: str) -> bool:
    from kaohe.results.selectors import plan_is_published

    return plan_is_published(plan_code)


# ---------------------------------------------------------------------------------------------
# The view decorator


@dataclass(frozen=True, slots=True)
class Rule:
    """What a view declared: the roles that may open it and the object rule, if any."""

    roles: frozenset[str]
    check: Check | None = None

    def allows(self, user: Any, **kwargs: Any) -> bool:
        if role_of(user) not in self.roles:
            return False
        return self.check is None or self.check(user, **kwargs)


def allow(*roles: str | frozenset[str], check: Check | None = None) -> Callable[[View], View]:
    """Declare who may open a view: ``@allow(Role.OFFICE, Role.SUPERVISOR)``,
    ``@allow(EVERYONE, check=can_view_results)``.

    ``check`` is a named permission called with the user and the URL's keyword arguments
    (``can_view_results(user, plan_code=…)``); it runs only for the roles listed.
    """
    allowed: set[str] = set()
    for role in roles:
        allowed.update(role if isinstance(role, frozenset) else {role})
    unknown = allowed - EVERYONE
    if unknown:
        raise ValueError(f"unknown roles: {sorted(unknown)}")
    rule = Rule(frozenset(allowed), check)

    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not rule.allows(request.user, **kwargs):
                if role_of(request.user) == ANONYMOUS:
                    return redirect_to_login(request.get_full_path())
                raise PermissionDenied
            return view(request, *args, **kwargs)

        guarded.kaohe_rule = rule  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return decorate


# ---------------------------------------------------------------------------------------------
# The Django admin's model permissions, by role (used by kaohe.accounts.backends.RoleBackend)

ALL_ACTIONS: frozenset[str] = frozenset({"view", "add", "change", "delete"})
VIEW_ONLY: frozenset[str] = frozenset({"view"})
ADMIN_PERMISSIONS: dict[str, dict[str, frozenset[str]]] = {
    # The admin: accounts (also through our own pages) and unlocking throttled log-ins.
    Role.ADMIN: {"accounts": ALL_ACTIONS, "axes": ALL_ACTIONS, "audit": VIEW_ONLY},
    # The office: the county's configuration; plans and results are loaded and computed
    # through services, so the admin only shows them (their ModelAdmins are read-only too).
    Role.OFFICE: {
        "org": ALL_ACTIONS,
        "plans": VIEW_ONLY,
        "evaluation": VIEW_ONLY,
        "results": VIEW_ONLY,
        "audit": VIEW_ONLY,
    },
}


def admin_actions(user: Any, app_label: str) -> frozenset[str]:
    """The Django admin actions (view/add/change/delete) the user's role has on an app."""
    return ADMIN_PERMISSIONS.get(role_of(user), {}).get(app_label, frozenset())
