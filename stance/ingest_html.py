"""Saved web pages (.html/.htm) as articles: the body by trafilatura, the date by htmldate.

Analysts save articles from the browser. A saved page holds the article among navigation,
ads, comment threads and related links; trafilatura keeps the main text (comments and tables
left out) and reads title, canonical URL and site name from the page's metadata (``<title>``,
Open Graph, JSON-LD). htmldate finds the publication date (``original_date``: when it was
first published, not last modified) in metadata, JSON-LD, the URL or, as a last resort, the
page's text. A page without a readable body, or without a date when no ``--date`` was given,
is a reject with the reason, as for any other bad record.
"""
from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from urllib.parse import urlsplit

logger = logging.getLogger(__name__)

HTML_SUFFIXES = (".html", ".htm")
# Less main text than this is a banner, a headline or an ad (trafilatura falls back to them), not an article.
MIN_BODY_CHARS = 150


def read_html(path: Path, default_date: dt.date | None) -> tuple[dict[str, str], str | None]:
    """The fields of one saved page (``text, title, url, source, date``), or ({}, reason it cannot be read)."""
    import htmldate
    import trafilatura

    raw = path.read_bytes()
    if not raw.strip():
        return {}, "empty file"
    html = trafilatura.load_html(raw)
    if html is None:
        return {}, "not readable as HTML"
    # No deduplicate=True: trafilatura's cache spans calls, so a page read twice would come back empty.
    text = trafilatura.extract(html, include_comments=False, include_tables=False, favor_precision=True) or ""
    if len(text.strip()) < MIN_BODY_CHARS:
        return {}, (f"no readable article body in the page ({len(text.strip())} characters of main text "
                    "after removing navigation, ads and comments)")
    meta = trafilatura.extract_metadata(html)
    url = (meta.url if meta and meta.url else "") or ""
    title = (meta.title if meta and meta.title else "") or ""
    source = (meta.sitename if meta and meta.sitename else "") or (urlsplit(url).hostname or "") or path.stem
    found = htmldate.find_date(html, original_date=True, outputformat="%Y-%m-%d", extensive_search=True,
                               url=url or None)
    day = dt.date.fromisoformat(found) if found else default_date
    if day is None:
        return {}, "no publication date in the page's metadata, URL or text; pass --date YYYY-MM-DD"
    if not found:
        logger.info("%s: no publication date in the page; using --date %s", path, day)
    return {"text": text.strip(), "title": title.strip(), "url": url.strip(), "source": source.strip(),
            "date": day.isoformat()}, None
