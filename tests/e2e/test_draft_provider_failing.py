"""When the chosen AI provider fails (here: it refuses the API key, as OpenAI
documents), the draft panel says so in words, nothing can be approved, and
the owner can switch back to the built-in drafter and write a new draft."""

import http.server
import json
import threading

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import instagram_dm, screenshot


class RefusingProvider:
    """An OpenAI-compatible server that answers every call with 401 invalid_api_key."""

    def __init__(self):
        provider = self
        self.calls = 0

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                provider.calls += 1
                body = json.dumps({"error": {
                    "message": "Incorrect API key provided: sk-wrong. You can find your API key at https://platform.openai.com/account/api-keys.",
                    "type": "invalid_request_error", "param": None, "code": "invalid_api_key"}}).encode()
                self.send_response(401)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def test_a_failing_provider_is_explained_and_the_builtin_drafter_takes_over(app, relay, desk):
    provider = RefusingProvider()
    try:
        desk.cli("ai", "set", "--provider", "openai_compatible", "--base-url", provider.url, "--model", "gpt-4o-mini",
                 "--api-key-stdin", stdin="sk-wrong\n")
        wait = WebDriverWait(app, 60)
        wait.until(EC.text_to_be_present_in_element((By.ID, "sync-status"), "Connected"))
        assert relay.post_webhook(instagram_dm("17841400000000001", "5550077", "mid.ai.1", "How much is a haircut?")) == 200
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#conversations li.conversation-item"))).click()

        wait.until(EC.text_to_be_present_in_element((By.ID, "draft-status"), "could not be written"))
        problem = app.find_element(By.ID, "draft-problem").get_attribute("textContent")
        assert "API key" in problem, problem
        assert provider.calls >= 1
        assert not app.find_element(By.ID, "draft-approve").is_enabled(), "nothing to approve"
        screenshot(app, "draft-provider-failing.png")

        desk.cli("ai", "set", "--provider", "offline")
        app.find_element(By.ID, "draft-regenerate").click()
        wait.until(EC.text_to_be_present_in_element((By.ID, "draft-status"), "Nothing is sent until you click"))
        assert app.find_element(By.ID, "draft-text").get_attribute("value").strip()
    finally:
        provider.server.shutdown()
