//! What the shell itself says outside the window — the tray menu and the
//! notifications — in the window's language. The window's own words are in
//! `ui/messages/`; these few live here because Rust shows them while the
//! window may be hidden or not loaded. A language is a value of [`Words`],
//! so one with a phrase missing does not compile.

use leadbox_inbox::{Lang, Platform};

pub struct Words {
    pub open: &'static str,
    pub pause_hour: &'static str,
    pub resume: &'static str,
    pub quit: &'static str,
    /// The tray's tooltip: "Leadbox: 3 unread".
    pub unread: fn(i64) -> String,
    /// A new lead's notification title: platform, then the lead's name.
    pub new_lead: fn(&str, &str) -> String,
    /// Lead-ad submissions seen for the first time.
    pub new_lead_forms: fn(usize) -> String,
    pub lead_forms_body: &'static str,
    /// "{platform} restricted your account".
    pub account_restricted: fn(&str) -> String,
    pub new_messages: fn(usize) -> String,
    pub test_title: &'static str,
    pub test_body: &'static str,
    pub website_chat: &'static str,
}

const ENGLISH: Words = Words {
    open: "Open Leadbox",
    pause_hour: "Pause notifications for 1 hour",
    resume: "Resume notifications",
    quit: "Quit",
    unread: |n| format!("Leadbox: {n} unread"),
    new_lead: |platform, name| format!("New lead on {platform}: {name}"),
    new_lead_forms: |n| match n {
        1 => "New lead from your ad form".to_owned(),
        n => format!("{n} new leads from your ad forms"),
    },
    lead_forms_body: "Their answers are in Lead forms…",
    account_restricted: |platform| format!("{platform} restricted your account"),
    new_messages: |n| match n {
        1 => "1 new message".to_owned(),
        n => format!("{n} new messages"),
    },
    test_title: "Leadbox notifications work",
    test_body: "New leads will appear like this.",
    website_chat: "Website chat",
};

const SPANISH: Words = Words {
    open: "Abrir Leadbox",
    pause_hour: "Pausar las notificaciones 1 hora",
    resume: "Reanudar las notificaciones",
    quit: "Salir",
    unread: |n| format!("Leadbox: {n} sin leer"),
    new_lead: |platform, name| format!("Nuevo contacto en {platform}: {name}"),
    new_lead_forms: |n| match n {
        1 => "Nuevo contacto de tu formulario de anuncio".to_owned(),
        n => format!("{n} contactos nuevos de tus formularios de anuncio"),
    },
    lead_forms_body: "Sus respuestas están en Formularios…",
    account_restricted: |platform| format!("{platform} restringió tu cuenta"),
    new_messages: |n| match n {
        1 => "1 mensaje nuevo".to_owned(),
        n => format!("{n} mensajes nuevos"),
    },
    test_title: "Las notificaciones de Leadbox funcionan",
    test_body: "Los contactos nuevos aparecerán así.",
    website_chat: "Chat de la web",
};

const PORTUGUESE: Words = Words {
    open: "Abrir o Leadbox",
    pause_hour: "Pausar as notificações por 1 hora",
    resume: "Retomar as notificações",
    quit: "Sair",
    unread: |n| format!("Leadbox: {n} não lidas"),
    new_lead: |platform, name| format!("Novo contato no {platform}: {name}"),
    new_lead_forms: |n| match n {
        1 => "Novo contato do seu formulário de anúncio".to_owned(),
        n => format!("{n} contatos novos dos seus formulários de anúncio"),
    },
    lead_forms_body: "As respostas estão em Formulários…",
    account_restricted: |platform| format!("O {platform} restringiu a sua conta"),
    new_messages: |n| match n {
        1 => "1 mensagem nova".to_owned(),
        n => format!("{n} mensagens novas"),
    },
    test_title: "As notificações do Leadbox funcionam",
    test_body: "Os contatos novos vão aparecer assim.",
    website_chat: "Chat do site",
};

pub fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::En => &ENGLISH,
        Lang::Es => &SPANISH,
        Lang::Pt => &PORTUGUESE,
    }
}

/// A platform's name as the owner reads it (the website chat is translated;
/// the others are brands).
pub fn platform_name(lang: Lang, platform: Platform) -> &'static str {
    match platform {
        Platform::Website => words(lang).website_chat,
        other => other.label(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_language_says_each_thing_in_its_own_words() {
        for lang in [Lang::Es, Lang::Pt] {
            let (ours, english) = (words(lang), words(Lang::En));
            assert_ne!(ours.open, english.open);
            assert_ne!(ours.quit, english.quit);
            assert_ne!((ours.unread)(3), (english.unread)(3));
            assert_ne!((ours.new_messages)(2), (english.new_messages)(2));
            assert_ne!(
                platform_name(lang, Platform::Website),
                platform_name(Lang::En, Platform::Website)
            );
        }
    }

    #[test]
    fn counts_and_names_reach_the_sentence() {
        for lang in [Lang::En, Lang::Es, Lang::Pt] {
            let w = words(lang);
            assert!((w.unread)(42).contains("42"));
            assert!((w.new_lead)("Instagram", "Ana Souza").contains("Ana Souza"));
            assert!((w.new_lead)("Instagram", "Ana Souza").contains("Instagram"));
            assert!((w.new_lead_forms)(5).contains('5'));
            assert!(!(w.new_lead_forms)(1).contains('1'));
            assert!((w.new_messages)(7).contains('7'));
            assert!((w.account_restricted)("WhatsApp").contains("WhatsApp"));
        }
    }
}
