//! docs/export-schema.md is written for people; docs/export-schema.json is
//! what exports are validated against. This keeps the two in step: every field
//! of every exported file, and every value a field can take from a fixed list,
//! is named in the file's row of the table.

use serde_json::Value;

const SCHEMA: &str = include_str!("../../../docs/export-schema.json");
const DOCS: &str = include_str!("../../../docs/export-schema.md");

/// The table row that documents `file` (`| \`contacts.jsonl\` | …`).
fn row_for(file: &str) -> Option<&'static str> {
    DOCS.lines().find(|line| {
        line.starts_with(&format!("| `{file}.jsonl` |"))
            || line.starts_with(&format!("| `{file}.json` |"))
    })
}

/// A field counts as named when it appears in backticks, alone or as the
/// start of a path (`filter.person`, `files[]`).
fn names(row: &str, field: &str) -> bool {
    [".", "[", "`"]
        .iter()
        .any(|after| row.contains(&format!("`{field}{after}")))
}

/// The fixed values a property can take, following one `$ref` into `$defs`.
fn fixed_values<'a>(schema: &'a Value, property: &'a Value) -> Vec<&'a str> {
    let resolved = match property.get("$ref").and_then(Value::as_str) {
        Some(reference) => reference
            .strip_prefix("#/$defs/")
            .and_then(|name| schema["$defs"].get(name))
            .unwrap_or(property),
        None => property,
    };
    resolved
        .get("enum")
        .and_then(Value::as_array)
        .map(|values| values.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

#[test]
fn every_exported_field_and_value_is_documented() {
    let schema: Value = serde_json::from_str(SCHEMA).unwrap();
    let mut missing = Vec::new();
    let mut files = 0;
    for (file, definition) in schema["$defs"].as_object().unwrap() {
        if definition["type"] != "object" {
            continue;
        }
        files += 1;
        let Some(row) = row_for(file) else {
            missing.push(format!("{file}: no row in the table"));
            continue;
        };
        for (field, property) in definition["properties"].as_object().unwrap() {
            if !names(row, field) {
                missing.push(format!("{file}.{field}"));
            }
            for value in fixed_values(&schema, property) {
                if !row.contains(&format!("`{value}`")) {
                    missing.push(format!("{file}.{field} = {value}"));
                }
            }
        }
    }
    assert!(files >= 7, "the schema defines the exported files");
    assert!(
        missing.is_empty(),
        "docs/export-schema.md does not mention: {}",
        missing.join(", ")
    );
}

#[test]
fn a_missing_field_is_noticed() {
    let row = row_for("contacts").unwrap();
    assert!(names(row, "platform_contact_id"));
    assert!(!names(row, "no_such_field"));
    assert!(
        !names(row, "platform"),
        "a prefix of a name is not the name"
    );
}
