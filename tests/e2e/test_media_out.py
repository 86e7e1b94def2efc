"""A photo the owner sends, in the real window: picked in the composer,
checked against WhatsApp's types before anything leaves (a file that is no
photo or PDF is refused with the reason), uploaded to the number's media
with its token, sent by media id with the words as its caption, and shown
in the conversation from the vault."""

import json
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.file_detector import UselessFileDetector
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import FakeGraph, screenshot
from test_media_in import png


def whatsapp_text(mid: str, text: str) -> bytes:
    return json.dumps({"object": "whatsapp_business_account", "entry": [{"id": FakeGraph.WABA_ID, "changes": [{
        "field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550001", "phone_number_id": FakeGraph.PHONE_ID},
            "contacts": [{"profile": {"name": "Ana García"}, "wa_id": "34600111222"}],
            "messages": [{"from": "34600111222", "id": mid, "timestamp": str(int(time.time())), "type": "text",
                          "text": {"body": "¿Me mandáis una foto del local?"}}]}}]}]}).encode()


def pick(app, path):
    """Chooses a file in the composer's picker, as the owner would in the dialog."""
    picker = app.find_element(By.ID, "composer-file")
    # The input is visually hidden behind its button; WebDriver types into visible elements.
    app.execute_script("arguments[0].hidden = false", picker)
    # The driver runs on this machine: the path is typed as is, not uploaded to a grid.
    with app.file_detector_context(UselessFileDetector):
        picker.send_keys(str(path))
    app.execute_script("arguments[0].hidden = true", picker)


def test_an_image_is_sent_with_its_caption_and_shown_in_the_conversation(app, relay, desk, fake_graph, workdir):
    desk.cli(
        "accounts", "add", "--platform", "whatsapp", "--account-id", FakeGraph.PHONE_ID,
        "--connection", "whatsapp-cloud", stdin="wa-token", env={"LEADBOX_GRAPH_URL": fake_graph.url},
    )
    wait = WebDriverWait(app, 40)
    wait.until(EC.text_to_be_present_in_element((By.ID, "sync-status"), "Connected"))
    assert relay.post_webhook(whatsapp_text("wamid.ASK.1", "photo?")) == 200
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#conversations li.conversation-item"))).click()
    wait.until(EC.element_to_be_clickable((By.ID, "composer-attach")))

    # Not a photo nor a PDF, whatever its name says: refused before anything leaves.
    fake = workdir / "photo.jpg"
    fake.write_bytes(b"MZ\x90\x00 a program, not a photo")
    pick(app, fake)
    wait.until(EC.text_to_be_present_in_element((By.ID, "composer-result"), "neither"))
    assert not app.find_elements(By.ID, "composer-attachment")
    assert fake_graph.uploads == []

    picture = png(160, 120)
    photo = workdir / "our place.png"
    photo.write_bytes(picture)
    pick(app, photo)
    attachment = wait.until(EC.visibility_of_element_located((By.ID, "composer-attachment")))
    assert "our place.png" in attachment.text
    app.find_element(By.ID, "composer-text").send_keys("Así es el local por dentro")
    app.execute_script("arguments[0].scrollIntoView({block: 'end'})", app.find_element(By.ID, "composer"))
    assert app.find_element(By.ID, "composer-send").text == "Send with the file"
    screenshot(app, "media-out-attached.png")

    app.find_element(By.ID, "composer-send").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "composer-result"), "Sent."))
    assert len(fake_graph.uploads) == 1, "uploaded once"
    media_id, mime_type, name, data = fake_graph.uploads[0]
    assert (mime_type, name, data) == ("image/png", "our place.png", picture)
    sends = [body for _, _, body in fake_graph.sends]
    assert sends == [{"messaging_product": "whatsapp", "recipient_type": "individual", "to": "34600111222",
                      "type": "image", "image": {"id": media_id, "caption": "Así es el local por dentro"}}]

    # The sent photo is in the conversation, decoded from the vault through the app's protocol.
    image = wait.until(EC.presence_of_element_located(
        (By.CSS_SELECTOR, "#messages li.outbound img.attachment-image")))
    wait.until(lambda _: app.execute_script("return arguments[0].complete && arguments[0].naturalWidth", image) == 160)
    assert image.get_attribute("alt") == "Photo you sent"
    assert not app.find_elements(By.ID, "composer-attachment"), "the composer is empty again"
    screenshot(app, "media-out-sent.png")
