//! The offline drafter on three realistic businesses: every fact it states
//! comes from the profile, and what the profile lacks is asked for or promised,
//! never invented.

#![allow(clippy::unwrap_used)] // Test helpers: a failed unwrap is a failed test.

use leadbox_drafts::checks::Flag;
use leadbox_drafts::offline::OfflineDrafter;
use leadbox_drafts::{
    BusinessProfile, ConversationTurn, Draft, DraftRequest, Drafter, Platform, Speaker,
};

fn profile(name: &str) -> BusinessProfile {
    let path = format!("{}/tests/profiles/{name}.toml", env!("CARGO_MANIFEST_DIR"));
    BusinessProfile::from_toml(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn draft_for(
    profile: &BusinessProfile,
    channel: Platform,
    history: &[(Speaker, &str)],
    message: &str,
) -> Draft {
    let request = DraftRequest {
        profile: profile.clone(),
        channel,
        lead_name: None,
        history: history
            .iter()
            .map(|(speaker, text)| ConversationTurn {
                speaker: *speaker,
                text: (*text).into(),
            })
            .collect(),
        new_message: message.into(),
        owner_replies: Vec::new(),
    };
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(OfflineDrafter.draft(&request))
        .unwrap()
}

fn invented(draft: &Draft) -> Vec<&Flag> {
    draft
        .flags
        .iter()
        .filter(|f| {
            matches!(
                f,
                Flag::UnknownLink(_)
                    | Flag::UnknownPrice(_)
                    | Flag::UnknownPhone(_)
                    | Flag::UnknownEmail(_)
            )
        })
        .collect()
}

#[test]
fn salon_price_question_in_spanish_quotes_the_profile_price() {
    let salon = profile("hair_salon");
    let draft = draft_for(
        &salon,
        Platform::Instagram,
        &[],
        "Hola! ¿Cuánto cuesta un corte de pelo?",
    );
    assert!(draft.text.starts_with("¡Hola!"), "{}", draft.text);
    // In the Spanish name the owner gave the service.
    assert!(draft.text.contains("Corte de pelo: €25"), "{}", draft.text);
    assert!(draft.text.contains("45 min"), "{}", draft.text);
    assert!(
        draft.text.contains("teléfono o email"),
        "asks for contact details: {}",
        draft.text
    );
    assert!(draft.text.ends_with("Ana, Ana's Salon"));
    assert!(invented(&draft).is_empty(), "{:?}", draft.flags);
}

#[test]
fn salon_booking_in_english_offers_the_booking_link_and_no_availability() {
    let salon = profile("hair_salon");
    let draft = draft_for(
        &salon,
        Platform::Instagram,
        &[],
        "Hi, I'm Carla. Can I book a colour for Saturday? My number is 611 222 333",
    );
    assert!(draft.text.starts_with("Hi Carla!"), "{}", draft.text);
    assert!(draft.text.contains("https://book.example.com/anas-salon"));
    assert!(
        !draft.text.to_lowercase().contains("available"),
        "never promises a slot: {}",
        draft.text
    );
    assert!(
        !draft.text.contains("phone number or email"),
        "the number was given: {}",
        draft.text
    );
    assert!(invented(&draft).is_empty(), "{:?}", draft.flags);
}

#[test]
fn salon_faq_answers_come_from_the_faq() {
    let salon = profile("hair_salon");
    let draft = draft_for(
        &salon,
        Platform::Messenger,
        &[],
        "Hi! Is there parking nearby?",
    );
    assert!(
        draft.text.contains("public car park on Calle Colón"),
        "{}",
        draft.text
    );
}

#[test]
fn clinic_is_formal_and_does_not_invent_the_emergency_price() {
    let clinic = profile("dental_clinic");
    let draft = draft_for(
        &clinic,
        Platform::Messenger,
        &[],
        "How much is an emergency appointment? I have a toothache",
    );
    assert!(draft.text.starts_with("Hello,"), "{}", draft.text);
    assert!(
        draft
            .text
            .contains("I'll confirm the price of Emergency appointment"),
        "{}",
        draft.text
    );
    assert!(
        !draft.text.contains('$'),
        "no price exists for emergencies: {}",
        draft.text
    );
    assert!(invented(&draft).is_empty(), "{:?}", draft.flags);
}

#[test]
fn clinic_hours_and_address_are_the_profiles() {
    let clinic = profile("dental_clinic");
    let draft = draft_for(
        &clinic,
        Platform::Whatsapp,
        &[],
        "What time do you open on Friday and where are you?",
    );
    assert!(draft.text.contains("Fri 8:00-14:00"), "{}", draft.text);
    assert!(draft.text.contains("410 Oak Street"), "{}", draft.text);
    assert!(
        !draft.text.contains("phone number"),
        "WhatsApp leads already gave their number: {}",
        draft.text
    );
}

#[test]
fn agent_without_hours_promises_to_confirm_them() {
    let agent = profile("real_estate");
    let draft = draft_for(&agent, Platform::Instagram, &[], "When are you open?");
    assert!(
        draft.text.contains("I'll confirm our opening hours"),
        "{}",
        draft.text
    );
    assert!(
        !draft.text.contains(':') || !draft.text.contains("9"),
        "no made-up times: {}",
        draft.text
    );
}

#[test]
fn agent_answers_commission_from_the_faq_and_asks_for_contact_on_viewings() {
    let agent = profile("real_estate");
    let history = [
        (Speaker::Lead, "Hello, I saw the flat in Alicante"),
        (Speaker::Business, "Hi! Thanks for writing."),
    ];
    let draft = draft_for(
        &agent,
        Platform::Instagram,
        &history,
        "Could I book a viewing this week?",
    );
    assert!(
        draft
            .text
            .contains("https://calendly.example/casaluz/viewing"),
        "{}",
        draft.text
    );
    assert!(
        draft.text.contains("name and a phone number or email"),
        "{}",
        draft.text
    );
    let commission = draft_for(
        &agent,
        Platform::Instagram,
        &[],
        "What is your commission for selling my house?",
    );
    assert!(
        commission.text.contains("3% of the sale price"),
        "{}",
        commission.text
    );
}

#[test]
fn a_complaint_gets_an_apology_not_a_sales_pitch() {
    let salon = profile("hair_salon");
    let draft = draft_for(
        &salon,
        Platform::Instagram,
        &[],
        "The colour was terrible, I want a refund",
    );
    assert!(draft.text.contains("sorry"), "{}", draft.text);
    assert!(!draft.text.contains("book.example.com"), "{}", draft.text);
}

#[test]
fn every_reply_fits_the_channel() {
    let mut clinic = profile("dental_clinic");
    clinic.faq[0].answer = "We accept insurance. ".repeat(100);
    let draft = draft_for(
        &clinic,
        Platform::Instagram,
        &[],
        "Do you accept insurance?",
    );
    assert!(draft.text.chars().count() <= 1000);
    assert!(draft.flags.contains(&Flag::Truncated));
}
