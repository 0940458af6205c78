"""The README's command reference is generated from --help; this fails when it is stale.

Regenerate it with:  UPDATE_README=1 .venv/bin/pytest tests/test_readme.py
"""

import os
import re
from pathlib import Path

import typer
from typer.main import get_command
from typer.testing import CliRunner

from rusino.cli import app

README = Path(__file__).resolve().parents[1] / "README.md"
START, END = "<!-- commands:start -->", "<!-- commands:end -->"


def _paths(group: typer.Typer, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command path of the app, in the order `rusino --help` lists them."""
    command = get_command(group)
    out: list[tuple[str, ...]] = []
    sub = getattr(command, "commands", {})
    for name in sub:
        path = (*prefix, name)
        out.append(path)
        if hasattr(sub[name], "commands"):
            for child in sub[name].commands:
                out.append((*path, child))
    return out


def command_reference() -> str:
    runner = CliRunner()
    parts = []
    for path in [(), *_paths(app)]:
        result = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "100"}, prog_name="rusino")
        assert result.exit_code == 0, (path, result.output)
        title = " ".join(("rusino", *path))
        parts.append(f"### `{title}`\n\n```\n{result.output.rstrip()}\n```\n")
    return "\n".join(parts)


def test_command_reference_is_current() -> None:
    text = README.read_text(encoding="utf-8")
    assert START in text and END in text, "README.md lacks the command reference markers"
    fresh = f"{START}\n{command_reference()}{END}"
    current = re.search(re.escape(START) + ".*?" + re.escape(END), text, re.S)
    assert current is not None
    if os.environ.get("UPDATE_README"):
        README.write_text(text.replace(current.group(0), fresh), encoding="utf-8")
    assert current.group(0) == fresh, (
        "README.md's command reference is stale: run UPDATE_README=1 pytest tests/test_readme.py"
    )


def test_every_command_is_in_the_reference() -> None:
    text = README.read_text(encoding="utf-8")
    for path in _paths(app):
        assert f"### `rusino {' '.join(path)}`" in text, path


def test_readme_holds_the_two_setup_commands() -> None:
    text = README.read_text(encoding="utf-8")
    assert "pip install . && .venv/bin/rusino timeline --actor Japan" in text
    assert re.search(r"<!-- test-command -->\n```bash\n.*pytest\n```", text)


def test_json_schema_in_readme_matches_the_code() -> None:
    """The schema's field lines in query.py's docstring (its source of truth) are all in README."""
    import rusino.query

    doc = rusino.query.__doc__ or ""
    schema = doc.split("JSON schema\n===")[1].split("Full-text search\n===")[0]
    fields = [line[4:] for line in schema.splitlines() if line.startswith("    ") and line.strip()]
    assert len(fields) > 30
    text = README.read_text(encoding="utf-8")
    missing = [f for f in fields if f not in text]
    assert not missing, f"README.md's JSON schema lacks: {missing}"
