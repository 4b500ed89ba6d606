"""The HTML bulletin in a real browser: headless Chromium (Debian's ``chromium``) at a phone's
375 px and a desktop's 1280 px — no horizontal overflow, every story present, no script of its own.

The bulletin has no script, so a wrapper page shows it in an iframe of the width under test and
measures it: the page's scroll width, any element reaching past the viewport and the headlines go
into a ``<pre>`` that ``--dump-dom`` prints.  Screenshots at both widths are taken too;
``pytest --update-golden`` copies them to docs/ for the README.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from digest.model import Digest, DigestEntry, Item, Summary
from digest.render import render_digest
from tests.render.test_editions_render import zh_edition

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)"),
    pytest.mark.slow,
    pytest.mark.timeout(300),  # above the browser's own bound below
]
DOCS = Path(__file__).parent.parent.parent / "docs"
TZ = ZoneInfo("Asia/Shanghai")
WIDTHS = (375, 1280)

# The page is shown in an iframe exactly as wide as the screen being checked (headless Chromium will
# not make its window narrower than 500 px); srcdoc keeps the iframe same-origin, so the wrapper's
# script can measure inside it.  The bulletin itself carries no script.
WRAPPER = """<!DOCTYPE html>
<html><body style="margin:0">
<iframe id="bulletin" style="width:{width}px;height:3000px;border:0;display:block" srcdoc="{page}"></iframe>
<script>
document.getElementById("bulletin").addEventListener("load", (event) => {{
  const inner = event.target.contentDocument;
  const root = inner.documentElement;
  const wide = [...inner.querySelectorAll("body *")]
    .filter((element) => element.getBoundingClientRect().right > root.clientWidth + 0.5)
    .map((element) => element.tagName + "." + element.className);
  const result = {{
    innerWidth: event.target.contentWindow.innerWidth,
    clientWidth: root.clientWidth,
    scrollWidth: root.scrollWidth,
    scripts: inner.scripts.length,
    title: inner.title,
    overflowing: wide,
    headlines: [...inner.querySelectorAll(".headline")].map((h) => h.textContent.trim()),
  }};
  const out = document.createElement("pre");
  out.id = "layout-result";
  out.textContent = JSON.stringify(result);
  document.body.appendChild(out);
}});
</script>
</body></html>
"""


def _chromium(profile: Path, width: int, *args: str) -> str:
    assert CHROMIUM is not None
    command = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--hide-scrollbars", f"--user-data-dir={profile}", f"--window-size={width},900",
        "--run-all-compositor-stages-before-draw", *args,
    ]  # fmt: skip
    # Generous: with the suite running in parallel on a small machine, starting a browser can take
    # tens of seconds.  This bounds a hung browser, it does not measure speed.
    done = subprocess.run(command, capture_output=True, text=True, timeout=240, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def stress_digest() -> Digest:
    """The Chinese edition plus what breaks narrow layouts: a long unbroken URL-like word in a
    title, a long English word, and hostile markup in a title."""
    base = zh_edition()
    when = datetime(2026, 4, 24, 21, 0, tzinfo=UTC)
    extra = [
        Item(id="t:long", title="长标题" * 12 + "https://news.example.com/" + "a" * 80, text="…",
             language="zh", fetched=when, source="开封手机报", url="https://news.example.com/" + "b" * 200,
             summary=Summary("Pneumonoultramicroscopicsilicovolcanoconiosis" * 3 + "。", "lead")),
        Item(id="t:hostile", title='<img src=x onerror="document.title=1"><script>alert(1)</script>',
             text="…", language="zh", fetched=when, source="测试",
             summary=Summary("<b>粗体</b>正文", "lead")),
    ]  # fmt: skip
    entries = (*base.entries, *(DigestEntry.single(item) for item in extra))
    groups = (*base.groups, "其他", "其他")
    return Digest(entries=entries, generated=base.generated, title=base.title, groups=groups,
                  start=base.start, end=base.end, edition=base.edition, lang=base.lang)  # fmt: skip


def _measure(tmp_path: Path, page: str, width: int) -> dict[str, Any]:
    wrapper = tmp_path / f"measure-{width}.html"
    wrapper.write_text(WRAPPER.format(width=width, page=html.escape(page, quote=True)), encoding="utf-8")
    # The virtual time budget lets the page's load handlers run before the DOM is printed.
    args = ("--virtual-time-budget=5000", "--dump-dom", wrapper.as_uri())
    dom = _chromium(tmp_path / f"profile-{width}", max(WIDTHS) + 100, *args)
    match = re.search(r'<pre id="layout-result">(.*?)</pre>', dom, re.DOTALL)
    assert match, "the measuring script did not run"
    result: dict[str, Any] = json.loads(html.unescape(match.group(1)))
    return result


@pytest.mark.parametrize("width", WIDTHS)
def test_no_horizontal_overflow_and_every_story_present(tmp_path: Path, width: int) -> None:
    digest = stress_digest()
    page = render_digest(digest, "html", tz=TZ)
    result = _measure(tmp_path, page, width)
    assert result["innerWidth"] == width  # measured at the width asked for
    assert result["scrollWidth"] <= result["clientWidth"], result
    assert result["overflowing"] == []
    assert result["scripts"] == 0  # hostile titles included
    assert result["title"].startswith(digest.title)  # an onerror handler would have changed it
    assert len(result["headlines"]) == len(digest.entries)
    for entry, headline in zip(digest.entries, result["headlines"], strict=True):
        assert entry.item.title in headline  # hostile markup shows as its text


@pytest.mark.parametrize("width", WIDTHS)
def test_screenshot_at_each_width(tmp_path: Path, width: int, request: pytest.FixtureRequest) -> None:
    page = tmp_path / "bulletin.html"
    page.write_text(render_digest(zh_edition(), "html", tz=TZ), encoding="utf-8")
    shot = tmp_path / f"bulletin-{width}.png"
    _chromium(tmp_path / "profile", width, f"--screenshot={shot}", page.as_uri())
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert int.from_bytes(data[16:20], "big") == width  # the IHDR width
    if request.config.getoption("--update-golden"):
        DOCS.mkdir(exist_ok=True)
        shutil.copyfile(shot, DOCS / f"bulletin-{width}.png")
