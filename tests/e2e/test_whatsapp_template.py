"""A WhatsApp lead who last wrote two days ago, in the real window: a plain
reply cannot go, the draft panel offers a template instead; the owner picks
the approved one, fills in its variables, reads the final text and sends
it; the local Graph API receives it once, with those values."""

import json
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import FakeGraph, screenshot

TEMPLATES = [
    {"id": "1689556908129832", "name": "order_ready", "language": "en_US", "status": "APPROVED", "category": "UTILITY",
     "components": [
         {"type": "HEADER", "format": "TEXT", "text": "Order {{1}}", "example": {"header_text": ["#4521"]}},
         {"type": "BODY", "text": "Hi {{1}}, your order {{2}} is ready to collect.",
          "example": {"body_text": [["Ana", "#4521"]]}},
         {"type": "FOOTER", "text": "Ana's Salon"}]},
    {"id": "1689556908129833", "name": "spring_offer", "language": "en_US", "status": "PAUSED", "category": "MARKETING",
     "components": [{"type": "BODY", "text": "Spring offers!"}]},
]


def whatsapp_message(mid: str, text: str, at_s: int) -> bytes:
    return json.dumps({"object": "whatsapp_business_account", "entry": [{"id": FakeGraph.WABA_ID, "changes": [{
        "field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550001", "phone_number_id": FakeGraph.PHONE_ID},
            "contacts": [{"profile": {"name": "Ana García"}, "wa_id": "34600111222"}],
            "messages": [{"from": "34600111222", "id": mid, "timestamp": str(at_s), "type": "text",
                          "text": {"body": text}}]}}]}]}).encode()


def test_a_template_is_sent_after_24_hours_with_the_owners_values(app, relay, desk, fake_graph):
    fake_graph.templates = TEMPLATES
    out = desk.cli(
        "accounts", "add", "--platform", "whatsapp", "--account-id", FakeGraph.PHONE_ID,
        "--connection", "whatsapp-cloud", stdin="wa-token", env={"LEADBOX_GRAPH_URL": fake_graph.url},
    )
    assert "Connected whatsapp account" in out, out
    wait = WebDriverWait(app, 40)
    wait.until(EC.text_to_be_present_in_element((By.ID, "sync-status"), "Connected"))
    two_days_ago = int(time.time()) - 2 * 24 * 3600
    assert relay.post_webhook(whatsapp_message("wamid.IN.e2e.1", "Is my order ready?", two_days_ago)) == 200
    wait.until(EC.text_to_be_present_in_element_attribute(
        (By.CSS_SELECTOR, "#conversations li.conversation-item .name"), "textContent", "Ana García"))
    app.find_element(By.CSS_SELECTOR, "#conversations li.conversation-item").click()

    # Only a template may go now: no plain reply can be written or approved,
    # and both the draft panel and the composer offer a template.
    wait.until(lambda _: app.execute_script(
        "return document.getElementById('composer-window')?.dataset.state") == "template_needed")
    assert app.find_elements(By.ID, "composer-text") == []
    assert app.find_element(By.ID, "composer-template").is_displayed()
    assert not app.find_element(By.ID, "draft-approve").is_enabled()
    offer = wait.until(EC.element_to_be_clickable((By.ID, "draft-template")))
    screenshot(app, "template-needed.png")
    offer.click()

    wait.until(lambda _: app.execute_script("return document.getElementById('template-dialog')?.open === true"))
    choice = wait.until(EC.presence_of_element_located((By.ID, "template-choice")))
    options = [o.get_attribute("textContent").strip() for o in choice.find_elements(By.TAG_NAME, "option")]
    assert options == ["order_ready (en_US)"], "approved templates only"
    send = app.find_element(By.ID, "template-send")
    assert not send.is_enabled(), "nothing is sent before every value is filled in"
    preview = app.find_element(By.ID, "template-preview")
    assert preview.get_attribute("textContent") == (
        "Order {{1}}\n\nHi {{1}}, your order {{2}} is ready to collect.\n\nAna's Salon")
    app.find_element(By.ID, "template-var-0").send_keys("#88")
    app.find_element(By.ID, "template-var-1").send_keys("Ana")
    app.find_element(By.ID, "template-var-2").send_keys("#88")
    final = "Order #88\n\nHi Ana, your order #88 is ready to collect.\n\nAna's Salon"
    wait.until(lambda _: preview.get_attribute("textContent") == final)
    screenshot(app, "template-filled.png")
    assert fake_graph.sends == []
    send.click()

    wait.until(EC.text_to_be_present_in_element_attribute((By.ID, "composer-result"), "textContent", "Template sent."))
    assert len(fake_graph.sends) == 1
    path, auth, body = fake_graph.sends[0]
    assert (path, auth) == (f"/v21.0/{FakeGraph.PHONE_ID}/messages", "Bearer wa-token")
    assert body["type"] == "template"
    assert body["to"] == "34600111222"
    assert body["template"] == {
        "name": "order_ready", "language": {"code": "en_US"},
        "components": [
            {"type": "header", "parameters": [{"type": "text", "text": "#88"}]},
            {"type": "body", "parameters": [{"type": "text", "text": "Ana"}, {"type": "text", "text": "#88"}]}]}
    wait.until(lambda _: app.execute_script(
        "return [...document.querySelectorAll('#messages li.message.outbound .text')].map(e => e.textContent)")
        == [final])
    screenshot(app, "template-sent.png")
    assert len(fake_graph.sends) == 1, "sent exactly once"
