//! The engine end to end in one process: the real relay on loopback, the
//! engine with an in-memory keychain, and a local Graph API that answers
//! like Meta's, errors included. One file per subject.

#![allow(clippy::unwrap_used)] // Test code: a failed unwrap is a failed test.

mod world;

mod accounts;
mod composer;
mod computers;
mod drafting;
mod lead_forms;
mod media;
mod meta_login;
mod outgoing_files;
mod sending;
mod syncing;
mod website;
mod whatsapp_templates;
