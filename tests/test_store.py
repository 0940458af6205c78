"""rusino.store: validation by build.py's rules, one-transaction writes, metadata and FTS kept
right (so `rusino check` passes), db init, and the bundled database never written."""

from __future__ import annotations

import gc
import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from rusino import build, db, query, store
from rusino.check import check_database
from rusino.errors import RusinoError

EVENT: dict[str, Any] = {
    "date": "2013-05-14",
    "date_text": "on 14 May 2013",
    "summary": "Russia and China sign a test accord on Arctic shipping",
    "actors": ["moscow", "China"],  # an alias resolves
    "topics": ["energy"],
    "source": "alpha-2013",
    "notes": [2],
    "quote": "a test accord on Arctic shipping",
}

FACT: dict[str, Any] = {
    "subject": "Test pipeline length",
    "value": 1300,
    "value_max": 1500.5,
    "unit": "km",
    "qualifier": "about",
    "as_written": "1,300 to 1,500.5 kilometres",
    "date": "2013",
    "date_text": "in 2013",
    "kind": "target",
    "actors": ["Russia"],
    "topics": ["energy"],
    "source": "alpha-2013",
    "quote": "1,300 to 1,500.5 kilometres",
}


def count(path: Path, sql: str, *params: Any) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute(sql, params).fetchone()[0])
    finally:
        conn.close()


def add(path: Path, kind: str, fields: dict[str, Any], **opts: Any) -> tuple[str, store.Summary]:
    conn = store.connect_writable(path)
    try:
        return store.add_record(conn, kind, dict(fields), store.Options(**opts))
    finally:
        conn.close()


@pytest.mark.parametrize(
    "edtf",
    [
        "2012",
        "2012-04",
        "2012-02",
        "2011-02",
        "2000-02",
        "2012-12",
        "2012-02-29",
        "2013-02-29",
        "2012-04-31",
        "2012-13",
        "2012-22",
        "2012-00",
        "0000",
        "2012/2013",
        "2013/2012",
        "2012-04-22/2012-04-27",
        "2008/2013-12",
        "1999-12/2000-01-01",
        "2016-03~",
        "201X",
        "2012-04-22 ",
        "April 2012",
        # the last year a date can have: a ValueError (year 10000) was an internal error
        "9999-12",
        "9999-12-31",
        "9999-12-31/9999-12-31",
        "9999-24",
    ],
)
def test_fast_date_bounds_agree_with_build(edtf: str) -> None:
    def outcome(f: Any) -> Any:
        try:
            return f(edtf)
        except RusinoError as exc:
            return ("error", exc.message)

    assert outcome(store.date_bounds) == outcome(build.date_bounds)


def test_content_hash_is_builds(fixture_db: Path) -> None:
    add(fixture_db, "fact", FACT)  # a REAL value_max: the per-row path
    add(fixture_db, "event", EVENT | {"summary": 'Tricky "text"\\ with\ttab, \u200b and é 😀'})
    replaced = EVENT | {"summary": "Ünïcode ✓", "id": "x-hash"}
    add(fixture_db, "event", EVENT | {"id": "x-hash"})
    add(fixture_db, "event", replaced, replace=True)
    three = {"value": 3.0, "as_written": "3 to 1,500.5 km", "id": "x-real"}
    add(fixture_db, "fact", FACT | three)  # stored as INTEGER 3
    conn = sqlite3.connect(fixture_db)
    try:
        stored = conn.execute("SELECT value FROM metadata WHERE key = 'content_hash'").fetchone()
        # the hash each write brought up to date by adding digests is the one computed afresh
        assert stored[0] == store.content_hash(conn) == build.content_hash(conn)
    finally:
        conn.close()
    assert check_database(fixture_db) == []


def test_fast_event_path_gives_the_full_rules_record(fixture_db: Path) -> None:
    conn = store.connect_writable(fixture_db)
    try:
        validator = store.Validator(conn, store.Options())
        row = EVENT | {
            "id": "x-fast",
            "actors": ["russia", " China"],
            "inferred": True,
            "notes": [],
        }
        full = validator._validate("event", row, "here")
        validator.validate("event", row, "here")  # caches the names as written
        fast = validator._fast_event(row)
        assert fast is not None and fast == full
        assert validator._fast_event(row | {"actors": ["Russia", "russia"]}) is None
        # anything else takes the full rules
        for odd in ({"notes": None}, {"notes": [2]}, {"notes": ""}, {"date": 2013}, {"quote": " "}):
            assert validator._fast_event(row | odd) is None, odd
        assert validator._fast_event(row | {"type": "fact"}) is None
        no_notes = {k: v for k, v in row.items() if k != "notes"}
        assert validator._fast_event(no_notes) == validator._validate("event", no_notes, "here")
        with pytest.raises(RusinoError, match="listed twice"):
            validator.validate("event", row | {"actors": ["Russia", "russia"]}, "here")
    finally:
        conn.close()


def test_add_event_passes_check_and_is_searchable(fixture_db: Path) -> None:
    before = count(fixture_db, "SELECT count(*) FROM events")
    rid, summary = add(fixture_db, "event", EVENT)
    assert rid == "2013-05-russia-and-china-sign-a-test-accord-on"
    assert (summary.added, summary.unchanged, summary.replaced) == (1, 0, 0)
    assert count(fixture_db, "SELECT count(*) FROM events") == before + 1
    assert count(fixture_db, "SELECT count(*) FROM event_actors WHERE event = ?", rid) == 2
    assert count(fixture_db, "SELECT value FROM metadata WHERE key = 'events'") == before + 1
    hits = "SELECT count(*) FROM events_fts WHERE events_fts MATCH 'arctic'"
    assert count(fixture_db, hits) == 1
    assert check_database(fixture_db) == []
    # the same record again changes nothing
    _, again = add(fixture_db, "event", EVENT)
    assert (again.added, again.unchanged) == (0, 1)


def test_made_ids_of_different_records_do_not_overwrite(
    fixture_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from rusino.cli import run

    base = ["--db", str(fixture_db), "add", "event", "--actor", "Russia", "--topic", "energy"]
    base += ["--source", "alpha-2013", "--quote", "q"]
    ids = []
    for date, summary in (("2015", "Россия и Китай: газ"), ("2015", "Россия и Китай: нефть"),
                          ("2015", "中俄关系"), ("2015", "Россия и Китай: газ")):  # fmt: skip
        assert run([*base, "--date", date, "--summary", summary]) == 0
        ids.append(capsys.readouterr().out.strip())
    assert len(set(ids[:3])) == 3 and ids[3] == ids[0]  # the same record again: unchanged
    assert all(re.fullmatch(r"2015-[0-9a-f]{8}", i) for i in ids)
    # a different record whose made id is taken (2012~ and 2012 make the same): not --replace
    assert run([*base, "--date", "2015~", "--summary", "Россия и Китай: газ"]) == 2
    err = capsys.readouterr().err
    assert f"an event with the id '{ids[0]}' (made from the date and summary) exists" in err
    assert "if it is another event, give this one its own --id" in err
    assert count(fixture_db, "SELECT count(*) FROM events WHERE id = ? AND date = '2015'", ids[0])


@pytest.mark.parametrize(
    ("text", "made"),
    [
        ("Ødegaard", "odegaard"),  # letters NFKD does not take apart had been dropped: degaard
        ("Łukasiewicz", "lukasiewicz"),
        ("Straße", "strasse"),
        ("Russia\u2013China summit", "russia-china-summit"),  # an en dash had joined: russiachina
        ("Café crème", "cafe-creme"),
        ("中俄 summit", "summit"),
    ],
)
def test_a_made_id_keeps_every_latin_letter(text: str, made: str) -> None:
    assert store.slug(text) == made


def test_an_organisation_author_is_kept_whole(
    fixture_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """ "World Bank" had been cited as "Bank, World" (id bank-2015), and braces, BibTeX's way
    of keeping a name whole, came out as "Bank}, {World"."""
    from rusino.cli import run

    for author in ("{ World Bank }", "{World Bank}"):
        args = ["--db", str(fixture_db), "add", "source", "--author", author, "--title", "T?"]
        assert run([*args, "--date", "2015", "--id", f"wb-{len(author)}"]) == 0
    assert run(["--db", str(fixture_db), "add", "source", "--author", "{Kim Younkyoo}",
                "--title", "T", "--date", "2015"]) == 0  # fmt: skip
    assert capsys.readouterr().out.split() == ["wb-14", "wb-12", "kim-younkyoo-2015"]
    assert run(["--db", str(fixture_db), "add", "source", "--author", "Ministry of Foreign Affairs",
                "--title", "T", "--date", "2015"]) == 0  # fmt: skip
    assert capsys.readouterr().out == "ministry-of-foreign-affairs-2015\n"  # had been -foreign
    assert run(["--db", str(fixture_db), "sources", "-f", "json"]) == 0
    sources = {s["id"]: s for s in json.loads(capsys.readouterr().out)}
    for sid in ("wb-14", "wb-12"):  # a title's own ? ends it: no "T?."
        assert sources[sid]["citation"] == 'World Bank. 2015. "T?"'
        assert "author = {{World Bank}}" in query.bibtex(sources[sid])


@pytest.mark.parametrize(
    ("authors", "cited"),
    [
        (["{World Bank}", "Smith, John"], "World Bank and John Smith."),  # had been "Bank, and"
        (["Smith, John", "Doe, Jane"], "Smith, John, and Jane Doe."),
        (["{World Bank}", "Smith, John", "Doe, Jane"], "World Bank, John Smith, and Jane Doe."),
        (["王 小明"], "王 小明."),  # family name first already: had been "小明, 王"
        (["World Bank"], "World Bank."),  # names no person's starts so
        (["European Union"], "European Union."),
        # people whose family name is also an organisation's word: two words, a person
        (["Robert Service"], "Service, Robert."),
        (["Daryl G. Press", "Keir A. Lieber"], "Press, Daryl G., and Keir A. Lieber."),
        (["Federal Security Service"], "Federal Security Service."),
        # a suffix is no given name nor a family (had been "Doe, Jane, and Jr., John Smith")
        (["Doe, Jane", "Smith, Jr., John"], "Doe, Jane, and John Smith Jr."),
        (["John Smith Jr."], "Smith, John, Jr."),
        (["Taro Kenji Ii"], "Ii, Taro Kenji."),  # Ii is a family name, not II
    ],
)
def test_citation_authors(authors: list[str], cited: str) -> None:
    source = {"authors": authors, "title": "T", "publication": "P", "date": "2013"}
    assert query.chicago(source).startswith(f"{cited} 2013.")


def test_a_citation_has_the_issue_and_pages_and_bibtex_the_publisher(
    fixture_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`sources` had dropped issue, pages and publisher, and add source could not set them."""
    from rusino.cli import run

    args = ["--db", str(fixture_db), "add", "source", "--author", "Doe, Jane", "--title", "T",
            "--publication", "Polar Journal", "--date", "2014", "--volume", "11", "--issue",
            "3", "--pages", "136-148", "--publisher", "Polar Press"]  # fmt: skip
    assert run(args) == 0
    capsys.readouterr()
    assert run(["--db", str(fixture_db), "sources", "-f", "json"]) == 0
    doe = next(s for s in json.loads(capsys.readouterr().out) if s["id"] == "doe-2014")
    assert (doe["volume"], doe["issue"], doe["pages"], doe["publisher"]) == (
        "11", "3", "136-148", "Polar Press",
    )  # fmt: skip
    assert doe["citation"] == 'Doe, Jane. 2014. "T." Polar Journal 11 (3): 136-148.'
    entry = query.bibtex(doe)
    assert "number = {3}" in entry and "pages = {136--148}" in entry
    assert "publisher = {Polar Press}" in entry


def test_bibtex_writes_a_suffix_in_its_place() -> None:
    source = {"id": "x", "authors": ["John Smith Jr."], "title": "T", "date": "2013"}
    assert "author = {Smith, Jr., John}" in query.bibtex(source)  # had been {Jr., John Smith}


def test_bibtex_writes_a_family_first_name_family_comma_given() -> None:
    source = {"id": "x", "authors": ["安倍 晋三"], "title": "T", "date": "2013", "kind": "op-ed"}
    assert "author = {安倍, 晋三}" in query.bibtex(source)  # BibTeX had read 晋三 as family


@pytest.mark.parametrize("author", ["{}", "{World Bank", "{A}{B}", "World}"])
def test_an_author_braced_but_not_whole_is_refused(
    author: str, fixture_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """ "{}" had been cited ". 2001.", and "{World Bank" made unbalanced BibTeX."""
    from rusino.cli import run

    args = ["--db", str(fixture_db), "add", "source", "--author", author, "--title", "T"]
    assert run([*args, "--date", "2015"]) == 2
    assert f"author {author!r} is not a name" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("author", "said"),
    [
        ("  ", "field 'authors' must be a non-empty list of non-empty strings, not [\"\"]"),
        (",", "author ',' is not a name (write Family, Given or the name whole)"),
        (", John", "author ', John' is not a name"),  # had been cited ", John. 2015."
        ("Smith, ", "author 'Smith,' is not a name"),  # (trimmed, as add's texts are)
    ],
)
def test_an_author_without_a_name_is_refused(
    author: str, said: str, fixture_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A blank author had been an internal error (IndexError), "," a citation of ". 2015."."""
    from rusino.cli import run

    before = fixture_db.read_bytes()
    args = ["--db", str(fixture_db), "add", "source", "--author", author, "--title", "T"]
    assert run([*args, "--date", "2015"]) == 2
    err = capsys.readouterr().err
    assert said in err and len(err.splitlines()) == 1
    assert fixture_db.read_bytes() == before


def test_every_kind_of_record_has_the_field_limit(
    fixture_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A source's 10 MB title, an actor's 100,000-character name: had been added."""
    from rusino.cli import run

    long = "x" * (store.MAX_FIELD + 1)
    rows = [
        {"type": "source", "id": "long-2015", "authors": ["Ann Alpha"], "title": long,
         "publication": "P", "date": "2015", "kind": "op-ed"},
        {"type": "actor", "name": long, "kind": "state"},
        {"type": "topic", "name": "long", "description": long},
    ]  # fmt: skip
    before = fixture_db.read_bytes()
    for row in rows:
        path = tmp_path / "long.jsonl"
        path.write_text(json.dumps(row) + "\n", encoding="utf-8")
        assert run(["--db", str(fixture_db), "import", str(path)]) == 2
        assert f"is {store.MAX_FIELD + 1} characters long" in capsys.readouterr().err
    assert fixture_db.read_bytes() == before


def test_add_fact_takes_a_figure_beyond_sqlite_integer_as_written(
    fixture_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from rusino.cli import run

    args = ["--db", str(fixture_db), "add", "fact", "--date", "2013", "--subject", "Huge"]
    args += ["--unit", "USD", "--kind", "estimate", "--actor", "Russia", "--topic", "energy"]
    assert run([*args, "--source", "alpha-2013", "--quote", "q", "--value", "1.5e19"]) == 0
    assert capsys.readouterr().out == "2013-huge\n"
    conn = sqlite3.connect(fixture_db)
    assert conn.execute("SELECT value FROM facts WHERE id = '2013-huge'").fetchone() == (1.5e19,)
    conn.close()
    assert check_database(fixture_db) == []


def test_add_fact_passes_check(fixture_db: Path) -> None:
    rid, summary = add(fixture_db, "fact", FACT)
    assert summary.added == 1 and rid.startswith("2013-test-pipeline-length")
    assert check_database(fixture_db) == []


def test_replace_keeps_fts_right(fixture_db: Path) -> None:
    _rid, _ = add(fixture_db, "event", EVENT | {"id": "x-1"})
    changed = EVENT | {"id": "x-1", "summary": "A different summary about tundra"}
    with pytest.raises(store.InvalidRows) as err:
        add(fixture_db, "event", changed)
    assert "--replace" in err.value.problems[0]
    _, summary = add(fixture_db, "event", changed, replace=True)
    assert summary.replaced == 1
    assert count(fixture_db, "SELECT count(*) FROM events_fts WHERE events_fts MATCH 'tundra'") == 1
    assert check_database(fixture_db) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"actors": ["Japn"]}, "unknown actor 'Japn'"),
        ({"topics": ["enrgy"]}, "unknown topic 'enrgy'"),
        ({"source": "alpha-2014"}, "unknown source 'alpha-2014'"),
        ({"date": "2013-99-99"}, "not a usable EDTF date"),
        ({"date": "2014/2013"}, "not a usable EDTF date"),
        ({"notes": [99]}, "note 99 is not among the notes"),
        ({"summary": ""}, "field 'summary' must be a non-empty string"),
        ({"quote": "x" * (store.MAX_FIELD + 1)}, "characters long"),
        ({"start": "1999-01-01"}, "field 'start' is '1999-01-01'"),
        ({"colour": "red"}, "unknown field 'colour'"),
    ],
)
def test_bad_event_refused_and_nothing_written(
    fixture_db: Path, change: dict[str, Any], expected: str
) -> None:
    before = build.content_hash(sqlite3.connect(fixture_db))
    with pytest.raises(store.InvalidRows) as err:
        add(fixture_db, "event", EVENT | change)
    assert expected in err.value.problems[0]
    assert build.content_hash(sqlite3.connect(fixture_db)) == before


def test_unknown_actor_suggests_and_new_actor_adds(fixture_db: Path) -> None:
    with pytest.raises(store.InvalidRows) as err:
        add(fixture_db, "event", EVENT | {"actors": ["Japn"]})
    assert "did you mean Japan?" in err.value.problems[0]
    assert "--new-actor" in err.value.problems[0]
    _, summary = add(fixture_db, "event", EVENT | {"actors": ["Mongolia"]}, new_actors=True)
    assert summary.new_actors == ["Mongolia"]
    assert count(fixture_db, "SELECT count(*) FROM actor_aliases WHERE alias = 'mongolia'") == 1
    assert check_database(fixture_db) == []
    assert summary.near == [] and "close to" not in summary.note()


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"topics": ["China"]}, "'China' is an actor, and a topic may not share its name"),
        ({"actors": ["energy"]}, "'energy' is a topic, and an actor may not share its name"),
        # both new, in one record: both had been added
        (
            {"actors": ["Mongolia"], "topics": ["mongolia"]},
            "'Mongolia' is an actor, and a topic may not share its name",
        ),
    ],
)
def test_a_new_name_may_not_be_the_other_kinds(
    fixture_db: Path, change: dict[str, Any], said: str
) -> None:
    """--topic China --new-topic had made a topic China beside the actor: actor: and topic:,
    and facts' name lookup, could not tell them apart."""
    before = fixture_db.read_bytes()
    with pytest.raises(store.InvalidRows) as err:
        add(fixture_db, "event", EVENT | change, new_actors=True, new_topics=True)
    assert said in err.value.problems[0]
    assert fixture_db.read_bytes() == before
    with pytest.raises(store.InvalidRows) as err:  # and no --new-topic offered for it
        add(fixture_db, "event", EVENT | {"topics": ["China"]})
    assert "China is an actor" in err.value.problems[0] and "--new-topic" not in str(err.value)


def test_a_new_name_close_to_a_known_one_is_noted(fixture_db: Path) -> None:
    """--new-actor had added Japn beside Japan without a word."""
    new = EVENT | {"actors": ["Japn", "Atlantis", "Chine"], "topics": ["energi"]}
    _, summary = add(fixture_db, "event", new, new_actors=True, new_topics=True)
    assert summary.near == [  # (Chine and energi, one letter off, had been missed)
        ("actor", "Chine", "China"),
        ("actor", "Japn", "Japan"),
        ("topic", "energi", "energy"),
    ]
    assert summary.note().splitlines()[0] == (
        "note: the new actor 'Chine' is close to the actor 'China' (a typo? if so, correct it "
        "and write the record again with --replace)"
    )


def test_value_above_value_max_refused(fixture_db: Path) -> None:
    with pytest.raises(store.InvalidRows) as err:
        add(fixture_db, "fact", FACT | {"value": 2000})
    assert "greater than value_max" in err.value.problems[0]


def test_add_source(fixture_db: Path) -> None:
    conn = store.connect_writable(fixture_db)
    fields = {"authors": ["Jane Doe"], "title": "T", "publication": "P", "date": "2015-03"}
    fields |= {"kind": "op-ed"}
    assert store.add_source(conn, fields) == ("doe-2015", True)
    before = fixture_db.read_bytes()
    assert store.add_source(conn, fields) == ("doe-2015", False)  # the same again: unchanged
    assert fixture_db.read_bytes() == before
    with pytest.raises(RusinoError, match="already exists, with other fields"):
        store.add_source(conn, fields | {"title": "Other"})
    # "Family, Given", as the bundled sources write names: the family name makes the id
    assert store.add_source(conn, fields | {"authors": ["Smith, John", "Doe, Jane"]}) == (
        "smith-2015",
        True,
    )
    assert store.add_source(conn, fields | {"authors": ["O'Brien-Smith, Seán"]})[0] == (
        "obrien-smith-2015"
    )
    for url in ("javascript:alert(1)", "https://", "https://exa mple.com", "https://x.org:99999/",
                'https://x.org/"><script>'):  # fmt: skip
        with pytest.raises(RusinoError, match="not a web address"):
            store.add_source(conn, fields | {"id": "js", "url": url})
    with pytest.raises(RusinoError) as err:  # the character is named, encoded as it should be
        store.add_source(conn, fields | {"id": "js", "url": "https://x.org/{x}"})
    assert err.value.hint == "'{' is written %7B in a URL"
    conn.close()
    _, summary = add(fixture_db, "event", EVENT | {"source": "doe-2015", "notes": []})
    assert summary.added == 1
    assert check_database(fixture_db) == []


def test_bundled_database_is_refused() -> None:
    with pytest.raises(RusinoError, match="read-only") as err:
        store.connect_writable(db.bundled_path())
    assert "rusino db init" in err.value.hint


def test_init_seeded_and_empty(tmp_path: Path) -> None:
    seeded = tmp_path / "sub" / "mine.sqlite"
    counts = store.init_database(seeded)
    assert counts["events"] == count(db.bundled_path(), "SELECT count(*) FROM events")
    bundled_hash = build.content_hash(sqlite3.connect(db.bundled_path()))
    assert build.content_hash(sqlite3.connect(seeded)) == bundled_hash
    with pytest.raises(RusinoError, match="already exists"):
        store.init_database(seeded)
    empty = tmp_path / "empty.sqlite"
    assert store.init_database(empty, empty=True)["events"] == 0
    assert check_database(empty) == []
    assert check_database(seeded) == []
    conn = sqlite3.connect(empty)
    with pytest.raises(RusinoError, match="unknown source 'alpha-2014'") as info:
        query.check_source(conn, "alpha-2014")
    conn.close()
    assert info.value.hint == "no sources yet"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp left


@pytest.mark.parametrize("edtf", ["2013-02-29", "2012-04-31/2012-05-02"])
def test_a_day_the_calendar_lacks_is_named(edtf: str) -> None:
    """It had "no definite bounds", or did "not parse"."""
    with pytest.raises(
        RusinoError, match=r"has no such day: (February 2013 has 28|April 2012 has 30) days"
    ):
        build.date_bounds(edtf)


def test_to_edtf_says_what_is_wrong_with_an_edtf_date() -> None:
    with pytest.raises(RusinoError, match="ends before it starts"):
        store.to_edtf("2015/2012")


def test_to_edtf_takes_timeline_dates() -> None:
    assert store.to_edtf("22 April 2012") == "2012-04-22"
    # ranges as the tables write them, or with a hyphen (had been "times are not supported")
    assert store.to_edtf("22-27 April 2012") == "2012-04-22/2012-04-27"
    assert store.to_edtf("22\u201327 Apr 2012") == "2012-04-22/2012-04-27"
    assert store.to_edtf("Oct\u2013Dec 2012") == "2012-10/2012-12"
    assert store.to_edtf("2000 \u2013 spring 2016") == "2000/2016-21"
    assert store.to_edtf("2010? \u2013 2013") == "2010?/2013"
    assert store.to_edtf("~May 2012") == "2012-05~"
    assert store.to_edtf("22 Apr \u2013 3 May 2012") == "2012-04-22/2012-05-03"  # across months
    assert store.to_edtf("Sep 2012? \u2013 2013") == "2012-09?/2013"  # as the tables write it
    assert store.to_edtf("Apr? \u2013 Jun 2012") == "2012-04?/2012-06"  # (the ? had been lost)
    assert store.to_edtf("22 Apr 2012?") == "2012-04-22?"  # a day, uncertain
    assert store.to_edtf("22? \u2013 27 Apr 2012") == "2012-04-22?/2012-04-27"
    assert store.to_edtf("~Apr 2012?") == "2012-04%"  # both: EDTF's %
    assert store.to_edtf("April 2012") == "2012-04"
    assert store.to_edtf("2012") == "2012"
    assert store.to_edtf("2012-22") == "2012-22"
    assert store.to_edtf("spring 2013") == "2013-21"
    assert store.to_edtf("2012-Q2") == "2012-34"
    # intervals of quarters and seasons, as --from/--to take them (the edtf package reads no
    # quarter in an interval: they had been "does not parse")
    assert store.to_edtf("2012-Q1/2012-Q2") == "2012-01/2012-06"
    assert store.to_edtf("2012-33/2012-36") == "2012-01/2012-12"
    assert store.to_edtf("Q4 2012/Q1 2013") == "2012-10/2013-03"
    assert store.to_edtf("spring 2012/summer 2012") == "2012-21/2012-22"
    assert store.to_edtf("4/2012") == "2012-04"  # a month, not an interval
    with pytest.raises(RusinoError, match="ends before it starts"):
        store.to_edtf("2012-Q2/2012-Q1")
    with pytest.raises(RusinoError):
        store.to_edtf("someday")
    # never a different date than the one meant: an open end, a sign are refused, not dropped
    for text in ("../2013", "2012-04-22/..", "2012/", "-0044", "2012."):
        with pytest.raises(RusinoError):
            store.to_edtf(text)


def _as_schema_1(path: Path) -> None:
    """What a database made before schema 2 looks like: events without the derived columns."""
    conn = sqlite3.connect(path)
    for column in build.DERIVED["events"]:
        conn.execute(f"ALTER TABLE events DROP COLUMN {column}")
    conn.execute("UPDATE metadata SET value = '1' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()


def test_older_database_is_refused_until_upgraded(
    fixture_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from rusino.cli import run

    want = run(["--db", str(fixture_db), "timeline"])
    want_out = capsys.readouterr().out
    _as_schema_1(fixture_db)
    assert run(["--db", str(fixture_db), "timeline"]) == 2
    err = capsys.readouterr().err
    assert "made by an older rusino" in err and f"rusino --db {fixture_db} db upgrade" in err
    assert "Traceback" not in err

    assert run(["--db", str(fixture_db), "db", "upgrade"]) == 0
    assert "added actor_list, topic_list, note_list, digest" in capsys.readouterr().err
    assert check_database(fixture_db) == []
    assert count(fixture_db, "SELECT value FROM metadata WHERE key = 'schema_version'") == 2
    assert run(["--db", str(fixture_db), "timeline"]) == want == 0
    assert capsys.readouterr().out == want_out
    # again: nothing to add, the derived columns rewritten (repairing a hand edit)
    conn = sqlite3.connect(fixture_db)
    conn.execute("UPDATE events SET actor_list = 'nobody', digest = ''")
    conn.commit()
    conn.close()
    assert check_database(fixture_db) != []
    events = count(fixture_db, "SELECT count(*) FROM events")
    assert store.upgrade_database(fixture_db)[:3] == (events, (), ())
    assert check_database(fixture_db) == []
    # and again: nothing to do, so not a byte of the file changes
    before = fixture_db.read_bytes()
    assert store.upgrade_database(fixture_db) == store.Upgrade()
    assert fixture_db.read_bytes() == before
    assert run(["--db", str(fixture_db), "db", "upgrade"]) == 0
    assert "is up to date" in capsys.readouterr().err


def test_upgrade_makes_a_stemmed_full_text_index_again(
    fixture_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An older rusino stemmed (porter): with prefixes, "gas" was "ga*" and found "game"."""
    from rusino.cli import run

    add(fixture_db, "event", EVENT | {"id": "g", "summary": "A game of chess", "quote": "game"})
    with sqlite3.connect(fixture_db) as conn:
        for table in build.FTS_COLUMNS:
            fts = f"{table}_fts"
            sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (fts,)).fetchone()
            conn.execute(f"DROP TABLE {fts}")
            conn.execute(sql[0].replace(build.FTS_TOKENIZE, "porter"))
            conn.execute(f"INSERT INTO {fts} ({fts}) VALUES ('rebuild')")
    conn.close()
    assert run(["--db", str(fixture_db), "timeline", "--search", "gas", "-f", "jsonl"]) == 0
    assert '"id": "g"' in capsys.readouterr().out  # the stemmed index's false match
    assert run(["--db", str(fixture_db), "db", "upgrade"]) == 0
    assert "rebuilt events_fts, facts_fts" in capsys.readouterr().err
    assert run(["--db", str(fixture_db), "timeline", "--search", "gas", "-f", "jsonl"]) == 0
    assert '"id": "g"' not in capsys.readouterr().out
    assert check_database(fixture_db) == []


def test_upgrade_bounds_a_winter_again(fixture_db: Path) -> None:
    """An older rusino ended a winter on 31 December; db upgrade runs it to February's end."""
    add(fixture_db, "event", EVENT | {"id": "w", "date": "2013-24", "date_text": "winter"})
    with sqlite3.connect(fixture_db) as conn:
        conn.execute("UPDATE events SET date_end = '2013-12-31' WHERE id = 'w'")
    conn.close()
    assert any("stored bounds" in p for p in check_database(fixture_db))
    store.upgrade_database(fixture_db)
    assert check_database(fixture_db) == []
    assert count(fixture_db, "SELECT count(*) FROM events WHERE date_end = '2014-02-28'") == 1


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE metadata SET value = 'x' WHERE key = 'content_hash'",
        "UPDATE metadata SET value = '0' WHERE key = 'events'",
        "UPDATE events SET in_window = 0 WHERE in_window = 1 AND rowid = 1",
        "UPDATE facts SET precision = 'day' WHERE rowid = 1",
    ],
)
def test_upgrade_repairs_what_a_hand_edit_left_stale(fixture_db: Path, statement: str) -> None:
    """check names db upgrade as the fix for a user's own database, so it must be one: the
    hash, the counts and every date's derived columns are rewritten from the rows."""
    with sqlite3.connect(fixture_db) as conn:
        assert conn.execute(statement).rowcount == 1
    conn.close()
    assert check_database(fixture_db) != []
    store.upgrade_database(fixture_db)
    assert check_database(fixture_db) == []
    before = fixture_db.read_bytes()
    assert store.upgrade_database(fixture_db) == store.Upgrade()  # then nothing more to do
    assert fixture_db.read_bytes() == before


LINK_TABLES = (
    "event_actors",
    "event_topics",
    "event_notes",
    "fact_actors",
    "fact_topics",
    "fact_notes",
)


def _table_sql(path: Path) -> dict[str, str]:
    conn = sqlite3.connect(path)
    rows = conn.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL").fetchall()
    conn.close()
    return dict(rows)


def _with_rowid_links(path: Path) -> None:
    """What a schema-2 database made before the link tables became WITHOUT ROWID looks like:
    each a rowid table (with an automatic index for its key) and the same indexes."""
    sql = _table_sql(path)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    for table in LINK_TABLES:
        old = sql[table].replace(" WITHOUT ROWID", "").replace(f"TABLE {table} ", "TABLE old ", 1)
        assert old != sql[table]
        conn.execute(old)
        conn.execute(f"INSERT INTO old SELECT * FROM {table}")
        conn.execute(f"DROP TABLE {table}")
        conn.execute(f"ALTER TABLE old RENAME TO {table}")
        for name, index in sql.items():
            if name.startswith(f"{table}_by_"):  # dropped with the table
                conn.execute(index)
    conn.execute("COMMIT")
    conn.close()


def test_upgrade_rebuilds_rowid_link_tables_without_rowid(
    fixture_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from rusino.cli import run

    add(fixture_db, "event", EVENT | {"notes": [2]})  # a row in event_notes too
    want_sql = _table_sql(fixture_db)
    conn = sqlite3.connect(fixture_db)
    want_rows = {
        t: conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in LINK_TABLES
    }
    want_hash = store.content_hash(conn)
    conn.close()
    assert all(want_rows[t] for t in LINK_TABLES if not t.startswith("fact_notes"))
    _with_rowid_links(fixture_db)
    assert all("WITHOUT ROWID" not in _table_sql(fixture_db)[t] for t in LINK_TABLES)

    assert run(["--db", str(fixture_db), "db", "upgrade"]) == 0
    err = capsys.readouterr().err
    assert f"rebuilt {', '.join(LINK_TABLES)}" in err
    got_sql = _table_sql(fixture_db)
    for table in LINK_TABLES:
        assert "WITHOUT ROWID" in got_sql[table]
    assert got_sql == want_sql  # word for word as a database made today, indexes too

    conn = sqlite3.connect(fixture_db)
    assert {
        t: conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in LINK_TABLES
    } == want_rows
    assert store.content_hash(conn) == want_hash
    conn.close()
    assert check_database(fixture_db) == []
    assert store.upgrade_database(fixture_db)[1:3] == ((), ())  # nothing left to rebuild


def bulk_rows(n: int, **change: Any) -> list[store.Row]:
    """n plain events (the fast path) with a new actor each tenth, one with a note, one whose
    new actor JSON must escape, and facts pointing at events of the same import."""
    rows: list[store.Row] = []
    for i in range(n):
        fields = EVENT | {"id": f"bulk-{i:04d}", "summary": f"Bulk test event number {i}"}
        fields["actors"] = ["Russia", f"Bulk actor {i // 10}"] if i % 10 == 0 else ["Russia"]
        fields["notes"] = [2] if i == 7 else []
        if i == 11:
            fields["actors"] = ["China", 'The "Quoted" \\ actor']
        rows.append((f"bulk.jsonl:{i + 1}", fields | change, None))
    for i in range(0, n, 97):
        fact = FACT | {"id": f"bulk-fact-{i}", "event": f"bulk-{i:04d}", "type": "fact"}
        rows.append((f"bulk.jsonl:{n + i + 1}", fact, None))
    return rows


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches, index rebuilds and full-text steps at a few dozen rows, so that a test of a few
    hundred rows takes every path a million-row import takes."""
    monkeypatch.setattr(store, "BATCH", 40)
    monkeypatch.setattr(store, "BULK", 100)
    monkeypatch.setattr(store, "FTS_EVERY", 90)


def import_(path: Path, rows: list[store.Row], **opts: Any) -> store.Summary:
    conn = store.connect_writable(path)
    try:
        return store.import_or_dry_run(conn, rows, store.Options(**opts))
    finally:
        conn.close()


def test_bulk_import_passes_check(fixture_db: Path, small_batches: None) -> None:
    summary = import_(fixture_db, bulk_rows(600), new_actors=True)
    assert summary.added == 600 + 7 and len(summary.new_actors) == 61
    assert check_database(fixture_db) == []  # counts, derived lists and digests, hash, FTS
    assert count(fixture_db, "SELECT count(*) FROM events WHERE id LIKE 'bulk-%'") == 600
    links = "SELECT count(*) FROM event_actors WHERE event LIKE 'bulk-%'"
    assert count(fixture_db, links) == 600 + 60 + 1
    quoted = "SELECT count(*) FROM event_actors WHERE actor = ?"
    assert count(fixture_db, quoted, 'The "Quoted" \\ actor') == 1
    assert count(fixture_db, "SELECT count(*) FROM event_notes WHERE event = 'bulk-0007'") == 1
    hits = "SELECT count(*) FROM events_fts WHERE events_fts MATCH '\"number 599\"'"
    assert count(fixture_db, hits) == 1
    indexes = "SELECT count(*) FROM sqlite_master WHERE type IN ('index', 'trigger')"
    fresh = store.init_database(fixture_db.parent / "fresh.sqlite", empty=True)
    assert fresh and count(fixture_db, indexes) == count(
        fixture_db.parent / "fresh.sqlite", indexes
    )
    # the same rows again change nothing
    again = import_(fixture_db, bulk_rows(600), new_actors=True)
    assert (again.added, again.unchanged) == (0, 607)
    assert check_database(fixture_db) == []


def test_bulk_import_with_a_clash_writes_nothing(fixture_db: Path, small_batches: None) -> None:
    before = build.content_hash(sqlite3.connect(fixture_db))
    rows = bulk_rows(600)
    again = (rows[3][1] or {}) | {"summary": "Another summary"}
    rows.insert(500, ("bulk.jsonl:x", again, None))  # an id used before, other content
    with pytest.raises(store.InvalidRows) as err:
        import_(fixture_db, rows, new_actors=True)
    assert err.value.problems == [
        "bulk.jsonl:x: id 'bulk-0003' is also used earlier in this import"
    ]
    assert build.content_hash(sqlite3.connect(fixture_db)) == before
    assert check_database(fixture_db) == []


def test_a_clash_of_made_ids_does_not_advise_replace(fixture_db: Path) -> None:
    """An import row without an id whose made id was another record's was told to pass
    --replace, which would overwrite that record; two rows alike got no hint at all."""
    row = {"type": "event", "date": "2013", "summary": "Talks held", "actors": ["Russia"],
           "topics": ["energy"], "source": "alpha-2013", "quote": "q"}  # fmt: skip
    import_(fixture_db, [("a.jsonl:1", row, None)])
    other = row | {"summary": "Talks held.", "actors": ["China"]}
    with pytest.raises(store.InvalidRows) as err:
        import_(fixture_db, [("b.jsonl:1", other, None)])
    (problem,) = err.value.problems
    assert "id '2013-talks-held' (made from its date and summary) exists" in problem
    assert "give it an id of its own" in problem
    twice = [("c.jsonl:1", other, None), ("c.jsonl:2", other | {"quote": "r"}, None)]
    with pytest.raises(store.InvalidRows) as err:
        import_(fixture_db, twice)
    assert err.value.problems[-1].endswith(
        "is also used at c.jsonl:1 (give each row an id of its own)"
    )
    given = [("d.jsonl:1", other | {"id": "2013-talks-held"}, None)]  # an id given: --replace
    with pytest.raises(store.InvalidRows) as err:
        import_(fixture_db, given)
    assert err.value.problems[0].endswith(
        "exists with different content (pass --replace to overwrite it)"
    )


def test_every_clash_of_a_failed_import_is_counted(fixture_db: Path, small_batches: None) -> None:
    """After the first problem nothing is written, but every later batch is still checked: all
    200 rows whose id exists with other content are counted, not the first batch's 40."""
    import_(fixture_db, bulk_rows(200), new_actors=True)
    before = build.content_hash(sqlite3.connect(fixture_db))
    changed = [
        (w, f if f and f.get("type") == "fact" else (f or {}) | {"summary": "Changed"}, p)
        for w, f, p in bulk_rows(200)
    ]
    with pytest.raises(store.InvalidRows) as err:
        import_(fixture_db, changed, new_actors=True)
    assert err.value.count == 200
    assert "exists with different content" in err.value.problems[-1]
    assert build.content_hash(sqlite3.connect(fixture_db)) == before


def test_a_dangling_fact_is_reported_beside_other_bad_rows(
    fixture_db: Path, small_batches: None
) -> None:
    """After the first bad row nothing is written, and facts' events were looked up only in
    the database: a fact naming no event was not reported until every other row was fixed."""
    rows: list[store.Row] = [("f.jsonl:1", EVENT | {"id": "bad", "date": "2014/2013"}, None)]
    rows += [(f"f.jsonl:{n}", EVENT | {"id": f"e{n}"}, None) for n in range(2, 100)]
    rows.append(("f.jsonl:100", FACT | {"id": "linked", "event": "e50", "type": "fact"}, None))
    rows.append(("f.jsonl:101", FACT | {"id": "dangling", "event": "nope", "type": "fact"}, None))
    with pytest.raises(store.InvalidRows) as err:
        import_(fixture_db, rows)
    assert err.value.count == 2
    assert err.value.problems[0].startswith("f.jsonl:1: event 'bad': field 'date'")
    assert err.value.problems[1] == (
        "f.jsonl:101: fact 'dangling': field 'event': 'nope' is not the id of any event"
    )


def test_the_problems_shown_are_the_first_in_the_file(fixture_db: Path) -> None:
    """Facts naming no event (lines 1-5) were found only when their batch was written, after
    the 25 bad events below them, and were not among the 20 shown."""
    rows: list[store.Row] = [
        (f"f.jsonl:{n}", FACT | {"id": f"f{n}", "event": f"nope-{n}", "type": "fact"}, None)
        for n in range(1, 6)
    ]
    rows += [
        (f"f.jsonl:{n}", EVENT | {"id": f"e{n}", "date": "2014/2013"}, None) for n in range(6, 31)
    ]
    with pytest.raises(store.InvalidRows) as err:
        import_(fixture_db, rows)
    assert err.value.count == 30 and len(err.value.problems) == 20
    assert [p.split(":")[1] for p in err.value.problems] == [str(n) for n in range(1, 21)]
    assert "the first 20 shown" in err.value.message


def test_a_fact_naming_no_event_is_reported_with_its_line(fixture_db: Path) -> None:
    fact = FACT | {"id": "dangling", "event": "nope", "type": "fact"}
    with pytest.raises(store.InvalidRows) as err:
        import_(fixture_db, [("f.jsonl:7", fact, None)])
    assert err.value.problems == [
        "f.jsonl:7: fact 'dangling': field 'event': 'nope' is not the id of any event"
    ]


def test_a_fact_naming_an_invalid_event_of_the_file_says_where_it_is(fixture_db: Path) -> None:
    """The event is in the file but invalid: "not the id of any event" sent the user looking
    for a missing row."""
    rows: list[store.Row] = [
        ("f.jsonl:3", EVENT | {"id": "e1", "date": "2014/2013"}, None),
        ("f.jsonl:4", FACT | {"id": "f1", "event": "e1", "type": "fact"}, None),
    ]
    with pytest.raises(store.InvalidRows) as err:
        import_(fixture_db, rows)
    assert err.value.problems[1] == (
        "f.jsonl:4: fact 'f1': field 'event': 'e1' is the event at f.jsonl:3, which is invalid"
    )


def test_bulk_import_repeating_a_row_counts_it_unchanged(
    fixture_db: Path, small_batches: None
) -> None:
    rows = bulk_rows(600)
    rows.insert(500, ("bulk.jsonl:x", rows[300][1], None))  # the same id, the same content
    rows.insert(560, ("bulk.jsonl:y", rows[11][1], None))  # the one linked from JSON
    summary = import_(fixture_db, rows, new_actors=True)
    assert (summary.added, summary.unchanged) == (600 + 7, 2)
    assert check_database(fixture_db) == []
    links = "SELECT count(*) FROM event_actors WHERE event LIKE 'bulk-%'"
    assert count(fixture_db, links) == 600 + 60 + 1


def test_writer_thread_error_rolls_back(
    fixture_db: Path, small_batches: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = build.content_hash(sqlite3.connect(fixture_db))
    calls = 0
    index = store._DeferredFts.index

    def failing(self: store._DeferredFts, table: str) -> None:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise sqlite3.OperationalError("disk I/O error")
        index(self, table)

    monkeypatch.setattr(store._DeferredFts, "index", failing)
    with pytest.raises(sqlite3.OperationalError, match="disk I/O error"):
        import_(fixture_db, bulk_rows(600), new_actors=True)
    assert build.content_hash(sqlite3.connect(fixture_db)) == before
    assert check_database(fixture_db) == []  # triggers and indexes are all back


def test_an_import_leaves_the_garbage_collector_as_it_was(
    fixture_db: Path, small_batches: None
) -> None:
    """The import freezes what is alive and collects less often; both undone after it, whether
    it wrote or failed (a library user's process keeps collecting as before)."""
    before = (gc.get_threshold(), gc.get_freeze_count(), gc.isenabled())
    import_(fixture_db, bulk_rows(200), new_actors=True)
    assert (gc.get_threshold(), gc.get_freeze_count(), gc.isenabled()) == before
    changed = [(w, (f or {}) | {"summary": "Changed"}, p) for w, f, p in bulk_rows(200)[:5]]
    with pytest.raises(store.InvalidRows):
        import_(fixture_db, changed, new_actors=True)
    assert (gc.get_threshold(), gc.get_freeze_count(), gc.isenabled()) == before


def test_upgrade_says_what_it_rewrote(fixture_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """It said 'up to date: nothing written' after rewriting the counts or a date's bounds."""
    from rusino.cli import run

    with sqlite3.connect(fixture_db) as conn:
        conn.execute("UPDATE metadata SET value = '5' WHERE key = 'events'")
        conn.execute("UPDATE events SET precision = 'decade' WHERE rowid = 1")
    conn.close()
    assert run(["--db", str(fixture_db), "db", "upgrade"]) == 0
    err = capsys.readouterr().err
    assert err.endswith(": 1 date bounded again; metadata rewritten\n"), err
    assert run(["--db", str(fixture_db), "db", "upgrade"]) == 0
    assert capsys.readouterr().err.endswith("is up to date: nothing written\n")


def test_check_judges_a_figure_as_add_does(fixture_db: Path) -> None:
    """check read the wording without the unit, so a per cent that add took as a fraction (a
    value 0.49 for "49", unit percent) was reported as wrong."""
    share = FACT | {"value": 0.49, "value_max": None, "unit": "percent", "as_written": "49"}
    add(fixture_db, "fact", share | {"id": "share"})
    assert check_database(fixture_db) == []


def test_summary_lines_count_in_words() -> None:
    """ "1 new topics", "already used by a event", "ok: 1 events" read wrong."""
    summary = store.Summary(added=1, new_actors=["A"], new_topics=["x", "y"])
    assert summary.line() == "1 added, 0 unchanged, 0 replaced, 1 new actor, 2 new topics"
    assert store._a("event") == "an event" and store._a("fact") == "a fact"


def test_the_note_of_quotes_not_looked_up_names_each_source() -> None:
    assert store.Summary().note() == ""
    assert store.Summary(unchanged=3, unlooked=["a"]).note() == ""  # nothing written: no note
    one = store.Summary(added=1, unlooked=["a"]).note()
    assert "the article of a, which is not at hand" in one
    two = store.Summary(added=1, unlooked=["a", "b"]).note()
    assert "the articles of a and b, which are not at hand" in two
    folder = store.Summary(replaced=1, unlooked=["a"], folder="/texts").note()  # set, without it
    assert folder == "note: quotes not looked up in the article of a, which is not in /texts"


def test_a_book_is_cited_as_a_book() -> None:
    """A book had been @misc, its title quoted as an article's and its publisher dropped."""
    book = {"id": "lo-2015", "authors": ["Lo, Bobo"], "title": "Russia and the New World Disorder",
            "date": "2015", "kind": "book", "publisher": "Brookings Institution Press"}  # fmt: skip
    assert query.chicago(book) == (
        "Lo, Bobo. 2015. Russia and the New World Disorder. Brookings Institution Press."
    )
    entry = query.bibtex(book)
    assert (
        entry.startswith("@book{lo-2015,") and "publisher = {Brookings Institution Press}" in entry
    )
    assert "howpublished" not in query.bibtex(book | {"publication": "Geopolitics"})
    # BibTeX's @book needs a publisher: without one, @misc (it had been a @book lacking it)
    assert query.bibtex(book | {"publisher": ""}).startswith("@misc{lo-2015,")
