//! A relay service under faults: two `leadbox-relay` instances over one
//! PostgreSQL database behind a load balancer, one of them SIGKILLed at random
//! moments while Meta's side retries each webhook until it is answered 200 and
//! two desktops stream through the balancer. The checker is the one of the
//! single-relay fault test: nothing answered 200 is lost, nothing appears that
//! was not sent.

use std::io::{BufRead as _, BufReader};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use leadbox_envelope::DeviceSecretKey;
use leadbox_envelope::api::{EnvelopePage, RegisterDeviceResponse};
use leadbox_envelope::payload::Payload;

use crate::faults::{Moments, check, post_until_answered};
use crate::support::Relay;

const ACCOUNT: &str = "17841400000000001";

/// A new database in the throw-away server of `scripts/with-postgres`.
fn fresh_database() -> String {
    let server = std::env::var("LEADBOX_TEST_POSTGRES").unwrap_or_else(|_| {
        panic!(
            "this test needs PostgreSQL: run it through scripts/with-postgres (scripts/test does)"
        )
    });
    let name = format!("service_{}", std::process::id());
    let created = std::process::Command::new("psql")
        .args(["-q", &server, "-c", &format!("CREATE DATABASE {name}")])
        .status()
        .unwrap();
    assert!(created.success());
    format!("{}/{name}", server.rsplit_once('/').unwrap().0)
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A TCP load balancer: each connection goes to the next backend that
/// accepts it (round robin, skipping one that is down), bytes piped both ways.
fn balance(backends: Vec<u16>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let next = Arc::new(AtomicUsize::new(0));
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let start = next.fetch_add(1, Ordering::Relaxed);
            let backend = (0..backends.len()).find_map(|offset| {
                let port = backends[(start + offset) % backends.len()];
                TcpStream::connect(("127.0.0.1", port)).ok()
            });
            let Some(backend) = backend else {
                continue; // every backend down: the client sees the connection close
            };
            for (mut from, mut to) in [
                (client.try_clone().unwrap(), backend.try_clone().unwrap()),
                (backend, client),
            ] {
                std::thread::spawn(move || {
                    let _ = std::io::copy(&mut from, &mut to);
                    let _ = to.shutdown(std::net::Shutdown::Both);
                });
            }
        }
    });
    format!("http://{address}")
}

fn mid_of(key: &DeviceSecretKey, envelope: &leadbox_envelope::SealedEnvelope) -> String {
    let plaintext = leadbox_envelope::open(key, envelope).unwrap();
    let Payload::MetaWebhookEntry { entry, .. } = Payload::from_bytes(&plaintext).unwrap() else {
        panic!("unexpected payload");
    };
    entry["messaging"][0]["message"]["mid"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// A desktop on the push stream through the balancer, reconnecting (from the
/// last event it saw) whenever the stream breaks, until `done`.
fn stream_until(
    url: String,
    token: String,
    key: DeviceSecretKey,
    done: Arc<AtomicBool>,
) -> std::thread::JoinHandle<Vec<String>> {
    std::thread::spawn(move || {
        let http = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(3))
            .build()
            .unwrap();
        let mut streamed = Vec::new();
        let mut last_id = 0u64;
        while !done.load(Ordering::SeqCst) {
            let Ok(response) = http
                .get(format!("{url}/v1/stream"))
                .bearer_auth(&token)
                .header("Last-Event-ID", last_id.to_string())
                .send()
            else {
                std::thread::sleep(Duration::from_millis(20));
                continue;
            };
            // Ends at a kill, or when the client's 3 s timeout cuts it.
            for line in BufReader::new(response).lines() {
                let Ok(line) = line else { break };
                if let Some(data) = line.strip_prefix("data: ")
                    && let Ok(page) = serde_json::from_str::<EnvelopePage>(data)
                {
                    last_id = page.next_cursor;
                    streamed.extend(page.envelopes.iter().map(|e| mid_of(&key, e)));
                }
            }
        }
        streamed
    })
}

#[test]
fn two_instances_behind_a_balancer_one_killed_at_random_lose_nothing() {
    let webhooks: usize = std::env::var("LEADBOX_FAULT_WEBHOOKS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_500);
    let database = fresh_database();
    let ports = [free_port(), free_port()];
    let extra = format!("database_url = \"{database}\"\nroute_claims = \"first_claim\"\n");
    let mut instances: Vec<Relay> = ports
        .iter()
        .map(|port| Relay::start_at(&format!("127.0.0.1:{port}"), &extra, None))
        .collect();
    let url = balance(ports.to_vec());
    let http = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();

    // Two desktops of one business, paired and claimed through the balancer.
    let desktops: Vec<(DeviceSecretKey, String)> = (0..2)
        .map(|_| {
            let key = DeviceSecretKey::generate();
            let registered: RegisterDeviceResponse = http
                .post(format!("{url}/v1/devices"))
                .json(&serde_json::json!({"invite_code": instances[0].invite("Ana's Salon"), "public_key": key.public_key(), "device_name": "desk"}))
                .send()
                .unwrap()
                .json()
                .unwrap();
            (key, registered.token)
        })
        .collect();
    let claimed = http
        .post(format!("{url}/v1/routes"))
        .bearer_auth(&desktops[0].1)
        .json(&serde_json::json!({"platform": "instagram", "account_id": ACCOUNT}))
        .send()
        .unwrap();
    assert!(claimed.status().is_success());

    let done = Arc::new(AtomicBool::new(false));
    let streams: Vec<_> = desktops
        .iter()
        .map(|(key, token)| {
            let key = DeviceSecretKey::from_bytes(key.expose_bytes()).unwrap();
            stream_until(url.clone(), token.clone(), key, done.clone())
        })
        .collect();
    let poster = {
        let (url, http, finished) = (url.clone(), http.clone(), done.clone());
        std::thread::spawn(move || {
            post_until_answered(&http, || url.clone(), ACCOUNT, webhooks, &finished)
        })
    };

    let mut moments = Moments(0x2545_F491_4F6C_DD1D);
    let mut kills = 0;
    while !done.load(Ordering::SeqCst) {
        std::thread::sleep(Duration::from_millis(40 + moments.next_ms(300)));
        let victim = usize::try_from(moments.next_ms(2)).unwrap();
        instances[victim].kill_and_restart();
        kills += 1;
    }
    let (acknowledged, attempts) = poster.join().unwrap();
    assert_eq!(acknowledged.len(), webhooks);
    let streamed: Vec<Vec<String>> = streams.into_iter().map(|s| s.join().unwrap()).collect();

    for ((key, token), streamed) in desktops.iter().zip(&streamed) {
        let mut delivered = Vec::new();
        let mut after = 0;
        loop {
            let page: EnvelopePage = http
                .get(format!("{url}/v1/envelopes?after={after}&wait=0"))
                .bearer_auth(token)
                .send()
                .unwrap()
                .json()
                .unwrap();
            if page.envelopes.is_empty() {
                break;
            }
            after = page.next_cursor;
            delivered.extend(page.envelopes.iter().map(|e| mid_of(key, e)));
        }
        let verdict = check(&acknowledged, &delivered);
        let pushed = check(&acknowledged, streamed);
        eprintln!(
            "{kills} kills, {attempts} attempts for {webhooks} webhooks; this desktop: {} delivered, {} duplicated, {} pushed while the kills went on",
            delivered.len(),
            verdict.duplicated,
            streamed.len()
        );
        assert_eq!(
            verdict.lost,
            Vec::<usize>::new(),
            "acknowledged webhooks lost"
        );
        assert_eq!(verdict.phantom, Vec::<String>::new());
        assert_eq!(
            pushed.phantom,
            Vec::<String>::new(),
            "pushed what was never sent"
        );
        assert!(
            !streamed.is_empty(),
            "the push stream delivered during the run"
        );
    }
    assert!(
        kills >= 3,
        "an instance was killed during the run ({kills})"
    );
}
