"""New versions in the real window, from a local update server: a newer
signed version is announced at start and offered in Settings with its
notes; one whose signature was made with another key is refused, with
the reason, and nothing is changed; a correctly signed one replaces the
AppImage Leadbox runs from. Signatures are minisign's (Ed25519 over the
BLAKE2b-512 of the file, and over the signature and its trusted comment),
as `tauri signer sign` makes them."""

import base64
import contextlib
import hashlib
import http.server
import json
import os
import threading

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import launch_app, screenshot


class Signer:
    """A minisign key pair, as `tauri signer generate` makes one."""

    def __init__(self):
        self.key = Ed25519PrivateKey.generate()
        self.key_id = os.urandom(8)

    def public_key(self) -> str:
        """What tauri.conf.json's `plugins.updater.pubkey` holds."""
        raw = self.key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        text = (f"untrusted comment: minisign public key {self.key_id[::-1].hex().upper()}\n"
                f"{base64.b64encode(b'Ed' + self.key_id + raw).decode()}\n")
        return base64.b64encode(text.encode()).decode()

    def sign(self, data: bytes, version: str) -> str:
        """The `.sig` file's text, base64, as the update manifest carries it."""
        signature = self.key.sign(hashlib.blake2b(data, digest_size=64).digest())
        trusted = f"timestamp:1764806400\tfile:Leadbox.AppImage\tversion:{version}"
        global_signature = self.key.sign(signature + trusted.encode())
        text = ("untrusted comment: signature from tauri secret key\n"
                f"{base64.b64encode(b'ED' + self.key_id + signature).decode()}\n"
                f"trusted comment: {trusted}\n"
                f"{base64.b64encode(global_signature).decode()}\n")
        return base64.b64encode(text.encode()).decode()


class UpdateServer:
    """The update manifest and the file it names, on loopback."""

    def __init__(self, version: str, package: bytes, signature: str):
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                if self.path == "/Leadbox.AppImage":
                    data, kind = package, "application/octet-stream"
                else:
                    data, kind = json.dumps({
                        "version": version, "notes": "Photos in replies.\nFaster start.",
                        "pub_date": "2026-12-01T10:00:00Z",
                        "platforms": {f"linux-x86_64{suffix}": {"url": f"{server.url}/Leadbox.AppImage",
                                                                "signature": signature}
                                      for suffix in ("", "-appimage")},
                    }).encode(), "application/json"
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


# An AppImage is an ELF program; the updater checks that much (the header's
# magic, class and size) before it replaces the file.
INSTALLED = b"\x7fELF\x02\x01\x01" + b"\0" * 57 + b"the AppImage installed now"
NEWER = b"\x7fELF\x02\x01\x01" + b"\0" * 57 + b"the AppImage of Leadbox 99.0.0"


@contextlib.contextmanager
def started(desk, workdir, fake_graph, signed_by: Signer, trusted: Signer):
    """The app, run as from an AppImage, with an update server offering 99.0.0."""
    appimage = workdir / "Leadbox.AppImage"
    appimage.write_bytes(INSTALLED)
    appimage.chmod(0o755)
    server = UpdateServer("99.0.0", NEWER, signed_by.sign(NEWER, "99.0.0"))
    env = {"LEADBOX_UPDATE_URL": f"{server.url}/latest.json", "LEADBOX_UPDATE_PUBKEY": trusted.public_key(),
           "APPIMAGE": str(appimage)}
    # Closed however the test ends: a window left running would take the next start (one instance).
    with contextlib.closing(launch_app(desk.data_dir, workdir, fake_graph, env)) as running:
        try:
            yield next(running), appimage
        finally:
            server.server.shutdown()


def outcome(app, wait) -> str:
    """The Updates section's answer once the install is over."""
    result = app.find_element(By.ID, "update-result")
    wait.until(lambda _: result.text and not result.text.startswith("Downloading"))
    return result.text


def open_updates(app):
    wait = WebDriverWait(app, 40)
    # Announced by the check at start; its button opens Settings at Updates.
    banner = wait.until(EC.visibility_of_element_located((By.ID, "update-banner")))
    assert "Leadbox 99.0.0 is available" in banner.text
    app.find_element(By.ID, "update-banner-open").click()
    available = wait.until(EC.visibility_of_element_located((By.ID, "update-available")))
    app.execute_script("arguments[0].scrollIntoView({block: 'center'})", available)
    assert "99.0.0" in available.text and "Photos in replies." in available.text
    return wait


def test_a_newer_signed_version_is_offered_and_installed(desk, workdir, fake_graph):
    release = Signer()
    with started(desk, workdir, fake_graph, signed_by=release, trusted=release) as (app, appimage):
        wait = open_updates(app)
        screenshot(app, "update-offered.png")
        app.find_element(By.ID, "update-install").click()
        said = outcome(app, wait)
        assert "Leadbox 99.0.0 is installed" in said, said
        assert appimage.read_bytes() == NEWER, "the AppImage was replaced by the signed one"
        assert os.access(appimage, os.X_OK)
        assert app.find_element(By.ID, "update-restart").is_displayed()
        screenshot(app, "update-installed.png")


def test_an_update_signed_with_another_key_is_refused_and_nothing_changes(desk, workdir, fake_graph):
    release, attacker = Signer(), Signer()
    with started(desk, workdir, fake_graph, signed_by=attacker, trusted=release) as (app, appimage):
        wait = open_updates(app)
        app.find_element(By.ID, "update-install").click()
        said = outcome(app, wait)
        assert "signature does not match" in said and "nothing was changed" in said, said
        assert appimage.read_bytes() == INSTALLED
        assert not app.find_elements(By.ID, "update-restart")
        assert not app.find_elements(By.ID, "update-install"), "the refused update is not offered again as is"
        screenshot(app, "update-refused.png")
