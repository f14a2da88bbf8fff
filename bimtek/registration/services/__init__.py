"""Registration services, one module per feature; this package keeps the public names so callers use `services.x`.

- `validation`: checking form data (`clean_registration_data`, `FormErrors`).
- `seats`: register with seats + waiting list, promotion, the organizer's status changes (`TRANSITIONS`).
- `self_service`: the participant's registrations, withdrawing, correcting their data.
- `privacy`: personal data export, deletion requests, anonymising, purging after the retention period.
- `roster_io`: roster search and summary, CSV/XLSX export and import.
- `notifications`: the status e-mails.

Flush only; views, CLI commands and jobs commit. Every writer of a training's seats first takes
`lock_training_row`, so seat counts and sequence numbers are computed by one writer at a time
(SELECT … FOR UPDATE on PostgreSQL, the database write lock on SQLite).
"""
from bimtek.registration.services.notifications import STATUS_SUBJECTS, send_status_mail  # noqa: F401
from bimtek.registration.services.privacy import anonymize, personal_data, purge_expired, request_deletion  # noqa: F401  (re-exported)
from bimtek.registration.services.roster_io import (  # noqa: F401  (re-exported)
    export_roster,
    import_roster,
    roster_page,
    roster_summary,
    search_roster,
    to_roster_row,
)
from bimtek.registration.services.seats import (  # noqa: F401  (re-exported)
    ACTION_LABELS,
    ACTION_PASSIVE,
    TRANSITIONS,
    DuplicateRegistration,
    bulk_change,
    change_status,
    fill_free_seats,
    find_active,
    next_sequence,
    promote_waiting,
    register,
    seats_taken,
)
from bimtek.registration.services.self_service import (  # noqa: F401  (re-exported)
    can_withdraw,
    registrations_of,
    training_starts_at,
    update_details,
    withdraw_self,
)
from bimtek.registration.services.validation import (  # noqa: F401  (re-exported)
    FIELD_LABELS,
    MAX_TEXT,
    TEXT_FIELDS,
    FormErrors,
    clean_registration_data,
)
