"""`python -m bot` is the `factcheck-bot` command."""

import sys

from bot.app.cli import main

sys.exit(main())
