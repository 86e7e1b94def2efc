//! The built-in drafter's own rules: the owner's earlier answers, any input.
use super::*;
use crate::drafter::OwnerReply;
use crate::profile::BusinessProfile;

fn request(message: &str, owner_replies: Vec<OwnerReply>) -> DraftRequest {
    DraftRequest {
        profile: BusinessProfile {
            name: "Ana's Salon".into(),
            sign_off: Some("Ana".into()),
            ..Default::default()
        },
        channel: Platform::Instagram,
        lead_name: None,
        history: Vec::new(),
        new_message: message.into(),
        owner_replies,
    }
}

fn vouchers() -> Vec<OwnerReply> {
    vec![OwnerReply {
        question: "Do you do gift vouchers?".into(),
        reply: "Hi Marta!\nYes, gift vouchers from €20, at the desk.\nAna".into(),
    }]
}

#[test]
fn the_owners_answer_to_a_similar_question_is_reused_without_its_greeting() {
    let composed =
        OfflineDrafter.compose(&request("Hello, do you sell gift vouchers?", vouchers()));
    assert!(
        composed
            .text
            .contains("Yes, gift vouchers from €20, at the desk."),
        "{}",
        composed.text
    );
    assert!(!composed.text.contains("Marta"), "{}", composed.text);
    assert!(!composed.unanswered);
    assert!(
        composed.reused,
        "the owner is told it is another lead's answer"
    );
}

#[test]
fn an_unrelated_or_other_language_answer_is_not_reused() {
    let unrelated = OfflineDrafter.compose(&request("Can I bring my dog?", vouchers()));
    assert!(!unrelated.text.contains("€20"), "{}", unrelated.text);
    assert!(unrelated.unanswered);
    assert!(!unrelated.reused);
    let spanish = vec![OwnerReply {
        question: "Do you do gift vouchers?".into(),
        reply: "Sí, tenemos tarjetas regalo desde 20 €.".into(),
    }];
    let composed = OfflineDrafter.compose(&request("Do you sell gift vouchers?", spanish));
    assert!(!composed.text.contains("tarjetas"), "{}", composed.text);
}

proptest::proptest! {
    #[test]
    fn any_message_gets_a_reply_that_ends_with_the_sign_off(
        message in "\\PC{0,300}",
        earlier in "\\PC{0,100}",
    ) {
        let mut request = request(&message, vouchers());
        request.history.push(crate::ConversationTurn { speaker: Speaker::Lead, text: earlier });
        let composed = OfflineDrafter.compose(&request);
        proptest::prop_assert!(composed.text.ends_with("\nAna"));
    }
}

#[test]
fn a_question_about_hours_that_starts_with_do_you_promises_nothing() {
    let mut request = request("Do you open on Sunday?", Vec::new());
    request.profile.hours = vec!["Sun closed".into()];
    let composed = OfflineDrafter.compose(&request);
    assert!(composed.text.contains("Sun closed"), "{}", composed.text);
    assert!(!composed.unanswered, "{}", composed.text);
}
