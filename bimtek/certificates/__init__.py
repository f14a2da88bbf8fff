"""Certificates: eligibility, numbering, frozen PDFs, QR verification, revocation, electronic signatures (TTE)."""
import warnings

# pyHanko imports cryptography's DSA support (deprecated since cryptography 46) at import time; no certificate is
# ever signed or checked with DSA here, so the warning would only clutter every command's output.
warnings.filterwarnings("ignore", message="DSA is deprecated")
