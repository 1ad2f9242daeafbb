"""Uploaded images (an edition's banner, a person's avatar) are bounded in pixels.

A small file can hold a huge image (a PNG of one colour compresses a thousandfold): every browser
that shows it, and anything that decodes it, would need its width × height × 4 bytes of memory.
An image of more than ``MAX_IMAGE_PIXELS`` is refused with a form error that says its size.

Pillow itself warns beyond 89 megapixels and refuses beyond twice that (its decompression-bomb
check): Django's form field turns the refusal into "Upload a valid image", and this validator, which
reads only the image's header, turns it into the same error as any image too large, never a 500.
"""

import warnings

from django.core.exceptions import ValidationError
from django.core.files.images import get_image_dimensions
from django.utils.translation import gettext_lazy as _
from PIL import Image

# 25 megapixels, e.g. 5,000 × 5,000: far more than a banner or an avatar shows.
MAX_IMAGE_PIXELS = 25_000_000
# Where the public images are uploaded (the fields' upload_to), under MEDIA_ROOT.
PUBLIC_MEDIA_FOLDERS = ("avatars/", "editions/")


def validate_image_pixels(image):
    """Refuse an uploaded image of more than MAX_IMAGE_PIXELS pixels. Files stored already are
    not read again (from object storage, it would be a download at every save)."""
    if getattr(image, "_committed", False):
        return
    limit = {"limit": f"{MAX_IMAGE_PIXELS / 1_000_000:g}"}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            width, height = get_image_dimensions(image)
    except Image.DecompressionBombError:
        raise ValidationError(
            _("The image is too large: at most %(limit)s megapixels are accepted."),
            code="image_too_large",
            params=limit,
        ) from None
    if width is None or height is None:
        return  # not an image: the form field says so
    if width * height > MAX_IMAGE_PIXELS:
        raise ValidationError(
            _(
                "The image is %(width)s × %(height)s pixels (%(pixels)s megapixels): at most "
                "%(limit)s megapixels are accepted. Make it smaller and upload it again."
            ),
            code="image_too_large",
            params={
                "width": width,
                "height": height,
                "pixels": f"{width * height / 1_000_000:.1f}",
                **limit,
            },
        )
