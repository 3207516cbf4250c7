"""Loaded by the processes the job tests start (PYTHONPATH): no network, slow fake model stages."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from tests import netguard

netguard.install()

from tests.jobs import slow  # noqa: E402

slow.install()
