"""``python -m trialrecon.cli``: the same as the ``trialrecon`` command."""

import sys

from trialrecon.cli import main

sys.exit(main())
