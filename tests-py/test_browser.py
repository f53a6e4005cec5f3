"""Pages in a real browser: Debian's chromium driven by Playwright (no browser download).

Screenshots of the feed at desktop and phone widths are written to artifacts/.
"""
import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"chromium is not installed at {CHROMIUM} (Debian package 'chromium'); .ci/run installs it")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    errors = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    yield pg
    context.close()
    assert not errors, f"browser errors: {errors}"


def test_browse_days_open_a_paper_and_search(server, page):
    page.goto(server + "/")
    assert page.locator("main h2").first.inner_text() == "Wednesday, December 4, 2024"
    assert page.locator("article.card").count() == 15
    page.click("text=← Previous")
    assert page.url.endswith("/papers/date/2024-03-29")
    assert page.locator("main h2").first.inner_text() == "Friday, March 29, 2024"
    page.click("text=Next →")
    assert page.url.endswith("/papers/date/2024-12-04")
    page.click("nav.tabs >> text=Weekly")
    assert "/papers/week/2024-W49" in page.url
    page.goto(server + "/papers/date/2024-12-04")
    page.click("text=Free Process Rewards without Process Labels")
    assert page.url.endswith("/papers/2412.01981")
    assert page.locator("h1").inner_text() == "Free Process Rewards without Process Labels"
    assert "Lifan Yuan" in page.locator(".author-list").inner_text()
    page.fill("header input[type=search]", "process rewards")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=process+rewards")
    assert page.locator("article.card h3", has_text="Free Process Rewards").count() == 1


def test_screenshots_at_desktop_and_phone_widths(browser, server):
    ARTIFACTS.mkdir(exist_ok=True)
    for name, size, scheme in [("feed-desktop", (1280, 900), "light"), ("feed-phone", (390, 844), "light"),
                               ("feed-desktop-dark", (1280, 900), "dark")]:
        context = browser.new_context(viewport={"width": size[0], "height": size[1]}, color_scheme=scheme)
        pg = context.new_page()
        pg.goto(server + "/")
        # Nothing is wider than the screen: no sideways scrolling on a phone.
        assert pg.evaluate("document.documentElement.scrollWidth") <= size[0]
        pg.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)
        context.close()
    assert (ARTIFACTS / "feed-phone.png").stat().st_size > 10_000


CONTRAST_JS = """
() => {
  function rgb(s) { const m = s.match(/[\\d.]+/g).map(Number); return {r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1}; }
  function lum(c) { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
                    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); }
  function background(el) {
    for (let e = el; e; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.backgroundImage !== 'none') return null;  // gradients are checked by eye, not here
      const c = rgb(s.backgroundColor); if (c.a > 0.99) return c;
    }
    return {r: 255, g: 255, b: 255, a: 1};
  }
  const failures = [];
  for (const el of document.querySelectorAll('main *, header *, footer *')) {
    if (el.closest('[aria-hidden=true]') || el.disabled || el.closest('[disabled]')) continue;
    const text = [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent.trim()).join('');
    if (!text || el.getClientRects().length === 0) continue;
    const s = getComputedStyle(el); const bg = background(el); if (!bg) continue;
    const fg = rgb(s.color); const l1 = lum(fg), l2 = lum(bg);
    const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    const large = parseFloat(s.fontSize) >= 24 || (parseFloat(s.fontSize) >= 18.66 && parseInt(s.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5)) failures.push(`${el.tagName}.${el.className} "${text.slice(0, 30)}" ${ratio.toFixed(2)}`);
  }
  return failures;
}
"""


@pytest.mark.parametrize("path", ["/", "/papers/2412.01981", "/search?q=process", "/docs", "/stats", "/no/such/page"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_accessibility_of_the_main_pages(browser, server, path, scheme):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    pg = context.new_page()
    pg.goto(server + path)
    # Landmarks: one banner, one main, one contentinfo; navigation regions are named.
    assert pg.locator("header.site").count() == 1 and pg.locator("main").count() == 1 and pg.locator("footer.site").count() == 1
    for nav in pg.locator("nav").all():
        assert nav.get_attribute("aria-label"), "a <nav> without a name"
    assert pg.locator("h1").count() >= 1
    assert pg.evaluate("document.documentElement.lang") == "en"
    # Every form control has a label.
    unlabeled = pg.evaluate("""() => [...document.querySelectorAll('input, select, textarea')].filter(i =>
        !(i.labels && i.labels.length) && !i.getAttribute('aria-label') && i.type !== 'hidden').map(i => i.outerHTML)""")
    assert not unlabeled, unlabeled
    # Images have alternative text (decorative ones an empty alt).
    assert pg.evaluate("[...document.images].every(i => i.hasAttribute('alt'))")
    # Text contrast, WCAG AA.
    failures = pg.evaluate(CONTRAST_JS)
    assert not failures, failures
    # Keyboard: the first Tab reaches the skip link, which is visible when focused and leads to main.
    pg.keyboard.press("Tab")
    focused = pg.evaluate("document.activeElement.className")
    assert focused == "skip"
    assert pg.evaluate("document.activeElement.getBoundingClientRect().left >= 0")
    pg.keyboard.press("Tab")
    outline = pg.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", ""), "focused element shows no outline"
    context.close()
