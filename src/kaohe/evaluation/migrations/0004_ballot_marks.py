# ruff: noqa: RUF012  (Django declares these as lists)
"""Marks move into their ballot: ``Ballot.assessees`` and ``Ballot.options`` (two JSON lists
in ballot order) replace the ``Mark`` table, one row per ballot instead of one per mark
(docs/database.md). Stored marks are carried over before the table is dropped."""

from typing import Any

from django.db import migrations

import kaohe.plans.fields


def marks_into_ballots(apps: Any, schema_editor: Any) -> None:
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE evaluation_ballot AS b SET assessees = m.a, options = m.o FROM ("
                ' SELECT ballot_id, array_to_json(array_agg(assessee ORDER BY "order"))::text AS a,'
                ' array_to_json(array_agg(option ORDER BY "order"))::text AS o'
                " FROM evaluation_mark GROUP BY ballot_id) AS m WHERE m.ballot_id = b.id"
            )
        return
    mark = apps.get_model("evaluation", "Mark")
    ballot = apps.get_model("evaluation", "Ballot")
    marks: dict[int, tuple[list[str | None], list[str | None]]] = {}
    rows = mark.objects.order_by("ballot_id", "order").values_list(
        "ballot_id", "assessee", "option"
    )
    for ballot_id, assessee, option in rows.iterator(chunk_size=10_000):
        assessees, options = marks.setdefault(ballot_id, ([], []))
        assessees.append(assessee)
        options.append(option)
    changed = []
    for row in ballot.objects.filter(id__in=list(marks)).iterator(chunk_size=1_000):
        row.assessees, row.options = marks[row.id]
        changed.append(row)
    ballot.objects.bulk_update(changed, ["assessees", "options"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0003_ballot_evaluation_no_db_constraint"),
    ]

    operations = [
        migrations.AddField(
            model_name="ballot",
            name="assessees",
            field=kaohe.plans.fields.OrderedJSONField(default=list, verbose_name="考核对象"),
        ),
        migrations.AddField(
            model_name="ballot",
            name="options",
            field=kaohe.plans.fields.OrderedJSONField(default=list, verbose_name="选项"),
        ),
        migrations.RunPython(marks_into_ballots, elidable=True),
        migrations.DeleteModel(
            name="Mark",
        ),
    ]
