"""The input layer: a trial's dossier, from the files in ``data/raw/<trial>/`` to typed objects.

Holds the dossier's model (:mod:`.model`), the controlled vocabulary (:mod:`.vocabulary`), the
loader and validator (:mod:`.loader`), the readers of digitized Kaplan-Meier curves
(:mod:`.digitized`), data cuts (:mod:`.cuts`), which statement of a number to use
(:mod:`.selection`), the shapes of ids and values (:mod:`.names`), bounded YAML
(:mod:`.safe_yaml`), locating the repository (:mod:`.paths`), the transcription audit of
anchors and values against the source texts (:mod:`.audit`) and the drafter of new dossiers
from a paper or a registry record (:mod:`.draft`).

May import: :mod:`trialrecon.stats` (pure functions) and nothing else of the project. Checks,
stages, report and CLI build on this layer; it never reaches up to them.
"""

from trialrecon.dossier.loader import load_dossier, tidy_table, validate_dossier
from trialrecon.dossier.model import (
    Arm,
    Cohort,
    DataCut,
    Dossier,
    DossierError,
    Problem,
    Source,
    Trial,
)
from trialrecon.dossier.values import (
    COLUMNS,
    MAX_ANCHOR_WORDS,
    OPTIONAL_COLUMNS,
    REQUIRED,
    SIC,
)
from trialrecon.dossier.vocabulary import Vocabulary, vocabulary

__all__ = [
    "COLUMNS", "MAX_ANCHOR_WORDS", "OPTIONAL_COLUMNS", "REQUIRED", "SIC", "Arm", "Cohort",
    "DataCut", "Dossier", "DossierError", "Problem", "Source", "Trial", "Vocabulary",
    "load_dossier", "tidy_table", "validate_dossier", "vocabulary",
]  # fmt: skip
