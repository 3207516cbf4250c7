"""Batch planning and supervision pieces that the CLI calls, without the CLI."""

from __future__ import annotations

import os
import signal
import time

import pytest

from minutes.jobs.plan import stable_name
from minutes.jobs.supervise import stop_on_sigterm, until_idle


def test_a_batch_name_is_the_same_for_the_same_request_and_differs_otherwise() -> None:
    first = stable_name("batch", ["/a.wav", "/b.wav"], None, {"language": "de"})
    assert first == stable_name("batch", ["/a.wav", "/b.wav"], None, {"language": "de"})
    assert first.startswith("batch-") and len(first) == len("batch-") + 10
    assert first != stable_name("batch", ["/a.wav", "/b.wav"], None, {"language": "en"})


def test_sigterm_stops_like_ctrl_c_and_the_old_handler_comes_back() -> None:
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(KeyboardInterrupt), stop_on_sigterm():
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)  # the handler raises as soon as the signal arrives
    assert signal.getsignal(signal.SIGTERM) is before


class _Engine:
    def __init__(self, ticks: int) -> None:
        self.left = ticks

    def tick(self) -> bool:
        self.left -= 1
        return self.left > 0


def test_until_idle_follows_the_queue_after_each_tick_while_the_engine_has_work() -> None:
    follows: list[int] = []
    engine = _Engine(3)
    until_idle(engine, follow=lambda: follows.append(engine.left), poll=0.01)
    assert follows == [2, 1]
