"""Fixtures for the end-to-end tests: the real relay and CLI binaries, the real
app under Xvfb driven through tauri-driver + WebKitWebDriver, and a mock
notification server on the private session bus.

These run inside scripts/with-test-session (private D-Bus, unlocked throw-away
GNOME Keyring, Xvfb), which scripts/test sets up.
"""

import hashlib
import hmac
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
BIN = TARGET / "debug"
APP_SECRET = "e2e-app-secret"
SCREENSHOTS = TARGET / "e2e"


# The dialogs the top bar opens: (its button, whether it is in the More menu, the dialog).
TOP_BAR_DIALOGS = [
    ("accounts-open", False, "accounts-dialog"),
    ("dashboard-open", False, "dashboard-dialog"),
    ("settings-open", False, "settings-dialog"),
    ("lead-forms-open", True, "lead-forms-dialog"),
    ("retention-open", True, "retention-dialog"),
    ("export-open", True, "export-dialog"),
    ("backup-open", True, "backup-dialog"),
    ("shortcuts-open", True, "shortcuts-dialog"),
]


def screenshot(driver, name: str):
    """Saves the screen under target/e2e/ once the latest change is painted
    (two animation frames), not the frame before it. Taken from the X display:
    WebKitWebDriver's own screenshot never returns once a native notification
    has been shown while WebKit composites nothing (the app turns compositing
    off, see src-tauri/src/webview.rs)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    driver.execute_async_script("requestAnimationFrame(() => requestAnimationFrame(arguments[0]))")
    subprocess.run(["import", "-window", "root", str(SCREENSHOTS / name)], check=True, timeout=30)


def wait_for_log(log, words: str, seconds: float = 20) -> str:
    """The notification log once it holds `words` (it is written by another process)."""
    deadline = time.time() + seconds
    calls = ""
    while time.time() < deadline:
        calls = log.read_text() if log.exists() else ""
        if words in calls:
            return calls
        time.sleep(0.2)
    raise AssertionError(f"{words!r} not in the notification log:\n{calls}")


def binary(name: str) -> Path:
    path = BIN / name
    assert path.exists(), f"{path} is missing: build the workspace first (scripts/test does)"
    return path


def sign(body: bytes) -> str:
    return "sha256=" + hmac.new(APP_SECRET.encode(), body, hashlib.sha256).hexdigest()


def instagram_dm(account: str, sender: str, mid: str, text: str, at_ms: int | None = None) -> bytes:
    entry = {
        "id": account,
        "time": 1732350000456,
        "messaging": [
            {
                "sender": {"id": sender},
                "recipient": {"id": account},
                "timestamp": at_ms if at_ms is not None else int(time.time() * 1000),
                "message": {"mid": mid, "text": text},
            }
        ],
    }
    # ensure_ascii mimics Meta's \uXXXX escaping of non-ASCII characters.
    return json.dumps({"object": "instagram", "entry": [entry]}, ensure_ascii=True).encode()


class Relay:
    def __init__(self, workdir: Path):
        self.config = workdir / "relay.toml"
        self.config.write_text(
            f'listen = "127.0.0.1:0"\ndata_dir = "{workdir / "relay-data"}"\n'
            f'meta_app_secret = "{APP_SECRET}"\nmeta_verify_token = "e2e"\n'
            # Accounts are claimed from the CLI without proof (the relay's
            # proof of control is tested in the relay's and system tests).
            'route_claims = "first_claim"\n'
            # A relay service's sign-up from the window (test_signup.py).
            'signup = "code"\nsignup_codes = ["e2e-signup-code"]\n'
        )
        self.process = subprocess.Popen(
            [binary("leadbox-relay"), "--config", self.config, "serve"],
            stdout=subprocess.PIPE,
            text=True,
        )
        line = self.process.stdout.readline().strip()
        assert line.startswith("listening on "), line
        self.url = "http://" + line.removeprefix("listening on ")

    def businesses(self) -> list:
        out = subprocess.run(
            [binary("leadbox-relay"), "--config", self.config, "businesses", "list", "--json"],
            check=True,
            capture_output=True,
            text=True,
        )
        return [json.loads(line) for line in out.stdout.splitlines() if line.strip()]

    def invite(self, business: str) -> str:
        out = subprocess.run(
            [binary("leadbox-relay"), "--config", self.config, "invite", "--business", business],
            check=True,
            capture_output=True,
            text=True,
        )
        return out.stdout.strip()

    def post_webhook(self, body: bytes) -> int:
        request = urllib.request.Request(
            self.url + "/webhooks/meta",
            data=body,
            headers={"Content-Type": "application/json", "X-Hub-Signature-256": sign(body)},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def stop(self):
        self.process.kill()
        self.process.wait()


class Desk:
    def __init__(self, data_dir: Path):
        self.data_dir = data_dir

    def cli(self, *args: str, stdin: str | None = None, env: dict | None = None) -> str:
        out = subprocess.run(
            [binary("leadbox-cli"), "--data-dir", self.data_dir, *args],
            capture_output=True,
            text=True,
            input=stdin,
            env=dict(os.environ, **(env or {})),
        )
        assert out.returncode == 0, f"leadbox-cli {args} failed: {out.stderr}"
        return out.stdout

    def vault_key_hex(self) -> str:
        vault_id = (self.data_dir / "vault-id").read_text().strip()
        out = subprocess.run(
            ["secret-tool", "lookup", "service", "app.leadbox.desktop", "username", f"vault-key:{vault_id}"],
            capture_output=True,
            check=True,
        )
        return out.stdout.hex()


@pytest.fixture(scope="session", autouse=True)
def private_session():
    assert os.environ.get("DBUS_SESSION_BUS_ADDRESS"), "run through scripts/with-test-session"
    assert os.environ.get("DISPLAY"), "run through scripts/with-test-session"


@pytest.fixture
def workdir():
    path = Path(tempfile.mkdtemp(prefix="leadbox-e2e-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def relay(workdir):
    relay = Relay(workdir)
    yield relay
    relay.stop()


@pytest.fixture
def desk(workdir, relay):
    desk = Desk(workdir / "desk")
    desk.cli("pair", "--relay", relay.url, "--invite", relay.invite("Ana's Salon"))
    desk.cli("claim", "--platform", "instagram", "--account-id", "17841400000000001")
    return desk


@pytest.fixture(scope="session")
def notification_log():
    """A mock org.freedesktop.Notifications server recording every call."""
    log = Path(tempfile.mkdtemp(prefix="leadbox-notify-")) / "calls.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "dbusmock", "--session", "--template", "notification_daemon", "-l", str(log)],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.time() + 15
    while time.time() < deadline:
        probe = subprocess.run(
            [
                "dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus",
                "org.freedesktop.DBus.NameHasOwner", "string:org.freedesktop.Notifications",
            ],
            capture_output=True,
            text=True,
        )
        if "boolean true" in probe.stdout:
            break
        time.sleep(0.1)
    else:
        process.kill()
        pytest.fail("the mock notification server did not start")
    yield log
    process.kill()
    process.wait()


class FakeGraph:
    """Meta's Graph API as far as the app needs it: a page token's /me, an
    Instagram account by id, /{id}/messages, lead-ad submissions by id, and
    the profiles of people who wrote (other ids are refused, as Meta does
    without the person's consent)."""

    PAGE_ID = "104000000000001"
    # A WhatsApp number and its WhatsApp Business Account, reached with `wa-token`.
    PHONE_ID = "106540352242922"
    WABA_ID = "102290129340398"

    def __init__(self, account_id: str):
        import http.server
        import threading

        self.sends = []
        self.token_expired = False
        # Lead-ad submissions by leadgen id, as GET /{leadgen_id}?fields=... answers them.
        self.leads = {}
        # User Profile API answers by the person's page-scoped id.
        self.profiles = {}
        # The WhatsApp Business Account's message templates, as Meta lists them.
        self.templates = []
        # WhatsApp media by media id: (mime type, bytes), downloaded with the token.
        self.media = {}
        # Files uploaded to the number's media (POST /{number}/media): (media id, mime type, name, bytes).
        self.uploads = []
        graph = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def reply(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                if self.path.startswith("/media-download/"):
                    self.download(graph)
                    return
                authorized = self.headers.get("Authorization") == "Bearer page-token"
                # An Instagram account linked to a page is read by its id with the page's token.
                resource = self.path.split("?")[0].removeprefix("/v21.0/")
                if resource == account_id and authorized:
                    self.reply(200, {"id": account_id, "username": "anas_salon"})
                elif resource == "me" and authorized:
                    self.reply(200, {"id": FakeGraph.PAGE_ID, "name": "Ana's Salon"})
                elif resource in graph.leads and authorized:
                    self.reply(200, graph.leads[resource])
                elif resource in graph.profiles and authorized:
                    self.reply(200, graph.profiles[resource])
                elif self.headers.get("Authorization") == "Bearer wa-token" and resource in self.whatsapp(graph):
                    self.reply(200, self.whatsapp(graph)[resource])
                else:
                    self.reply(400, {"error": {"message": "Invalid OAuth access token", "code": 190}})

            def download(self, graph):
                media = graph.media.get(self.path.removeprefix("/media-download/"))
                if self.headers.get("Authorization") != "Bearer wa-token" or media is None:
                    self.reply(404, {"error": "not found"})
                    return
                mime_type, data = media
                self.send_response(200)
                self.send_header("Content-Type", mime_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            @staticmethod
            def whatsapp(graph):
                """What a WhatsApp token reads: its number, the business account that
                holds it (found through debug_token), and that account's templates."""
                return {
                    FakeGraph.PHONE_ID: {"id": FakeGraph.PHONE_ID, "display_phone_number": "15550001",
                                         "verified_name": "Ana's Salon"},
                    "debug_token": {"data": {"granular_scopes": [
                        {"scope": "whatsapp_business_messaging", "target_ids": [FakeGraph.WABA_ID]}]}},
                    f"{FakeGraph.WABA_ID}/phone_numbers": {"data": [{"id": FakeGraph.PHONE_ID}]},
                    f"{FakeGraph.WABA_ID}/message_templates": {"data": graph.templates},
                    **{media_id: {"messaging_product": "whatsapp", "id": media_id, "mime_type": mime_type,
                                  "file_size": len(data), "sha256": "e2e",
                                  "url": f"{graph.url}/media-download/{media_id}"}
                       for media_id, (mime_type, data) in graph.media.items()},
                }

            def upload(self, graph, data):
                """WhatsApp's media upload: a form with messaging_product, type and the file."""
                import email.parser
                import email.policy

                form = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
                    f"Content-Type: {self.headers['Content-Type']}\r\n\r\n".encode() + data)
                fields = {part.get_param("name", header="content-disposition"): part for part in form.iter_parts()}
                file = fields.get("file")
                if self.headers.get("Authorization") != "Bearer wa-token" or file is None \
                        or fields["messaging_product"].get_content().strip() != "whatsapp":
                    self.reply(400, {"error": {"message": "(#100) Invalid parameter", "code": 100}})
                    return
                media_id = f"e2e-media-{len(graph.uploads) + 1}"
                graph.uploads.append((media_id, file.get_content_type(), file.get_filename(), file.get_payload(decode=True)))
                self.reply(200, {"id": media_id})

            def do_POST(self):
                data = self.rfile.read(int(self.headers["Content-Length"]))
                if self.path.split("?")[0].endswith("/media"):
                    self.upload(graph, data)
                    return
                body = json.loads(data)
                if graph.token_expired:
                    # Meta's answer once the owner's session (and so the page token) expired.
                    self.reply(400, {"error": {
                        "message": "Error validating access token: Session has expired on Sunday, 22-Nov-26 10:00:00 PST.",
                        "type": "OAuthException", "code": 190, "error_subcode": 463, "fbtrace_id": "e2e"}})
                    return
                graph.sends.append((self.path, self.headers.get("Authorization"), body))
                if body.get("messaging_product") == "whatsapp":
                    self.reply(200, {"messaging_product": "whatsapp", "contacts": [{"input": body["to"], "wa_id": body["to"]}],
                                     "messages": [{"id": f"wamid.e2e_{len(graph.sends)}"}]})
                    return
                self.reply(200, {"recipient_id": body["recipient"]["id"], "message_id": f"m_e2e_{len(graph.sends)}"})

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()


@pytest.fixture
def fake_graph():
    graph = FakeGraph("17841400000000001")
    yield graph
    graph.stop()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"port {port} did not open")


@pytest.fixture
def app(desk, workdir, notification_log, fake_graph):
    """The real Leadbox app on the desk's data folder, driven over WebDriver."""
    yield from launch_app(desk.data_dir, workdir, fake_graph)


@pytest.fixture
def fresh_app(workdir, relay, notification_log, fake_graph):
    """The real app started on an empty data folder, as on a new computer."""
    yield from launch_app(workdir / "fresh", workdir, fake_graph)


def launch_app(data_dir: Path, workdir: Path, fake_graph, extra_env: dict | None = None):
    from selenium import webdriver
    from selenium.webdriver.common.options import ArgOptions

    class WryOptions(ArgOptions):
        @property
        def default_capabilities(self):
            return {"browserName": "wry"}

    # The same workdir twice is the same computer started again (its settings, its window state).
    home = workdir / "home"
    home.mkdir(exist_ok=True)
    # HOME too: a login item (Start with this computer) goes to ~/.config/autostart.
    env = dict(os.environ, HOME=str(home), LEADBOX_DATA_DIR=str(data_dir), XDG_DATA_HOME=str(home / "data"),
               XDG_CONFIG_HOME=str(home / "config"), XDG_CACHE_HOME=str(home / "cache"),
               LEADBOX_GRAPH_URL=fake_graph.url, LEADBOX_EXPORT_DIR=str(workdir / "exports"),
               # English whatever this machine's language, unless a test asks for another.
               **{"LEADBOX_LANGUAGE": "en", **(extra_env or {})})
    port, native_port = free_port(), free_port()
    driver_bin = shutil.which("tauri-driver") or str(Path.home() / ".cargo" / "bin" / "tauri-driver")
    driver_process = subprocess.Popen(
        [driver_bin, "--port", str(port), "--native-port", str(native_port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port)
        wait_for_port(native_port)
        options = WryOptions()
        options.set_capability("tauri:options", {"application": str(binary("leadbox"))})
        driver = webdriver.Remote(command_executor=f"http://127.0.0.1:{port}", options=options)
        try:
            # The window mounts once it knows its language (one call to the Rust side).
            from selenium.webdriver.support.ui import WebDriverWait
            WebDriverWait(driver, 40).until(lambda d: d.execute_script("return document.querySelector('.topbar') !== null"))
            yield driver
        finally:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            driver.quit()
    finally:
        driver_process.kill()
        driver_process.wait()
