"""Saving a paper (with and without JavaScript), arranging a collection, sharing it and exporting it, in a real
browser, the exports read by the reference managers' own parsers; then "For you" and "not interested"."""
import json

import bibtexparser
import rispy
from playwright.sync_api import expect

from test_browser import browser  # noqa: F401  (the shared chromium fixture)
from test_community_browser import sign_up


def test_save_collect_arrange_share_and_export(browser, live):  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    sign_up(page, live.base, live.mail, "collector1")

    # Saved with the script: in place, the same document.
    page.goto(live.base + "/papers/2412.01981")
    save = page.locator("main .meta form.save button")
    expect(save).to_have_attribute("aria-pressed", "false")
    page.evaluate("window.__stillHere = true")
    save.click()
    expect(page.locator("main .meta form.save button")).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("window.__stillHere === true")
    page.reload()
    expect(page.locator("main .meta form.save button")).to_have_attribute("aria-pressed", "true")

    # Without the script: the form posts and the reader comes back to the page, saved.
    plain = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    plain.add_cookies(context.cookies())
    nojs = plain.new_page()
    nojs.goto(live.base + "/papers/2412.02259")
    nojs.locator("main .meta form.save button").click()
    nojs.wait_for_url("**/papers/2412.02259")
    expect(nojs.locator("main .meta form.save button")).to_have_attribute("aria-pressed", "true")
    plain.close()

    # A new collection holding a paper, from the paper's page.
    page.goto(live.base + "/papers/2412.01981")
    page.click("text=Add to a collection")
    page.fill("#f-name", "Reading group")
    page.fill("#f-note", "Read first")
    page.click("section[aria-labelledby=new-collection] button[type=submit]")
    page.wait_for_url("**/collections/*?msg=collection-made")
    collection_url = page.url.split("?")[0]
    # A second paper added from its own page, then moved first.
    page.goto(live.base + "/collect?paper=2412.02259")
    page.locator(".collection-list li", has_text="Reading group").locator("button", has_text="Add").click()
    page.goto(collection_url)
    titles = page.locator("ol.collection-papers article h3").all_inner_texts()
    assert len(titles) == 2
    page.locator("ol.collection-papers > li").nth(1).locator("button", has_text="Move up").click()
    page.wait_for_load_state()
    assert page.locator("ol.collection-papers article h3").all_inner_texts() == list(reversed(titles))
    # Made public: anyone sees it (another browser, signed out), with the note, and its feed is linked.
    page.check("input[name=public]")
    page.click("section[aria-labelledby=collection-settings] form button[type=submit]")
    page.wait_for_url("**?msg=collection-saved")
    stranger = browser.new_context().new_page()
    stranger.goto(collection_url)
    assert stranger.locator("h1").inner_text() == "Reading group"
    assert "Read first" in stranger.locator("main").inner_text()
    assert stranger.locator("link[rel=alternate][href$='.atom'][href*='/feeds/collection/']").count() == 1

    # The exports, read by the parsers reference managers use.
    bib = stranger.request.get(collection_url + ".bib").text()
    entries = bibtexparser.parse_string(bib).entries
    assert [e.fields_dict["eprint"].value for e in entries] == ["2412.02259", "2412.01981"]
    ris = rispy.loads(stranger.request.get(collection_url + ".ris").text())
    assert len(ris) == 2 and all(r["type_of_reference"] == "UNPB" for r in ris)
    csl = json.loads(stranger.request.get(collection_url + ".csl.json").text())
    assert [c["number"] for c in csl] == ["arXiv:2412.02259", "arXiv:2412.01981"]

    # "For you" learns from the saves; "not interested" takes a pick out at once.
    page.goto(live.base + "/for-you")
    picks = page.locator(".pick")
    assert picks.count() >= 2
    assert "which you saved" in picks.first.locator(".because").inner_text()
    first = picks.first.locator("h3 a").get_attribute("href")
    picks.first.locator("button", has_text="Not interested").click()
    page.wait_for_url("**/for-you")
    assert first not in [a.get_attribute("href") for a in page.locator(".pick h3 a").all()]
    assert not errors, errors
    context.close()


def test_follow_an_author_and_read_a_reply_notification(browser, live):  # noqa: F811
    # Two readers: one comments, the other follows an author and replies.
    first = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_up(first, live.base, live.mail, "noticed1")
    second = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_up(second, live.base, live.mail, "replier1")

    # Follow the paper's first author in one click; the Following page lists the paper.
    second.goto(live.base + "/papers/2412.02611")
    second.locator("form.follow button").first.click()
    second.wait_for_url("**/papers/2412.02611")
    second.goto(live.base + "/following")
    assert second.locator(".pick h3 a[href='/papers/2412.02611']").count() == 1
    assert "Following author" in second.locator(".pick .because").first.inner_text()

    # A comment, a reply: the commenter's header counts it, the page shows it, and reading it clears the count.
    first.goto(live.base + "/papers/2412.02611")
    first.fill("#new-comment", "Does the benchmark cover speech?")
    first.click(".comment-form button[type=submit]")
    first.wait_for_url("**?msg=commented*")
    second.goto(live.base + "/papers/2412.02611")
    thread = second.locator("ol.comments li.comment", has_text="Does the benchmark cover speech?").first
    thread.locator("summary", has_text="Reply").click()
    thread.locator("textarea").fill("Yes, in part two.")
    thread.locator("button", has_text="Reply").click()
    second.wait_for_url("**?msg=commented*")
    first.goto(live.base + "/")
    expect(first.locator("nav.account a[href='/notifications']")).to_have_text("Notifications (1)")
    first.click("nav.account a[href='/notifications']")
    assert "@replier1 replied to your comment" in first.locator("ol.notification-list").inner_text()
    first.goto(live.base + "/")
    expect(first.locator("nav.account a[href='/notifications']")).to_have_text("Notifications")
