"""The ``kaohe`` command line (workbook.md): thin entry points that parse, call, print.

``score`` and ``template`` never touch Django or a database (the fast path). Every other
command sets Django up, gives a new database its schema on first use and calls a service or a
selector. Exit status: 0 success, 2 invalid input (every problem on stderr, one per line),
1 anything else (a short message).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from kaohe.errors import InputError, Problem

FORMATS = ("json", "csv", "xlsx")


class CommandError(Exception):
    """A failure to report in one short line (exit status 1)."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        args.handler(args)
    except InputError as error:
        for problem in error.problems:
            print(str(problem), file=sys.stderr)
        return 2
    except CommandError as error:
        print(f"kaohe: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 1
    except Exception as error:  # the last resort: one line, never a traceback for users
        print(f"kaohe: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kaohe", description="考核：实绩考核计分、排名与等次评定")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    score = commands.add_parser("score", help="直接计分（不使用数据库）")
    score.add_argument("files", nargs="+", metavar="FILE")
    _output_arguments(score)
    score.set_defaults(handler=_score)

    load = commands.add_parser("load", help="校验并导入数据库（同一方案再次导入即整体替换）")
    load.add_argument("files", nargs="+", metavar="FILE")
    load.set_defaults(handler=_load)

    compute = commands.add_parser("compute", help="对已导入的考核方案计分")
    compute.add_argument("plan", metavar="PLAN")
    compute.set_defaults(handler=_compute)

    results = commands.add_parser("results", help="输出已计算的考核结果")
    results.add_argument("plan", metavar="PLAN")
    _output_arguments(results)
    results.set_defaults(handler=_results)

    export = commands.add_parser(
        "export", help="把已导入的考核方案导出为 Excel / YAML / JSON（可再次导入）"
    )
    export.add_argument("plan", metavar="PLAN")
    export.add_argument("-o", "--output", required=True, metavar="FILE.xlsx|.yaml|.json")
    export.set_defaults(handler=_export)

    migrate = commands.add_parser("migrate", help="创建或升级数据库结构")
    migrate.set_defaults(handler=_migrate)

    demo = commands.add_parser("demo", help="生成示例县的考核数据并计分")
    demo.set_defaults(handler=_demo)

    serve = commands.add_parser("serve", help="启动网页服务（http://127.0.0.1:PORT）")
    serve.add_argument("--port", type=int, default=8000)
    serve.set_defaults(handler=_serve)

    template = commands.add_parser("template", help="下载 Excel 模板")
    template.add_argument("-o", "--output", required=True, metavar="FILE.xlsx")
    template.set_defaults(handler=_template)
    return parser


def _output_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=FORMATS, default="json")
    parser.add_argument("-o", "--output", metavar="OUT", help="写入文件（默认输出到屏幕）")


# ---------------------------------------------------------------------------------------------
# Commands


def _score(args: argparse.Namespace) -> None:
    from kaohe.engine import score
    from kaohe.workbook.read import read_document

    _check_output(args)
    document = read_document([Path(name) for name in args.files])
    _print_results(score(document).to_dict(), args)


def _load(args: argparse.Namespace) -> None:
    from kaohe.evaluation.ballot_rows import PreparedMarks, prepare_marks
    from kaohe.workbook.read import read_document

    # Read and validate first: a bad file never opens the database. Meanwhile Django starts
    # in a second thread (it opens no database), and the marks, once found valid, are grouped
    # into ballot rows in that thread while the values are checked and the load's first
    # statements run (docs/database.md). Leaving the pool waits for it, also on failure.
    with ThreadPoolExecutor(max_workers=1) as pool:
        started = pool.submit(_django, migrate=False)
        grouping: list[Future[PreparedMarks]] = []

        def group_marks(marks: Any, evaluations: list[str]) -> None:
            if marks.height:
                grouping.append(pool.submit(prepare_marks, marks, evaluations))

        document = read_document([Path(name) for name in args.files], on_marks=group_marks)
        started.result()
        _migrate_pending()
        from kaohe.plans.services import EvaluationOpen, plan_load

        try:
            marks = grouping[0] if grouping else None
            plan = plan_load(document=document, actor=_actor(), marks=marks)
        except EvaluationOpen as refused:  # a live evaluation of the stored plan: unchanged
            raise CommandError(str(refused)) from None
    print(
        f"已导入考核方案 {plan.code}：{len(document.assessees)} 个考核对象，"
        f"{len(document.values)} 个指标值，{len(document.events)} 条加扣分与否决，"
        f"{document.marks.height} 条测评标记"
    )


def _compute(args: argparse.Namespace) -> None:
    _django()
    from kaohe.plans.models import Plan
    from kaohe.plans.services import EvaluationOpen, plan_compute

    try:
        plan_compute(plan_code=args.plan, actor=_actor())
    except Plan.DoesNotExist:
        raise CommandError(f"没有考核方案 {args.plan}（请先 kaohe load）") from None
    except EvaluationOpen as refused:
        raise CommandError(str(refused)) from None
    print(f"已计算考核方案 {args.plan}")


def _results(args: argparse.Namespace) -> None:
    _check_output(args)
    _django()
    from kaohe.plans.models import Plan
    from kaohe.plans.selectors import plan_results_dict

    try:
        results = plan_results_dict(args.plan)
    except Plan.DoesNotExist:
        raise CommandError(f"没有考核方案 {args.plan}（请先 kaohe load）") from None
    if results is None:
        raise CommandError(f"考核方案 {args.plan} 尚未计算（请先 kaohe compute {args.plan}）")
    _print_results(results, args)


def _migrate(args: argparse.Namespace) -> None:
    _django(migrate=False)
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1)


def _demo(args: argparse.Namespace) -> None:
    from kaohe.demo import demo_documents, demo_summary
    from kaohe.workbook.build import build_document

    documents = [build_document(raw) for raw in demo_documents()]
    _django()
    from kaohe.demo.voting import demo_load

    actor = _actor()
    # Loaded without ballots, the evaluations run through the voting flow (codes, online and
    # paper ballots, close, count): docs/demo.md.
    results, flow = demo_load(documents, actor=actor)
    print(flow.line())
    from kaohe.demo.process import demo_process_load  # the units plan's year of 过程考核

    demo_process_load(plan_code=documents[0].plan.code, actor=actor)
    print(demo_summary(results))
    _demo_accounts(actor, publish=documents[0].plan.code)


def _demo_accounts(actor: str, *, publish: str) -> None:
    """Demo accounts (one per role) and the units plan's results published, so every role's
    pages have something to show (docs/roles.md)."""
    from kaohe.accounts.demo import DEMO_PASSWORD, demo_accounts_create
    from kaohe.results.services import results_publish

    accounts = demo_accounts_create()
    results_publish(plan_code=publish, actor=actor)
    print(f"\n已公布考核方案 {publish} 的结果。示例账号（仅用于示例，密码均为 {DEMO_PASSWORD}）：")
    for account in accounts:
        binding = account.unit_code or account.assessor or ""
        print(f"  {account.username:<8} {account.name}（{account.role}）{binding}")


def _serve(args: argparse.Namespace) -> None:
    _django()
    from django.core.management import call_command

    print(f"kaohe 考核：http://127.0.0.1:{args.port}/ （Ctrl+C 停止）")
    call_command("runserver", f"127.0.0.1:{args.port}", use_reloader=False)


def _export(args: argparse.Namespace) -> None:
    output = Path(args.output)
    if output.suffix.lower() not in (".xlsx", ".yaml", ".yml", ".json"):
        raise InputError([Problem("-o", "导出文件须以 .xlsx、.yaml、.yml 或 .json 结尾")])
    _django()
    from kaohe.plans.models import Plan
    from kaohe.plans.selectors import plan_document
    from kaohe.workbook.export import write_document

    try:
        document = plan_document(args.plan)
    except Plan.DoesNotExist as missing:
        raise CommandError(f"没有考核方案 {args.plan}") from missing
    for path in write_document(document, output):
        print(f"已导出 {path}")


def _template(args: argparse.Namespace) -> None:
    from kaohe.workbook.template import write_template

    write_template(Path(args.output))
    print(f"已生成模板 {args.output}")


# ---------------------------------------------------------------------------------------------
# Helpers


def _check_output(args: argparse.Namespace) -> None:
    if args.format == "xlsx" and not args.output:
        raise InputError([Problem("--format xlsx", "Excel 格式需要用 -o 指定输出文件")])


def _print_results(results: dict[str, Any], args: argparse.Namespace) -> None:
    from kaohe.workbook import export

    if args.format == "xlsx":
        export.write_results_xlsx(results, Path(args.output))
        return
    text = export.results_json(results) if args.format == "json" else export.results_csv(results)
    if not text.endswith("\n"):
        text += "\n"
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


def _django(*, migrate: bool = True) -> None:
    """Set Django up; give a new (or outdated) database its schema on first use."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaohe.config.settings")
    import django

    django.setup()
    if migrate:
        _migrate_pending()


def _migrate_pending() -> None:
    """Give a new (or outdated) database its schema."""
    if _pending_migrations():
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)


def _pending_migrations() -> bool:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    targets = executor.loader.graph.leaf_nodes()
    return bool(executor.migration_plan(targets))


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


if __name__ == "__main__":
    sys.exit(main())
