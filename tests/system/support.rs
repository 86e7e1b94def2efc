//! Real processes for whole-system tests: the `leadbox-relay` binary on a
//! loopback port and `leadbox-cli` on its own data folder. The CLI uses the OS
//! keychain, so these tests run inside `scripts/with-test-session`, which gives
//! them a private D-Bus session and an unlocked throw-away GNOME Keyring.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};

use hmac::{Hmac, Mac};
use sha2::Sha256;

pub const APP_SECRET: &str = "system-test-app-secret";
pub const VERIFY_TOKEN: &str = "system-test-verify-token";

/// The folder holding the workspace's binaries (next to this test's `deps/`).
pub fn bin_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test knows where it runs");
    exe.parent()
        .and_then(Path::parent)
        .expect("tests run from target/<profile>/deps")
        .to_owned()
}

pub fn binary(name: &str) -> PathBuf {
    let path = bin_dir().join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.exists(),
        "{} is missing: run `cargo build --workspace --bins` first (scripts/test does)",
        path.display()
    );
    path
}

pub fn require_keychain() {
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "these tests need a Secret Service: run them through scripts/with-test-session (scripts/test does)"
    );
}

/// Starts `leadbox-relay serve` and waits for its "listening on" line.
fn spawn_relay(config: &Path, log: Option<&Path>) -> (Child, String) {
    let (level, stderr) = match log {
        Some(path) => ("debug", Stdio::from(std::fs::File::create(path).unwrap())),
        None => ("warn", Stdio::inherit()),
    };
    let mut child = Command::new(binary("leadbox-relay"))
        .args(["--config", config.to_str().unwrap(), "serve"])
        .env("LEADBOX_LOG", level)
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let address = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected relay output: {line:?}"));
    (child, format!("http://{address}"))
}

pub struct Relay {
    pub url: String,
    dir: tempfile::TempDir,
    config: PathBuf,
    child: Child,
}

impl Relay {
    pub fn start() -> Relay {
        Relay::start_logging(None)
    }

    /// Starts the relay; with `log`, at debug level with its log written there.
    /// Free accounts are claimed without proof: these tests are about other
    /// things (`start_with` sets up a relay that asks for proof).
    pub fn start_logging(log: Option<&Path>) -> Relay {
        Relay::start_with("route_claims = \"first_claim\"\n", log)
    }

    /// Starts the relay with `extra` lines added to its config.
    pub fn start_with(extra: &str, log: Option<&Path>) -> Relay {
        Relay::start_at("127.0.0.1:0", extra, log)
    }

    /// Starts the relay on `listen` (a fixed port is kept across restarts).
    pub fn start_at(listen: &str, extra: &str, log: Option<&Path>) -> Relay {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("relay.toml");
        std::fs::write(
            &config,
            format!(
                "listen = \"{listen}\"\ndata_dir = {:?}\nmeta_app_secret = \"{APP_SECRET}\"\nmeta_verify_token = \"{VERIFY_TOKEN}\"\nmax_body_bytes = 65536\n# One machine plays many desktops here: no per-address budget in the way.\ndevice_requests_per_second = 100000\n{extra}",
                dir.path().join("data")
            ),
        )
        .unwrap();
        let (child, url) = spawn_relay(&config, log);
        Relay {
            url,
            dir,
            config,
            child,
        }
    }

    /// SIGKILLs the relay and starts it again on the same data (a new port).
    pub fn kill_and_restart(&mut self) {
        self.stop();
        let (child, url) = spawn_relay(&self.config, None);
        self.child = child;
        self.url = url;
    }

    /// The relay's folder: its config and its data.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    pub fn invite(&self, business: &str) -> String {
        let output = Command::new(binary("leadbox-relay"))
            .args([
                "--config",
                self.config.to_str().unwrap(),
                "invite",
                "--business",
                business,
            ])
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "invite failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap().trim().to_owned()
    }

    pub fn post_webhook(&self, body: &[u8], signature: Option<&str>) -> u16 {
        let mut request = reqwest::blocking::Client::new()
            .post(format!("{}/webhooks/meta", self.url))
            .header("content-type", "application/json")
            .body(body.to_vec());
        if let Some(signature) = signature {
            request = request.header("X-Hub-Signature-256", signature);
        }
        request.send().unwrap().status().as_u16()
    }

    pub fn metric(&self, name: &str) -> u64 {
        let text = reqwest::blocking::get(format!("{}/metrics", self.url))
            .unwrap()
            .text()
            .unwrap();
        text.lines()
            .find_map(|line| {
                line.strip_prefix(name)
                    .and_then(|rest| rest.trim().parse().ok())
            })
            .unwrap_or_else(|| panic!("metric {name} missing"))
    }

    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.stop();
    }
}

pub fn sign(body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(APP_SECRET.as_bytes()).unwrap();
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// A desktop: its own data folder, driven through the real `leadbox-cli`.
pub struct Desk {
    pub dir: tempfile::TempDir,
}

impl Desk {
    pub fn new() -> Desk {
        Desk {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.run_with_env(args, &[])
    }

    pub fn run_with_env(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        Command::new(binary("leadbox-cli"))
            .arg("--data-dir")
            .arg(self.dir.path())
            .args(args)
            .env("LEADBOX_LOG", "warn")
            .env_remove("LEADBOX_ACCOUNT_TOKEN")
            .envs(env.iter().copied())
            .output()
            .unwrap()
    }

    /// Runs with `input` on standard input (passphrases, confirmations).
    pub fn run_with_input(&self, args: &[&str], input: &str) -> Output {
        use std::io::Write as _;
        let mut child = Command::new(binary("leadbox-cli"))
            .arg("--data-dir")
            .arg(self.dir.path())
            .args(args)
            .env("LEADBOX_LOG", "warn")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    }

    /// Runs and insists on success, returning stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let output = self.run(args);
        assert!(
            output.status.success(),
            "leadbox-cli {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    }

    pub fn pair_and_claim(&self, relay: &Relay, business: &str, account: &str) {
        let invite = relay.invite(business);
        self.ok(&["pair", "--relay", &relay.url, "--invite", &invite]);
        self.ok(&["claim", "--platform", "instagram", "--account-id", account]);
    }

    pub fn conversations(&self) -> Vec<serde_json::Value> {
        self.ok(&["conversations", "--json"])
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect()
    }
}

/// An Instagram DM webhook as Meta sends it: escaped non-ASCII, `\/` in links.
pub fn instagram_dm(account: &str, sender: &str, mid: &str, text_json_escaped: &str) -> Vec<u8> {
    format!(
        r#"{{"object":"instagram","entry":[{{"id":"{account}","time":1732350000456,"messaging":[{{"sender":{{"id":"{sender}"}},"recipient":{{"id":"{account}"}},"timestamp":1732350000123,"message":{{"mid":"{mid}","text":"{text_json_escaped}"}}}}]}}]}}"#
    )
    .into_bytes()
}

/// Request lines and bodies a fake server received.
pub type Requests = Arc<Mutex<Vec<(String, String)>>>;

/// A tiny HTTP/1.1 server on loopback standing in for a platform the desktop
/// calls (Graph, an LLM): `respond(request_line, body)` gives the JSON answer.
/// Returns its base URL and what it received.
pub fn fake_http(respond: impl Fn(&str, &str) -> String + Send + 'static) -> (String, Requests) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen: Requests = Arc::new(Mutex::new(Vec::new()));
    let requests = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            let _ = reader.read_line(&mut request_line);
            let mut length = 0;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = value.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            let body = String::from_utf8_lossy(&body).into_owned();
            let response = respond(request_line.trim(), &body);
            requests
                .lock()
                .unwrap()
                .push((request_line.trim().to_owned(), body));
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{response}",
                response.len()
            );
        }
    });
    (url, seen)
}
