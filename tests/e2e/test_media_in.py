"""Photos and files a WhatsApp lead sends, in the real window: the app
fetches them with the number's token as they arrive, keeps them in the
vault, shows a photo through its own protocol (decoded by the webview, no
remote address loaded) and offers a PDF as a file to save."""

import json
import struct
import time
import zlib

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import FakeGraph, screenshot


def png(width: int, height: int) -> bytes:
    """A real PNG: a blue-to-green gradient."""
    rows = b"".join(
        b"\x00" + b"".join(bytes((20, 80 + (150 * x) // width, 200 - (150 * y) // height)) for x in range(width))
        for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def whatsapp_media(mid: str, kind: str, media_id: str, extra: dict) -> bytes:
    return json.dumps({"object": "whatsapp_business_account", "entry": [{"id": FakeGraph.WABA_ID, "changes": [{
        "field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550001", "phone_number_id": FakeGraph.PHONE_ID},
            "contacts": [{"profile": {"name": "Ana García"}, "wa_id": "34600111222"}],
            "messages": [{"from": "34600111222", "id": mid, "timestamp": str(int(time.time())), "type": kind,
                          kind: {"id": media_id, "sha256": "e2e", **extra}}]}}]}]}).encode()


def test_a_photo_is_shown_from_the_vault_and_a_pdf_saved(app, relay, desk, fake_graph, workdir):
    picture = png(160, 120)
    fake_graph.media = {"MEDIA-PHOTO": ("image/png", picture), "MEDIA-PDF": ("application/pdf", PDF)}
    desk.cli(
        "accounts", "add", "--platform", "whatsapp", "--account-id", FakeGraph.PHONE_ID,
        "--connection", "whatsapp-cloud", stdin="wa-token", env={"LEADBOX_GRAPH_URL": fake_graph.url},
    )
    wait = WebDriverWait(app, 40)
    wait.until(EC.text_to_be_present_in_element((By.ID, "sync-status"), "Connected"))
    assert relay.post_webhook(whatsapp_media(
        "wamid.PHOTO.1", "image", "MEDIA-PHOTO", {"mime_type": "image/png", "caption": "Our garden, before"})) == 200
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#conversations li.conversation-item"))).click()

    # Decoded by the webview from the app's own protocol: a real 160×120 picture.
    image = wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#messages img.attachment-image")))
    wait.until(lambda _: app.execute_script("return arguments[0].complete && arguments[0].naturalWidth", image) == 160)
    src = image.get_attribute("src")
    assert not src.startswith("http") or "media.localhost" in src, src
    assert "MEDIA-PHOTO" not in src, "the window never sees Meta's address"
    screenshot(app, "media-photo.png")

    assert relay.post_webhook(whatsapp_media(
        "wamid.PDF.1", "document", "MEDIA-PDF", {"mime_type": "application/pdf", "filename": "quote.pdf"})) == 200
    wait.until(lambda _: len(app.find_elements(By.CSS_SELECTOR, "#messages .attachment-save")) == 2)
    assert len(app.find_elements(By.CSS_SELECTOR, "#messages img.attachment-image")) == 1, "a PDF is no image"
    app.find_elements(By.CSS_SELECTOR, "#messages .attachment-save")[1].click()
    result = wait.until(EC.visibility_of_element_located((By.ID, "attachment-result")))
    wait.until(lambda _: "Saved to" in result.get_attribute("textContent"))
    saved = result.get_attribute("textContent").removeprefix("Saved to ").strip()
    assert saved.startswith(str(workdir / "exports")), saved
    assert saved.endswith(".pdf")
    with open(saved, "rb") as file:
        assert file.read() == PDF
    screenshot(app, "media-file-saved.png")
