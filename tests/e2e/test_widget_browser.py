"""The website chat in a real browser (Debian's Chromium, headless, a fresh
profile): a visitor on an allowed page writes, the owner's approved reply
appears in the page as text (markup stays characters), and a page on an
origin the owner did not list cannot send."""

import http.server
import json
import re
import shutil
import tempfile
import threading

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from conftest import SCREENSHOTS, free_port


class Page:
    """A site on loopback whose page embeds the chat."""

    def __init__(self, html: str, port: int | None = None):
        body = html.encode()

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                self.send_response(200)
                self.send_header("content-type", "text/html; charset=utf-8")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.port = port or free_port()
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.port}/"

    def stop(self):
        self.server.shutdown()


@pytest.fixture
def browser():
    if not shutil.which("chromium") or not shutil.which("chromedriver"):
        pytest.fail("Chromium and its driver are missing: scripts/install-deps --for-tests installs them")
    profile = tempfile.mkdtemp(prefix="leadbox-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def page_screenshot(driver, name: str):
    """Headless Chromium paints no X window: its own screenshot of the page."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SCREENSHOTS / name))


def chat(driver):
    """The widget's shadow root, once the script has built it."""
    host = WebDriverWait(driver, 20).until(lambda d: d.find_element(By.CSS_SELECTOR, "[data-leadbox-chat]"))
    return host.shadow_root


def write(driver, text: str):
    root = chat(driver)
    root.find_element(By.CSS_SELECTOR, ".open").click()
    root.find_element(By.CSS_SELECTOR, "textarea").send_keys(text)
    root.find_element(By.CSS_SELECTOR, ".send").click()


def salon_page(relay, desk) -> Page:
    """A page on an address the owner listed, embedding the chat."""
    page_port = free_port()
    added = desk.cli("website", "add", "--name", "Salon site", "--origin", f"http://127.0.0.1:{page_port}")
    site = re.search(r'data-site="([^"]+)"', added).group(1)
    snippet = f'<script src="{relay.url}/widget.js" data-site="{site}" data-ask-name="false" async></script>'
    return Page(f"<!doctype html><title>Salon</title><h1>Ana's Salon</h1>{snippet}", port=page_port)


def visitors_draft(desk) -> dict:
    """The desktop syncs; the draft for the website visitor's message."""
    desk.cli("sync", "--once")
    conversations = [json.loads(line) for line in desk.cli("conversations", "--json").splitlines() if line.strip()]
    visitor = next(c for c in conversations if c["platform"] == "website")
    drafts = [json.loads(line) for line in desk.cli("drafts", "--json").splitlines() if line.strip()]
    return next(d for d in drafts if d["conversation_id"] == visitor["id"])


def test_a_visitor_writes_and_sees_the_owners_reply_as_text(relay, desk, browser):
    page = salon_page(relay, desk)
    try:
        browser.get(page.url)
        write(browser, "Do you have time on Friday?")
        root = chat(browser)
        WebDriverWait(browser, 20).until(
            lambda d: any("Do you have time on Friday?" in m.text for m in root.find_elements(By.CSS_SELECTOR, ".msg.me"))
        )
        WebDriverWait(browser, 20).until(lambda d: root.find_element(By.CSS_SELECTOR, "[role=status]").text == "")

        draft = visitors_draft(desk)
        reply = "Yes! <b>Friday</b> at 10 <img src=x onerror=alert(1)>"
        assert "Sent draft" in desk.cli("approve", str(draft["id"]), "--text", reply)

        WebDriverWait(browser, 40).until(
            lambda d: any("Friday" in m.text for m in root.find_elements(By.CSS_SELECTOR, ".msg.them"))
        )
        shown = next(m for m in root.find_elements(By.CSS_SELECTOR, ".msg.them") if "Friday" in m.text)
        assert shown.text == reply, "the reply is shown as the characters it holds"
        assert shown.find_elements(By.CSS_SELECTOR, "b, img") == [], "no markup became elements"
    finally:
        page.stop()


def test_a_page_on_an_origin_the_owner_did_not_list_cannot_send(relay, desk, browser):
    added = desk.cli("website", "add", "--name", "Salon site", "--origin", "https://salon.example")
    site = re.search(r'data-site="([^"]+)"', added).group(1)
    page = Page(f'<!doctype html><script src="{relay.url}/widget.js" data-site="{site}" data-ask-name="false" async></script>')
    try:
        browser.get(page.url)
        write(browser, "hello from a copied page")
        root = chat(browser)
        WebDriverWait(browser, 20).until(lambda d: "not sent" in root.find_element(By.CSS_SELECTOR, "[role=status]").text)
        desk.cli("sync", "--once")
        assert "hello from a copied page" not in desk.cli("conversations", "--json")
    finally:
        page.stop()


def test_the_chat_works_from_the_keyboard_and_shows_a_reply_that_came_while_closed(relay, desk, browser):
    page = salon_page(relay, desk)
    try:
        browser.get(page.url)
        root = chat(browser)
        opener = root.find_element(By.CSS_SELECTOR, ".open")
        assert opener.get_attribute("aria-expanded") == "false"
        opener.click()
        assert opener.get_attribute("aria-expanded") == "true"
        textarea = root.find_element(By.CSS_SELECTOR, "textarea")
        # 16 px or more, or iOS Safari zooms in on the field.
        assert browser.execute_script("return parseFloat(getComputedStyle(arguments[0]).fontSize)", textarea) >= 16
        textarea.send_keys("First line", Keys.SHIFT, Keys.ENTER, Keys.NULL, "second line")
        assert textarea.get_attribute("value") == "First line\nsecond line", "Shift+Enter adds a line"
        textarea.send_keys(Keys.ENTER)
        WebDriverWait(browser, 20).until(
            lambda d: any("second line" in m.text for m in root.find_elements(By.CSS_SELECTOR, ".msg.me"))
        )
        WebDriverWait(browser, 20).until(lambda d: textarea.get_attribute("value") == "")
        host = browser.find_element(By.CSS_SELECTOR, "[data-leadbox-chat]")

        def active():
            return browser.execute_script("return arguments[0].shadowRoot.activeElement", host)

        assert active() == textarea, "focus stays in the message box after sending"

        textarea.send_keys(Keys.ESCAPE)
        WebDriverWait(browser, 5).until(lambda d: opener.get_attribute("aria-expanded") == "false")
        assert not root.find_element(By.CSS_SELECTOR, ".panel").is_displayed()
        assert active() == opener, "focus returns to the chat button"

        # The owner answers while the chat is closed: the button counts it.
        draft = visitors_draft(desk)
        desk.cli("approve", str(draft["id"]), "--text", "Hello!\n" + "\n".join(f"line {n}" for n in range(30)))
        badge = root.find_element(By.CSS_SELECTOR, ".unread")
        WebDriverWait(browser, 40).until(lambda d: badge.is_displayed() and badge.text == "1")
        assert "1 new" in opener.get_attribute("aria-label")
        page_screenshot(browser, "widget-unread.png")

        opener.click()
        assert not badge.is_displayed()
        log = root.find_element(By.CSS_SELECTOR, ".log")
        at_bottom = browser.execute_script(
            "var l = arguments[0]; return l.scrollHeight - l.scrollTop - l.clientHeight < 2", log
        )
        assert at_bottom, "the chat opens at the newest message"
        page_screenshot(browser, "widget-open-newest.png")
    finally:
        page.stop()
