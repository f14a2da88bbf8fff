"""Shared fixtures of the attendance unit tests (pure modules only, no app)."""

from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
LOCAL_SAMPLES = HERE / "data" / "samples"
SHARED_SAMPLES = Path(__file__).parents[3] / ".." / "shared" / "samples"
SAMPLES = LOCAL_SAMPLES if LOCAL_SAMPLES.is_dir() else SHARED_SAMPLES


@pytest.fixture
def sample_bytes():
    """Read a sample by its path relative to the samples folder."""
    return lambda relative: (SAMPLES / relative).read_bytes()
