"""Saved web pages as input: pages we write ourselves, with the clutter real saved pages carry."""
import datetime as dt
import json

import pytest

from stance.ingest import IngestError, discover_files, read_articles

pytest.importorskip("trafilatura")
pytest.importorskip("htmldate")

BODY = (
    "<p>The foreign minister of Freedonia said on Tuesday that her government no longer considers Sylvania "
    "a threat and wants to open a new page in relations between the two neighbours.</p>"
    "<p>\"We have spent too many years trading accusations across the river,\" she told reporters in the "
    "capital after a two-hour meeting with her Sylvanian counterpart.</p>"
    "<p>Officials from both ministries will meet again next month to discuss reopening the border crossing, "
    "closed since the dispute over fishing rights began.</p>"
)
CLUTTER_TOP = (
    "<header><nav><ul><li><a href='/'>Home</a></li><li><a href='/world'>World</a></li>"
    "<li><a href='/sport'>Sport</a></li><li><a href='/weather'>Weather</a></li></ul></nav></header>"
    "<div class='cookie-banner'>We use cookies to improve your experience. Accept all cookies</div>"
    "<div class='ad advert'>ADVERTISEMENT: Buy the amazing Gizmo 3000 today with free shipping</div>"
)
CLUTTER_BOTTOM = (
    "<aside class='related'><h3>Related stories</h3><ul><li><a href='/a'>Ten recipes for a rainy weekend</a></li>"
    "<li><a href='/b'>Local team wins the regional cup</a></li></ul></aside>"
    "<section id='comments' class='comments'><h3>Comments</h3>"
    "<div class='comment'><p>Reader99: I never trusted the ministry anyway, what a waste of time.</p></div>"
    "<div class='comment'><p>Anna: Finally some good news from the river towns.</p></div></section>"
    "<footer><p>Copyright The Daily Example. All rights reserved.</p><a href='/privacy'>Privacy policy</a></footer>"
)


def page(*, head: str = "", body: str = BODY, top: str = CLUTTER_TOP, bottom: str = CLUTTER_BOTTOM) -> str:
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>{head}</head><body>{top}"
            f"<main><article><h1>Freedonia offers Sylvania a new page</h1>{body}</article></main>{bottom}"
            "</body></html>")


JSON_LD = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle",
                      "headline": "Freedonia offers Sylvania a new page", "datePublished": "2023-05-16T09:30:00Z",
                      "dateModified": "2023-06-02T11:00:00Z",
                      "publisher": {"@type": "Organization", "name": "The Daily Example"}})
FULL_HEAD = ("<title>Freedonia offers Sylvania a new page | The Daily Example</title>"
             "<link rel='canonical' href='https://daily.example.com/world/2023/05/16/freedonia-sylvania'>"
             "<meta property='og:site_name' content='The Daily Example'>"
             "<meta property='og:title' content='Freedonia offers Sylvania a new page'>"
             f"<script type='application/ld+json'>{JSON_LD}</script>")


def _read(tmp_path, html: str, name: str = "saved.html", **kwargs):
    path = tmp_path / name
    path.write_text(html, encoding="utf-8")
    return path, list(read_articles([path], **kwargs))


def test_page_body_without_clutter_and_metadata_from_the_page(tmp_path):
    path, (article,) = _read(tmp_path, page(head=FULL_HEAD))
    assert "no longer considers Sylvania a threat" in article.text
    assert "reopening the border crossing" in article.text
    for clutter in ("Weather", "cookies", "Gizmo 3000", "rainy weekend", "Reader99", "good news from the river",
                    "All rights reserved", "Privacy policy"):
        assert clutter not in article.text, clutter
    assert article.date == dt.date(2023, 5, 16)  # published, not modified
    assert article.url == "https://daily.example.com/world/2023/05/16/freedonia-sylvania"
    assert article.source == "The Daily Example"
    assert "Freedonia offers Sylvania a new page" in article.title
    assert article.origin == f"{path}:1" and article.id


@pytest.mark.parametrize("head,expected", [
    (f"<script type='application/ld+json'>{JSON_LD}</script>", dt.date(2023, 5, 16)),  # JSON-LD only
    ("<meta property='article:published_time' content='2022-11-21T08:00:00+00:00'>", dt.date(2022, 11, 21)),
    ("<link rel='canonical' href='https://news.example.org/2021/03/09/story-name'>", dt.date(2021, 3, 9)),  # URL
])
def test_publication_date_from_metadata_or_url(tmp_path, head, expected):
    _, (article,) = _read(tmp_path, page(head=head))
    assert article.date == expected


def test_page_without_date_is_rejected_unless_date_given(tmp_path):
    html = page(head="<title>Undated story</title>")
    path = tmp_path / "undated.html"
    path.write_text(html, encoding="utf-8")
    with pytest.raises(IngestError, match=r"undated\.html:1: no publication date .*--date"):
        list(read_articles([path]))
    rejects = tmp_path / "rejects.csv"
    assert list(read_articles([path], skip_bad=True, rejects_path=rejects)) == []
    assert "no publication date" in rejects.read_text(encoding="utf-8")
    (article,) = read_articles([path], default_date=dt.date(2024, 1, 2))
    assert article.date == dt.date(2024, 1, 2) and "Sylvania" in article.text


@pytest.mark.parametrize("html", [
    page(head=FULL_HEAD, body=""),  # a page of navigation, cookie banner, ads and comments only
    "",  # an empty save
])
def test_page_without_readable_body_is_rejected(tmp_path, html):
    path = tmp_path / "empty.htm"
    path.write_text(html, encoding="utf-8")
    rejects = tmp_path / "rejects.csv"
    assert list(read_articles([path], skip_bad=True, rejects_path=rejects, default_date=dt.date(2024, 1, 2))) == []
    reason = rejects.read_text(encoding="utf-8")
    assert "no readable article body" in reason or "empty file" in reason


def test_folders_pick_up_saved_pages(tmp_path):
    (tmp_path / "a.html").write_text(page(head=FULL_HEAD), encoding="utf-8")
    (tmp_path / "b.HTM").write_text(page(head=FULL_HEAD), encoding="utf-8")
    (tmp_path / "notes.md").write_text("not an article", encoding="utf-8")
    assert [p.name for p in discover_files([tmp_path])] == ["a.html", "b.HTM"]
    # the same page saved twice is one article
    assert len(list(read_articles([tmp_path]))) == 1


def test_statements_come_from_the_article_not_the_clutter(tmp_path):
    from stance.attribution import iter_statements
    from stance.watchlist import Watchlist

    watchlist_path = tmp_path / "watchlist.yaml"
    watchlist_path.write_text("entities:\n  - name: Freedonia\n    aliases: [Freedonia, Freedonian]\n"
                              "  - name: Sylvania\n    aliases: [Sylvania, Sylvanian]\n", encoding="utf-8")
    words = "<p>A Freedonian official said Sylvania cannot be trusted at all.</p>"
    comment = f"<div class='comment'>{words}</div>"
    _, (article,) = _read(tmp_path, page(head=FULL_HEAD, bottom=f"<section class='comments'>{comment}</section>"))
    ((_, found),) = list(iter_statements([article], Watchlist.from_yaml(watchlist_path)))
    assert found and {s.actor for s in found} == {"Freedonia"}
    assert any("no longer considers Sylvania a threat" in s.text for s in found)
    assert not any("cannot be trusted" in s.text for s in found)
    assert all(s.url == article.url and s.date == dt.date(2023, 5, 16) for s in found)
    # control: the same words inside the article are a statement
    _, (control,) = _read(tmp_path, page(head=FULL_HEAD, body=BODY + words), name="control.html")
    ((_, found),) = list(iter_statements([control], Watchlist.from_yaml(watchlist_path)))
    assert any("cannot be trusted" in s.text for s in found)
