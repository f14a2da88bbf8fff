"""Small text rules for messages (pure)."""

_ENDINGS = (".", "!", "?", "…")


def end_sentence(text):
    """`text` ending with exactly one full stop: a message whose last word is a name with a degree ("Budi
    Santoso, S.Kom.") must not end in "S.Kom..". An ellipsis, "!" or "?" is kept as it is."""
    text = str(text).rstrip()
    if text.endswith("..") and not text.endswith("..."):
        return text[:-1]
    return text if text.endswith(_ENDINGS) else text + "."
