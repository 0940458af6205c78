"""'Did you mean' for misspelt actors, topics and ids, through the real command."""

import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["timeline", "--actor", "Japn"], "did you mean Japan?"),
        (["timeline", "--actor", "putn"], "did you mean Vladimir Putin?"),
        (["timeline", "--actor", "xi-jinping"], "did you mean Xi Jinping?"),
        (["timeline", "--topic", "navel"], "did you mean naval-exercise?"),
        (["timeline", "--topic", "missile defense system"], "missile-defence"),
        (["show", "2012-naval"], "2012-04-russia-china-naval-exercise-yellow-sea"),
    ],
)
def test_did_you_mean(args: list[str], expected: str) -> None:
    result = subprocess.run([sys.executable, "-m", "rusino", *args], capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert expected in result.stderr
