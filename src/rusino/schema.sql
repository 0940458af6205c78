-- rusino database schema. Built by rusino.build from data/*.toml; read by rusino.query.
-- Lists (actors, topics, notes) live in join tables; dates are EDTF plus ISO bounds.
-- The join tables are WITHOUT ROWID: one b-tree each, keyed by their primary key, where a rowid
-- table would be two (its rows, and its primary key's index); a million-event import writes
-- millions of their rows. Lists are read in name (or note number) order.
CREATE TABLE sources (
    id TEXT PRIMARY KEY,
    authors TEXT NOT NULL,          -- JSON array of names, in the article's order
    title TEXT NOT NULL,
    publication TEXT NOT NULL,
    date TEXT NOT NULL,             -- EDTF
    date_start TEXT NOT NULL,
    date_end TEXT NOT NULL,
    kind TEXT NOT NULL,             -- journal article | op-ed | ...
    volume TEXT NOT NULL DEFAULT '',
    issue TEXT NOT NULL DEFAULT '',
    pages TEXT NOT NULL DEFAULT '',
    publisher TEXT NOT NULL DEFAULT '',
    url TEXT NOT NULL DEFAULT '',
    file TEXT NOT NULL DEFAULT ''   -- the article's text file name in RUSINO_SOURCES_DIR, for `check`
);
CREATE TABLE notes (
    source TEXT NOT NULL REFERENCES sources(id),
    number INTEGER NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (source, number)
);
CREATE TABLE actors (
    name TEXT PRIMARY KEY,
    kind TEXT NOT NULL,             -- state | organisation | bloc | person
    country TEXT NOT NULL DEFAULT '' -- canonical actor name, for an organisation or person
);
CREATE TABLE actor_aliases (
    alias TEXT PRIMARY KEY,         -- lower-case; every actor's own name is one
    actor TEXT NOT NULL REFERENCES actors(name)
);
CREATE TABLE topics (
    name TEXT PRIMARY KEY,
    description TEXT NOT NULL DEFAULT ''
);
CREATE TABLE topic_aliases (
    alias TEXT PRIMARY KEY,         -- lower-case; every topic's own name is one
    topic TEXT NOT NULL REFERENCES topics(name)
);
-- An event's last four columns are derived, written with the row by every rusino writer and
-- proven by `rusino check` (`rusino db upgrade` rewrites them): the link tables' lists, so that a
-- listing reads an event without three lookups, and the digest of the event's content, so that
-- `rusino diff` compares two databases without reading every field of both.
CREATE TABLE events (
    id TEXT PRIMARY KEY,
    date TEXT NOT NULL,             -- EDTF
    date_start TEXT NOT NULL,       -- strict lower bound, ISO yyyy-mm-dd
    date_end TEXT NOT NULL,         -- strict upper bound, ISO yyyy-mm-dd
    date_text TEXT NOT NULL,
    precision TEXT NOT NULL,        -- day | month | season | year | decade
    inferred INTEGER NOT NULL DEFAULT 0,
    in_window INTEGER NOT NULL,
    summary TEXT NOT NULL,
    source TEXT NOT NULL REFERENCES sources(id),
    quote TEXT NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    actor_list TEXT NOT NULL DEFAULT '',  -- derived (see above): actors, sorted, joined by U+001F
    topic_list TEXT NOT NULL DEFAULT '',  -- derived: topics, likewise
    note_list TEXT NOT NULL DEFAULT '',   -- derived: note numbers, likewise
    digest TEXT NOT NULL DEFAULT ''       -- derived: sha256 (hex) of the content, as content_hash sums it
);
CREATE TABLE event_actors (
    event TEXT NOT NULL REFERENCES events(id),
    actor TEXT NOT NULL REFERENCES actors(name),
    PRIMARY KEY (event, actor)
) WITHOUT ROWID;
CREATE TABLE event_topics (
    event TEXT NOT NULL REFERENCES events(id),
    topic TEXT NOT NULL REFERENCES topics(name),
    PRIMARY KEY (event, topic)
) WITHOUT ROWID;
CREATE TABLE event_notes (
    event TEXT NOT NULL REFERENCES events(id),
    source TEXT NOT NULL,
    number INTEGER NOT NULL,
    PRIMARY KEY (event, number),
    FOREIGN KEY (source, number) REFERENCES notes(source, number)
) WITHOUT ROWID;
CREATE TABLE facts (
    id TEXT PRIMARY KEY,
    subject TEXT NOT NULL,
    value NUMERIC NOT NULL,
    value_max NUMERIC,              -- NULL unless a range
    unit TEXT NOT NULL,
    qualifier TEXT NOT NULL DEFAULT 'exact',
    as_written TEXT NOT NULL,
    date TEXT NOT NULL,
    date_start TEXT NOT NULL,
    date_end TEXT NOT NULL,
    date_text TEXT NOT NULL,
    precision TEXT NOT NULL,
    inferred INTEGER NOT NULL DEFAULT 0,
    in_window INTEGER NOT NULL,
    kind TEXT NOT NULL,
    source TEXT NOT NULL REFERENCES sources(id),
    event TEXT REFERENCES events(id),  -- NULL when the figure belongs to no event
    quote TEXT NOT NULL,
    comment TEXT NOT NULL DEFAULT ''
);
CREATE TABLE fact_actors (
    fact TEXT NOT NULL REFERENCES facts(id),
    actor TEXT NOT NULL REFERENCES actors(name),
    PRIMARY KEY (fact, actor)
) WITHOUT ROWID;
CREATE TABLE fact_topics (
    fact TEXT NOT NULL REFERENCES facts(id),
    topic TEXT NOT NULL REFERENCES topics(name),
    PRIMARY KEY (fact, topic)
) WITHOUT ROWID;
CREATE TABLE fact_notes (
    fact TEXT NOT NULL REFERENCES facts(id),
    source TEXT NOT NULL,
    number INTEGER NOT NULL,
    PRIMARY KEY (fact, number),
    FOREIGN KEY (source, number) REFERENCES notes(source, number)
) WITHOUT ROWID;
CREATE TABLE metadata (
    key TEXT PRIMARY KEY,           -- schema_version, events, events_in_window, facts, actors,
    value TEXT NOT NULL             -- topics, sources, notes, content_hash
);
CREATE INDEX events_by_start ON events (date_start, date_end);
CREATE INDEX events_by_end ON events (date_end);
CREATE INDEX events_by_source ON events (source);
CREATE INDEX event_actors_by_actor ON event_actors (actor, event);
CREATE INDEX event_topics_by_topic ON event_topics (topic, event);
CREATE INDEX facts_by_start ON facts (date_start, date_end);
CREATE INDEX facts_by_source ON facts (source);
CREATE INDEX facts_by_event ON facts (event);
CREATE INDEX fact_actors_by_actor ON fact_actors (actor, fact);
CREATE INDEX fact_topics_by_topic ON fact_topics (topic, fact);
-- Full-text tables (FTS5, content= the base table, with triggers) are added by sqlite-utils'
-- enable_fts: events_fts(summary, quote, date_text) and facts_fts(subject, as_written, quote, date_text).
