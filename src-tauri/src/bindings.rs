//! The TypeScript side of the commands: `ui/src/ipc/bindings.ts` is generated
//! from the Rust types the commands take and return, so the window and the
//! engine cannot drift apart. A test fails when the file is out of date;
//! `LEADBOX_WRITE_BINDINGS=1 cargo test --bin leadbox bindings` rewrites it.
//! The hand-written wrappers in `ui/src/ipc/commands.ts` are checked against
//! the commands' Rust signatures (names, argument names and types, returns).

use std::any::TypeId;
use std::collections::HashSet;

use ts_rs::{Config, TS, TypeVisitor};

/// Collects the declaration of every named type reachable from the roots,
/// each once.
struct Declarations<'a> {
    cfg: &'a Config,
    seen: HashSet<TypeId>,
    out: Vec<(String, String)>,
}

impl TypeVisitor for Declarations<'_> {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        // Only derived types have a file of their own, and so a declaration.
        if T::output_path().is_none() || !self.seen.insert(TypeId::of::<T>()) {
            // Wrappers (Vec, Option, maps) are not declared but carry named types.
            T::visit_generics(self);
            return;
        }
        let mut text = T::docs().unwrap_or_default();
        text.push_str("export ");
        text.push_str(&T::decl(self.cfg));
        self.out.push((T::ident(self.cfg), text));
        T::visit_dependencies(self);
    }
}

/// Everything a command or an event carries across the bridge.
fn declarations() -> String {
    use leadbox_inbox::{
        AccountRow, AiSettings, BusinessProfile, ConversationPage, Dashboard, DraftReview,
        ExportProgress, LeadCard, LeadForm, ListFilter, NotificationPrefs, PageCursor,
        RetentionPolicy, RetentionReport, SearchHit, Stage, StoredMessage, WebsiteChat,
    };

    // JavaScript numbers hold every id and millisecond time the vault makes.
    let cfg = Config::new().with_large_int("number");
    let mut collect = Declarations {
        cfg: &cfg,
        seen: HashSet::new(),
        out: Vec::new(),
    };
    macro_rules! roots {
        ($($root:ty),* $(,)?) => { $( collect.visit::<$root>(); )* };
    }
    roots!(
        crate::commands::InboxStatus,
        DraftReview,
        crate::error::CommandError,
        crate::data_commands::ErasureView,
        crate::data_commands::ExportDone,
        crate::data_commands::RetentionView,
        crate::data_commands::BackupDone,
        crate::settings_commands::PairingView,
        crate::settings_commands::AiSettingsInput,
        crate::settings_commands::NotificationView,
        crate::settings_commands::AppInfo,
        StoredMessage,
        SearchHit,
        AccountRow,
        WebsiteChat,
        leadbox_inbox::LoginLink,
        leadbox_inbox::Computer,
        BusinessProfile,
        AiSettings,
        NotificationPrefs,
        RetentionPolicy,
        RetentionReport,
        ListFilter,
        PageCursor,
        ConversationPage,
        LeadCard,
        LeadForm,
        Stage,
        Dashboard,
        ExportProgress,
    );
    let mut file = String::from(
        "// Generated from the Rust types by src-tauri/src/bindings.rs. Do not edit:\n\
         // LEADBOX_WRITE_BINDINGS=1 cargo test --bin leadbox bindings\n",
    );
    // By name: the order ts-rs visits dependencies in is not stable.
    let mut declarations = collect.out;
    declarations.sort_by_key(|(name, _)| name.clone());
    for (_, declaration) in declarations {
        file.push('\n');
        file.push_str(&declaration);
        file.push('\n');
    }
    file
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    fn repo_file(path: &str) -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path)
    }

    #[test]
    fn bindings_file_matches_the_rust_types() {
        let generated = super::declarations();
        let path = repo_file("ui/src/ipc/bindings.ts");
        if std::env::var_os("LEADBOX_WRITE_BINDINGS").is_some() {
            std::fs::write(&path, &generated).expect("write the bindings");
            return;
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == generated,
            "ui/src/ipc/bindings.ts is out of date with the Rust types; run \
             LEADBOX_WRITE_BINDINGS=1 cargo test --bin leadbox bindings"
        );
    }

    /// Every command the app registers has a wrapper in commands.ts, and the
    /// window calls no command that does not exist.
    #[test]
    fn the_window_calls_exactly_the_registered_commands() {
        let build = std::fs::read_to_string(repo_file("src-tauri/build.rs")).expect("build.rs");
        let main = std::fs::read_to_string(repo_file("src-tauri/src/main.rs")).expect("main.rs");
        let wrappers =
            std::fs::read_to_string(repo_file("ui/src/ipc/commands.ts")).expect("commands.ts");

        let allowed = quoted_names(
            build
                .split(".commands(&[")
                .nth(1)
                .and_then(|rest| rest.split(']').next())
                .expect("build.rs lists the commands for the permissions"),
        );
        let mut registered: Vec<String> = main
            .split("generate_handler![")
            .nth(1)
            .and_then(|rest| rest.split(']').next())
            .expect("main.rs registers its commands with generate_handler!")
            .split(',')
            .filter_map(|path| path.trim().rsplit("::").next().map(str::to_owned))
            .filter(|name| !name.is_empty())
            .collect();
        registered.sort();
        // `invoke<T>("name", …)`: the quoted name right after the call's parenthesis.
        let calls: Vec<&str> = wrappers
            .split("invoke<")
            .skip(1)
            .filter_map(|rest| rest.split_once(">(\"").map(|(_, after)| after))
            .filter_map(|after| after.split('"').next())
            .collect();
        let invoked = quoted_names(&calls.iter().map(|c| format!("\"{c}\"")).collect::<String>());

        assert_eq!(
            allowed, registered,
            "build.rs and main.rs list different commands"
        );
        assert_eq!(
            invoked, registered,
            "commands.ts and main.rs list different commands"
        );
    }

    /// What one command takes and gives, written in TypeScript.
    #[derive(Debug, PartialEq, Eq)]
    struct Signature {
        arguments: Vec<(String, String)>,
        returns: String,
    }

    /// Each wrapper in commands.ts passes exactly the arguments its command
    /// takes (by the camelCase names Tauri maps them to, with the TypeScript
    /// types of the Rust ones) and expects what the command returns.
    #[test]
    fn the_wrappers_match_the_commands_signatures() {
        let mut rust = std::collections::BTreeMap::new();
        for entry in std::fs::read_dir(repo_file("src-tauri/src")).expect("src-tauri/src") {
            let source = std::fs::read_to_string(entry.expect("entry").path()).expect("source");
            let commands = source.split("#[tauri::command]").skip(1);
            // Only the attribute on an item (this file names it in strings too).
            for command in commands.filter(|c| c.trim_start().starts_with("pub ")) {
                let signature = command.split_once("fn ").expect("a command is a fn").1;
                let (name, rest) = signature.split_once('(').expect("parameters");
                let (parameters, after) = rest.split_at(closing(rest));
                let returns = after[1..]
                    .split('{')
                    .next()
                    .and_then(|head| head.trim().strip_prefix("->"))
                    .map_or_else(|| "void".to_owned(), ts_type);
                let arguments = split_top_level(parameters)
                    .into_iter()
                    .filter_map(|parameter| parameter.split_once(':'))
                    // Tauri injects these; the window does not pass them.
                    .filter(|(_, ty)| !ty.contains("State<") && !ty.contains("AppHandle"))
                    .map(|(name, ty)| (camel_case(name.trim()), ts_type(ty)))
                    .collect();
                rust.insert(name.trim().to_owned(), Signature { arguments, returns });
            }
        }

        let wrappers =
            std::fs::read_to_string(repo_file("ui/src/ipc/commands.ts")).expect("commands.ts");
        let mut typescript = std::collections::BTreeMap::new();
        for wrapper in wrappers.split("export const ").skip(1) {
            let Some((parameters, body)) = wrapper
                .split_once('(')
                .and_then(|(_, rest)| rest.split_once(") =>"))
            else {
                continue;
            };
            let arguments: Vec<(String, String)> = split_top_level(parameters)
                .into_iter()
                .filter_map(|parameter| parameter.split_once(':'))
                .map(|(name, ty)| (name.trim().to_owned(), normalized(ty)))
                .collect();
            let (returns, call) = body
                .split_once("invoke<")
                .and_then(|(_, rest)| rest.split_once(">(\""))
                .expect("a wrapper calls invoke<T>(\"name\", …)");
            let (name, rest) = call.split_once('"').expect("a quoted command name");
            let passed: Vec<String> = rest
                .strip_prefix(", {")
                .and_then(|object| object.split_once('}'))
                .map(|(keys, _)| keys.split(',').map(|k| k.trim().to_owned()).collect())
                .unwrap_or_default();
            let names: Vec<String> = arguments.iter().map(|(n, _)| n.clone()).collect();
            let passed: Vec<String> = passed.into_iter().filter(|k| !k.is_empty()).collect();
            assert_eq!(
                passed, names,
                "{name}: pass every parameter, as `{{ name }}`"
            );
            typescript.insert(
                name.to_owned(),
                Signature {
                    arguments,
                    returns: normalized(returns),
                },
            );
        }
        assert_eq!(typescript, rust);
    }

    /// Where the parameter list that `rest` starts inside ends.
    fn closing(rest: &str) -> usize {
        let mut depth = 0i32;
        for (i, c) in rest.char_indices() {
            match c {
                '(' | '<' | '[' => depth += 1,
                ')' if depth == 0 => return i,
                ')' | '>' | ']' => depth -= 1,
                _ => {}
            }
        }
        panic!("unclosed parameters in `{rest}`")
    }

    /// The TypeScript type serde and ts-rs give a Rust type in a signature.
    fn ts_type(rust: &str) -> String {
        let ty = rust.trim();
        let inner = |prefix: &str| {
            ty.strip_prefix(prefix)
                .and_then(|rest| rest.strip_suffix('>'))
                .map(str::to_owned)
        };
        if let Some(ok) = inner("Result<") {
            let (ok, _error) = ok.rsplit_once(',').expect("Result<T, CommandError>");
            return ts_type(ok);
        }
        if let Some(some) = inner("Option<") {
            return format!("{}|null", ts_type(&some));
        }
        if let Some(item) = inner("Vec<") {
            return format!("{}[]", ts_type(&item));
        }
        match ty.rsplit("::").next().unwrap_or(ty) {
            "()" => "void".into(),
            "i64" | "u64" | "i32" | "u32" | "usize" | "f64" => "number".into(),
            "String" | "&str" => "string".into(),
            "bool" => "boolean".into(),
            named => named.into(),
        }
    }

    /// A TypeScript type without spaces; a union of string literals is a string.
    fn normalized(typescript: &str) -> String {
        let compact: String = typescript.chars().filter(|c| !c.is_whitespace()).collect();
        let literals = compact
            .split('|')
            .all(|part| part.len() >= 2 && part.starts_with('"') && part.ends_with('"'));
        if literals { "string".into() } else { compact }
    }

    fn split_top_level(parameters: &str) -> Vec<&str> {
        let (mut depth, mut start, mut parts) = (0i32, 0, Vec::new());
        for (i, c) in parameters.char_indices() {
            match c {
                '<' | '(' | '[' | '{' => depth += 1,
                '>' | ')' | ']' | '}' => depth -= 1,
                ',' if depth == 0 => {
                    parts.push(&parameters[start..i]);
                    start = i + 1;
                }
                _ => {}
            }
        }
        parts.push(&parameters[start..]);
        parts.into_iter().filter(|p| !p.trim().is_empty()).collect()
    }

    fn camel_case(snake: &str) -> String {
        let mut out = String::new();
        let mut upper = false;
        for c in snake.chars() {
            if c == '_' {
                upper = true;
            } else if upper {
                out.extend(c.to_uppercase());
                upper = false;
            } else {
                out.push(c);
            }
        }
        out
    }

    /// The sorted, distinct quoted snake_case words in `text`.
    fn quoted_names(text: &str) -> Vec<String> {
        let mut names: Vec<String> = text
            .split('"')
            .skip(1)
            .step_by(2)
            .filter(|name| {
                !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '_')
            })
            .map(str::to_owned)
            .collect();
        names.sort();
        names.dedup();
        names
    }
}
