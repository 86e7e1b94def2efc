//! WhatsApp message templates: what an approved template says, the
//! variables the owner fills in, the final text for their values, and the
//! `components` a send carries. A template's JSON comes from Meta, so it is
//! outside data: a part Leadbox cannot fill (a media header, a button with
//! a variable) makes the template unsupported, never a panic.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// Meta's limit on a template body, in characters (error 132005 beyond it).
pub const TEMPLATE_BODY_MAX: usize = 1024;

/// A piece of a template's text: as written, or a variable to fill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub enum Segment {
    Text {
        text: String,
    },
    /// `{{1}}` (positional) or `{{first_name}}` (named).
    Variable {
        name: String,
    },
}

/// Where a variable is: Meta takes the header's and the body's apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub enum TemplatePart {
    Header,
    Body,
}

/// One value the owner fills in before sending.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct TemplateVariable {
    pub part: TemplatePart,
    pub name: String,
    /// Meta's example value for it, when the template has one.
    pub example: Option<String>,
}

/// What a template says, read from its `components`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct TemplateShape {
    pub header: Vec<Segment>,
    pub body: Vec<Segment>,
    pub footer: Option<String>,
    /// Why Leadbox cannot send it, when it cannot (a media header, say).
    pub unsupported: Option<String>,
}

/// Why a template's values were refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateValueError {
    #[error("this template needs {expected} value(s); {given} were given")]
    WrongCount { expected: usize, given: usize },
    #[error("fill in {{{{{0}}}}} before sending")]
    Empty(String),
    #[error(
        "{{{{{0}}}}} cannot hold a line break, a tab or more than four spaces in a row (WhatsApp refuses them)"
    )]
    Layout(String),
    #[error(
        "the message would be {length} characters; WhatsApp allows at most {TEMPLATE_BODY_MAX}"
    )]
    TooLong { length: usize },
}

fn is_variable_name(name: &str) -> bool {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) if first.is_ascii_digit() => name.chars().all(|c| c.is_ascii_digit()),
        Some(first) if first.is_ascii_lowercase() || first == '_' => {
            chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        }
        _ => false,
    }
}

/// Splits a template text into what is written and its `{{variables}}`.
pub fn segments(text: &str) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    let mut literal = String::new();
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        let after = &rest[open + 2..];
        let name = after
            .find("}}")
            .map(|close| &after[..close])
            .filter(|name| is_variable_name(name.trim()));
        match name {
            Some(name) => {
                literal.push_str(&rest[..open]);
                if !literal.is_empty() {
                    out.push(Segment::Text {
                        text: std::mem::take(&mut literal),
                    });
                }
                out.push(Segment::Variable {
                    name: name.trim().to_owned(),
                });
                rest = &after[name.len() + 2..];
            }
            None => {
                // One brace on: `{{{1}}}` is a brace, then `{{1}}`.
                literal.push_str(&rest[..=open]);
                rest = &rest[open + 1..];
            }
        }
    }
    literal.push_str(rest);
    if !literal.is_empty() {
        out.push(Segment::Text { text: literal });
    }
    out
}

fn component<'a>(components: &'a Value, kind: &str) -> Option<&'a Value> {
    components.as_array()?.iter().find(|c| {
        c.get("type")
            .and_then(Value::as_str)
            .is_some_and(|t| t.eq_ignore_ascii_case(kind))
    })
}

fn text_of(value: &Value) -> Option<&str> {
    value.get("text").and_then(Value::as_str)
}

impl TemplateShape {
    /// Reads a template's `components` as Meta lists them.
    pub fn from_components(components: &Value) -> TemplateShape {
        let mut shape = TemplateShape::default();
        let mut problems: Vec<&str> = Vec::new();
        match component(components, "BODY").and_then(text_of) {
            Some(body) => shape.body = segments(body),
            None => problems.push("it has no text body"),
        }
        if let Some(header) = component(components, "HEADER") {
            let format = header
                .get("format")
                .and_then(Value::as_str)
                .unwrap_or("TEXT");
            match (format.eq_ignore_ascii_case("TEXT"), text_of(header)) {
                (true, Some(text)) => shape.header = segments(text),
                _ => problems.push(
                    "its header is a photo, video, document or place, which Leadbox cannot send yet",
                ),
            }
        }
        shape.footer = component(components, "FOOTER")
            .and_then(text_of)
            .map(str::to_owned);
        let buttons = component(components, "BUTTONS")
            .and_then(|b| b.get("buttons"))
            .and_then(Value::as_array);
        let has_variable = |text: &str| {
            segments(text)
                .iter()
                .any(|s| matches!(s, Segment::Variable { .. }))
        };
        let variable_button = buttons.into_iter().flatten().any(|button| {
            ["url", "text"].iter().any(|field| {
                button
                    .get(field)
                    .and_then(Value::as_str)
                    .is_some_and(has_variable)
            })
        });
        if variable_button {
            problems.push("one of its buttons needs a value, which Leadbox cannot fill yet");
        }
        shape.unsupported = problems.first().map(|why| (*why).to_owned());
        shape
    }

    /// The variables to fill, header first: positional ones in number order
    /// (the order Meta takes their values in), named ones as they appear.
    pub fn variables(&self) -> Vec<TemplateVariable> {
        let mut out = Vec::new();
        for (part, segments) in [
            (TemplatePart::Header, &self.header),
            (TemplatePart::Body, &self.body),
        ] {
            let mut names: Vec<&str> = Vec::new();
            for segment in segments {
                if let Segment::Variable { name } = segment
                    && !names.contains(&name.as_str())
                {
                    names.push(name);
                }
            }
            if names.iter().all(|n| n.chars().all(|c| c.is_ascii_digit())) {
                names.sort_by_key(|n| n.parse::<u64>().unwrap_or(u64::MAX));
            }
            out.extend(names.into_iter().map(|name| TemplateVariable {
                part,
                name: name.to_owned(),
                example: None,
            }));
        }
        out
    }

    /// The variables with Meta's example values, read from `components`.
    pub fn variables_with_examples(&self, components: &Value) -> Vec<TemplateVariable> {
        let examples = |kind: &str| -> Vec<String> {
            let example = component(components, kind).and_then(|c| c.get("example"));
            let list = if kind == "HEADER" {
                example.and_then(|e| e.get("header_text"))
            } else {
                example
                    .and_then(|e| e.get("body_text"))
                    .and_then(|b| b.get(0))
            };
            list.and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        };
        let (header, body) = (examples("HEADER"), examples("BODY"));
        let mut seen = (0usize, 0usize);
        self.variables()
            .into_iter()
            .map(|mut variable| {
                let (list, at) = match variable.part {
                    TemplatePart::Header => (&header, &mut seen.0),
                    TemplatePart::Body => (&body, &mut seen.1),
                };
                variable.example = list.get(*at).cloned();
                *at += 1;
                variable
            })
            .collect()
    }

    fn checked<'a>(
        &self,
        values: &'a [String],
    ) -> Result<Vec<(TemplateVariable, &'a str)>, TemplateValueError> {
        let variables = self.variables();
        if variables.len() != values.len() {
            return Err(TemplateValueError::WrongCount {
                expected: variables.len(),
                given: values.len(),
            });
        }
        variables
            .into_iter()
            .zip(values)
            .map(|(variable, value)| {
                let value = value.trim();
                if value.is_empty() {
                    return Err(TemplateValueError::Empty(variable.name));
                }
                if value.contains(['\n', '\r', '\t']) || value.contains("     ") {
                    return Err(TemplateValueError::Layout(variable.name));
                }
                Ok((variable, value))
            })
            .collect()
    }

    fn fill(
        segments: &[Segment],
        part: TemplatePart,
        values: &[(TemplateVariable, &str)],
    ) -> String {
        segments
            .iter()
            .map(|segment| match segment {
                Segment::Text { text } => text.as_str(),
                Segment::Variable { name } => values
                    .iter()
                    .find(|(v, _)| v.part == part && &v.name == name)
                    .map_or("", |(_, value)| value),
            })
            .collect()
    }

    /// The message the person receives, for `values` in the order of
    /// [`TemplateShape::variables`]: header, body and footer, a blank line
    /// apart.
    pub fn render(&self, values: &[String]) -> Result<String, TemplateValueError> {
        let values = self.checked(values)?;
        let body = Self::fill(&self.body, TemplatePart::Body, &values);
        let length = body.chars().count();
        if length > TEMPLATE_BODY_MAX {
            return Err(TemplateValueError::TooLong { length });
        }
        let header = Self::fill(&self.header, TemplatePart::Header, &values);
        Ok([Some(header), Some(body), self.footer.clone()]
            .into_iter()
            .flatten()
            .filter(|part| !part.trim().is_empty())
            .collect::<Vec<_>>()
            .join("\n\n"))
    }

    /// The `components` of a send: each part's values as text parameters
    /// (named ones with their `parameter_name`).
    pub fn send_components(&self, values: &[String]) -> Result<Value, TemplateValueError> {
        let values = self.checked(values)?;
        let mut components = Vec::new();
        for (part, kind) in [
            (TemplatePart::Header, "header"),
            (TemplatePart::Body, "body"),
        ] {
            let parameters: Vec<Value> = values
                .iter()
                .filter(|(v, _)| v.part == part)
                .map(|(variable, value)| {
                    let mut parameter = json!({"type": "text", "text": value});
                    if !variable.name.chars().all(|c| c.is_ascii_digit()) {
                        parameter["parameter_name"] = json!(variable.name);
                    }
                    parameter
                })
                .collect();
            if !parameters.is_empty() {
                components.push(json!({"type": kind, "parameters": parameters}));
            }
        }
        Ok(Value::Array(components))
    }
}

#[cfg(test)]
mod tests;
