"""Search in the window: matches are marked, results open their conversation,
and a message's markup is shown as text, never run."""

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import instagram_dm, screenshot

ACCOUNT = "17841400000000001"


def test_search_finds_marks_and_opens_without_running_markup(app, relay):
    wait = WebDriverWait(app, 40)
    wait.until(EC.text_to_be_present_in_element((By.ID, "sync-status"), "Connected"))
    assert relay.post_webhook(instagram_dm(ACCOUNT, "5550101", "mid.s.1", "Do you do balayage on Fridays?")) == 200
    assert relay.post_webhook(
        instagram_dm(ACCOUNT, "5550102", "mid.s.2", 'balayage? <img src=x onerror="document.title=\'pwned\'">')
    ) == 200
    wait.until(lambda _: len(app.find_elements(By.CSS_SELECTOR, "#conversations li.conversation-item")) == 2)

    box = app.find_element(By.ID, "search")
    box.send_keys("balay")
    wait.until(lambda _: len(app.find_elements(By.CSS_SELECTOR, "#search-results li.search-result")) == 2)
    marks = [m.get_attribute("textContent").lower() for m in app.find_elements(By.CSS_SELECTOR, "#search-results mark")]
    assert marks and all(m.startswith("balay") for m in marks), marks
    assert app.find_elements(By.CSS_SELECTOR, "#search-results img") == [], "markup in a message is text"
    snippets = " ".join(s.get_attribute("textContent") for s in app.find_elements(By.CSS_SELECTOR, ".snippet"))
    assert "<img" in snippets
    assert app.title != "pwned"
    screenshot(app, "search.png")

    fridays = next(
        r for r in app.find_elements(By.CSS_SELECTOR, "#search-results li.search-result")
        if "Fridays" in r.get_attribute("textContent")
    )
    fridays.click()
    wait.until(lambda _: "Fridays" in " ".join(
        m.get_attribute("textContent") for m in app.find_elements(By.CSS_SELECTOR, "#messages li.message .text")
    ))

    box.clear()
    box.send_keys("zzzzqx")
    wait.until(EC.text_to_be_present_in_element((By.ID, "search-results"), "Nothing matches."))
