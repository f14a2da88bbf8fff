"""Certificate services, one module per feature; this package keeps the public names so callers use `services.x`.

- `settings`: the training's certificate settings, designs, signature and stamp images.
- `eligibility`: who may get a certificate (attendance verdict + RTL), the page rows, current certificates.
- `issuing`: numbering under lock, the frozen snapshot, issue, re-issue, revocation, the participant's e-mail.
- `verifying`: public verification by code, the verification log, comparing an uploaded PDF.
- `exports`: download file names and the entries of the streamed ZIP.
- `bulk`: the bulk job's database side in plain rows: targets, a batch's people, one INSERT per batch.
- `signing`: external (BSrE TTE) signing: PDFs with the TTE footer out, signed PDFs back in.

Everything flushes only; views, the CLI and the bulk job commit. The bulk job (`certificates.tasks`) is the
exception that proves the rule: it is its own outer edge (with `certificates.worker`) and commits once per batch.
"""
from bimtek.certificates import verification  # noqa: F401  (re-exported: tests hash with services.verification)
from bimtek.certificates.services.eligibility import (  # noqa: F401  (re-exported)
    CERTIFICATE_STATES,
    CertificatePage,
    Eligibility,
    Row,
    certificate_of,
    current_certificates,
    eligibility_for,
    training_page,
    training_rows,
)
from bimtek.certificates.services.exports import filename_for, zip_entries  # noqa: F401  (re-exported)
from bimtek.certificates.services.issuing import (  # noqa: F401  (re-exported)
    format_number,
    issue_certificate,
    issue_date_of,
    notify_participant,
    person_context,
    person_snapshot,
    plan_certificate,
    reissue_certificate,
    render_context,
    reserve_numbers,
    revoke_certificate,
    shared_context,
    shared_snapshot,
    store_certificate,
    verify_url,
)
from bimtek.certificates.services.portal import portal_section  # noqa: F401
from bimtek.certificates.services.settings import (  # noqa: F401  (re-exported)
    IMAGE_MAX_BYTES,
    check_image,
    design_choices,
    design_dir,
    remove_image,
    save_settings,
    settings_for,
    settings_problems,
)
from bimtek.certificates.services.signing import (  # noqa: F401  (re-exported)
    SIGNED_MAX_BYTES,
    attach_signed,
    tte_entries,
    unsigned_certificates,
    unsigned_count,
)
from bimtek.certificates.services.verifying import (  # noqa: F401  (re-exported)
    check_upload,
    compare_upload,
    find_and_log,
    find_by_code,
    log_verification,
    public_view,
    signed_text,
    verification_counts,
    verification_log,
)
from bimtek.core.storage import app_storage  # noqa: F401  (re-exported: tests read stored files through it)

JOB_ISSUE_ALL = "certificates.issue_all"  # the bulk job's kind; the job itself lives in certificates.tasks
