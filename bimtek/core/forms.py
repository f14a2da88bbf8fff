"""Form helpers shared by all domains."""
from wtforms import IntegerField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import StopValidation


def choices(pairs):
    """[(value, label)] → SelectChoice list (WTForms ≥3.3 deprecates tuple choices)."""
    return [SelectChoice(str(value), label) for value, label in pairs]


class WholeNumberField(IntegerField):
    """An integer field whose parse error names the rule (e.g. 'JP harus bilangan bulat') and stops there.

    WTForms' IntegerField turns '2,5' into None, so DataRequired/NumberRange then add 'Wajib diisi.' or a range
    message for a value that was typed: one clear message instead.
    """

    def __init__(self, label=None, validators=None, not_whole=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.not_whole = not_whole

    def process_formdata(self, valuelist):
        text = valuelist[0].strip() if valuelist and valuelist[0] is not None else ""
        if not text:
            self.data = None
            return
        try:
            self.data = int(text)
        except ValueError:
            self.data = None
            raise ValueError(self.not_whole or self.gettext("Not a valid integer value.")) from None

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()
