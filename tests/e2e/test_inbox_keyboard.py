"""The inbox as an owner works it: keyboard only (j/k, Enter, a) sends the
suggested reply exactly once; the lead panel's stage and labels feed the
list's filters; ? lists the keys."""

import time

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import instagram_dm, screenshot

ACCOUNT = "17841400000000001"


def press(app, keys: str):
    ActionChains(app).send_keys(keys).perform()


def names(app) -> list[str]:
    # Read in one script: the list is re-rendered as messages arrive.
    return app.execute_script("return [...document.querySelectorAll('#conversations .name')].map(e => e.textContent)")


def test_the_keyboard_sends_once_and_the_lead_panel_feeds_the_filters(app, relay, desk, fake_graph):
    desk.cli(
        "accounts", "add", "--platform", "instagram", "--account-id", ACCOUNT, "--connection", "page",
        stdin="page-token", env={"LEADBOX_GRAPH_URL": fake_graph.url},
    )
    wait = WebDriverWait(app, 40)
    wait.until(EC.text_to_be_present_in_element((By.ID, "sync-status"), "Connected"))
    # The second lead wrote a second later, so it is listed first.
    now_ms = int(time.time() * 1000)
    assert relay.post_webhook(instagram_dm(ACCOUNT, "5550101", "mid.kb.1", "Do you have time on Friday?", now_ms - 1000)) == 200
    assert relay.post_webhook(instagram_dm(ACCOUNT, "5550102", "mid.kb.2", "How much for nails?", now_ms)) == 200
    wait.until(lambda d: len(names(d)) == 2)
    newest = names(app)[0]

    app.find_element(By.TAG_NAME, "body").click()
    press(app, "jjk")
    focused = app.execute_script("return document.activeElement.dataset.conversationId")
    first = app.find_element(By.CSS_SELECTOR, "#conversations li.conversation-item").get_attribute("data-conversation-id")
    assert focused == first, "j j k lands on the first row"
    press(app, "\ue007")  # Enter
    wait.until(EC.text_to_be_present_in_element((By.ID, "conversation-title"), newest))
    textarea = wait.until(EC.visibility_of_element_located((By.ID, "draft-text")))
    wait.until(lambda _: textarea.get_attribute("value"))
    assert fake_graph.sends == []
    app.find_element(By.ID, "conversation-title").click()  # focus out of any field
    press(app, "a")
    wait.until(EC.text_to_be_present_in_element_attribute((By.ID, "draft-result"), "textContent", "Sent."))
    time.sleep(1)
    assert len(fake_graph.sends) == 1, "sent exactly once"
    assert fake_graph.sends[0][2]["recipient"] == {"id": "5550102"}

    # The lead panel: stage and a label, then the filters.
    wait.until(EC.visibility_of_element_located((By.ID, "lead-panel")))
    Select(app.find_element(By.ID, "lead-stage")).select_by_value("booked")
    app.find_element(By.ID, "lead-labels").send_keys("VIP, nails")
    app.find_element(By.ID, "lead-notes").send_keys("Prefers Friday afternoons")
    app.find_element(By.ID, "lead-save").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "lead-result"), "Saved."))
    screenshot(app, "lead-panel.png")

    wait.until(lambda d: any(o.get_attribute("value") == "label:VIP" for o in d.find_elements(By.CSS_SELECTOR, "#label-filters option")))
    Select(app.find_element(By.ID, "list-filter")).select_by_value("label:VIP")
    wait.until(lambda d: names(d) == [newest])
    Select(app.find_element(By.ID, "list-filter")).select_by_value("new_leads")
    wait.until(lambda d: len(names(d)) == 1 and names(d)[0] != newest)
    Select(app.find_element(By.ID, "list-filter")).select_by_value("needs_reply")
    wait.until(lambda d: len(names(d)) == 1 and names(d)[0] != newest, "the answered person no longer needs a reply")
    Select(app.find_element(By.ID, "list-filter")).select_by_value("channel:whatsapp")
    wait.until(EC.text_to_be_present_in_element((By.ID, "empty-list"), "No conversations on this channel"))
    Select(app.find_element(By.ID, "list-filter")).select_by_value("all")
    wait.until(lambda d: len(names(d)) == 2)

    app.find_element(By.ID, "conversation-title").click()
    press(app, "?")
    assert app.execute_script("return document.getElementById('shortcuts-dialog').open") is True
    app.find_element(By.ID, "shortcuts-close").click()
