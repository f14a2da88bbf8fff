"""Signature and stamp images: judged by their header before a single pixel is decoded. Pure.

Pillow reads only the header in ``Image.open``; width, height and pixel count are checked against
bimtek.core.limits before ``verify()`` walks the chunks. Any exception Pillow raises on a crafted file (the
fuzz campaign found an IndexError in PNG chunk handling) becomes the same Indonesian message.
"""

import io

from PIL import Image

from bimtek.core.errors import ValidationError
from bimtek.core.limits import IMAGE_MAX_PIXELS, IMAGE_MAX_SIDE, thousands

IMAGE_MAX_BYTES = 2 * 1024 * 1024
FORMATS = ("PNG", "JPEG")


def check_image(data, label):
    """Raise ValidationError unless ``data`` is a PNG or JPEG (by content) within the size and pixel limits."""
    if len(data) > IMAGE_MAX_BYTES:
        raise ValidationError(f"{label} terlalu besar (maksimal 2 MB).", field="image")
    wrong_kind = ValidationError(f"{label} harus berupa gambar PNG atau JPEG.", field="image")
    try:
        with Image.open(io.BytesIO(data), formats=FORMATS) as image:
            width, height = image.size
            _check_size(width, height, label)
            image.verify()
    except ValidationError:
        raise
    except Exception:  # noqa: BLE001 - Pillow raises many kinds on crafted files; all mean "not an image"
        raise wrong_kind from None


def _check_size(width, height, label):
    if max(width, height) > IMAGE_MAX_SIDE or width * height > IMAGE_MAX_PIXELS:
        raise ValidationError(f"{label} terlalu besar ({thousands(width)}×{thousands(height)} piksel; maksimal "
                              f"{IMAGE_MAX_SIDE} piksel per sisi).", field="image")
