//! The few pages a person's browser sees (login result, deletion status):
//! plain text in a fixed frame, everything escaped, no scripts, no requests.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A page with a title and paragraphs, each given as plain text.
pub fn page(status: StatusCode, title: &str, paragraphs: &[String]) -> Response {
    frame(status, title, &paragraphs_html(paragraphs))
}

fn paragraphs_html(paragraphs: &[String]) -> String {
    paragraphs
        .iter()
        .map(|p| format!("<p>{}</p>", escape(p)))
        .collect()
}

/// A page with paragraphs and one form that posts a code back to `action`
/// (a path on this relay) with the hidden `state`.
pub fn code_form(
    status: StatusCode,
    title: &str,
    paragraphs: &[String],
    action: &str,
    state: &str,
) -> Response {
    let form = format!(
        "<form method=\"post\" action=\"{action}\">\
         <input type=\"hidden\" name=\"state\" value=\"{state}\">\
         <label>Code shown in Leadbox <input name=\"code\" autocomplete=\"off\" autofocus required \
         maxlength=\"20\" style=\"font:inherit;letter-spacing:.1em\"></label> \
         <button type=\"submit\">Continue</button></form>",
        action = escape(action),
        state = escape(state),
    );
    frame(status, title, &(paragraphs_html(paragraphs) + &form))
}

fn frame(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width\"><title>{title}</title>\
         <style>body{{font:16px/1.5 system-ui,sans-serif;max-width:36em;margin:3em auto;padding:0 1em}}</style>\
         </head><body><h1>{title}</h1>{body}</body></html>",
        title = escape(title),
    );
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
            ),
            (header::REFERRER_POLICY, "no-referrer"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        html,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn escaped_text_never_opens_a_tag(text in ".{0,200}") {
            let escaped = escape(&text);
            prop_assert!(!escaped.contains('<') && !escaped.contains('>') && !escaped.contains('"'));
        }
    }
}
