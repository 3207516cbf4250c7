"""Loaded by subprocesses the tests start (PYTHONPATH): install the network guard first thing."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import netguard

netguard.install()
