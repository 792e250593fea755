"""Reading Kaplan-Meier figures: curves, censor marks and numbers at risk from a PDF or image.

``trialrecon digitize`` (:mod:`trialrecon.cli.digitize`) is built on this package:

* :mod:`.reader` takes a file (PDF, PNG, JPEG), checks it, and finds the one figure asked for;
* vector PDFs (:mod:`.pdfpage`, :mod:`.vector`): paths and text from PDFium; axes calibrated
  from the tick labels and marks (:mod:`.axes`), step curves by style (:mod:`.curves`), the
  legend (:mod:`.legend`), censor marks, the numbers-at-risk table (:mod:`.risktable`);
* images (:mod:`.raster_axes`, :mod:`.raster`): axis lines and tick marks, colour clusters
  traced as monotone step paths; the axis ranges come from the user (no OCR);
* :mod:`.output` writes the curve files the pipeline reads (:mod:`trialrecon.dossier.
  digitized`), :mod:`.overlay` a PNG of what was read over the figure;
* :mod:`.limits` bounds the work and defines the one error, :class:`DigitizeError`.

May import :mod:`trialrecon.stats` and the rest of :mod:`trialrecon.dossier` only.
"""

from trialrecon.dossier.digitize.limits import DigitizeError, Limits
from trialrecon.dossier.digitize.raster_axes import RasterOptions
from trialrecon.dossier.digitize.reader import Reading, ReadOptions, read_figure

__all__ = ["DigitizeError", "Limits", "RasterOptions", "ReadOptions", "Reading", "read_figure"]
