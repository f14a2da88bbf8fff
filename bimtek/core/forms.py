"""Form helpers shared by all domains."""
from wtforms.fields.choices import SelectChoice


def choices(pairs):
    """[(value, label)] → SelectChoice list (WTForms ≥3.3 deprecates tuple choices)."""
    return [SelectChoice(str(value), label) for value, label in pairs]
