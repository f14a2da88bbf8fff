"""What changed between submitted versions of a plan (read only), for the reviewer."""
from typing import NamedTuple

from bimtek.action_plans import plan_rows
from bimtek.action_plans.models import ActionPlan


class VersionDiff(NamedTuple):
    """A submitted version, the one before it (or None) and what changed in between."""

    version: object
    previous: object
    changes: list
    sentences: list


def version_diff(plan: ActionPlan, number: int | None = None) -> VersionDiff | None:
    """Diff of version `number` (default: latest) against the previous version; None without versions."""
    if not plan.versions:
        return None
    by_number = {v.number: v for v in plan.versions}
    version = by_number.get(number) or plan.versions[-1]
    previous = by_number.get(version.number - 1)
    if previous is None:
        return VersionDiff(version, None, [], [])
    changes = plan_rows.diff_versions(previous.plan_rows, version.plan_rows)
    return VersionDiff(version, previous, changes, plan_rows.describe_changes(changes))


def changed_keys(diff: VersionDiff | None) -> dict[str, str]:
    """Row keys added or changed in a diff (to highlight them in the reviewer's table)."""
    if diff is None:
        return {}
    return {change.key: change.kind for change in diff.changes if change.new_index is not None}
