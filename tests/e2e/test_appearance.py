"""The window follows the system's appearance: with GTK's dark variant the
inbox is dark (text light on a dark surface), and it reads light by default."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import instagram_dm, launch_app, screenshot


@pytest.fixture
def dark_app(desk, workdir, notification_log, fake_graph):
    yield from launch_app(desk.data_dir, workdir, fake_graph, {"GTK_THEME": "Adwaita:dark"})


def luminance(rgb: str) -> float:
    parts = [int(p) for p in rgb[rgb.index("(") + 1:rgb.index(")")].split(",")[:3]]
    return (0.2126 * parts[0] + 0.7152 * parts[1] + 0.0722 * parts[2]) / 255


def colours(app) -> tuple[float, float]:
    style = app.execute_script(
        "const s = getComputedStyle(document.querySelector('.conversation-list'));"
        "return [s.backgroundColor, s.color];")
    return luminance(style[0]), luminance(style[1])


def test_the_window_is_dark_when_the_system_is(dark_app, relay):
    wait = WebDriverWait(dark_app, 40)
    wait.until(EC.text_to_be_present_in_element((By.ID, "sync-status"), "Connected"))
    assert dark_app.execute_script("return matchMedia('(prefers-color-scheme: dark)').matches")
    assert relay.post_webhook(instagram_dm("17841400000000001", "5550001", "mid.dark.1", "Hi! Open today?")) == 200
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#conversations li.conversation-item"))).click()
    background, text = colours(dark_app)
    assert background < 0.2 < 0.7 < text, (background, text)
    screenshot(dark_app, "inbox-dark.png")


def test_the_window_is_light_by_default(app):
    wait = WebDriverWait(app, 40)
    wait.until(EC.text_to_be_present_in_element((By.ID, "sync-status"), "Connected"))
    background, text = colours(app)
    assert background > 0.9 > 0.3 > text, (background, text)
