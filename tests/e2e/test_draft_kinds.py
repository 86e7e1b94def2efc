"""What the built-in drafter writes, seen in the window: a compliment, a
thank-you, a budget and a Portuguese question each get a fitting draft, in
the lead's language, from the business's own profile (a surf school that
speaks Portuguese, English and Spanish)."""

from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import instagram_dm, screenshot

ACCOUNT = "17841400000000001"
PROFILE = Path(__file__).resolve().parents[2] / "crates/drafts/tests/profiles/surf_school.toml"

# (sender, message, what the draft must say, what it must not, screenshot)
LEADS = [
    ("5550101", "Best surf lesson ever, you guys are amazing!", ["Thank you so much"], ["?"], "draft-compliment.png"),
    ("5550102", "Thank you so much for today!", ["You're welcome"], ["?"], "draft-thanks.png"),
    ("5550103", "Is €25 ok for a group lesson?", ["€35", "budget"], ["€25"], "draft-budget.png"),
    ("5550104", "Olá! Quanto custa uma aula de grupo?", ["Aula de grupo: €35", "Olá!"], ["Group lesson"], "draft-portuguese.png"),
]


def test_each_kind_of_message_gets_a_fitting_draft(app, relay, desk, fake_graph):
    desk.cli("profile", "import", "--file", str(PROFILE))
    desk.cli(
        "accounts", "add", "--platform", "instagram", "--account-id", ACCOUNT, "--connection", "page",
        stdin="page-token", env={"LEADBOX_GRAPH_URL": fake_graph.url},
    )
    wait = WebDriverWait(app, 40)
    wait.until(EC.text_to_be_present_in_element((By.ID, "sync-status"), "Connected"))
    for count, (sender, message, must, must_not, picture) in enumerate(LEADS, start=1):
        assert relay.post_webhook(instagram_dm(ACCOUNT, sender, f"mid.kind.{count}", message)) == 200
        wait.until(lambda _: len(app.find_elements(By.CSS_SELECTOR, "#conversations li.conversation-item")) == count)
        # The newest conversation is at the top of the list.
        app.find_elements(By.CSS_SELECTOR, "#conversations li.conversation-item")[0].click()
        wait.until(
            lambda _: message in " ".join(
                m.get_attribute("textContent") for m in app.find_elements(By.CSS_SELECTOR, "#messages li.message .text")
            )
        )
        textarea = wait.until(EC.visibility_of_element_located((By.ID, "draft-text")))
        wait.until(lambda _: textarea.get_attribute("value"))
        draft = textarea.get_attribute("value")
        body = "\n".join(draft.splitlines()[:-1])  # without the sign-off
        for words in must:
            assert words in draft, f"{message!r} -> {draft!r}"
        for words in must_not:
            assert words not in body, f"{message!r} -> {draft!r}"
        assert draft.endswith("Rita, Onda Surf School"), draft
        screenshot(app, picture)


def test_the_owner_chooses_the_languages_replies_are_in(app, desk):
    wait = WebDriverWait(app, 40)
    app.find_element(By.ID, "settings-open").click()
    wait.until(lambda d: d.execute_script("return document.getElementById('settings-dialog')?.open === true"))
    app.execute_script("document.querySelectorAll('#settings-dialog details').forEach(d => d.open = true)")
    default = wait.until(EC.visibility_of_element_located((By.ID, "settings-profile-default_language")))
    # WebKit's driver picks an option only once its list is in view inside the dialog's scrolling body.
    app.execute_script("arguments[0].scrollIntoView({block: 'center'})", default)
    Select(default).select_by_value("pt")
    # The default is not offered again among the others.
    assert app.find_elements(By.ID, "settings-profile-language-pt") == []
    app.find_element(By.ID, "settings-profile-language-es").click()
    written_in = app.find_element(By.ID, "settings-profile-written_in")
    app.execute_script("arguments[0].scrollIntoView({block: 'center'})", written_in)
    Select(written_in).select_by_value("pt")
    # Hours in each other language replies may be in; none for the profile's own.
    assert app.find_elements(By.ID, "settings-profile-hours-pt") == []
    app.find_element(By.ID, "settings-profile-hours-es").send_keys("Todos los días 9:00-18:00")
    screenshot(app, "settings-languages.png")
    app.find_element(By.ID, "settings-profile-save").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "settings-result"), "saved"))
    shown = desk.cli("profile", "show")
    assert 'languages = [\n    "pt",\n    "en",\n    "es",\n]' in shown or 'languages = ["pt", "en", "es"]' in shown, shown
    assert 'written_in = "pt"' in shown, shown
    assert "[translations.es]" in shown and "Todos los días 9:00-18:00" in shown, shown
