"""Authorization expectations of the process pages (kaohe.process, issue 5): the office's
dashboard and decisions (/office/process/), the unit's phone pages (/progress/) and the
public progress board (/board/), in the format of ``CASES`` in tests/test_authorization.py,
which collects this table.

The factory plan ``2025-auth`` has no process assessment, so this table's ``outcome`` first
builds one (once per test, through the services, dated around today): task K1 (public, led
by 县委办, the assessor account's body) and K2 (led by 政府办), both decomposed to the unit
account's own unit U0000 and to U0001, with milestones overdue, due soon and later; U0000 has
explained one red light objectively (pending) and one subjectively (a rectification), U0001
one subjectively; each unit reported progress with an evidence photo. Object ids differ
between databases, so URLs name them by placeholders (``{own_ms}``) filled in after the
build. The POSTs are refused or invalid and change nothing, so every role sees the same state.
"""

from __future__ import annotations

import tempfile
from datetime import timedelta
from typing import TYPE_CHECKING

from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client, override_settings
from django.utils import timezone

from authz_common import DENIED, GO, LOGIN, OK, OTHER, OWN, PLAN, Case, everyone, expect, only

BASE = f"/office/process/{PLAN}"
UNIT = f"/progress/{PLAN}"
UNKNOWN = "/office/process/no-such-plan/"
if TYPE_CHECKING:
    from kaohe.process.models import Milestone

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def _month() -> str:
    return f"{timezone.localdate():%Y-%m}"


CASES: tuple[Case, ...] = (
    # The office (考核办 decides; 监督 reads; an assessor body rates the tasks it leads).
    Case("process_office:index", "/office/process/", only("office", "assessor", "supervisor")),
    Case("process_office:dashboard", f"{BASE}/", only("office", "supervisor")),
    Case(
        "process_office:dashboard",
        UNKNOWN,
        expect(
            anonymous=LOGIN,
            admin=DENIED,
            office="404",
            assessor=DENIED,
            unit=DENIED,
            supervisor="404",
        ),
        note="an unknown plan is a 404 only for those who could see it if it existed",
    ),
    Case("process_office:unit", f"{BASE}/units/{OWN}/", only("office", "supervisor")),
    Case(
        "process_office:inspections",
        f"{BASE}/inspections/",
        only("office", "assessor", "supervisor"),
        note="县委办 leads K1: it opens the grid of its tasks; 监督 reads it",
    ),
    Case(
        "process_office:inspections",
        f"{BASE}/inspections/",
        only("office", "assessor"),
        method="post",
        data={"month": "{month}", "r:{own_target}": "excellent"},
        note="rating: 考核办 and the lead body (an invalid rating: shown, nothing saved)",
    ),
    Case(
        "process_office:explanation",
        f"{BASE}/explanations/{{own_explanation}}/",
        only("office", "supervisor"),
    ),
    Case(
        "process_office:explanation",
        f"{BASE}/explanations/{{own_explanation}}/",
        only("office"),
        method="post",
        data={"decision": ""},
        note="deciding: 考核办 only (no decision chosen: the form says so, nothing changes)",
    ),
    Case(
        "process_office:exempt",
        f"{BASE}/milestones/{{own_red}}/exempt/",
        only("office"),
        note="免责 directly: 考核办 only; 监督 reads the unit's record instead",
    ),
    Case(
        "process_office:exempt",
        f"{BASE}/milestones/{{own_red}}/exempt/",
        only("office"),
        method="post",
        data={"reason": "", "exempted_on": "{today}"},
        note="exempting: 考核办 only (no reason: the form says so, nothing changes)",
    ),
    Case("process_office:feedback", f"{BASE}/feedback/{OWN}/", only("office", "supervisor")),
    Case(
        "process_office:feedback_pdf", f"{BASE}/feedback/{OWN}/pdf/", only("office", "supervisor")
    ),
    Case("process_office:review", f"{BASE}/review/", only("office", "supervisor")),
    Case(
        "process_office:review",
        f"{BASE}/review/",
        only("office"),
        method="post",
        data={"as_of": ""},
        note="freezing the half year: 考核办 only (no date: the form says so)",
    ),
    Case(
        "process_office:feed",
        f"{BASE}/feed/",
        {**only("office"), "office": GO},
        method="post",
        data={"as_of": "not a date"},
        note="feeding P into the plan: 考核办 only (an invalid date: back with a message)",
    ),
    # Set-up (views_setup.py): 考核办 only; 监督 reads a person's record and a rectification.
    Case("process_office:setup", f"{BASE}/setup/", only("office")),
    Case(
        "process_office:setup",
        f"{BASE}/setup/",
        only("office"),
        method="post",
        data={"green_colour": "red"},
        note="saving the settings (an invalid form: shown, nothing saved)",
    ),
    Case("process_office:setup_task_new", f"{BASE}/setup/tasks/new/", only("office")),
    Case(
        "process_office:setup_task_new",
        f"{BASE}/setup/tasks/new/",
        only("office"),
        method="post",
        data={"code": ""},
        note="adding a task (no code: the form says so)",
    ),
    Case("process_office:setup_task", f"{BASE}/setup/tasks/{{task}}/", only("office")),
    Case(
        "process_office:setup_task",
        f"{BASE}/setup/tasks/{{task}}/",
        only("office"),
        method="post",
        data={"name": ""},
        note="editing a task (no name: the form says so)",
    ),
    Case(
        "process_office:setup_task_delete",
        f"{BASE}/setup/tasks/{{task}}/delete/",
        {**only("office"), "office": GO},
        method="post",
        note="deleting a task with reports: refused, back to the task with the reason",
    ),
    Case(
        "process_office:setup_target_new",
        f"{BASE}/setup/tasks/{{task}}/targets/new/",
        only("office"),
    ),
    Case(
        "process_office:setup_target_new",
        f"{BASE}/setup/tasks/{{task}}/targets/new/",
        only("office"),
        method="post",
        data={"leader": ""},
        note="decomposing (no unit: the form says so)",
    ),
    Case("process_office:setup_target", f"{BASE}/setup/targets/{{own_target}}/", only("office")),
    Case(
        "process_office:setup_target",
        f"{BASE}/setup/targets/{{own_target}}/",
        only("office"),
        method="post",
        data={"leader": ""},
        note="editing a target (no leader: the form says so)",
    ),
    Case(
        "process_office:setup_target_delete",
        f"{BASE}/setup/targets/{{own_target}}/delete/",
        {**only("office"), "office": GO},
        method="post",
        note="deleting a target with an explanation: refused with the reason",
    ),
    Case(
        "process_office:setup_milestone_new",
        f"{BASE}/setup/targets/{{own_target}}/milestones/new/",
        only("office"),
    ),
    Case(
        "process_office:setup_milestone_new",
        f"{BASE}/setup/targets/{{own_target}}/milestones/new/",
        only("office"),
        method="post",
        data={"name": ""},
        note="adding a milestone (no name: the form says so)",
    ),
    Case("process_office:setup_milestone", f"{BASE}/setup/milestones/{{own_ms}}/", only("office")),
    Case(
        "process_office:setup_milestone",
        f"{BASE}/setup/milestones/{{own_ms}}/",
        only("office"),
        method="post",
        data={"name": ""},
        note="editing a milestone (no name: the form says so)",
    ),
    Case(
        "process_office:setup_milestone_delete",
        f"{BASE}/setup/milestones/{{own_ms}}/delete/",
        {**only("office"), "office": GO},
        method="post",
        note="deleting a reported milestone: refused with the reason",
    ),
    Case("process_office:setup_import", f"{BASE}/setup/import/", only("office")),
    Case(
        "process_office:setup_import",
        f"{BASE}/setup/import/",
        only("office"),
        method="post",
        note="importing (no file: the form says so)",
    ),
    Case(
        "process_office:setup_import_template",
        f"{BASE}/setup/import/template.xlsx",
        only("office"),
    ),
    Case("process_office:person", f"{BASE}/people/P-AUTH/", only("office", "supervisor")),
    Case(
        "process_office:rectification",
        f"{BASE}/rectifications/{{own_rect}}/",
        only("office", "supervisor"),
    ),
    Case(
        "process_office:rectification",
        f"{BASE}/rectifications/{{own_rect}}/",
        only("office"),
        method="post",
        data={"action": "confirm"},
        note="整改销号: 考核办 only (not reported done yet: the form says so)",
    ),
    # The unit's pages: its own unit's milestones only.
    Case("process_unit:home", "/progress/", {**only("unit"), "unit": GO}),
    Case("process_unit:plan", f"{UNIT}/", only("unit")),
    Case(
        "process_unit:plan",
        "/progress/no-such-plan/",
        only(),
        note="a plan in which the unit has no task: refused like any other's",
    ),
    Case("process_unit:milestone", f"{UNIT}/milestones/{{own_ms}}/", only("unit")),
    Case(
        "process_unit:milestone",
        f"{UNIT}/milestones/{{own_ms}}/",
        only("unit"),
        method="post",
        data={"status": "finished", "percent": "50"},
        note="reporting (an unknown status: the form says so, nothing saved)",
    ),
    Case(
        "process_unit:milestone",
        f"{UNIT}/milestones/{{other_ms}}/",
        only(),
        note="another unit's milestone: refused",
    ),
    Case("process_unit:explain", f"{UNIT}/milestones/{{own_red}}/explain/", only("unit")),
    Case(
        "process_unit:explain",
        f"{UNIT}/milestones/{{own_red}}/explain/",
        only("unit"),
        method="post",
        data={"cause": "objective", "text": ""},
        note="explaining (no text: the form says so, nothing filed)",
    ),
    Case(
        "process_unit:explain",
        f"{UNIT}/milestones/{{other_ms}}/explain/",
        only(),
        method="post",
        data={"cause": "objective", "text": "x"},
        note="explaining another unit's red light: refused",
    ),
    Case("process_unit:rectification", f"{UNIT}/rectifications/{{own_rect}}/", only("unit")),
    Case(
        "process_unit:rectification",
        f"{UNIT}/rectifications/{{own_rect}}/",
        only("unit"),
        method="post",
        data={"result": ""},
        note="reporting the rectification done (no result: the form says so)",
    ),
    Case(
        "process_unit:rectification",
        f"{UNIT}/rectifications/{{other_rect}}/",
        only(),
        note="another unit's rectification: refused",
    ),
    Case("process_unit:feedback", f"{UNIT}/feedback/", only("unit")),
    Case("process_unit:feedback_pdf", f"{UNIT}/feedback/pdf/", only("unit")),
    Case(
        "process_unit:evidence",
        f"{UNIT}/reports/{{own_report}}/evidence/",
        only("office", "supervisor", "unit"),
    ),
    Case(
        "process_unit:evidence",
        f"{UNIT}/reports/{{other_report}}/evidence/",
        only("office", "supervisor"),
        note="another unit's evidence: refused to the unit",
    ),
    # The public progress board: open to everyone, anonymous visitors included, by design.
    Case("process_public:index", "/board/", everyone(OK)),
    Case("process_public:unit", f"/board/{OWN}/", everyone(OK)),
    Case("process_public:unit", "/board/NO-SUCH-UNIT/", everyone("404")),
)


class _Media:
    """The MEDIA_ROOT of the evidence files of one test's world: a temporary directory made
    when the world is built and removed when the next test builds its own (each test's
    database starts empty), the last one at the end of the run (``TemporaryDirectory``'s
    finaliser) — so a run leaves nothing behind. The table's requests have no pytest fixture
    (``tmp_path``) to hold it: tests/test_authorization.py calls ``outcome(case, client)``."""

    current: tempfile.TemporaryDirectory[str] | None = None

    @classmethod
    def renew(cls) -> None:
        if cls.current is not None:
            cls.current.cleanup()
        cls.current = tempfile.TemporaryDirectory(prefix="kaohe-authz-process-")

    @classmethod
    def root(cls) -> str:
        if cls.current is None:
            cls.renew()
        assert cls.current is not None
        return cls.current.name


def _world() -> dict[str, str]:
    """The process assessment of ``2025-auth`` (built once per test) and its objects' ids."""
    from kaohe.accounts.models import User
    from kaohe.org.models import Person, Unit
    from kaohe.process import services
    from kaohe.process.models import ProcessPlan, ProgressReport, Rectification, Target

    if not ProcessPlan.objects.filter(plan_code=PLAN).exists():
        _Media.renew()
        today = timezone.localdate()
        office = User.objects.get(username="office")
        units = {
            OWN: User.objects.get(username="unit_a"),
            OTHER: User.objects.get(username="unit_b"),
        }
        pp = services.process_plan_setup(actor=office, plan_code=PLAN, year=today.year)
        for code, body in (("K1", "县委办"), ("K2", "政府办")):
            task = services.task_create(
                actor=office, process_plan=pp, code=code, name=f"任务{code}", lead_body=body,
                starts_on=today - timedelta(days=60), ends_on=today + timedelta(days=60),
                public=code == "K1",
            )  # fmt: skip
            for unit_code in (OWN, OTHER):
                target = services.target_create(
                    actor=office, task=task, unit=Unit.objects.get(code=unit_code), leader="书记"
                )
                for n, days in ((1, -10), (2, -5), (3, 20)):
                    services.milestone_create(
                        actor=office, target=target, name=f"{code}节点{n}",
                        due_on=today + timedelta(days=days),
                    )  # fmt: skip
        # A township head's post responsibility under U0000's share of K1 (the person page).
        head = Person.objects.create(code="P-AUTH", name="李镇长", unit=Unit.objects.get(code=OWN))
        share = Target.objects.get(
            task__process_plan=pp, task__code="K1", unit__code=OWN, person=None
        )
        post = services.target_create(
            actor=office, task=share.task, unit=share.unit, person=head, leader="李镇长"
        )
        services.milestone_create(
            actor=office, target=post, name="个人节点", due_on=today + timedelta(days=20)
        )
        for unit_code, account in units.items():
            first, second = (_ms(unit_code, "K1", n) for n in (1, 2))
            if unit_code == OWN:
                services.explanation_file(
                    actor=account, milestone_id=first.id, cause="objective", text="资金未到位"
                )
            services.explanation_file(
                actor=account, milestone_id=second.id, cause="subjective", text="组织不力",
                measures="加派人手",
            )  # fmt: skip
            with override_settings(MEDIA_ROOT=_Media.root()):
                services.progress_report(
                    actor=account, milestone_id=_ms(unit_code, "K2", 3).id, status="on_schedule",
                    percent=40, evidence=SimpleUploadedFile("photo.png", PNG, "image/png"),
                )  # fmt: skip
    ids = {
        "own_ms": _ms(OWN, "K2", 3).id,
        "other_ms": _ms(OTHER, "K2", 1).id,
        "own_red": _ms(OWN, "K2", 1).id,
        "own_explanation": _ms(OWN, "K1", 1).explanation.id,
        "own_rect": Rectification.objects.get(milestone=_ms(OWN, "K1", 2)).id,
        "other_rect": Rectification.objects.get(milestone=_ms(OTHER, "K1", 2)).id,
        "own_report": ProgressReport.objects.get(milestone=_ms(OWN, "K2", 3)).id,
        "other_report": ProgressReport.objects.get(milestone=_ms(OTHER, "K2", 3)).id,
        "own_target": _ms(OWN, "K1", 1).target_id,
        "task": _ms(OWN, "K1", 1).target.task_id,
        "month": _month(),
        "today": f"{timezone.localdate():%Y-%m-%d}",
    }
    return {key: str(value) for key, value in ids.items()}


def _ms(unit_code: str, task_code: str, order: int) -> Milestone:
    from kaohe.process.models import Milestone

    return Milestone.objects.get(
        target__task__process_plan__plan_code=PLAN,
        target__task__code=task_code,
        target__unit__code=unit_code,
        target__person__isnull=True,
        order=order,
    )


def _fill(text: str, ids: dict[str, str]) -> str:
    for key, value in ids.items():
        text = text.replace("{" + key + "}", value)
    return text


def _outcome(response: HttpResponse) -> str:
    """As tests/test_authorization.py reads a response (kept in step with its ``_outcome``)."""
    if response.status_code in (301, 302):
        return LOGIN if response["Location"].startswith("/accounts/login/") else GO
    return str(response.status_code)


def outcome(case: Case, client: Client) -> str:
    """Build the process assessment if needed, name its objects in the URL and the data, and
    send the request (evidence files live in a temporary MEDIA_ROOT, see ``_Media``)."""
    ids = _world()
    url = _fill(case.url, ids)
    with override_settings(MEDIA_ROOT=_Media.root()):
        if case.method == "post":
            data = {_fill(key, ids): _fill(value, ids) for key, value in case.data.items()}
            return _outcome(client.post(url, data))
        return _outcome(client.get(url))
