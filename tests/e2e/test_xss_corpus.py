"""Hostile text everywhere the owner looks: a lead's name and messages, the
business profile (which drafts quote) and a draft the owner sends. Every
payload must show as text: no script runs, no element is made from it, and
no request leaves for the address the payloads point at."""

import http.server
import json
import re
import threading
import time

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import instagram_dm, screenshot

INSTAGRAM = "17841400000000001"
PHONE_ID = "109876543210"


class Canary:
    """Counts every request; the payloads point here."""

    def __init__(self):
        self.hits = []
        canary = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                canary.hits.append(self.path)
                self.send_response(204)
                self.end_headers()

            do_POST = do_GET

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def canary():
    server = Canary()
    yield server
    server.server.shutdown()


def corpus(url: str) -> list[str]:
    return [
        f"<img src={url}/img onerror=window.__xss=1>",
        "<script>window.__xss=2</script>",
        f'<a href="javascript:window.__xss=3">tap</a> [link](javascript:window.__xss=4)',
        f"![tracking pixel]({url}/markdown.png)",
        f'<svg onload="window.__xss=5"><image href="{url}/svg.png"/></svg>',
        f'<iframe src="{url}/frame"></iframe><object data="{url}/object"></object>',
        f"<style>@import '{url}/css';</style><link rel=stylesheet href={url}/link.css>",
        "invoice\u202egpj.exe \u2066isolated\u2069 done",
    ]


def inert(text: str) -> str:
    """What the window shows for untrusted text (ui/src/format.ts `inert`)."""
    return BIDI.sub("\ufffd", text)


def whatsapp_message(name: str, wamid: str, text: str) -> bytes:
    return json.dumps({"object": "whatsapp_business_account", "entry": [{"id": "WABA1", "changes": [{"field": "messages", "value": {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "34900000000", "phone_number_id": PHONE_ID},
        "contacts": [{"profile": {"name": name}, "wa_id": "34600000001"}],
        "messages": [{"from": "34600000001", "id": wamid, "timestamp": str(int(time.time())), "type": "text", "text": {"body": text}}],
    }}]}]}).encode()


BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")

INERT_CHECK = """
const panes = ['conversations', 'messages', 'search-results', 'draft', 'notice', 'conversation-title', 'lead-panel']
  .map(id => document.getElementById(id))
  .filter(p => p !== null);  // panes not shown at the moment are not in the document
const made = panes.flatMap(p => [...p.querySelectorAll('img, script, iframe, object, svg, a, style, link, image')]);
const shown = panes.map(p => p.id === 'draft' ? '' : p.textContent).join(' ');
return {xss: window.__xss ?? null, made: made.map(e => e.outerHTML), shown};
"""


def assert_inert(app, canary, where: str):
    found = app.execute_script(INERT_CHECK)
    assert found["xss"] is None, f"a payload ran ({where}): {found}"
    assert found["made"] == [], f"elements were made from text ({where}): {found['made']}"
    assert canary.hits == [], f"a request left for the payload's address ({where}): {canary.hits}"
    assert not BIDI.search(found["shown"]), f"a bidi control reached the screen ({where})"


def test_hostile_names_messages_profile_and_drafts_stay_text(app, relay, desk, fake_graph, canary):
    payloads = corpus(canary.url)
    desk.cli("claim", "--platform", "whatsapp", "--account-id", PHONE_ID)
    desk.cli(
        "accounts", "add", "--platform", "instagram", "--account-id", INSTAGRAM, "--connection", "page",
        stdin="page-token", env={"LEADBOX_GRAPH_URL": fake_graph.url},
    )
    desk.cli("profile", "set", "name", f"Ana <img src={canary.url}/profile onerror=window.__xss=6>")
    wait = WebDriverWait(app, 40)
    wait.until(EC.text_to_be_present_in_element((By.ID, "sync-status"), "Connected"))

    hostile_name = f"<img src={canary.url}/name onerror=window.__xss=7>\u202eevil"
    for n, text in enumerate(payloads):
        assert relay.post_webhook(whatsapp_message(hostile_name, f"wamid.xss.{n}", text)) == 200
    assert relay.post_webhook(instagram_dm(INSTAGRAM, "5550009", "mid.xss.ig", payloads[0] + " price?")) == 200

    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#conversations li.conversation-item")) == 2)
    names = [e.get_attribute("textContent") for e in app.find_elements(By.CSS_SELECTOR, "#conversations .name")]
    assert inert(hostile_name) in names, names
    name = app.find_element(By.CSS_SELECTOR, "#conversations .name")
    assert app.execute_script("return getComputedStyle(arguments[0]).unicodeBidi", name) in ("isolate", "plaintext")
    assert_inert(app, canary, "list")

    whatsapp = next(
        e for e in app.find_elements(By.CSS_SELECTOR, "#conversations li.conversation-item")
        if inert(hostile_name) in e.get_attribute("textContent")
    )
    whatsapp.click()
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#messages li.message.inbound .text")) == len(payloads))
    shown = [e.get_attribute("textContent") for e in app.find_elements(By.CSS_SELECTOR, "#messages li.message.inbound .text")]
    assert shown == [inert(p) for p in payloads], "each payload is shown as written, bidi controls made visible"
    assert app.find_element(By.ID, "conversation-title").get_attribute("textContent") == inert(hostile_name)
    screenshot(app, "xss-corpus.png")
    assert_inert(app, canary, "conversation")

    search = app.find_element(By.ID, "search")
    search.send_keys("onerror")
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#search-results li"))
    assert_inert(app, canary, "search results")
    search.send_keys(Keys.CONTROL, "a")
    search.send_keys(Keys.DELETE)

    # The Instagram lead's draft quotes the business profile; the owner then
    # sends hostile text on purpose: it goes out verbatim and shows as text.
    instagram = next(
        e for e in app.find_elements(By.CSS_SELECTOR, "#conversations li.conversation-item")
        if inert(hostile_name) not in e.get_attribute("textContent")
    )
    instagram.click()
    textarea = wait.until(EC.visibility_of_element_located((By.ID, "draft-text")))
    wait.until(lambda _: textarea.get_attribute("value"))
    assert_inert(app, canary, "draft")
    textarea.send_keys(Keys.CONTROL, "a")
    textarea.send_keys(Keys.DELETE)
    textarea.send_keys(payloads[1])
    app.find_element(By.ID, "draft-approve").click()
    wait.until(EC.text_to_be_present_in_element_attribute((By.ID, "draft-result"), "textContent", "Sent."))
    assert fake_graph.sends[-1][2]["message"]["text"] == payloads[1]
    outbound = wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#messages li.message.outbound .text")))
    assert outbound.get_attribute("textContent") == payloads[1]
    time.sleep(1)
    assert_inert(app, canary, "after sending")
