"""Settings of the Celery workers the fault tests start: the test settings, with the object store
of the test process that started them (test.py gives every process a fresh temporary one)."""

from __future__ import annotations

import os
from pathlib import Path

from partycloud.settings.test import *  # noqa: F403

if os.environ.get("TEST_STORAGE_ROOT"):
    STORAGE_ROOT = Path(os.environ["TEST_STORAGE_ROOT"])
