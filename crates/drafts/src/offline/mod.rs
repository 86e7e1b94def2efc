//! The built-in drafter: no network, no account. It reads what the lead
//! asks (each question of a message), finds the facts and FAQ answers in the
//! profile in the lead's language, reuses the owner's own earlier answers,
//! and composes a reply. It never states a fact the profile does not
//! contain: what it cannot answer, it promises to check, and flags.

use std::time::Instant;

use leadbox_envelope::Platform;

use crate::checks::review;
use crate::drafter::{Draft, DraftError, DraftRequest, Drafter, Speaker};
use crate::enquiry::{Enquiry, asks_for_every_service, asks_something, classify, main_enquiry};
use crate::extract::extract;
use crate::flag::Flag;
use crate::language::{Lang, detect};
use crate::profile::{Localized, Service};
use crate::retrieval::{Index, closest, word_share};

mod phrases;
mod services;

use phrases::{Phrases, fill, join_list, phrases};

#[derive(Debug, Default, Clone, Copy)]
pub struct OfflineDrafter;

/// A composed reply, before the shared output checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Composed {
    pub text: String,
    pub lang: Lang,
    /// The lead asked something the profile does not answer.
    pub unanswered: bool,
    /// The body is the owner's earlier reply to another lead.
    pub reused: bool,
}

/// The share of a question's words an FAQ entry must hold to answer it.
const FAQ_SHARE: f32 = 0.3;

/// The share of the lead's words an owner's earlier question must hold for
/// its reply to be reused.
const OWNER_REPLY_SHARE: f32 = 0.6;

/// What one reply is being written from.
struct Context<'a> {
    request: &'a DraftRequest,
    view: Localized<'a>,
    phrases: &'static Phrases,
    mentioned: Vec<&'a Service>,
    /// The services the lead's latest earlier message named: what "and how
    /// long does it take?" is about.
    earlier: Vec<&'a Service>,
}

impl Context<'_> {
    /// The services a question about price or duration is about.
    fn services_in_question(&self) -> &[&Service] {
        if self.mentioned.is_empty() {
            &self.earlier
        } else {
            &self.mentioned
        }
    }
}

impl OfflineDrafter {
    pub fn compose(&self, request: &DraftRequest) -> Composed {
        let profile = &request.profile;
        let lang = request.reply_language();
        let context = Context {
            request,
            view: profile.localized(lang),
            phrases: phrases(lang, profile.tone),
            mentioned: services::mentioned(&request.new_message, profile),
            earlier: request
                .history
                .iter()
                .rev()
                .filter(|t| t.speaker == Speaker::Lead)
                .map(|t| services::mentioned(&t.text, profile))
                .find(|found| !found.is_empty())
                .unwrap_or_default(),
        };
        let phrases = context.phrases;
        let lead_texts: Vec<&str> = request
            .history
            .iter()
            .filter(|t| t.speaker == Speaker::Lead)
            .map(|t| t.text.as_str())
            .chain(std::iter::once(request.new_message.as_str()))
            .collect();
        let details = extract(
            &lead_texts,
            request.lead_name.as_deref(),
            profile.phone_region.as_deref(),
        );
        let follow_up = request
            .history
            .iter()
            .any(|t| t.speaker == Speaker::Business);
        let enquiries = classify(&request.new_message);
        let main = main_enquiry(&enquiries);

        // "Do you open on Sunday?" is about hours: "do you …" makes it a
        // services question too, which must not add a promise to check.
        let about_something_else = enquiries
            .iter()
            .any(|e| !e.is_social() && *e != Enquiry::Services);
        let mut body: Vec<String> = Vec::new();
        for enquiry in enquiries.iter().filter(|e| !e.is_social()) {
            if *enquiry == Enquiry::Services
                && about_something_else
                && context.mentioned.is_empty()
                && !asks_for_every_service(&request.new_message)
            {
                continue;
            }
            if let Some(line) = answer(*enquiry, &context)
                && !body.contains(&line)
            {
                body.push(line);
            }
        }
        // A compliment or a thank-you is not searched for answers ("your
        // photos are amazing" is not a question about photo delivery).
        let social = matches!(main, Enquiry::Compliment | Enquiry::Thanks)
            && !request.new_message.contains('?');
        if main != Enquiry::Complaint && !social {
            // Once something is answered, only a close FAQ match is added.
            let answered = body.iter().any(|line| line != phrases.will_check);
            let faq = faq_answers(&context, if answered { 0.5 } else { FAQ_SHARE });
            if !faq.is_empty() {
                // "Do you take insurance?" is answered by the FAQ, not promised.
                body.retain(|line| line != phrases.will_check);
            }
            for line in faq {
                if !body.contains(&line) {
                    body.push(line);
                }
            }
        }
        let asks = asks_something(&request.new_message) && !social;
        let mut reused = false;
        // Where the profile has no answer, the owner's own earlier answer to
        // a similar question beats a promise to check.
        let promises = [phrases.will_check, phrases.services_unknown];
        if body.iter().all(|line| promises.contains(&line.as_str()))
            && (asks || main == Enquiry::Other)
        {
            match owner_reply(&context) {
                Some(reply) => {
                    body = vec![reply];
                    reused = true;
                }
                None if body.is_empty() && asks => body.push(phrases.will_check.to_owned()),
                None if body.is_empty() && follow_up => body.push(phrases.noted.to_owned()),
                None => {}
            }
        }
        let unanswered = body.iter().any(|line| line == phrases.will_check);

        let opening = match main {
            Enquiry::Thanks => Some(phrases.youre_welcome),
            Enquiry::Compliment => Some(phrases.compliment),
            _ if follow_up => None,
            _ => Some(phrases.thanks_for_message),
        };
        if body.is_empty() && matches!(main, Enquiry::Greeting | Enquiry::Other) {
            body.push(phrases.how_can_we_help.to_owned());
        }
        let has_contact = !details.phones.is_empty()
            || !details.emails.is_empty()
            || request.channel == Platform::Whatsapp;
        let asked_before = request.history.iter().any(|t| {
            t.speaker == Speaker::Business
                && (t.text.contains(phrases.ask_contact)
                    || t.text.contains(phrases.ask_contact_and_name))
        });
        if matches!(
            main,
            Enquiry::Booking | Enquiry::Price | Enquiry::Budget | Enquiry::Complaint
        ) && !has_contact
            && !asked_before
        {
            body.push(
                if details.name.is_none() {
                    phrases.ask_contact_and_name
                } else {
                    phrases.ask_contact
                }
                .to_owned(),
            );
        }

        let greeting = (!follow_up).then(|| {
            match details
                .name
                .as_deref()
                .and_then(|n| n.split_whitespace().next())
            {
                Some(first) => fill(phrases.hello_name, &[("name", first)]),
                None => phrases.hello.to_owned(),
            }
        });
        let body_line = opening
            .map(str::to_owned)
            .into_iter()
            .chain(body)
            .collect::<Vec<_>>()
            .join(" ");
        let sign_off = context.view.sign_off();
        let text = match greeting {
            Some(greeting) => format!("{greeting}\n{body_line}\n{sign_off}"),
            None => format!("{body_line}\n{sign_off}"),
        };
        Composed {
            text,
            lang,
            unanswered,
            reused,
        }
    }
}

/// The service's name and price, with its duration where known, as a
/// sentence of the reply's language.
fn priced_line(service: &Service, context: &Context) -> Option<String> {
    let view = &context.view;
    let phrases = context.phrases;
    let price = view.price(service)?;
    let name = view.service_name(service).value;
    let mut line = fill(
        phrases.service_price,
        &[("service", name), ("price", price.value)],
    );
    if let Some(duration) = view.duration(service) {
        let template = if duration.in_reply_language {
            phrases.service_duration
        } else {
            phrases.service_duration_foreign
        };
        line.push_str(&fill(template, &[("duration", duration.value)]));
    }
    line.push('.');
    Some(line)
}

fn answer(enquiry: Enquiry, context: &Context) -> Option<String> {
    let view = &context.view;
    let profile = view.profile;
    let phrases = context.phrases;
    let name_of = |service: &Service| view.service_name(service).value.to_owned();
    let line = match enquiry {
        Enquiry::Price if context.services_in_question().is_empty() => {
            let priced: Vec<String> = profile
                .services
                .iter()
                .filter_map(|s| view.price(s).map(|p| format!("{} {}", name_of(s), p.value)))
                .take(5)
                .collect();
            if priced.is_empty() {
                phrases.price_unknown.to_owned()
            } else {
                fill(phrases.price_list, &[("list", &priced.join(", "))])
            }
        }
        Enquiry::Price => context
            .services_in_question()
            .iter()
            .map(|service| {
                priced_line(service, context).unwrap_or_else(|| {
                    fill(phrases.service_no_price, &[("service", &name_of(service))])
                })
            })
            .collect::<Vec<_>>()
            .join(" "),
        Enquiry::Budget => {
            // The service asked about, or the only one there is.
            let candidates: Vec<&Service> =
                if context.mentioned.is_empty() && profile.services.len() == 1 {
                    profile.services.iter().collect()
                } else {
                    context.mentioned.clone()
                };
            let priced = candidates
                .iter()
                .find_map(|s| view.price(s).map(|p| (name_of(s), p.value)));
            match priced {
                Some((service, price)) => {
                    fill(phrases.budget, &[("service", &service), ("price", price)])
                }
                None => phrases.budget_unknown.to_owned(),
            }
        }
        Enquiry::Duration if context.services_in_question().is_empty() => {
            phrases.duration_unknown.to_owned()
        }
        Enquiry::Duration => context
            .services_in_question()
            .iter()
            .map(|service| match view.duration(service) {
                Some(duration) if duration.in_reply_language => fill(
                    phrases.service_takes,
                    &[("service", &name_of(service)), ("duration", duration.value)],
                ),
                Some(duration) => format!("{}: {}.", name_of(service), duration.value),
                None => phrases.duration_unknown.to_owned(),
            })
            .collect::<Vec<_>>()
            .join(" "),
        Enquiry::Booking => match &profile.booking_link {
            Some(link) => fill(phrases.book_link, &[("link", link)]),
            None => phrases.book_ask.to_owned(),
        },
        Enquiry::Reschedule => match &profile.booking_link {
            Some(link) => fill(phrases.reschedule_link, &[("link", link)]),
            None => phrases.reschedule_ask.to_owned(),
        },
        Enquiry::Hours => {
            let hours: Vec<&str> = view.hours().iter().map(|h| h.value).collect();
            if hours.is_empty() {
                phrases.hours_unknown.to_owned()
            } else {
                fill(phrases.hours, &[("hours", &hours.join("; "))])
            }
        }
        Enquiry::Location => match view.location() {
            Some(location) => fill(phrases.location, &[("location", location.value)]),
            None => phrases.location_unknown.to_owned(),
        },
        Enquiry::Services if !context.mentioned.is_empty() => context
            .mentioned
            .iter()
            .map(|service| {
                let mut line = fill(phrases.service_offered, &[("service", &name_of(service))]);
                if let Some(priced) = priced_line(service, context) {
                    line.push(' ');
                    line.push_str(&priced);
                }
                line
            })
            .collect::<Vec<_>>()
            .join(" "),
        Enquiry::Services if profile.services.is_empty() => phrases.services_unknown.to_owned(),
        // "Do you do extensions?": something the profile does not list.
        Enquiry::Services if !asks_for_every_service(&context.request.new_message) => {
            phrases.will_check.to_owned()
        }
        Enquiry::Services => {
            let names: Vec<String> = profile.services.iter().map(name_of).collect();
            fill(
                phrases.services,
                &[("list", &join_list(&names, phrases.list_and))],
            )
        }
        Enquiry::Complaint => phrases.complaint.to_owned(),
        Enquiry::Compliment | Enquiry::Thanks | Enquiry::Greeting | Enquiry::Other => {
            return None;
        }
    };
    Some(line)
}

/// The FAQ answers, in the reply's language, to each question of the message.
fn faq_answers(context: &Context, min_share: f32) -> Vec<String> {
    let faq = &context.view.profile.faq;
    // Every entry in every language it was written in, so that a Portuguese
    // question finds an entry written in English.
    let mut owners = Vec::new();
    let mut documents = Vec::new();
    for (index, entry) in faq.iter().enumerate() {
        for text in Localized::faq_texts(entry) {
            owners.push(index);
            documents.push(text);
        }
    }
    // Stemmed as the lead writes: a Portuguese question to a business that
    // answers in English still finds its entry.
    let lead_lang = detect(&context.request.new_message).unwrap_or(context.view.lang);
    let engine = Index::new(documents.clone(), lead_lang);
    let mut answers = Vec::new();
    for question in questions(&context.request.new_message) {
        for (document, _) in engine.best(question, 2, f32::MIN_POSITIVE) {
            // BM25 ranks; the entry must also hold a fair share of the
            // question's words, or one common word would make a match.
            if word_share(question, &documents[document], lead_lang) < min_share {
                continue;
            }
            if let Some((_, answer)) = context.view.faq(&faq[owners[document]])
                && !answers.iter().any(|a| a == answer)
            {
                answers.push(answer.to_owned());
            }
        }
    }
    answers
}

/// The sentences of a message that ask something.
fn questions(message: &str) -> Vec<&str> {
    message
        .split_inclusive(['?', '.', '!', '\n', ','])
        .flat_map(|sentence| {
            // "How much is whitening and do you take insurance?" asks twice.
            sentence
                .split(" and ")
                .flat_map(|part| part.split(" y "))
                .flat_map(|part| part.split(" e "))
        })
        .map(str::trim)
        .filter(|s| asks_something(s) || !classify(s).iter().all(|e| e.is_social()))
        .collect()
}

/// The owner's own earlier reply to a message like this one, in the same
/// language, without its greeting and sign-off.
fn owner_reply(context: &Context) -> Option<String> {
    let replies = &context.request.owner_replies;
    let lang = context.view.lang;
    // The closest questions first; the language of a reply is read only
    // for those, not for every reply the owner ever wrote.
    let questions: Vec<&str> = replies.iter().map(|r| r.question.as_str()).collect();
    let reply = closest(
        &context.request.new_message,
        &questions,
        lang,
        OWNER_REPLY_SHARE,
    )
    .into_iter()
    .map(|(index, _)| &replies[index].reply)
    .find(|reply| detect(reply) == Some(lang))?;
    let sign_off = context.view.sign_off();
    let lines: Vec<&str> = reply
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && *l != sign_off)
        .filter(|l| !is_greeting_line(l))
        .collect();
    (!lines.is_empty()).then(|| lines.join(" "))
}

fn is_greeting_line(line: &str) -> bool {
    line.split_whitespace().count() <= 4 && classify(line).iter().all(|e| *e == Enquiry::Greeting)
}

impl Drafter for OfflineDrafter {
    async fn draft(&self, request: &DraftRequest) -> Result<Draft, DraftError> {
        let started = Instant::now();
        let composed = self.compose(request);
        let (text, mut flags) = review(&composed.text, request);
        if composed.unanswered {
            flags.push(Flag::Unanswered);
        }
        if composed.reused {
            flags.push(Flag::ReusedAnswer);
        }
        Ok(Draft {
            text,
            flags,
            provider: "offline".into(),
            model: None,
            latency_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            input_tokens: None,
            output_tokens: None,
        })
    }
}

#[cfg(test)]
mod tests;
