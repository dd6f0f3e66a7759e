"""``python -m kadash``: the command line (see :mod:`kadash.cli`)."""

import sys

from kadash.cli import main

sys.exit(main())
