"""Sign up, confirm by mail, upvote (with and without JavaScript), comment and log out, in a real browser."""
import email
import email.policy
import os
import re
import time

import pytest
from playwright.sync_api import expect

from test_browser import CONTRAST_JS, browser  # noqa: F401  (the shared chromium fixture)


def newest_mail(folder, to, after):
    for _ in range(100):
        if os.path.isdir(folder):
            names = sorted(n for n in os.listdir(folder) if n.endswith(".eml"))
            for name in reversed(names):
                path = os.path.join(folder, name)
                if os.path.getmtime(path) >= after:
                    msg = email.message_from_bytes(open(path, "rb").read(), policy=email.policy.default)
                    if msg["To"] == to:
                        return msg
        time.sleep(0.05)
    raise AssertionError(f"no mail to {to} in {folder}")


def sign_up(page, base, mail_folder, username):
    started = time.time() - 1
    page.goto(base + "/signup")
    page.fill("#f-username", username)
    page.fill("#f-fullname", "Test Reader")
    page.fill("#f-email", f"{username}@example.org")
    page.fill("#f-password", "a long enough secret")
    page.click("form.stack button[type=submit]")
    assert "Check your inbox" in page.locator("h1").inner_text()
    msg = newest_mail(mail_folder, f"{username}@example.org", started)
    assert msg["Subject"] == "Confirm your email for Daily Papers"
    body = msg.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"(http://\S+/verify-email\?token=\S+)", body).group(1)
    # The link opens a page with one button: following a link alone confirms nothing and signs no one in.
    page.goto(link)
    page.click("main form button[type=submit]")
    assert "Your email is confirmed" in page.locator("main").inner_text()
    page.fill("#f-login", username)
    page.fill("#f-password", "a long enough secret")
    page.click("main form.stack button[type=submit]")
    assert page.locator("nav.account").inner_text().count("@" + username) == 1


def test_sign_up_confirm_upvote_comment_and_log_out(browser, live):  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    sign_up(page, live.base, live.mail, "reader1")

    page.goto(live.base + "/papers/2412.02259")
    button = page.locator("main form.vote button")
    before = int(button.locator(".count").inner_text())
    assert button.get_attribute("aria-pressed") == "false"
    page.evaluate("window.__stillHere = true")
    button.click()
    # A locator assertion, not wait_for_function: that evaluates its string with eval, which the page's
    # Content-Security-Policy (script-src 'self') refuses whenever the first check does not already pass.
    expect(page.locator("main form.vote button")).to_have_attribute("aria-pressed", "true")
    # Updated in place by the script: same document, new count.
    assert page.evaluate("window.__stillHere === true")
    assert int(button.locator(".count").inner_text()) == before + 1
    page.reload()
    assert page.locator("main form.vote button").get_attribute("aria-pressed") == "true"
    assert int(page.locator("main form.vote .count").inner_text()) == before + 1

    page.fill("#new-comment", "Great **results**; see <script>alert(1)</script>")
    page.click(".comment-form button[type=submit]")
    page.wait_for_url("**/papers/2412.02259?msg=commented*")
    comment = page.locator("ol.comments li.comment").last
    assert comment.locator("strong").inner_text() == "results"
    assert "<script>alert(1)</script>" in comment.inner_text()

    page.click("nav.account button:has-text('Log out')")
    page.wait_for_url(live.base + "/")
    assert "Log in" in page.locator("nav.account").inner_text()
    context.close()
    assert not errors, errors


def test_upvote_works_without_javascript(browser, live):  # noqa: F811
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_up(page, live.base, live.mail, "reader2")
    page.goto(live.base + "/papers/date/2024-12-04")
    card = page.locator("article.card", has_text="Critical Tokens Matter")
    before = int(card.locator(".count").inner_text())
    card.locator("form.vote button").click()
    page.wait_for_load_state()
    assert page.url.endswith("/papers/date/2024-12-04")  # back where the reader was
    card = page.locator("article.card", has_text="Critical Tokens Matter")
    assert int(card.locator(".count").inner_text()) == before + 1
    assert card.locator("form.vote button").get_attribute("aria-pressed") == "true"
    context.close()


def test_signed_out_upvote_asks_to_log_in(browser, live):  # noqa: F811
    context = browser.new_context()
    page = context.new_page()
    page.goto(live.base + "/papers/2412.01981")
    page.locator("main form.vote button").click()
    page.wait_for_url("**/login?next=%2Fpapers%2F2412.01981")
    assert page.locator("h1").inner_text() == "Log in"
    context.close()


@pytest.mark.parametrize("path", ["/signup", "/login", "/password-reset", "/users/lievan", "/subscribe"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_accessibility_of_account_pages(browser, live, path, scheme):  # noqa: F811
    context = browser.new_context(color_scheme=scheme)
    pg = context.new_page()
    pg.goto(live.base + path)
    unlabeled = pg.evaluate("""() => [...document.querySelectorAll('input, select, textarea')].filter(i =>
        !(i.labels && i.labels.length) && !i.getAttribute('aria-label') && i.type !== 'hidden').map(i => i.outerHTML)""")
    assert not unlabeled, unlabeled
    failures = pg.evaluate(CONTRAST_JS)
    assert not failures, failures
    context.close()


def test_subscribe_confirm_and_unsubscribe_in_the_browser(browser, live):  # noqa: F811
    context = browser.new_context()
    page = context.new_page()
    started = time.time() - 1
    page.goto(live.base + "/")
    page.fill("#sub-email", "digest-reader@example.org")
    page.click("form.subscribe button")
    page.wait_for_url("**/subscribe?email=digest-reader%40example.org")
    assert page.locator("#f-email").input_value() == "digest-reader@example.org"
    page.check("input[name=frequency][value=weekly]")
    page.fill("#f-keywords", "reward, video")
    page.click("form.stack button[type=submit]")
    assert "Check your inbox" in page.locator("h1").inner_text()
    msg = newest_mail(live.mail, "digest-reader@example.org", started)
    assert msg["Subject"] == "Confirm your Daily Papers digest"
    link = re.search(r"(http://\S+/subscribe/confirm\?token=\S+)", msg.get_body(preferencelist=("plain",)).get_content()).group(1)
    page.goto(link)
    page.click("main form button[type=submit]")
    assert "You are subscribed" in page.locator("main").inner_text()
    assert page.locator("input[name=frequency][value=weekly]").is_checked()
    assert page.locator("#f-keywords").input_value() == "reward, video"
    page.click("button:has-text('Unsubscribe')")
    assert page.locator("h1").inner_text() == "Unsubscribed"
    context.close()
