"""`python -m coverage` runs the covplan command line."""

import sys

from coverage.cli import main

sys.exit(main())
