"""A lead-ad form in the real window: the leadgen webhook is announced by a
notification and listed at once, the app fetches its answers from the (local) Graph API with the page's token, and
the person's conversation (named from their Messenger profile) shows them in
the lead panel, matched by the email they also wrote in Messenger."""

import json
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import FakeGraph, screenshot, wait_for_log

PAGE = FakeGraph.PAGE_ID


def page_webhook(entry: dict) -> bytes:
    return json.dumps({"object": "page", "entry": [{"id": PAGE, "time": int(time.time() * 1000), **entry}]}).encode()


def messenger_dm(sender: str, mid: str, text: str) -> bytes:
    return page_webhook({"messaging": [{
        "sender": {"id": sender},
        "recipient": {"id": PAGE},
        "timestamp": int(time.time() * 1000),
        "message": {"mid": mid, "text": text},
    }]})


def leadgen(leadgen_id: str) -> bytes:
    return page_webhook({"changes": [{"field": "leadgen", "value": {
        "leadgen_id": leadgen_id, "form_id": "FORM7", "page_id": PAGE, "ad_id": "AD9", "created_time": int(time.time()),
    }}]})


def test_a_lead_forms_answers_show_beside_the_same_persons_conversation(app, relay, desk, fake_graph, notification_log):
    desk.cli("claim", "--platform", "messenger", "--account-id", PAGE)
    out = desk.cli(
        "accounts", "add", "--platform", "messenger", "--account-id", PAGE, "--connection", "page",
        stdin="page-token", env={"LEADBOX_GRAPH_URL": fake_graph.url},
    )
    assert "Connected messenger account" in out, out
    fake_graph.leads["LEAD77"] = {
        "id": "LEAD77",
        "created_time": "2026-11-23T10:00:00+0000",
        "form_id": "FORM7",
        "field_data": [
            {"name": "full_name", "values": ["Marta <b>Puig</b>"]},
            {"name": "email", "values": ["marta.puig@example.com"]},
            {"name": "what_service?", "values": ["Balayage"]},
        ],
    }
    fake_graph.profiles["PSID-MARTA"] = {"first_name": "Marta", "last_name": "Puig", "id": "PSID-MARTA"}
    wait = WebDriverWait(app, 40)
    wait.until(EC.text_to_be_present_in_element((By.ID, "sync-status"), "Connected"))

    assert relay.post_webhook(leadgen("LEAD77")) == 200
    # A form is a lead too: announced like a first message (Meta's retry is not announced again).
    wait_for_log(notification_log, "New lead from your ad form")
    assert relay.post_webhook(leadgen("LEAD77")) == 200
    assert relay.post_webhook(messenger_dm("PSID-MARTA", "mid.lf.1", "Hi, I filled in your form. marta.puig@example.com")) == 200
    # Messenger's webhook names no one: the name comes from the person's profile.
    wait.until(EC.text_to_be_present_in_element_attribute(
        (By.CSS_SELECTOR, "#conversations li.conversation-item .name"), "textContent", "Marta Puig"))
    app.find_element(By.CSS_SELECTOR, "#conversations li.conversation-item").click()

    forms = wait.until(EC.visibility_of_element_located((By.ID, "lead-forms")))
    wait.until(lambda _: "Balayage" in forms.get_attribute("textContent"))
    text = forms.get_attribute("textContent")
    assert "email: marta.puig@example.com" in text, text
    assert "full_name: Marta <b>Puig</b>" in text, "answers are shown as text"
    assert app.find_elements(By.CSS_SELECTOR, "#lead-forms b") == []
    screenshot(app, "lead-panel-forms.png")

    # The list of every form (More → Lead forms…) has the same answers.
    app.find_element(By.ID, "menu-open").click()
    app.find_element(By.ID, "lead-forms-open").click()
    wait.until(lambda d: "Balayage" in d.find_element(By.ID, "lead-forms-dialog").get_attribute("textContent"))
    assert wait_for_log(notification_log, "Notify").count("New lead from your ad form") == 1
