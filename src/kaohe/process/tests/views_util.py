"""A process plan dated around today for the page tests (the services refuse future dates,
so reports and decisions made through the pages are dated today): the units plan of
``util.plan_raw`` with its two towns, one account per role, and ``tasks`` tasks (K1 public,
led by 县委办; the others by 政府办), each decomposed to both towns with three milestones:
one due 30 days ago, one due in 3 days, one due in 60 days."""

from __future__ import annotations

from datetime import date, timedelta

from django.test import Client
from django.utils import timezone

from kaohe.accounts.models import Role, User
from kaohe.org.models import Unit
from kaohe.process import services
from kaohe.process.models import Milestone, ProcessPlan, Target, Task
from kaohe.process.tests.util import PLAN, load_plan

PAST, SOON, LATER = -30, 3, 60  # days from today to each target's three milestones


class WebWorld:
    def __init__(self, tasks: int = 2, *, load: bool = True) -> None:
        self.today: date = timezone.localdate()
        if load:
            load_plan()
        self.u1 = Unit.objects.get(code="U1")
        self.u2 = Unit.objects.get(code="U2")
        self.users = {
            "admin": User.objects.create(username="w-admin", role=Role.ADMIN),
            "office": User.objects.create(username="w-office", role=Role.OFFICE),
            "supervisor": User.objects.create(username="w-renda", role=Role.SUPERVISOR),
            "xwb": User.objects.create(username="w-xwb", role=Role.ASSESSOR, assessor="县委办"),
            "zfb": User.objects.create(username="w-zfb", role=Role.ASSESSOR, assessor="政府办"),
            "unit1": User.objects.create(username="w-u1", role=Role.UNIT, unit=self.u1),
            "unit2": User.objects.create(username="w-u2", role=Role.UNIT, unit=self.u2),
        }
        office = self.users["office"]
        self.pp: ProcessPlan = services.process_plan_setup(
            actor=office, plan_code=PLAN, year=self.today.year
        )
        self.tasks: list[Task] = []
        self.targets: dict[tuple[str, str], Target] = {}
        self.ms: dict[tuple[str, str, int], Milestone] = {}
        for _ in range(tasks):
            self.add_task()

    def add_task(self, *, public: bool | None = None) -> Task:
        """One more task (K<n>), decomposed to both towns with three milestones each; public
        (一承诺) when asked, else only K1."""
        office = self.users["office"]
        n = len(self.tasks) + 1
        task = services.task_create(
            actor=office,
            process_plan=self.pp,
            code=f"K{n}",
            name=f"重点任务{n}",
            lead_body="县委办" if n == 1 else "政府办",
            starts_on=self.today - timedelta(days=90),
            ends_on=self.today + timedelta(days=90),
            public=n == 1 if public is None else public,
            description="为民办实事" if n == 1 else "",
        )
        self.tasks.append(task)
        for unit in (self.u1, self.u2):
            target = services.target_create(
                actor=office, task=task, unit=unit, leader=f"{unit.name}书记", goal="年底完成"
            )
            self.targets[(task.code, unit.code)] = target
            for i, days in enumerate((PAST, SOON, LATER), start=1):
                self.ms[(task.code, unit.code, i)] = services.milestone_create(
                    actor=office,
                    target=target,
                    name=f"{task.code}节点{i}",
                    due_on=self.today + timedelta(days=days),
                )
        return task

    def client(self, role: str | None) -> Client:
        client = Client(HTTP_HOST="127.0.0.1")
        if role is not None:
            client.force_login(self.users[role])
        return client
