"""The ingest stage: seeds cleaned as the gold file expects, bad input reported and survived."""

from __future__ import annotations

import io
import json
import os
import re
import time
from itertools import islice
from pathlib import Path

import pytest

from flashpoint.ingest import (
    BadInput,
    IngestOptions,
    clean_text,
    make_article,
    normalise_date,
    read_inputs,
    readers,
)
from flashpoint.model import Article, IngestError


def articles(items: list[Article | IngestError]) -> list[Article]:
    return [i for i in items if isinstance(i, Article)]


def errors(items: list[Article | IngestError]) -> dict[str, str]:
    return {e.origin: e.reason for e in items if isinstance(e, IngestError)}


def write_jsonl(path: Path, records: list[object | str]) -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


STORY = (
    "Gunmen kill two in Karbala\n\n"
    "Gunmen killed two people in Karbala on Sunday, police said.\n\n"
    "The attack happened at night near a checkpoint."
)


# ------------------------------------------------------------------------------------- seeds


@pytest.fixture
def gold(seeds_dir: Path) -> dict[str, dict]:
    gold_file = seeds_dir.parent / "gold" / "seeds.gold.json"
    if not gold_file.is_file():
        pytest.skip(f"gold file not found at {gold_file}")
    docs = json.loads(gold_file.read_text(encoding="utf-8"))["documents"]
    return {Path(d["file"]).stem: d for d in docs}


@pytest.fixture
def seed_articles(seeds_dir: Path) -> dict[str, Article]:
    items = list(read_inputs([str(seeds_dir)]))
    assert not errors(items)
    return {a.doc_id: a for a in articles(items)}


def test_seeds_match_gold_metadata(
    gold: dict[str, dict], seed_articles: dict[str, Article]
) -> None:
    assert set(seed_articles) == set(gold)
    for stem, doc in gold.items():
        article, expect = seed_articles[stem], doc["expect_metadata"]
        assert article.title == expect["title"]
        assert article.text.startswith(expect["title"] + "\n")
        assert article.text[: article.body_start].strip() == expect["title"]
        for boilerplate in expect["boilerplate_removed"]:
            assert boilerplate not in article.text
            assert any(boilerplate in line for line in article.removed)
        if "published" in expect:
            assert article.published == expect["published"]
        if expect.get("published_in_text", "absent") is None:
            assert article.published is None
        if "outlet" in expect:
            assert article.source == expect["outlet"]
        for span in article.metadata_evidence.values():
            assert article.text[span.start : span.end] == span.text
        assert article.id == Article.content_id(article.text)


def test_seed_003_metadata_evidence(seed_articles: dict[str, Article]) -> None:
    article = seed_articles["003_90859dd07eb196b6"]
    ev = article.metadata_evidence
    assert ev["published"].text == "3/18/19"
    assert ev["source"].text == "The Wall Street Journal"
    # read from "from The Wall Street Journal,\n3/18/19:", not from the bare posting date above it
    assert article.text[ev["source"].start - 5 : ev["published"].end + 1] == (
        "from The Wall Street Journal,\n3/18/19:"
    )


def test_seed_000_given_metadata(seeds_dir: Path, gold: dict[str, dict]) -> None:
    given = gold["000_1d81f38c2b56ac4f"]["given"]
    options = IngestOptions(published=given["published"], source=given["outlet"])
    [article] = read_inputs([str(seeds_dir / "000_1d81f38c2b56ac4f.txt")], options)
    assert article.published == "2019-04-15"
    assert article.source == "The National"
    assert article.metadata_evidence == {}
    assert article.text[article.body_start :].startswith("Militias have become")


def _sentences(line: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?:\"”])\s+", line) if any(c.isalnum() for c in s)]


def test_every_seed_sentence_survives(seeds_dir: Path, gold: dict[str, dict],
                                      seed_articles: dict[str, Article]) -> None:  # fmt: skip
    for stem, doc in gold.items():
        removed = doc["expect_metadata"]["boilerplate_removed"]
        text = seed_articles[stem].text
        raw = (seeds_dir / doc["file"]).read_text(encoding="utf-8")
        for line in raw.splitlines():
            line = " ".join(line.replace("\u00a0", " ").split())
            if not line or any(b in line for b in removed):
                continue
            for sentence in _sentences(line):
                assert sentence in " ".join(text.split()), sentence


# ------------------------------------------------------------------------------------- cleaning


@pytest.mark.parametrize(
    "line",
    [
        "Students pass ruins in Mosul, Iraq February 27, 2019. REUTERS/Khalid al-Mousily",
        "Smoke rises over Idlib. (AP Photo/Ghaith Alsayed)",
        "Fighters gather near Raqqa. AFP PHOTO / DELIL SOULEIMAN",
        "Displaced families in Idlib. Photo: AFP",
        "FILE PHOTO: A Syrian flag flutters in Damascus",
        "Rescue workers search the rubble (Photo by Omar Haj Kadour/AFP via Getty Images)",
        "Smoke over Gaza. EPA-EFE/MOHAMMED SABER",
        "Powered by automated translation",
        "< < Go Back",
        "Back to top",
        "More From The Wall Street Journal (subscription required):",
        "Share this article",
        "Share | Tweet | Email | Print",
        "Facebook Twitter WhatsApp",
        "Read more: Iraq's militias tighten their grip",
        "Related articles",
        "Sign up for our newsletter",
        "Advertisement",
        "Story continues below advertisement",
        "We use cookies to improve your experience on our site.",
        "Copyright 2019 The National. All rights reserved.",
        "© 2019 Reuters",
        "All rights reserved",
        "(Reporting by Ahmed Rasheed; Editing by Alison Williams)",
        "Click here to subscribe",
        "* * *",
        "|",
    ],
)
def test_boilerplate_lines_removed(line: str) -> None:
    cleaned = clean_text(f"{STORY}\n\n{line}\n\nThe police chief resigned.")
    assert line not in cleaned.text
    assert line.strip() in cleaned.removed
    assert "The police chief resigned." in cleaned.text


@pytest.mark.parametrize(
    "sentence",
    [
        "AFP reported that at least 12 people were killed in the strike.",
        "A Reuters/Ipsos poll found most Iraqis oppose the militias.",
        "BEIRUT (Reuters) - Air strikes killed 15 people in Idlib on Sunday, a monitor said.",
        "More than 30 fighters were killed from Monday to Wednesday.",
        "Copyright laws were not the concern of the militia commanders.",
        "Read the statement, he told the crowd, and judge for yourselves.",
        "Share prices fell in Baghdad after the attack.",
        "The photo showed the destroyed bridge in Mosul.",
        "Washington designated Iran's Islamic Revolutionary Guard Corps a terrorist group.",
        "Back in 2014, the group seized Mosul.",
        # no sentence word after "Tags": no cut (a wrong cut deletes article text; a missed one does not)
        "Tags were attached to the bodies of the 12 men killed in Zenda.",
        "Tags Zenda Strelsau Ruritania Elphberg Rassendyll Hentzau Tarlenheim Sapt",
    ],
)
def test_article_sentences_kept(sentence: str) -> None:
    cleaned = clean_text(f"{STORY}\n\n{sentence}")
    assert sentence in cleaned.text
    assert cleaned.removed == []


@pytest.mark.parametrize(
    ("line", "row", "rest"),
    [
        (  # the sentence starts at the last capitalised word before its first lowercase word
            "A monitor said so. Tags Ruritania Zenda Strelsau war Government air raids in a northern town "
            "killed 12 people on Monday.",
            "Tags Ruritania Zenda Strelsau war",
            "A monitor said so. Government air raids in a northern town killed 12 people on Monday.",
        ),
        (  # an opener word ("At") beats a later capitalised word
            "Tags Zenda shelling Strelsau Guards At least 9 Strelsau Guards were killed.",
            "Tags Zenda shelling Strelsau Guards",
            "At least 9 Strelsau Guards were killed.",
        ),
        (  # a past-tense verb is the sentence's, not a keyword
            "Tags Zenda Strelsau Ruritanian regime warplanes bombed Black Elphberg positions in the east.",
            "Tags Zenda Strelsau",
            "Ruritanian regime warplanes bombed Black Elphberg positions in the east.",
        ),
        (  # a row running into the page's closing chrome goes with it
            "The strike hit the depot. Tags airstrikes Zenda Ruritania Community standardsDiscussion Comment via "
            "Facebook",
            "Tags airstrikes Zenda Ruritania Community standardsDiscussion Comment via Facebook",
            "The strike hit the depot.",
        ),
    ],
)
def test_tag_rows_cut_inside_a_line(line: str, row: str, rest: str) -> None:
    """A "Tags" keyword row flattened into the article's text would parse as the next sentence's
    subject; it is cut where that sentence starts and listed as removed."""
    cleaned = clean_text(f"{STORY}\n\n{line}")
    assert cleaned.text == f"{STORY}\n\n{rest}"
    assert cleaned.removed == [row]


def test_normalisation_keeps_words_as_written() -> None:
    raw = (
        "Title\u200b here\r\n\r\n\r\n\r\n"
        "He said \u201cwe will return\u201d to Iraq\u2019s north.   \n"
        "\u202bCafe\u0301\u202c in Mosul\ufeff.\n"
        "\u00a0\n"
        "---\n"
        "Soft\u00adhyphen and non\u00a0breaking space.\x07\n\n\n"
    )
    cleaned = clean_text(raw)
    assert cleaned.text == (
        "Title here\n\n"
        "He said \u201cwe will return\u201d to Iraq\u2019s north.\n"
        "Caf\u00e9 in Mosul.\n\n"
        "Softhyphen and non breaking space."
    )
    assert cleaned.removed == ["---"]


# ------------------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2019-04-15", "2019-04-15"),
        ("2019-04-15T10:00:00Z", "2019-04-15"),
        ("3/18/19", "2019-03-18"),
        ("4/5/2017", "2017-04-05"),
        ("April 15, 2019", "2019-04-15"),
        ("15 April 2019", "2019-04-15"),
        ("Wed 05 Apr 2017", "2017-04-05"),
        ("Thu Aug 28 2014", "2014-08-28"),
        ("Mon, 15 Apr 2019 10:00:00 GMT", "2019-04-15"),
        ("26.11.2014", "2014-11-26"),
        ("Sept. 3, 2018", "2018-09-03"),
        ("2/30/19", None),
        ("April 2019", None),
        ("yesterday", None),
    ],
)
def test_normalise_date(value: str, iso: str | None) -> None:
    assert normalise_date(value) == iso


def test_fakes_style_dateline_read_from_body() -> None:
    text = (
        "Wed 05 Apr 2017 Syria attack symptoms consistent with nerve agent use WHO. Victims of "
        "a suspected chemical attack in Syria appeared to show symptoms consistent with reaction "
        "to a nerve agent the World Health Organization said on Wednesday."
    )
    article = make_article(text, title="Syria attack symptoms consistent with nerve agent use WHO")
    assert article.published == "2017-04-05"
    assert article.metadata_evidence["published"].text == "05 Apr 2017"
    # the dateline and the retold headline belong to the headline; the body starts with the lead
    assert article.text[article.body_start :].startswith("Victims of a suspected chemical attack")


@pytest.mark.parametrize(
    ("text", "title", "expected"),
    [
        (
            "Date of publication 11 September 2016 Aerial bombardment on a market killed five civilians on Sunday.",
            "Air raid kills five",
            "Date of publication 11 September 2016\nAerial bombardment on a market",
        ),
        (  # a retold headline before the dateline goes on its own line too
            "Army plane crashes in rebel-held town 3 August 2015 A military aircraft crashed in Ariha on Monday.",
            "Army plane crashes in rebel-held town",
            "rebel-held town\n3 August 2015\nA military aircraft",
        ),
        (
            "AFP Tuesday 23 Sep 2014 At least 12 people were killed in a blast in Homs.",
            "Blast kills 12 in Homs",
            "AFP Tuesday 23 Sep 2014\nAt least 12 people",
        ),
    ],
)
def test_a_dateline_opening_the_body_is_set_on_a_line_of_its_own(text: str, title: str, expected: str) -> None:
    """Headline, dateline and lead flattened into one line parse as one sentence ("Date" as the
    lead's subject); a line break for a space keeps every offset and ends the sentence."""
    article = make_article(text, title=title)
    assert expected in article.text
    assert article.text.replace("\n", " ").endswith(text)


def test_a_date_inside_the_lead_is_not_set_apart() -> None:
    text = "Twelve people were killed on 3 August 2015 In Idlib province, a monitor said."
    article = make_article(text, title="Twelve killed in Idlib")
    assert text in article.text


@pytest.mark.parametrize(
    ("title", "headline"),
    [
        ("Shelling kills four pupils in besieged town | Jordan Times", "Shelling kills four pupils in besieged town"),
        ("Five dead in blast near Hama - Region - World - Ahram Online", "Five dead in blast near Hama"),
        ("Damascus - explosion due to rocket shell", "Damascus - explosion due to rocket shell"),
        ("Homs | Mosul", "Homs | Mosul"),
    ],
)
def test_a_page_title_loses_the_site_name_only_when_it_is_a_known_outlet(title: str, headline: str) -> None:
    """The site's name is the outlet, not a party to the event: read in the headline it became an actor."""
    article = make_article("Shelling hit a school in the town on Monday, killing four pupils.", title=title)
    assert article.title == headline
    assert article.text.startswith(headline + "\n")


def test_agency_dateline_gives_source() -> None:
    article = make_article(
        "Air strikes kill 15 in Idlib\n\nBEIRUT (Reuters) - Air strikes killed 15 people on Sunday."
    )
    assert article.source == "Reuters"
    span = article.metadata_evidence["source"]
    assert article.text[span.start : span.end] == "Reuters"


# ------------------------------------------------------------------------------------- make_article


@pytest.mark.parametrize("text", ["", "   \n\t  "])
def test_make_article_rejects_empty_text(text: str) -> None:
    with pytest.raises(BadInput) as info:
        make_article(text)
    assert "empty" in info.value.reason
    assert isinstance(info.value, ValueError)


def test_make_article_rejects_text_that_is_all_boilerplate() -> None:
    with pytest.raises(BadInput, match="boilerplate"):
        make_article("Advertisement\n\nShare this article\n")


def test_same_text_same_id() -> None:
    a = make_article(STORY, doc_id="a")
    b = make_article(STORY, doc_id="b", origin="elsewhere")
    c = make_article(STORY.replace("\n\nGunmen", "\n\nAdvertisement\n\nGunmen"))
    assert a.id == b.id == c.id == Article.content_id(a.text)
    assert make_article(STORY + " Two more died later.").id != a.id


def test_given_title_becomes_first_line() -> None:
    article = make_article(
        "Gunmen killed two people in Karbala on Sunday.", title="  Karbala  attack "
    )
    assert article.title == "Karbala attack"
    assert article.text == "Karbala attack\n\nGunmen killed two people in Karbala on Sunday."
    assert article.text[article.body_start :].startswith("Gunmen")
    # a title the text already opens with is not repeated
    assert make_article(STORY, title="Gunmen kill two in Karbala").text == STORY


def test_options_precedence() -> None:
    text = "Clashes in Mosul\n\nMarch 18, 2019\n\nBAGHDAD (Reuters) - Clashes erupted in Mosul."
    opts = IngestOptions(published="2019-04-15", source="The National")
    from_text = make_article(text)
    assert (from_text.published, from_text.source) == ("2019-03-18", "Reuters")
    assert set(from_text.metadata_evidence) == {"published", "source"}
    from_options = make_article(text, options=opts)
    assert (from_options.published, from_options.source) == ("2019-04-15", "The National")
    assert from_options.metadata_evidence == {}
    explicit = make_article(text, published="April 16, 2019", source="AP", options=opts)
    assert (explicit.published, explicit.source) == ("2019-04-16", "AP")
    # an unusable explicit date is dropped, and the next source of the date applies
    assert make_article(text, published="not a date", options=opts).published == "2019-04-15"


def test_ingest_options_validate_flags() -> None:
    assert IngestOptions(published="3/18/19").published == "2019-03-18"
    with pytest.raises(ValueError, match="not a date"):
        IngestOptions(published="someday")
    with pytest.raises(ValueError, match="encoding"):
        IngestOptions(encoding="no-such-codec")


# ------------------------------------------------------------------------------------- files


def test_directory_walk_and_bad_inputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a_good.txt").write_text(STORY, encoding="utf-8")
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    (tmp_path / "sub" / "deeper" / "b_good.text").write_text(STORY + " More.", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text(STORY, encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "c.txt").write_text(STORY, encoding="utf-8")
    (tmp_path / "notes.md").write_text(STORY, encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_text("  \n\n\t \n", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20)
    (tmp_path / "controls.txt").write_bytes(bytes(range(1, 9)) * 50)
    (tmp_path / "latin1.txt").write_bytes(
        "Caf\u00e9 bombing\n\nA bomb hit a caf\u00e9.".encode("latin-1")
    )
    (tmp_path / "huge.txt").write_text("x" * 5000, encoding="utf-8")
    (tmp_path / "locked.txt").write_text(STORY, encoding="utf-8")
    os.symlink(tmp_path / "missing.txt", tmp_path / "dangling.txt")

    real_open = open

    def guarded_open(file, *args, **kwargs):  # type: ignore[no-untyped-def]
        name = Path(file).name
        assert name != "huge.txt", "an oversized file must be refused from its size, unread"
        if name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(readers, "open", guarded_open, raising=False)
    items = list(read_inputs([str(tmp_path)], IngestOptions(max_bytes=1000)))

    good = articles(items)
    assert [a.doc_id for a in good] == ["a_good", "b_good"]
    assert good[0].origin == str(tmp_path / "a_good.txt")
    assert good[0].title == "Gunmen kill two in Karbala"

    errs = errors(items)
    reason = {Path(origin).name: why for origin, why in errs.items()}
    assert set(reason) == {"empty.txt", "blank.txt", "binary.txt", "controls.txt", "latin1.txt",
                           "huge.txt", "locked.txt", "dangling.txt"}  # fmt: skip
    assert reason["empty.txt"] == "empty file"
    assert "empty" in reason["blank.txt"]
    assert "binary" in reason["binary.txt"] and "NUL" in reason["binary.txt"]
    assert "binary" in reason["controls.txt"]
    assert reason["latin1.txt"] == (
        "not valid UTF-8 (byte 0xe9 at offset 3); pass --encoding latin-1 if that is its encoding"
    )
    assert reason["huge.txt"] == "file is 5,000 bytes, over the 1,000-byte limit (max_bytes)"
    assert reason["locked.txt"] == "cannot read: Permission denied"
    assert "broken symbolic link" in reason["dangling.txt"]
    assert all("\n" not in why for why in errs.values())
    # order follows the sorted walk
    origins = [i.origin for i in items]
    assert origins == sorted(origins, key=lambda o: Path(o).relative_to(tmp_path).parts)


def test_encoding_option(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("Caf\u00e9 bombing\n\nA bomb hit a caf\u00e9 in Mosul.".encode("latin-1"))
    [article] = read_inputs([str(path)], IngestOptions(encoding="latin-1"))
    assert article.title == "Caf\u00e9 bombing"


def test_missing_path_and_sniffed_extension(tmp_path: Path) -> None:
    feed = write_jsonl(tmp_path / "feed.json", [{"id": "x", "text": STORY}])
    plain = tmp_path / "README"
    plain.write_text(STORY, encoding="utf-8")
    items = list(read_inputs([str(tmp_path / "nope.txt"), str(feed), str(plain)]))
    assert errors(items) == {str(tmp_path / "nope.txt"): "cannot read: no such file or directory"}
    assert [a.doc_id for a in articles(items)] == ["x", "README"]


# ------------------------------------------------------------------------------------- JSONL


def test_jsonl_fields_and_bad_lines(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "feed.jsonl",
        [
            {
                "id": "a1",
                "text": "Gunmen killed two people in Karbala on Sunday.",
                "title": "Karbala attack",
                "published": "2019-04-15T10:00:00Z",
                "source": "The National",
                "url": "https://example.org/a1",
            },
            '{"id": "broken", "text": "unterminated',
            "[1, 2, 3]",
            {"id": "no-text", "title": "Headline only"},
            {"id": "empty-text", "text": "   "},
            {"id": "number-text", "text": 42},
            "",
            {"id": 7, "text": STORY, "published": "not a date", "title": ["not", "a", "string"]},
            {"id": "huge", "text": "x" * 3000},
            {"id": "last", "text": STORY + " The end."},
        ],
    )
    items = list(read_inputs([str(path)], IngestOptions(max_bytes=2000)))
    good = articles(items)
    assert [a.doc_id for a in good] == ["a1", "7", "last"]
    first = good[0]
    assert (first.title, first.published, first.source, first.url) == (
        "Karbala attack",
        "2019-04-15",
        "The National",
        "https://example.org/a1",
    )
    assert first.origin == f"{path}:1"
    assert first.text.startswith("Karbala attack\n\n")
    assert first.metadata_evidence == {}
    assert good[1].published is None and good[1].title == "Gunmen kill two in Karbala"

    errs = errors(items)
    assert set(errs) == {f"{path}:{n}" for n in (2, 3, 4, 5, 6, 9)}
    assert errs[f"{path}:2"].startswith("malformed JSON: Unterminated string")
    assert errs[f"{path}:3"] == "expected a JSON object, got an array"
    for n in (4, 5, 6):
        assert '"text" must be a non-empty string' in errs[f"{path}:{n}"]
    assert "over the 2,000-byte limit" in errs[f"{path}:9"]


def test_jsonl_is_streamed() -> None:
    class EndlessFeed(io.RawIOBase):
        """A feed with no end: reading it whole would never return."""

        def __init__(self) -> None:
            self.n = 0
            self.pending = b""

        def readable(self) -> bool:
            return True

        def read(self, size: int = -1) -> bytes:
            assert size > 0, "the reader asked for the whole stream"
            while len(self.pending) < size:
                self.n += 1
                line = {"id": self.n, "text": f"Report {self.n}\n\nClashes in district {self.n}."}
                self.pending += json.dumps(line).encode() + b"\n"
            out, self.pending = self.pending[:size], self.pending[size:]
            return out

    first = list(islice(read_inputs(["-"], stdin=EndlessFeed()), 3))
    assert [a.doc_id for a in first] == ["1", "2", "3"]
    assert [a.origin for a in first] == ["stdin:1", "stdin:2", "stdin:3"]


# ------------------------------------------------------------------------------------- stdin


def test_stdin_jsonl_autodetected() -> None:
    data = "\ufeff  \n" + json.dumps({"id": "s1", "text": STORY}) + "\n" + "{oops\n"
    items = list(read_inputs([], stdin=io.BytesIO(data.encode("utf-8"))))
    assert [a.doc_id for a in articles(items)] == ["s1"]
    assert list(errors(items)) == ["stdin:3"]


def test_stdin_plain_text() -> None:
    items = list(
        read_inputs(["-"], IngestOptions(source="Rudaw"), stdin=io.BytesIO(STORY.encode()))
    )
    [article] = items
    assert article.origin == "stdin"
    assert article.title == "Gunmen kill two in Karbala"
    assert article.source == "Rudaw"
    assert article.doc_id is None


def test_stdin_errors() -> None:
    assert errors(list(read_inputs([], stdin=io.BytesIO(b" \n ")))) == {"stdin": "empty input"}
    bad = errors(list(read_inputs([], stdin=io.BytesIO("caf\u00e9".encode("latin-1")))))
    assert bad["stdin"].startswith("not valid UTF-8 (byte 0xe9 at offset 3)")


# ------------------------------------------------------------------------------------- HTML


PAGE = """<!DOCTYPE html><html><head>
<title>Gunmen kill two in Karbala | Example News</title>
<meta property="og:title" content="Gunmen kill two in Karbala">
<meta property="og:site_name" content="Example News">
<meta property="article:published_time" content="2019-04-15T10:00:00Z">
<link rel="canonical" href="javascript:alert(1)">
<style>p { color: red }</style><script>var secret = "SCRIPT TEXT";</script>
</head><body><nav><a href="/">Home</a></nav><article><h1>Gunmen kill two in Karbala</h1>
<p>Gunmen killed two people in the Iraqi city of Karbala on Sunday, police officials said, in
the latest attack on civilians in the province. The victims were shot at a checkpoint.</p>
<p>A local security official said the gunmen fled in a white car and that an investigation had
been opened. No group has claimed responsibility for the shooting so far, officials said.</p>
<p>Advertisement</p>
<p>Residents said tension had risen in the city in recent weeks after a string of killings.</p>
</article><footer>Copyright 2019 Example News. All rights reserved.</footer></body></html>"""


def test_html_file(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(PAGE, encoding="utf-8")
    [article] = read_inputs([str(tmp_path)])
    assert article.title == "Gunmen kill two in Karbala"
    assert article.published == "2019-04-15"
    assert article.source == "Example News"
    assert article.url is None  # a javascript: URL is no URL
    assert article.doc_id == "page"
    assert "Gunmen killed two people" in article.text
    assert "SCRIPT TEXT" not in article.text and "color: red" not in article.text
    assert "Advertisement" not in article.text


def test_hostile_html_never_crashes(tmp_path: Path) -> None:
    nest = 50_000
    pages = {
        "deep.html": "<html><body>" + "<div>" * nest + "<p>Deep text.</p>" + "</div>" * nest,
        "onetag.htm": "<html><body><p>" + "word " * 200_000 + "</p></body></html>",
        "scripts.html": "<html><head><script>alert('x')</script><style>b{}</style></head><body>"
                        "<script>document.write('evil')</script></body></html>",
        "links.xhtml": "<html><body><a href='javascript:alert(1)'>Clashes</a></body></html>",
        "malformed.html": "<html><body><p>Unclosed <b>bold <i>italic</p></div></span>"
                          "<p>Clashes & <<>> shelling</body",
        "empty.html": "<html></html>",
    }  # fmt: skip
    for name, html in pages.items():
        (tmp_path / name).write_text(html, encoding="utf-8")
    started = time.monotonic()
    items = list(read_inputs([str(tmp_path)]))
    assert time.monotonic() - started < 5
    assert len(items) == len(pages)
    errs = {Path(o).name: why for o, why in errors(items).items()}
    assert errs["scripts.html"] == "no article text found in HTML"
    assert errs["empty.html"] == "no article text found in HTML"
    texts = {Path(a.origin).name: a.text for a in articles(items)}
    assert "evil" not in " ".join(texts.values())
    assert "Clashes" in texts["malformed.html"]


def test_a_body_that_retells_its_headline_starts_after_it() -> None:
    """Flattened web pages repeat the headline after a dateline; the repeat belongs to the headline,
    so the lead's event is not told (and coded) twice."""
    body = ("Mon 04 Mar 2019 Car bomb kills six in Baquba. A car bomb exploded near a market in Baquba "
            "on Monday, killing six people.")
    article = make_article(body, title="Car bomb kills six in Baquba")
    assert article.text[article.body_start:].startswith("A car bomb exploded")
    # a headline whose words only recur later in the story is not cut
    later = "Police said a car bomb exploded in Baquba on Monday. " * 3 + "Car bomb kills six in Baquba."
    article = make_article(later, title="Car bomb kills six in Baquba")
    assert article.text[article.body_start:].startswith("Police said")
