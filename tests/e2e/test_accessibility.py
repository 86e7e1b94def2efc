"""Each main screen of the real window checked by axe-core (the window's
npm dev dependency): the first start, the inbox with a conversation open
(its draft, composer and lead panel), and every dialog, in the light and
the dark theme. A serious or critical violation fails the test, named with
the elements it was found on."""

import contextlib
from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import TOP_BAR_DIALOGS, instagram_dm, launch_app, screenshot

AXE = Path(__file__).resolve().parents[2] / "ui/node_modules/axe-core/axe.min.js"

# The top bar's dialogs, and those of an open conversation.
DIALOGS = TOP_BAR_DIALOGS + [
    ("composer-saved", False, "saved-replies-dialog"),
    ("erase-open", False, "erase-dialog"),
]

RUN_AXE = """
const done = arguments[arguments.length - 1];
// WCAG 2.1 A and AA, and axe's best practices; the open dialog is checked
// as the page, since a modal dialog makes the rest inert.
const open = document.querySelector('dialog[open]');
axe.run(open ?? document, {resultTypes: ['violations']})
  .then(result => done(result.violations
      .filter(v => v.impact === 'serious' || v.impact === 'critical')
      .map(v => ({id: v.id, impact: v.impact, help: v.help,
                  nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}))))
  .catch(error => done([{id: 'axe-failed', impact: 'critical', help: String(error), nodes: []}]));
"""


def violations(app) -> list:
    if not app.execute_script("return typeof window.axe === 'object'"):
        app.execute_script(AXE.read_text())
    # Let a dialog that just opened fill in and paint.
    app.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "requestAnimationFrame(() => requestAnimationFrame(() => done()))")
    return app.execute_async_script(RUN_AXE)


def check(app, screen: str, found: dict):
    problems = violations(app)
    if problems:
        found[screen] = problems
        screenshot(app, f"a11y-{screen}.png")


def report(found: dict) -> str:
    return "\n".join(f"{screen}: {v['impact']} {v['id']} ({v['help']}) on {', '.join(v['nodes'])}"
                     for screen, problems in found.items() for v in problems)


def inbox_screens(app, relay, theme: str):
    wait = WebDriverWait(app, 40)
    wait.until(EC.text_to_be_present_in_element((By.ID, "sync-status"), "Connected"))
    assert relay.post_webhook(instagram_dm("17841400000000001", "5550001", "mid.a11y.1", "Hi! Open today?")) == 200
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#conversations li.conversation-item"))).click()
    wait.until(lambda _: app.find_element(By.ID, "draft-text").get_attribute("value"))
    found = {}
    check(app, f"{theme}-inbox", found)
    for opener, in_menu, dialog in DIALOGS:
        if in_menu:
            app.find_element(By.ID, "menu-open").click()
        app.find_element(By.ID, opener).click()
        wait.until(lambda _: app.execute_script("return document.getElementById(arguments[0])?.open === true", dialog))
        check(app, f"{theme}-{dialog}", found)
        app.execute_script("document.getElementById(arguments[0]).close()", dialog)
        wait.until(lambda _: not app.execute_script("return document.getElementById(arguments[0]).open", dialog))
    return found


def test_the_inbox_and_its_dialogs_pass_the_accessibility_check(app, relay):
    found = inbox_screens(app, relay, "light")
    assert not found, report(found)


def test_the_dark_theme_passes_the_accessibility_check(desk, relay, workdir, fake_graph):
    # GTK's dark theme is what WebKitGTK reports as prefers-color-scheme: dark.
    # Closed however the test ends: a window left running would take the next start (one instance).
    with contextlib.closing(launch_app(desk.data_dir, workdir, fake_graph, {"GTK_THEME": "Adwaita:dark"})) as running:
        app = next(running)
        assert app.execute_script("return matchMedia('(prefers-color-scheme: dark)').matches")
        found = inbox_screens(app, relay, "dark")
        assert not found, report(found)


def test_the_first_start_passes_the_accessibility_check(fresh_app):
    wait = WebDriverWait(fresh_app, 40)
    wait.until(lambda d: d.execute_script("return document.getElementById('welcome-dialog')?.open === true"))
    found = {}
    check(fresh_app, "welcome", found)
    assert not found, report(found)
