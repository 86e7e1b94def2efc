"""The window in Spanish and Portuguese: it follows the system's language
(LEADBOX_LANGUAGE stands in for it), the owner's choice overrides it at once
and holds at the next start, notifications speak it, and every dialog still
fits the smallest window with the longer words."""

import contextlib

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import instagram_dm, launch_app, screenshot, wait_for_log
from test_small_window import FITS, each_dialog_fits


def title(app) -> str:
    return app.find_element(By.ID, "welcome-dialog-title").text


def test_the_welcome_speaks_the_systems_language_and_a_choice_holds(workdir, relay, notification_log, fake_graph):
    data_dir = workdir / "fresh"
    spanish_system = {"LEADBOX_LANGUAGE": "es"}
    with contextlib.closing(launch_app(data_dir, workdir, fake_graph, spanish_system)) as running:
        app = next(running)
        app.set_window_size(720, 480)
        wait = WebDriverWait(app, 40)
        wait.until(lambda _: app.execute_script(FITS, "welcome-dialog") is not None)
        assert title(app) == "Te damos la bienvenida a Leadbox"
        assert app.execute_script("return document.documentElement.lang") == "es"
        assert app.find_element(By.ID, "welcome-next").text == "Siguiente"
        choice = Select(app.find_element(By.ID, "welcome-language"))
        assert choice.first_selected_option.text == "El del sistema (Español)"
        fit = app.execute_script(FITS, "welcome-dialog")
        assert all(value <= 0 for value in fit.values()), fit
        screenshot(app, "language-welcome-es.png")

        choice.select_by_value("pt")
        wait.until(lambda _: title(app) == "Boas-vindas ao Leadbox")
        assert app.find_element(By.ID, "welcome-next").text == "Avançar"
        assert (data_dir / "window-language").read_text() == "pt"
        screenshot(app, "language-welcome-pt.png")

    again = workdir / "again"
    again.mkdir()
    with contextlib.closing(launch_app(data_dir, again, fake_graph, spanish_system)) as running:
        app = next(running)
        wait = WebDriverWait(app, 40)
        wait.until(EC.visibility_of_element_located((By.ID, "welcome-dialog-title")))
        assert title(app) == "Boas-vindas ao Leadbox", "the owner's choice did not hold at the next start"
        Select(app.find_element(By.ID, "welcome-language")).select_by_value("system")
        wait.until(lambda _: title(app) == "Te damos la bienvenida a Leadbox")
        assert not (data_dir / "window-language").exists()


def test_the_inbox_in_portuguese_fits_and_notifies_in_it(desk, workdir, relay, notification_log, fake_graph):
    with contextlib.closing(launch_app(desk.data_dir, workdir, fake_graph, {"LEADBOX_LANGUAGE": "pt"})) as running:
        app = next(running)
        app.set_window_size(720, 480)
        wait = WebDriverWait(app, 40)
        wait.until(EC.text_to_be_present_in_element((By.ID, "sync-status"), "Conectado ao seu relay"))
        assert app.find_element(By.ID, "settings-open").text == "Configurações…"

        assert relay.post_webhook(instagram_dm("17841400000000001", "5550101", "mid.pt.1", "Olá! Vocês abrem hoje?")) == 200
        wait_for_log(notification_log, "Novo contato no Instagram")
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#conversations li.conversation-item"))).click()
        wait.until(EC.text_to_be_present_in_element((By.ID, "composer"), "A sua resposta"))
        screenshot(app, "language-inbox-pt.png")

        each_dialog_fits(app, wait, "language-pt")

        # Chosen in Settings: the window changes at once and the dialog stays open.
        app.find_element(By.ID, "settings-open").click()
        app.find_element(By.CSS_SELECTOR, "#settings-language > summary").click()
        Select(app.find_element(By.ID, "settings-language-choice")).select_by_value("es")
        wait.until(EC.text_to_be_present_in_element((By.ID, "settings-open"), "Ajustes…"))
        assert app.find_element(By.ID, "settings-dialog-title").text == "Ajustes"
        assert app.execute_script("return document.getElementById('settings-dialog').open")
        test_button = app.find_element(By.ID, "notify-test")
        app.execute_script("arguments[0].closest('details').open = true; arguments[0].scrollIntoView({block: 'center'})",
                           test_button)
        test_button.click()
        wait_for_log(notification_log, "Las notificaciones de Leadbox funcionan")
        screenshot(app, "language-settings-es.png")
