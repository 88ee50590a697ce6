"""`python -m activity_metrics.cli`."""

import sys

from . import main

sys.exit(main())
