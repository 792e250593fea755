"""Bounds on the work of reading a figure, and the one error the reader raises.

A figure comes from a user's file, so it is treated as hostile: its size, the pages scanned, the
path objects and segments of a page, the pixels of an image and the time spent are all bounded,
and whatever cannot be read ends in a :class:`DigitizeError` whose message is one line.
"""

from __future__ import annotations

import time
from dataclasses import dataclass


class DigitizeError(ValueError):
    """The figure cannot be read; the message is one line that says why."""


@dataclass(frozen=True)
class Limits:
    """How much work one call may do."""

    max_file_bytes: int = 200_000_000
    max_pages: int = 100  # pages searched when no --page is given
    max_objects: int = 400_000  # page objects of one page, forms included
    max_segments: int = 2_000_000  # path segments of one page
    max_form_depth: int = 12  # nesting of form XObjects
    max_chars: int = 200_000  # characters of one page's text layer
    max_image_pixels: int = 60_000_000  # pixels of one image (PIL's MAX_IMAGE_PIXELS is set to it)
    max_render_pixels: int = 40_000_000  # pixels of a rendered page for the overlay
    seconds: float = 120.0  # wall time of one call


class Deadline:
    """A wall-clock budget: :meth:`check` raises once it is spent."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._end = time.monotonic() + seconds

    def check(self, what: str) -> None:
        if time.monotonic() > self._end:
            raise DigitizeError(f"gave up after {self.seconds:g} s while {what} (time limit)")
