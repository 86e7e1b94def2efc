//! The sentences the built-in drafter composes with, per language and tone.
//! `{name}`-style holes are filled with the profile's values; a sentence
//! that holds a value written in another language keeps it after a colon or
//! in brackets, where a foreign word still reads right.

use crate::language::Lang;
use crate::profile::Tone;

pub(super) struct Phrases {
    pub hello_name: &'static str,
    pub hello: &'static str,
    pub thanks_for_message: &'static str,
    /// The answer to a thank-you: a short close, no question back.
    pub youre_welcome: &'static str,
    pub compliment: &'static str,
    pub service_price: &'static str,
    pub service_duration: &'static str,
    /// A duration in another language than the reply's.
    pub service_duration_foreign: &'static str,
    pub service_no_price: &'static str,
    pub service_takes: &'static str,
    pub duration_unknown: &'static str,
    pub price_list: &'static str,
    pub price_unknown: &'static str,
    /// The profile's price, honestly, after the lead named their own.
    pub budget: &'static str,
    pub budget_unknown: &'static str,
    pub book_link: &'static str,
    pub book_ask: &'static str,
    pub reschedule_link: &'static str,
    pub reschedule_ask: &'static str,
    pub hours: &'static str,
    pub hours_unknown: &'static str,
    pub location: &'static str,
    pub location_unknown: &'static str,
    pub services: &'static str,
    pub services_unknown: &'static str,
    pub service_offered: &'static str,
    pub complaint: &'static str,
    /// A question nothing in the profile answers.
    pub will_check: &'static str,
    /// A statement in an ongoing conversation ("Saturday at 11 works").
    pub noted: &'static str,
    pub how_can_we_help: &'static str,
    pub ask_contact: &'static str,
    pub ask_contact_and_name: &'static str,
    pub list_and: &'static str,
}

const ENGLISH: Phrases = Phrases {
    hello_name: "Hi {name}!",
    hello: "Hi there!",
    thanks_for_message: "Thanks for your message.",
    youre_welcome: "You're welcome, happy to help!",
    compliment: "Thank you so much, that's lovely to hear!",
    service_price: "{service} is {price}",
    service_duration: " and takes about {duration}",
    service_duration_foreign: " ({duration})",
    service_no_price: "I'll confirm the price of {service} for you.",
    service_takes: "{service} takes about {duration}.",
    duration_unknown: "I'll confirm how long it takes.",
    price_list: "Our prices: {list}.",
    price_unknown: "I'll confirm the price for you.",
    budget: "Our price for {service} is {price}. I'll check what we can offer within your budget and get back to you.",
    budget_unknown: "I'll check what we can offer within your budget and get back to you.",
    book_link: "You can book directly here: {link}",
    book_ask: "Tell me which day and time suit you and I'll check availability.",
    reschedule_link: "No problem: you can pick a new time here: {link}",
    reschedule_ask: "No problem: tell me which day suits you better and I'll check what's free.",
    hours: "Our opening hours: {hours}.",
    hours_unknown: "I'll confirm our opening hours for you.",
    location: "You'll find us at {location}.",
    location_unknown: "I'll send you our address.",
    services: "We offer: {list}.",
    services_unknown: "Tell me what you are looking for and I'll let you know if we can help.",
    service_offered: "Yes, we do {service}.",
    complaint: "I'm really sorry to hear that. I'd like to put it right: could you tell me a little more about what happened?",
    will_check: "Good question: I'll check and get back to you shortly.",
    noted: "Noted, thank you! I'll check and confirm shortly.",
    how_can_we_help: "How can we help you?",
    ask_contact: "Could you share a phone number or email so we can confirm?",
    ask_contact_and_name: "Could you share your name and a phone number or email so we can confirm?",
    list_and: "and",
};

const ENGLISH_FORMAL: Phrases = Phrases {
    hello_name: "Hello {name},",
    hello: "Hello,",
    youre_welcome: "You are very welcome.",
    compliment: "Thank you very much for your kind words.",
    ..ENGLISH
};

const SPANISH: Phrases = Phrases {
    hello_name: "¡Hola, {name}!",
    hello: "¡Hola!",
    thanks_for_message: "Gracias por tu mensaje.",
    youre_welcome: "¡A ti! Cualquier cosa, aquí estamos.",
    compliment: "¡Muchísimas gracias, nos alegra mucho leerlo!",
    service_price: "{service}: {price}",
    service_duration: ", dura unos {duration}",
    service_duration_foreign: " ({duration})",
    service_no_price: "Te confirmo el precio de {service}.",
    service_takes: "{service} dura unos {duration}.",
    duration_unknown: "Te confirmo cuánto dura.",
    price_list: "Nuestros precios: {list}.",
    price_unknown: "Te confirmo el precio enseguida.",
    budget: "Nuestro precio de {service} es {price}. Miro qué podemos ofrecerte dentro de tu presupuesto y te digo algo.",
    budget_unknown: "Miro qué podemos ofrecerte dentro de tu presupuesto y te digo algo.",
    book_link: "Puedes reservar directamente aquí: {link}",
    book_ask: "Dime qué día y hora te vienen bien y miro la disponibilidad.",
    reschedule_link: "Sin problema: puedes elegir otra fecha aquí: {link}",
    reschedule_ask: "Sin problema: dime qué día te viene mejor y miro qué hay libre.",
    hours: "Nuestro horario: {hours}.",
    hours_unknown: "Te confirmo nuestro horario.",
    location: "Estamos en {location}.",
    location_unknown: "Te envío nuestra dirección.",
    services: "Ofrecemos: {list}.",
    services_unknown: "Cuéntame qué buscas y te digo si podemos ayudarte.",
    service_offered: "Sí, ofrecemos {service}.",
    complaint: "Siento mucho lo ocurrido. Quiero solucionarlo: ¿me cuentas un poco más de lo que pasó?",
    will_check: "Buena pregunta: lo consulto y te respondo enseguida.",
    noted: "¡Anotado, gracias! Lo reviso y te confirmo enseguida.",
    how_can_we_help: "¿En qué podemos ayudarte?",
    ask_contact: "¿Me dejas un teléfono o email para confirmarlo?",
    ask_contact_and_name: "¿Me dejas tu nombre y un teléfono o email para confirmarlo?",
    list_and: "y",
};

const SPANISH_FORMAL: Phrases = Phrases {
    hello_name: "Hola, {name}:",
    hello: "Hola:",
    thanks_for_message: "Gracias por su mensaje.",
    youre_welcome: "Gracias a usted. Quedamos a su disposición.",
    compliment: "Muchas gracias por sus amables palabras.",
    budget: "Nuestro precio de {service} es {price}. Consultaremos qué podemos ofrecerle dentro de su presupuesto y le responderemos.",
    budget_unknown: "Consultaremos qué podemos ofrecerle dentro de su presupuesto y le responderemos.",
    book_link: "Puede reservar directamente aquí: {link}",
    book_ask: "Indíquenos qué día y hora le convienen y comprobamos la disponibilidad.",
    reschedule_link: "Sin problema: puede elegir otra fecha aquí: {link}",
    reschedule_ask: "Sin problema: indíquenos qué día le conviene más y comprobamos la disponibilidad.",
    price_unknown: "Le confirmaremos el precio enseguida.",
    service_no_price: "Le confirmaremos el precio de {service}.",
    hours_unknown: "Le confirmaremos nuestro horario.",
    location_unknown: "Le enviaremos nuestra dirección.",
    complaint: "Lamentamos mucho lo ocurrido. Queremos solucionarlo: ¿podría contarnos un poco más?",
    will_check: "Lo consultamos y le responderemos en breve.",
    noted: "Tomamos nota, gracias. Lo revisamos y le confirmaremos en breve.",
    how_can_we_help: "¿En qué podemos ayudarle?",
    ask_contact: "¿Podría facilitarnos un teléfono o email para confirmarlo?",
    ask_contact_and_name: "¿Podría facilitarnos su nombre y un teléfono o email para confirmarlo?",
    services_unknown: "Indíquenos qué busca y le diremos si podemos ayudarle.",
    ..SPANISH
};

const PORTUGUESE: Phrases = Phrases {
    hello_name: "Olá, {name}!",
    hello: "Olá!",
    thanks_for_message: "Obrigado pela sua mensagem.",
    youre_welcome: "De nada! Qualquer coisa, estamos por aqui.",
    compliment: "Muito obrigado, ficamos muito contentes!",
    service_price: "{service}: {price}",
    service_duration: ", com duração de cerca de {duration}",
    service_duration_foreign: " ({duration})",
    service_no_price: "Confirmo-lhe o preço de {service}.",
    service_takes: "{service} dura cerca de {duration}.",
    duration_unknown: "Confirmo-lhe quanto tempo demora.",
    price_list: "Os nossos preços: {list}.",
    price_unknown: "Confirmo-lhe o preço já a seguir.",
    budget: "O nosso preço de {service} é {price}. Vou ver o que conseguimos oferecer dentro do seu orçamento e volto a falar consigo.",
    budget_unknown: "Vou ver o que conseguimos oferecer dentro do seu orçamento e volto a falar consigo.",
    book_link: "Pode marcar diretamente aqui: {link}",
    book_ask: "Diga-me que dia e hora lhe dão jeito e vejo a disponibilidade.",
    reschedule_link: "Sem problema: pode escolher outra data aqui: {link}",
    reschedule_ask: "Sem problema: diga-me que dia lhe dá mais jeito e vejo o que está livre.",
    hours: "O nosso horário: {hours}.",
    hours_unknown: "Confirmo-lhe o nosso horário.",
    location: "Estamos em {location}.",
    location_unknown: "Envio-lhe a nossa morada.",
    services: "Oferecemos: {list}.",
    services_unknown: "Diga-me o que procura e digo-lhe se podemos ajudar.",
    service_offered: "Sim, fazemos {service}.",
    complaint: "Lamento muito o que aconteceu. Quero resolver a situação: pode contar-me um pouco mais sobre o que se passou?",
    will_check: "Boa pergunta: vou confirmar e respondo-lhe em breve.",
    noted: "Anotado, obrigado! Vou verificar e confirmo-lhe em breve.",
    how_can_we_help: "Em que podemos ajudar?",
    ask_contact: "Pode deixar-nos um telefone ou email para confirmarmos?",
    ask_contact_and_name: "Pode deixar-nos o seu nome e um telefone ou email para confirmarmos?",
    list_and: "e",
};

const PORTUGUESE_FORMAL: Phrases = Phrases {
    hello_name: "Olá, {name},",
    hello: "Olá,",
    youre_welcome: "Nós é que agradecemos. Ficamos ao dispor.",
    compliment: "Muito obrigado pelas suas amáveis palavras.",
    ..PORTUGUESE
};

pub(super) fn phrases(lang: Lang, tone: Tone) -> &'static Phrases {
    match (lang, tone) {
        (Lang::En, Tone::Friendly) => &ENGLISH,
        (Lang::En, Tone::Formal) => &ENGLISH_FORMAL,
        (Lang::Es, Tone::Friendly) => &SPANISH,
        (Lang::Es, Tone::Formal) => &SPANISH_FORMAL,
        (Lang::Pt, Tone::Friendly) => &PORTUGUESE,
        (Lang::Pt, Tone::Formal) => &PORTUGUESE_FORMAL,
    }
}

pub(super) fn fill(template: &str, pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .fold(template.to_owned(), |text, (key, value)| {
            text.replace(&format!("{{{key}}}"), value)
        })
}

/// "a, b and c".
pub(super) fn join_list(items: &[String], and: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} {and} {last}", rest.join(", ")),
    }
}
