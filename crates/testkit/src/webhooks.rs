//! Webhook bodies as Meta sends them, for tests and benchmarks that need an
//! ordinary message (the webhook corpus holds the unusual ones).

use serde_json::{Value, json};

/// An Instagram direct message from `sender` to the business account.
pub fn instagram_dm(account: &str, sender: &str, mid: &str, text: &str, at_ms: i64) -> Value {
    direct_message("instagram", account, sender, mid, text, at_ms, false)
}

/// A Messenger message between the page and `person`: from the person, or
/// with `echo` Meta's copy of one the page sent.
pub fn messenger_dm(
    page: &str,
    person: &str,
    mid: &str,
    text: &str,
    at_ms: i64,
    echo: bool,
) -> Value {
    direct_message("page", page, person, mid, text, at_ms, echo)
}

fn direct_message(
    object: &str,
    account: &str,
    person: &str,
    mid: &str,
    text: &str,
    at_ms: i64,
    echo: bool,
) -> Value {
    let (sender, recipient) = if echo {
        (account, person)
    } else {
        (person, account)
    };
    let mut message = json!({"mid": mid, "text": text});
    if echo {
        message["is_echo"] = json!(true);
    }
    json!({"object": object, "entry": [{"id": account, "time": at_ms, "messaging": [{
        "sender": {"id": sender}, "recipient": {"id": recipient}, "timestamp": at_ms,
        "message": message
    }]}]})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_echo_comes_from_the_page_and_says_so() {
        let echo = messenger_dm("PAGE1", "PSID7", "m1", "Hi", 5, true);
        let event = &echo["entry"][0]["messaging"][0];
        assert_eq!(event["sender"]["id"], "PAGE1");
        assert_eq!(event["recipient"]["id"], "PSID7");
        assert_eq!(event["message"]["is_echo"], true);
        let dm = instagram_dm("1784", "lead-1", "m2", "Hola", 5);
        assert_eq!(dm["object"], "instagram");
        assert_eq!(
            dm["entry"][0]["messaging"][0]["message"].get("is_echo"),
            None
        );
    }
}
