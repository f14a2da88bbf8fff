"""RTL services, one module per feature; this package keeps the public names so callers use `services.x`.

- `settings`: the training's RTL settings.
- `plans`: loading a plan and what it shows; the steps every writer shares.
- `drafting`: the participant's drafts, submission and attachments.
- `review`: reviewer decisions, bulk approval and the decision e-mail.
- `eligibility`: the RTL part of the certificate gate.
- `queue`: the review queue, its filters and reminders; `recap`: the recap export and summary charts.
- `versions`: what changed between submitted versions.

Every write flushes and records an audit entry; the view (or CLI) commits once. The actor is
always passed in explicitly.
"""
from bimtek.action_plans import plan_rows  # noqa: F401  (re-exported: the demo reads services.plan_rows)
from bimtek.action_plans.services.drafting import (  # noqa: F401  (re-exported)
    LOCKED_MESSAGES,
    attach_file,
    check_participant_write,
    remove_attachment,
    save_draft,
    submit_plan,
)
from bimtek.action_plans.services.eligibility import rtl_status_for, rtl_statuses_for_training  # noqa: F401
from bimtek.action_plans.services.plans import _get_or_create, display_rows, load_plan, plan_for, starting_rows  # noqa: F401  (re-exported; _get_or_create for the race test)
from bimtek.action_plans.services.portal import portal_section  # noqa: F401
from bimtek.action_plans.services.queue import (  # noqa: F401  (re-exported)
    MISSING,
    MISSING_LABEL,
    QUEUE_ORDER,
    REMIND_STATES,
    STATE_CHOICES,
    QueueItem,
    filter_options,
    queue_items,
    queue_page,
    send_reminders,
    state_label,
)
from bimtek.action_plans.services.recap import RECAP_HEADERS, recap_rows, recap_xlsx, summary  # noqa: F401
from bimtek.action_plans.services.review import DECISION_SUBJECTS, bulk_approve, clean_row_notes, decide  # noqa: F401  (re-exported)
from bimtek.action_plans.services.settings import parse_strategies, save_settings, settings_for  # noqa: F401
from bimtek.action_plans.services.versions import VersionDiff, changed_keys, version_diff  # noqa: F401
