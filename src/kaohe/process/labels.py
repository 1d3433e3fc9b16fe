"""The words of the process pages for the codes the models store (a light's reason, a
status, a rating, a cause, a decision …): Chinese msgids translated with the page's language
(src/kaohe/process/locale). Shared by the template tags and the forms' choices."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

REASONS = {
    "done_on_time": _("按时完成"),
    "on_schedule": _("正常推进"),
    "due_soon": _("临近时限"),
    "behind": _("进度滞后"),
    "done_late": _("逾期完成"),
    "overdue": _("逾期未完成"),
    # Not 免责 again: the light's own name is 免责, and "免责（免责）" said nothing (B7).
    "exempt": _("不计入得分"),
}
STATES = {"done": _("已督查"), "due": _("本月待督查"), "missing": _("逾期未督查")}
PARTS = {"milestones": _("节点完成"), "inspections": _("月度督查"), "review": _("半年考核")}
STATUSES = {"on_schedule": _("正常推进"), "behind": _("进度滞后"), "done": _("已完成")}
RATINGS = {"good": _("好"), "fairly_good": _("较好"), "fair": _("一般"), "poor": _("差")}
CAUSES = {"subjective": _("主观原因"), "objective": _("客观原因")}
DECISIONS = {
    "pending": _("待处理"),
    "rectify": _("限期整改"),
    "coordinate": _("协调解决"),
    "exempt": _("免责"),
}
ESCALATIONS = {"explanation": _("逾期未提交书面说明"), "rectification": _("逾期未完成整改")}
# The default names of the light slots (ProcessPlan's defaults, and 免责): translated with the
# page. A name the office chose itself (e.g. 蓝灯) is its data and is shown as written.
DEFAULT_LIGHT_NAMES = {"绿灯": _("绿灯"), "黄灯": _("黄灯"), "红灯": _("红灯"), "免责": _("免责")}
