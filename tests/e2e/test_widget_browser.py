"""The website chat in a real browser (Debian's Chromium, headless, a fresh
profile): a visitor on an allowed page writes, the owner's approved reply
appears in the page as text (markup stays characters); a page on an address
the owner did not list tells the visitor, and the owner adds it from the
window in one click; the keyboard, the site's language, contact fields and a
phone's width."""

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

from conftest import SCREENSHOTS, free_port, launch_app, screenshot


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


def salon_page(relay, desk, lang: str = "en", attributes: str = "") -> Page:
    """A page on an address the owner listed, embedding the chat."""
    page_port = free_port()
    added = desk.cli("website", "add", "--name", "Salon site", "--origin", f"http://127.0.0.1:{page_port}")
    site = re.search(r'data-site="([^"]+)"', added).group(1)
    snippet = f'<script src="{relay.url}/widget.js" data-site="{site}" data-ask-name="false" {attributes} async></script>'
    return Page(f'<!doctype html><html lang="{lang}"><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Salon</title><h1>Ana\'s Salon</h1>{snippet}',
                port=page_port)


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


def test_a_visitor_on_an_unlisted_address_is_told_and_the_owner_adds_it_in_one_click(
    relay, desk, browser, workdir, notification_log, fake_graph
):
    added = desk.cli("website", "add", "--name", "Salon site", "--origin", "https://salon.example")
    site = re.search(r'data-site="([^"]+)"', added).group(1)
    page = Page(f'<!doctype html><html lang="en"><title>Salon</title><h1>Ana\'s Salon</h1>'
                f'<script src="{relay.url}/widget.js" data-site="{site}" data-ask-name="false" async></script>')
    unlisted = f"http://127.0.0.1:{page.port}"
    try:
        browser.get(page.url)
        root = chat(browser)
        root.find_element(By.CSS_SELECTOR, ".open").click()
        status = root.find_element(By.CSS_SELECTOR, "[role=status]")
        WebDriverWait(browser, 20).until(lambda d: status.text == "The chat is not available on this page.")
        assert root.find_elements(By.CSS_SELECTOR, "textarea") == [], "nothing to type into, nothing lost"
        page_screenshot(browser, "widget-unavailable.png")
        assert f"Refused on {unlisted} (once)" in desk.cli("website", "list")

        session = launch_app(desk.data_dir, workdir, fake_graph)
        app = next(session)
        try:
            wait = WebDriverWait(app, 40)
            notice = wait.until(lambda d: d.find_element(By.CSS_SELECTOR, f'#notice[data-refused-origin="{unlisted}"]'))
            text = notice.get_attribute("textContent")
            assert f'"Salon site" was loaded on {unlisted}, which is not one of its addresses' in text, text
            screenshot(app, "website-refused-origin.png")
            app.find_element(By.ID, "refused-origin-add").click()
            wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#notice[data-refused-origin]") == [])
        finally:
            session.close()
        listing = desk.cli("website", "list")
        assert f"on https://salon.example, {unlisted}" in listing and "Refused on" not in listing, listing

        # The same visitor reloads: the chat works, and the message arrives.
        browser.refresh()
        write(browser, "Hello from the www address")
        root = chat(browser)
        WebDriverWait(browser, 20).until(
            lambda d: any("www address" in m.text for m in root.find_elements(By.CSS_SELECTOR, ".msg.me"))
        )
        assert "Hello from the www address" in synced_conversations(desk)
    finally:
        page.stop()


def synced_conversations(desk) -> str:
    """The desktop syncs; its conversations as JSON lines."""
    desk.cli("sync", "--once")
    return desk.cli("conversations", "--json")


def test_a_spanish_page_gets_the_chat_in_spanish_and_the_site_can_reword_it(relay, desk, browser):
    browser.set_window_size(1280, 800)  # a desktop's window
    page = salon_page(relay, desk, lang="es", attributes='data-greeting="¡Hola! Cuéntanos qué necesitas."')
    try:
        browser.get(page.url)
        root = chat(browser)
        opener = root.find_element(By.CSS_SELECTOR, ".open")
        assert opener.text == "Escríbenos"
        opener.click()
        textarea = root.find_element(By.CSS_SELECTOR, "textarea")
        assert textarea.get_attribute("placeholder") == "Escribe un mensaje"
        assert textarea.get_attribute("aria-label") == "Mensaje"
        assert root.find_element(By.CSS_SELECTOR, ".send").text == "Enviar"
        assert root.find_element(By.CSS_SELECTOR, ".head button").get_attribute("aria-label") == "Cerrar el chat"
        assert root.find_element(By.CSS_SELECTOR, ".log .note").text == "¡Hola! Cuéntanos qué necesitas."
        page_screenshot(browser, "widget-spanish.png")
    finally:
        page.stop()
    # data-lang wins over the page's language.
    page = salon_page(relay, desk, lang="en", attributes='data-lang="pt-BR"')
    try:
        browser.get(page.url)
        assert chat(browser).find_element(By.CSS_SELECTOR, ".open").text == "Fale connosco"
    finally:
        page.stop()


def test_contact_fields_are_checked_in_the_page_and_reach_the_lead_panel_on_a_phone_sized_screen(
    relay, desk, browser, workdir, notification_log, fake_graph
):
    # A 320 px wide phone screen.
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": 320, "height": 640, "deviceScaleFactor": 2, "mobile": True})
    page = salon_page(relay, desk, attributes='data-ask-contact="both"')
    try:
        browser.get(page.url)
        root = chat(browser)
        root.find_element(By.CSS_SELECTOR, ".open").click()
        email = root.find_element(By.CSS_SELECTOR, "input[type=email]")
        phone = root.find_element(By.CSS_SELECTOR, "input[type=tel]")
        textarea = root.find_element(By.CSS_SELECTOR, "textarea")
        for field in (email, phone, textarea):
            assert browser.execute_script("return parseFloat(getComputedStyle(arguments[0]).fontSize)", field) >= 16
        panel = root.find_element(By.CSS_SELECTOR, ".panel")
        width = browser.execute_script("return arguments[0].getBoundingClientRect().width", panel)
        assert 290 <= width <= 320, width
        assert browser.execute_script("return document.documentElement.scrollWidth") <= 320, "no sideways scrolling"
        page_screenshot(browser, "widget-phone.png")

        email.send_keys("ana@")
        textarea.send_keys("Quiero reservar un corte el viernes")
        root.find_element(By.CSS_SELECTOR, ".send").click()
        status = root.find_element(By.CSS_SELECTOR, "[role=status]")
        assert status.text == "Check the email address."
        assert email.get_attribute("aria-invalid") == "true"
        assert root.find_elements(By.CSS_SELECTOR, ".msg.me") == [], "nothing was sent"

        email.send_keys("salon-fan.example")
        phone.send_keys("+34 612 345 678")
        root.find_element(By.CSS_SELECTOR, ".send").click()
        WebDriverWait(browser, 20).until(lambda d: root.find_elements(By.CSS_SELECTOR, ".msg.me"))
        assert root.find_elements(By.CSS_SELECTOR, "input") == [], "the details are asked once"
    finally:
        page.stop()
    draft = visitors_draft(desk)
    assert "phone number or email" not in (draft["text"] or ""), draft["text"]

    session = launch_app(desk.data_dir, workdir, fake_graph)
    app = next(session)
    try:
        wait = WebDriverWait(app, 40)
        row = wait.until(lambda d: d.find_element(By.CSS_SELECTOR, f'li[data-conversation-id="{draft["conversation_id"]}"]'))
        row.click()
        details = wait.until(lambda d: d.find_element(By.ID, "lead-details"))
        wait.until(lambda d: "+34612345678" in details.get_attribute("textContent"))
        assert "ana@salon-fan.example" in details.get_attribute("textContent")
        screenshot(app, "website-visitor-details.png")
    finally:
        session.close()


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
