"""Presets ship inside the package; a bad ``MINUTES_THREADS`` is an error that names the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from minutes import settings
from minutes.errors import ConfigError
from minutes.runtime import default_threads


def test_presets_are_package_data_found_from_any_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MINUTES_PIPELINES", raising=False)
    monkeypatch.setenv("MINUTES_HOME", str(tmp_path / "home"))
    found = settings.available_presets()
    assert {"cpu-fast", "cpu-balanced", "gpu-accurate"} <= set(found)
    import minutes

    package = Path(minutes.__file__).resolve().parent
    assert found["cpu-fast"].parent == package / "presets"
    assert settings.load_preset("cpu-fast").name == "cpu-fast"


def test_a_preset_in_the_data_dir_does_not_shadow_a_shipped_one_unless_named_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    own = tmp_path / "mine"
    own.mkdir()
    (own / "cpu-fast.toml").write_text('name = "cpu-fast"\ndescription = "mine"\n', encoding="utf-8")
    monkeypatch.setenv("MINUTES_PIPELINES", str(own))
    assert settings.load_preset("cpu-fast").description == "mine"


@pytest.mark.parametrize("raw", ["abc", "0", "-2", "1.5"])
def test_bad_minutes_threads_is_a_clear_error(raw: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MINUTES_THREADS", raw)
    with pytest.raises(ConfigError, match=r"MINUTES_THREADS=.*unset it"):
        default_threads()


def test_minutes_threads_is_used_and_blank_means_all_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MINUTES_THREADS", " 3 ")
    assert default_threads() == 3
    monkeypatch.setenv("MINUTES_THREADS", "")
    assert default_threads() >= 1
