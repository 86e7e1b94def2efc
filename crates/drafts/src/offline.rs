//! The built-in drafter: no network, no account. It recognizes what the lead
//! asks, finds the matching facts and FAQ answers in the profile, and composes
//! a reply from them. It never states a fact the profile does not contain;
//! when one is missing it says it will confirm, or asks.

use std::time::Instant;

use leadbox_envelope::Platform;

use crate::checks::review;
use crate::drafter::{Draft, DraftError, DraftRequest, Drafter, Speaker};
use crate::enquiry::{Enquiry, classify, main_enquiry};
use crate::extract::extract;
use crate::language::{Lang, reply_language};
use crate::profile::{BusinessProfile, Service, Tone};
use crate::retrieval::FaqIndex;

#[derive(Debug, Default, Clone, Copy)]
pub struct OfflineDrafter;

/// The sentences the drafter composes with, per language and tone.
struct Phrases {
    hello_name: &'static str,
    hello: &'static str,
    thanks: &'static str,
    service_price: &'static str,
    service_duration: &'static str,
    service_no_price: &'static str,
    price_list: &'static str,
    price_unknown: &'static str,
    book_link: &'static str,
    book_ask: &'static str,
    hours: &'static str,
    hours_unknown: &'static str,
    location: &'static str,
    location_unknown: &'static str,
    services: &'static str,
    services_unknown: &'static str,
    complaint: &'static str,
    how_can_we_help: &'static str,
    ask_contact: &'static str,
    ask_contact_and_name: &'static str,
}

const ENGLISH: Phrases = Phrases {
    hello_name: "Hi {name}!",
    hello: "Hi there!",
    thanks: "Thanks for your message.",
    service_price: "{service} is {price}",
    service_duration: " and takes about {duration}",
    service_no_price: "I'll confirm the price of {service} for you.",
    price_list: "Our prices: {list}.",
    price_unknown: "I'll confirm the price for you.",
    book_link: "You can book directly here: {link}",
    book_ask: "Tell me which day and time suit you and I'll check availability.",
    hours: "Our opening hours: {hours}.",
    hours_unknown: "I'll confirm our opening hours for you.",
    location: "You'll find us at {location}.",
    location_unknown: "I'll send you our address.",
    services: "We offer: {list}.",
    services_unknown: "Tell me what you are looking for and I'll let you know if we can help.",
    complaint: "I'm really sorry to hear that. I'd like to put it right: could you tell me a little more about what happened?",
    how_can_we_help: "How can we help you?",
    ask_contact: "Could you share a phone number or email so we can confirm?",
    ask_contact_and_name: "Could you share your name and a phone number or email so we can confirm?",
};

const SPANISH: Phrases = Phrases {
    hello_name: "¡Hola, {name}!",
    hello: "¡Hola!",
    thanks: "Gracias por tu mensaje.",
    service_price: "{service}: {price}",
    service_duration: ", dura unos {duration}",
    service_no_price: "Te confirmo el precio de {service}.",
    price_list: "Nuestros precios: {list}.",
    price_unknown: "Te confirmo el precio enseguida.",
    book_link: "Puedes reservar directamente aquí: {link}",
    book_ask: "Dime qué día y hora te vienen bien y miro la disponibilidad.",
    hours: "Nuestro horario: {hours}.",
    hours_unknown: "Te confirmo nuestro horario.",
    location: "Estamos en {location}.",
    location_unknown: "Te envío nuestra dirección.",
    services: "Ofrecemos: {list}.",
    services_unknown: "Cuéntame qué buscas y te digo si podemos ayudarte.",
    complaint: "Siento mucho lo ocurrido. Quiero solucionarlo: ¿me cuentas un poco más de lo que pasó?",
    how_can_we_help: "¿En qué podemos ayudarte?",
    ask_contact: "¿Me dejas un teléfono o email para confirmarlo?",
    ask_contact_and_name: "¿Me dejas tu nombre y un teléfono o email para confirmarlo?",
};

const SPANISH_FORMAL: Phrases = Phrases {
    hello_name: "Hola, {name}:",
    hello: "Hola:",
    thanks: "Gracias por su mensaje.",
    book_link: "Puede reservar directamente aquí: {link}",
    book_ask: "Indíquenos qué día y hora le convienen y comprobamos la disponibilidad.",
    complaint: "Lamentamos mucho lo ocurrido. Queremos solucionarlo: ¿podría contarnos un poco más?",
    how_can_we_help: "¿En qué podemos ayudarle?",
    ask_contact: "¿Podría facilitarnos un teléfono o email para confirmarlo?",
    ask_contact_and_name: "¿Podría facilitarnos su nombre y un teléfono o email para confirmarlo?",
    services_unknown: "Indíquenos qué busca y le diremos si podemos ayudarle.",
    ..SPANISH
};

const ENGLISH_FORMAL: Phrases = Phrases {
    hello_name: "Hello {name},",
    hello: "Hello,",
    ..ENGLISH
};

fn fill(template: &str, pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .fold(template.to_owned(), |text, (key, value)| {
            text.replace(&format!("{{{key}}}"), value)
        })
}

fn mentions(text: &str, service: &Service) -> bool {
    let lower = text.to_lowercase();
    std::iter::once(&service.name)
        .chain(service.aliases.iter())
        .any(|word| {
            let word = word.to_lowercase();
            !word.is_empty()
                && lower
                    .match_indices(&word)
                    .any(|(at, _)| !lower[..at].ends_with(|c: char| c.is_alphanumeric()))
        })
}

impl OfflineDrafter {
    /// Composes the reply text (before the shared output checks).
    pub fn compose(&self, request: &DraftRequest) -> String {
        let profile = &request.profile;
        let lang = reply_language(&request.new_message, &profile.languages);
        let phrases = match (lang, profile.tone) {
            (Lang::En, Tone::Friendly) => &ENGLISH,
            (Lang::En, Tone::Formal) => &ENGLISH_FORMAL,
            (Lang::Es, Tone::Friendly) => &SPANISH,
            (Lang::Es, Tone::Formal) => &SPANISH_FORMAL,
        };
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
        let enquiries = classify(&request.new_message);
        let main = main_enquiry(&enquiries);

        let mut lines = Vec::new();
        lines.push(
            match details
                .name
                .as_deref()
                .and_then(|n| n.split_whitespace().next())
            {
                Some(first) => fill(phrases.hello_name, &[("name", first)]),
                None => phrases.hello.to_owned(),
            },
        );
        lines.push(phrases.thanks.to_owned());
        for enquiry in enquiries
            .iter()
            .filter(|e| !matches!(e, Enquiry::Greeting | Enquiry::Other))
            .take(3)
        {
            if let Some(line) = answer(*enquiry, request, profile, phrases) {
                lines.push(line);
            }
        }
        let faq = FaqIndex::new(&profile.faq, lang);
        if main != Enquiry::Complaint
            && let Some(best) = faq.best(&request.new_message, 1).first()
            && let Some(entry) = profile.faq.get(*best)
            && !lines.iter().any(|l| l == &entry.answer)
        {
            lines.push(entry.answer.clone());
        }
        if lines.len() == 2 {
            lines.push(phrases.how_can_we_help.to_owned());
        }
        let has_contact = !details.phones.is_empty()
            || !details.emails.is_empty()
            || request.channel == Platform::Whatsapp;
        if matches!(main, Enquiry::Booking | Enquiry::Price | Enquiry::Complaint) && !has_contact {
            lines.push(
                if details.name.is_none() {
                    phrases.ask_contact_and_name
                } else {
                    phrases.ask_contact
                }
                .to_owned(),
            );
        }
        let sign_off = profile
            .sign_off
            .clone()
            .unwrap_or_else(|| profile.name.clone());
        format!("{}\n{}\n{sign_off}", lines[0], lines[1..].join(" "))
    }
}

fn answer(
    enquiry: Enquiry,
    request: &DraftRequest,
    profile: &BusinessProfile,
    phrases: &Phrases,
) -> Option<String> {
    let text = &request.new_message;
    let line = match enquiry {
        Enquiry::Price => {
            let asked: Vec<&Service> = profile
                .services
                .iter()
                .filter(|s| mentions(text, s))
                .collect();
            if asked.is_empty() {
                let priced: Vec<String> = profile
                    .services
                    .iter()
                    .filter_map(|s| s.price.as_ref().map(|p| format!("{} {p}", s.name)))
                    .take(5)
                    .collect();
                if priced.is_empty() {
                    phrases.price_unknown.to_owned()
                } else {
                    fill(phrases.price_list, &[("list", &priced.join(", "))])
                }
            } else {
                asked
                    .iter()
                    .map(|service| match &service.price {
                        Some(price) => {
                            let mut line = fill(
                                phrases.service_price,
                                &[("service", &service.name), ("price", price)],
                            );
                            if let Some(duration) = &service.duration {
                                line.push_str(&fill(
                                    phrases.service_duration,
                                    &[("duration", duration)],
                                ));
                            }
                            line.push('.');
                            line
                        }
                        None => fill(phrases.service_no_price, &[("service", &service.name)]),
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            }
        }
        Enquiry::Booking => match &profile.booking_link {
            Some(link) => fill(phrases.book_link, &[("link", link)]),
            None => phrases.book_ask.to_owned(),
        },
        Enquiry::Hours if profile.hours.is_empty() => phrases.hours_unknown.to_owned(),
        Enquiry::Hours => fill(phrases.hours, &[("hours", &profile.hours.join("; "))]),
        Enquiry::Location => match &profile.location {
            Some(location) => fill(phrases.location, &[("location", location)]),
            None => phrases.location_unknown.to_owned(),
        },
        Enquiry::Services if profile.services.is_empty() => phrases.services_unknown.to_owned(),
        Enquiry::Services => {
            let names: Vec<&str> = profile.services.iter().map(|s| s.name.as_str()).collect();
            fill(phrases.services, &[("list", &names.join(", "))])
        }
        Enquiry::Complaint => phrases.complaint.to_owned(),
        Enquiry::Greeting | Enquiry::Other => return None,
    };
    Some(line)
}

impl Drafter for OfflineDrafter {
    async fn draft(&self, request: &DraftRequest) -> Result<Draft, DraftError> {
        let started = Instant::now();
        let (text, flags) = review(&self.compose(request), request);
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
