"""Every dialog fits the window at its smallest (720×480): nothing wider
than the dialog, and its buttons in view without scrolling the window."""

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import TOP_BAR_DIALOGS, instagram_dm, screenshot

DIALOGS = TOP_BAR_DIALOGS

FITS = """
const dialog = document.getElementById(arguments[0]);
if (!dialog?.open) return null;
const actions = dialog.querySelector(':scope > .dialog-actions');
const box = (actions ?? dialog).getBoundingClientRect();
return {
  wider: Math.max(dialog.scrollWidth - dialog.clientWidth,
                  ...[...dialog.querySelectorAll('.dialog-body')].map(b => b.scrollWidth - b.clientWidth)),
  outside: Math.max(0, dialog.getBoundingClientRect().right - innerWidth),
  buttonsBelow: Math.max(0, box.bottom - innerHeight),
  pageWider: document.documentElement.scrollWidth - innerWidth,
};
"""


def test_each_dialog_fits_the_smallest_window(app, relay):
    app.set_window_size(720, 480)
    wait = WebDriverWait(app, 40)
    wait.until(lambda _: app.execute_script("return innerWidth") <= 720)
    wait.until(EC.text_to_be_present_in_element((By.ID, "sync-status"), "Connected"))
    assert relay.post_webhook(instagram_dm("17841400000000001", "5550001", "mid.small.1", "Hi! Open today?")) == 200
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#conversations li.conversation-item"))).click()
    assert app.execute_script("return document.documentElement.scrollWidth - innerWidth") <= 0
    screenshot(app, "small-inbox.png")
    each_dialog_fits(app, wait, "small")


def each_dialog_fits(app, wait, pictures: str):
    """Opens each top-bar dialog in turn: it fits the window, its buttons in view."""
    for opener, in_menu, dialog in DIALOGS:
        if in_menu:
            app.find_element(By.ID, "menu-open").click()
        app.find_element(By.ID, opener).click()
        wait.until(lambda _: app.execute_script(FITS, dialog) is not None)
        # Dialogs fill in from the vault and the relay: measure once they settle.
        app.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "requestAnimationFrame(() => requestAnimationFrame(() => done()))")
        fit = app.execute_script(FITS, dialog)
        assert all(value <= 0 for value in fit.values()), f"{dialog}: {fit}"
        screenshot(app, f"{pictures}-{dialog}.png")
        app.execute_script("document.getElementById(arguments[0]).close()", dialog)
        wait.until(lambda _: not app.execute_script("return document.getElementById(arguments[0]).open", dialog))


def test_the_first_start_dialog_fits_the_smallest_window(fresh_app):
    fresh_app.set_window_size(720, 480)
    wait = WebDriverWait(fresh_app, 40)
    wait.until(lambda _: fresh_app.execute_script("return innerWidth") <= 720)
    wait.until(lambda _: fresh_app.execute_script(FITS, "welcome-dialog") is not None)
    fit = fresh_app.execute_script(FITS, "welcome-dialog")
    assert all(value <= 0 for value in fit.values()), fit
    assert fresh_app.find_element(By.ID, "welcome-next").is_displayed()
    screenshot(fresh_app, "small-welcome-dialog.png")
