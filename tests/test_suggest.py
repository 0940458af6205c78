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
        # only what is nearly as close as the best: not also United States (USA)
        (["timeline", "--actor", "Rusia"], "(did you mean Russia? `"),
        # a word's start: not China National Petroleum Corporation (petrol-EU-m)
        (["timeline", "--actor", "EU"], "(did you mean Europe? `"),
        # names that are whole words of it, in its order, before the closer strings
        (["timeline", "--topic", "energy-security"], "(did you mean energy or military? `"),
        (["timeline", "--topic", "missile defence system"], "(did you mean missile-defence or"),
        (["diff", "actor:", "all"], "(e.g. actor:Japan)"),  # was a literal "actor:…"
        # a name found by its word, not a topic's alias a little closer as a string
        (["timeline", "--actor", "Koreas"], "(did you mean North Korea or South Korea? `"),
        # nothing rather than a far one: had been Europe, Myanmar (burma)
        (["timeline", "--topic", "nope"], "(`rusino topics` lists the names)"),
        (["timeline", "--actor", "Obama"], "(`rusino actors` lists the names)"),
        # a long value is given back cut, with its length
        (["show", "x" * 100_000], "'" + "x" * 60 + "…' (100,000 characters) ("),
    ],
)
def test_did_you_mean(args: list[str], expected: str) -> None:
    result = subprocess.run([sys.executable, "-m", "rusino", *args], capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert expected in result.stderr


def test_a_leading_the_is_not_part_of_the_name() -> None:
    result = subprocess.run([sys.executable, "-m", "rusino", "timeline", "--actor", "the US"],
                            capture_output=True, text=True)  # fmt: skip
    assert result.returncode == 0 and result.stdout and result.stderr == ""
