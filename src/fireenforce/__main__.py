"""``python -m fireenforce``: the same as the ``fireenforce`` command."""

import sys

from fireenforce.cli import main

sys.exit(main())
