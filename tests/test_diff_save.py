"""`rusino diff --save`: the side-by-side view as a picture, like timeline, facts and chart."""

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path


def _rusino(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rusino", *args], capture_output=True, text=True, cwd=cwd
    )


def test_diff_saves_an_svg_with_both_sides(tmp_path: Path) -> None:
    result = _rusino("diff", "actor:Japan", "actor:Vietnam", "--save", "d.svg", cwd=tmp_path)
    assert result.returncode == 1  # the sides differ, as without --save
    assert result.stdout == ""
    assert result.stderr.strip() == "saved d.svg"
    svg = (tmp_path / "d.svg").read_text(encoding="utf-8")
    ET.fromstring(svg)  # well-formed XML
    assert "actor:Japan" in svg and "actor:Vietnam" in svg


def test_diff_facts_saves_html(tmp_path: Path) -> None:
    result = _rusino("diff", "--facts", "2012", "2020", "--save", "f.html", cwd=tmp_path)
    assert result.returncode == 1
    html = (tmp_path / "f.html").read_text(encoding="utf-8")
    assert "Russia-China trade volume" in html


def test_diff_save_with_a_data_format_is_a_usage_error(tmp_path: Path) -> None:
    result = _rusino("diff", "2012", "2015", "--save", "x.svg", "-f", "json", cwd=tmp_path)
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1
    assert not (tmp_path / "x.svg").exists()
