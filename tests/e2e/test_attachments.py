"""Attachments are shown as text and a button: nothing remote is loaded in the
window, and the address reaches the system's browser opener only on a click
(here a stand-in `xdg-open` that writes down what it was given)."""

import json
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import launch_app, screenshot

ACCOUNT = "17841400000000001"
IMAGE = "https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=42&signature=abc"


def image_dm() -> bytes:
    at = int(time.time() * 1000)
    entry = {"id": ACCOUNT, "time": at, "messaging": [{
        "sender": {"id": "5550101"}, "recipient": {"id": ACCOUNT}, "timestamp": at,
        "message": {"mid": "mid.att.1", "attachments": [{"type": "image", "payload": {"url": IMAGE}}]},
    }]}
    return json.dumps({"object": "instagram", "entry": [entry]}).encode()


def test_an_attachment_opens_in_the_browser_only_on_a_click(desk, relay, workdir, fake_graph, monkeypatch):
    bin_dir = workdir / "fake-bin"
    bin_dir.mkdir()
    opened = workdir / "opened.log"
    opener = bin_dir / "xdg-open"
    opener.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" >> "{opened}"\n')
    opener.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:{__import__('os').environ['PATH']}")

    session = launch_app(desk.data_dir, workdir, fake_graph)
    app = next(session)
    try:
        wait = WebDriverWait(app, 40)
        wait.until(EC.text_to_be_present_in_element((By.ID, "sync-status"), "Connected"))
        assert relay.post_webhook(image_dm()) == 200
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#conversations li.conversation-item"))).click()
        button = wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#messages .attachment-open")))
        assert app.execute_script("return document.querySelectorAll('img, video, audio, iframe').length") == 0
        time.sleep(0.5)
        assert not opened.exists(), "nothing is opened before the click"
        screenshot(app, "attachment.png")

        button.click()
        wait.until(EC.text_to_be_present_in_element((By.ID, "attachment-result"), "Opened in your browser"))
        deadline = time.time() + 10
        while time.time() < deadline and not opened.exists():
            time.sleep(0.1)
        assert opened.read_text().strip() == IMAGE
    finally:
        session.close()
