#!/usr/bin/env python
"""Django's command-line utility for PartyCloud."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
# partycloud lives in platform/ (a plain folder: a package named `platform` would shadow the stdlib).
for path in (str(ROOT / "platform"), str(ROOT)):
    if path not in sys.path:
        sys.path.insert(0, path)

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partycloud.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
