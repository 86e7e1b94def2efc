//! Arbitrary bytes as a Meta webhook body: the relay's split into routed
//! entries and the desktop's parse of each entry must never panic.
#![no_main]

use leadbox_channels::events::parse_entry;
use leadbox_channels::routing::split_webhook;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &[u8]| {
    for entry in split_webhook(body).entries {
        let _ = parse_entry(entry.route, &entry.account_id, &entry.entry, 1_764_000_000_000);
    }
});
