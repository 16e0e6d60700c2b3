"""Images: thumbnails and sizes with Pillow.

Thumbnails are upright (EXIF orientation applied) and carry no metadata at all: photos from
phones hold GPS positions and device serials, which must not leak through a shared picture.
Only common raster formats are opened — never EPS/PS (Pillow hands those to Ghostscript) — and
decompression bombs (more pixels than ``Image.MAX_IMAGE_PIXELS``) are refused before decoding.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

from django.utils.translation import gettext
from PIL import Image, ImageOps, UnidentifiedImageError

from services.media.errors import MediaError

log = logging.getLogger(__name__)

# JPEG also opens MPO (multi-picture JPEG from some cameras).
INPUT_FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF")
ThumbnailFormat = Literal["WEBP", "JPEG"]
_SAVE_OPTIONS: dict[str, dict[str, object]] = {
    "WEBP": {"quality": 80, "method": 4},
    "JPEG": {"quality": 82, "optimize": True, "progressive": True},
}
# EXIF orientations 5–8 turn the picture a quarter: stored width is displayed height.
_QUARTER_TURNS = (5, 6, 7, 8)
_ORIENTATION_TAG = 0x0112


def image_size(path: Path) -> tuple[int, int]:
    """(width, height) as displayed, i.e. after the EXIF orientation; reads the header only."""
    with _opened(path) as image:
        width, height = image.size
        if image.getexif().get(_ORIENTATION_TAG) in _QUARTER_TURNS:
            return height, width
        return width, height


def make_thumbnail(
    source: Path,
    dest: Path,
    *,
    max_size: tuple[int, int] = (640, 640),
    format: ThumbnailFormat = "WEBP",
) -> tuple[int, int]:
    """Write an upright, metadata-free thumbnail that fits in ``max_size`` (never enlarged) to
    ``dest`` and return its (width, height)."""
    if format not in _SAVE_OPTIONS:
        raise ValueError(f"thumbnail format must be one of {sorted(_SAVE_OPTIONS)}, not {format!r}")
    with _opened(source) as image:
        # JPEG can decode at 1/2, 1/4, 1/8 scale: much faster for camera photos.
        image.draft("RGB", (max(max_size), max(max_size)))
        try:
            upright = ImageOps.exif_transpose(image)
            upright.thumbnail(max_size, Image.Resampling.LANCZOS)
        except (OSError, ValueError, SyntaxError) as error:
            log.info("image %s could not be decoded: %s", source.name, error)
            raise _not_image() from error
    thumbnail = _for_format(upright, format)
    # Pillow writes EXIF/XMP/comments/ICC it finds in .info: leave nothing to find.
    thumbnail.info = {}
    thumbnail.save(dest, format=format, **_SAVE_OPTIONS[format])
    return thumbnail.size


@contextmanager
def _opened(path: Path) -> Iterator[Image.Image]:
    try:
        image = Image.open(path, formats=INPUT_FORMATS)
    except Image.DecompressionBombError as error:
        raise _too_large() from error
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as error:
        log.info("not an image: %s (%s)", path.name, error)
        raise _not_image() from error
    with image:
        width, height = image.size
        if Image.MAX_IMAGE_PIXELS is not None and width * height > Image.MAX_IMAGE_PIXELS:
            raise _too_large()
        yield image


def _for_format(image: Image.Image, format: ThumbnailFormat) -> Image.Image:
    """RGB, or RGBA for WebP with transparency; JPEG has no alpha, so it goes onto white."""
    if image.mode == "P":
        image = image.convert("RGBA" if image.has_transparency_data else "RGB")
    if image.has_transparency_data:
        rgba = image.convert("RGBA")
        if format == "WEBP":
            return rgba
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image if image.mode == "RGB" else image.convert("RGB")


def _not_image() -> MediaError:
    return MediaError("media.not_image", gettext("The file is not an image that can be shown."))


def _too_large() -> MediaError:
    return MediaError("media.image_too_large", gettext("The image has too many pixels."))
