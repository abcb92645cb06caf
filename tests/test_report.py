import html
import re
import shutil
import subprocess
from html.parser import HTMLParser

import matplotlib.image as mpimg
import pytest

from stance.report import md_escape, md_link, safe_url, slugify, write_reports
from stance.shifts import ShiftConfig, detect_shifts
from stance.synthetic import make_demo_statements

XSS = "<script>alert(1)</script>"
EVIL_ATTR_URL = 'https://example.org/x"onmouseover="alert(1)'


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _tags(text):
    parser = _Tags()
    parser.feed(text)
    return parser.tags


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    df = make_demo_statements()
    # Hostile content where a real article could put it: inside a quote, a speaker, a URL.
    first_iran = df.index[df["actor"] == "Iran"][1]
    df.loc[first_iran, "text"] = f"We reject this {XSS} plan | outright [click](javascript:alert(1))"
    df.loc[first_iran, "speaker"] = "Minister <b>bold</b>"
    df.loc[df.index[df["actor"] == "Iran"][2], "url"] = "javascript:alert(1)"
    df.loc[df.index[df["actor"] == "Iran"][3], "url"] = EVIL_ATTR_URL
    df["background"] = ""
    df.loc[df.index[df["actor"] == "Iran"][4], "background"] = f"cue dated earlier (in {XSS} | 1999)"
    shifts = detect_shifts(df, config=ShiftConfig(n_boot=300))
    out = tmp_path_factory.mktemp("report")
    return df, shifts, out, write_reports(df, shifts, out, title="Test report")


def test_layout(built):
    df, _, out, result = built
    assert result["index"] == out / "index.html" and result["index"].exists()
    assert set(result["actors"]) == {"Iran", "Russia"}  # the unattributed row gets no report
    for paths in result["actors"].values():
        for key in ("html", "md", "chart"):
            assert paths[key].exists() and paths[key].stat().st_size > 1000
    assert (out / "charts" / "heatmap_current.png").exists() and (out / "charts" / "heatmap_change.png").exists()


def test_html_is_self_contained_and_shows_the_quotes(built):
    _, shifts, _, result = built
    page = result["actors"]["Iran"]["html"].read_text(encoding="utf-8")
    tags = _tags(page)
    imgs = [a["src"] for t, a in tags if t == "img"]
    assert imgs and all(src.startswith("data:image/png;base64,") for src in imgs)
    assert not [t for t, a in tags if t == "link" or (t == "script")]
    text = html.unescape(page)
    for s in (s for s in shifts if s.actor == "Iran"):
        for q in s.before_quotes + s.after_quotes:
            assert q.text in text and q.source in text and q.date.isoformat() in text
    assert "terrorist groups" in text and "legal occupants" in text  # framing table


@pytest.mark.parametrize("page", ["reports/iran.html", "index.html"])
def test_hostile_text_comes_out_inert(built, page):
    _, _, out, _ = built
    raw = (out / page).read_text(encoding="utf-8")
    tags = _tags(raw)
    assert "script" not in [t for t, _ in tags]
    assert "b" not in [t for t, _ in tags]
    for _, attrs in tags:
        assert not any(name.startswith("on") for name in attrs)
        href = attrs.get("href")
        if href is not None:
            assert href.startswith(("https://", "http://", "../", "reports/", "charts/")) or href.endswith(".md")
            assert "javascript" not in href.lower()
    if page.startswith("reports/"):
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw


def test_markdown_neutralises_html_and_keeps_tables_intact(built):
    _, _, _, result = built
    md = result["actors"]["Iran"]["md"].read_text(encoding="utf-8")
    assert "<script" not in md and "<b>" not in md
    assert "&lt;script&gt;" in md
    assert not re.search(r"(?<!\\)\]\(javascript", md), "a live javascript: link"
    assert "\\[click\\](javascript" in md  # shown, with its brackets escaped
    assert "../charts/iran.png" in md
    for block in md.split("\n\n"):
        lines = [ln for ln in block.splitlines() if ln.startswith("|")]
        if len(lines) < 2:
            continue
        widths = {ln.replace("\\|", "").count("|") for ln in lines}
        assert len(widths) == 1, f"a table row has a stray pipe: {lines}"


def test_recaps_are_listed_with_their_reason(built):
    _, _, out, result = built
    raw = result["actors"]["Iran"]["html"].read_text(encoding="utf-8")
    md = result["actors"]["Iran"]["md"].read_text(encoding="utf-8")
    assert "(recap: cue dated earlier (in &lt;script&gt;alert(1)&lt;/script&gt; | 1999))" in raw
    assert "(recap: cue dated earlier (in &lt;script&gt;alert(1)&lt;/script&gt; \\| 1999))" in md


@pytest.mark.parametrize("names,expected", [
    (["Iran", "iran", "IRAN!"], ["iran", "iran-2", "iran-3"]),
    (["../../etc/passwd"], ["etc-passwd"]),
    (["", "???"], ["actor", "actor-2"]),
    (["CON", "Türkiye"], ["con-actor", "turkiye"]),
    (["United States of America " * 5], ["united-states-of-america-united-states-of-america-united-sta"]),
])
def test_slugs_are_safe_and_unique(names, expected):
    taken = set()
    slugs = [slugify(n, taken) for n in names]
    assert slugs == expected
    assert all(len(s) <= 62 and all(c.isalnum() or c == "-" for c in s) for s in slugs)


@pytest.mark.parametrize("url,ok", [
    ("https://example.org/a?b=1", True), ("http://example.org", True), ("javascript:alert(1)", False),
    ("JAVASCRIPT:alert(1)", False), ("data:text/html,hi", False), ("//example.org", False), ("", False),
    ("https://exa mple.org", False), ("java\tscript:alert(1)", False), ("ftp://example.org", False),
])
def test_safe_url(url, ok):
    assert safe_url(url) == (url if ok else "")


@pytest.mark.parametrize("text,expected", [
    ("a | b", "a \\| b"), ("<i>x</i> & y", "&lt;i&gt;x&lt;/i&gt; &amp; y"),
    ("[x](javascript:1)", "\\[x\\](javascript:1)"),
    ("line\nbreak", "line break"), ("*bold* _it_", "\\*bold\\* \\_it\\_"),
])
def test_md_escape(text, expected):
    assert md_escape(text) == expected


def test_md_link_only_for_http():
    assert md_link("Outlet", "https://example.org/a(b)") == "[Outlet](https://example.org/a%28b%29)"
    assert md_link("Outlet", "javascript:alert(1)") == "Outlet"


def _chromium():
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.browser
@pytest.mark.skipif(_chromium() is None, reason="no chromium binary (apt-get install -y chromium)")
def test_report_renders_in_headless_chromium(built, tmp_path):
    _, _, _, result = built
    shot = tmp_path / "shot.png"
    cmd = [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}", "--window-size=1200,2000",
           result["actors"]["Iran"]["html"].resolve().as_uri()]
    subprocess.run(cmd, capture_output=True, timeout=90, check=False)
    assert shot.exists(), "chromium wrote no screenshot"
    assert shot.stat().st_size > 50_000  # a blank page is a few KB
    image = mpimg.imread(shot)
    assert image.shape[:2] == (2000, 1200)
    assert image[..., :3].std() > 0.05  # not a uniform (blank or error) page


def test_reports_rebuild_from_statements_csv(tmp_path):
    import pandas as pd

    df = make_demo_statements()
    df.to_csv(tmp_path / "statements.csv", index=False)
    back = pd.read_csv(tmp_path / "statements.csv")
    shifts = detect_shifts(back, config=ShiftConfig(n_boot=300))
    assert [(s.actor, s.date) for s in shifts] == [(s.actor, s.date) for s in
                                                   detect_shifts(df, config=ShiftConfig(n_boot=300))]
    result = write_reports(back, shifts, tmp_path / "out")
    assert set(result["actors"]) == {"Iran", "Russia"}


def test_emerging_shift_is_shown_apart_with_what_would_confirm_it(tmp_path):
    import dataclasses

    df = make_demo_statements()
    shifts = detect_shifts(df, config=ShiftConfig(n_boot=300))
    first = next(s for s in shifts if s.actor == "Iran")
    note = "emerging: the new side rests on 1 article (2024-12-08); confirmed when statements from 1 more article hold"
    marked = [dataclasses.replace(s, status="emerging", note=note) if s is first else s for s in shifts]
    result = write_reports(df, marked, tmp_path, title="Test report")
    page = html.unescape(result["actors"]["Iran"]["html"].read_text(encoding="utf-8"))
    assert page.count('class="shift emerging"') == 1 and note in page
    assert page.count('class="shift confirmed"') == sum(s.actor == "Iran" for s in shifts) - 1
    md = result["actors"]["Iran"]["md"].read_text(encoding="utf-8")
    assert "(emerging)" in md and "**Emerging:**" in md
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert index.count('class="badge emerging"') == 1
