"""Leadbox as a desktop app: a second start hands over to the first one and
exits (one engine on the vault, one tray icon), and "start with this
computer" writes, and removes, the login item that starts it in the tray."""

import contextlib
import os
import subprocess
from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import binary, launch_app, screenshot


def test_a_second_start_hands_over_to_the_first_and_exits(app, desk, workdir):
    wait = WebDriverWait(app, 40)
    wait.until(EC.text_to_be_present_in_element((By.ID, "sync-status"), "Connected"))
    home = workdir / "home"
    env = dict(os.environ, HOME=str(home), LEADBOX_DATA_DIR=str(desk.data_dir), XDG_DATA_HOME=str(home / "data"),
               XDG_CONFIG_HOME=str(home / "config"), XDG_CACHE_HOME=str(home / "cache"))
    second = subprocess.run([binary("leadbox")], env=env, capture_output=True, text=True, timeout=60)
    assert second.returncode == 0, second.stderr
    # The first is untouched and still the one running.
    assert app.find_element(By.ID, "sync-status").get_attribute("textContent")
    assert "Leadbox could not start" not in second.stderr


def autostart_entry(workdir: Path) -> Path:
    return workdir / "home" / ".config" / "autostart" / "Leadbox.desktop"


def test_start_with_this_computer_writes_and_removes_the_login_item(app, workdir):
    wait = WebDriverWait(app, 40)
    wait.until(EC.text_to_be_present_in_element((By.ID, "sync-status"), "Connected"))
    app.find_element(By.ID, "settings-open").click()
    wait.until(lambda d: d.execute_script("return document.getElementById('settings-dialog')?.open === true"))
    app.execute_script("document.querySelectorAll('#settings-dialog details').forEach(d => d.open = true)")
    box = wait.until(EC.presence_of_element_located((By.ID, "start-at-login")))
    wait.until(lambda _: app.find_element(By.ID, "notify-close-to-tray").is_selected())
    assert not box.is_selected()
    assert not autostart_entry(workdir).exists()
    app.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
    box.click()
    wait.until(lambda _: autostart_entry(workdir).exists())
    entry = autostart_entry(workdir).read_text()
    assert "Exec=" in entry and "--hidden" in entry, entry
    wait.until(lambda _: "starts with this computer" in app.find_element(By.ID, "settings-result").get_attribute("textContent"))
    screenshot(app, "settings-start-at-login.png")
    box.click()
    wait.until(lambda _: not autostart_entry(workdir).exists())
    assert not box.is_selected()


def close_request(title: str = "Leadbox") -> int:
    """What a window manager's close button sends (WM_DELETE_WINDOW), sent
    straight to the app's top-level windows: Xvfb has no window manager.
    Returns how many windows were asked."""
    from Xlib import X, display, protocol

    screen = display.Display()
    wm_protocols, delete = screen.intern_atom("WM_PROTOCOLS"), screen.intern_atom("WM_DELETE_WINDOW")
    asked = 0
    for window in screen.screen().root.query_tree().children:
        if window.get_wm_name() != title or delete not in (window.get_wm_protocols() or []):
            continue
        window.send_event(protocol.event.ClientMessage(window=window, client_type=wm_protocols,
                                                       data=(32, [delete, X.CurrentTime, 0, 0, 0])),
                          event_mask=X.NoEventMask)
        asked += 1
    screen.flush()
    screen.close()
    return asked


def test_the_window_opens_as_large_as_it_was_left(desk, workdir, notification_log, fake_graph):
    state_files = lambda: list((workdir / "home" / "config").rglob(".window-state.json"))
    with contextlib.closing(launch_app(desk.data_dir, workdir, fake_graph)) as running:
        app = next(running)
        wait = WebDriverWait(app, 40)
        app.set_window_size(1000, 640)
        wait.until(lambda _: app.execute_script("return innerWidth") == 1000)
        assert not state_files()
        # Closed as the owner closes it: Leadbox stays in the tray and keeps the window's size.
        assert close_request() >= 1
        wait.until(lambda _: state_files())
        assert '"width":1000' in state_files()[0].read_text().replace(" ", ""), state_files()[0].read_text()
    with contextlib.closing(launch_app(desk.data_dir, workdir, fake_graph)) as running:
        app = next(running)
        wait = WebDriverWait(app, 40)
        wait.until(lambda _: app.execute_script("return innerWidth") == 1000)
        assert app.execute_script("return innerHeight") == 640
        screenshot(app, "window-state-restored.png")
