"""`python -m vetline ...` is the `vetline` command."""

import sys

from vetline.server.cli import main

sys.exit(main())
