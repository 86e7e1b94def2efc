//! The TypeScript side of the commands, generated so the window and the
//! engine cannot drift apart: `ui/src/ipc/bindings.ts` from the Rust types
//! the commands take and return, `ui/src/ipc/commands.ts` (one wrapper per
//! command) and the capability file from `command_list.rs`, which is also
//! checked against the functions at compile time. A test fails when a file
//! is out of date; `LEADBOX_WRITE_BINDINGS=1 cargo test --bin leadbox bindings`
//! rewrites them.

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
        leadbox_inbox::FileType,
        crate::updates::UpdateView,
        crate::language::LanguageView,
        DraftReview,
        crate::error::CommandError,
        crate::data_commands::ErasureView,
        crate::data_commands::ExportDone,
        crate::data_commands::RetentionView,
        crate::data_commands::BackupDone,
        leadbox_inbox::Pairing,
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
        leadbox_inbox::SavedReply,
        leadbox_inbox::Filled,
        leadbox_inbox::ReplyWindow,
        leadbox_inbox::TemplateList,
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

/// One command as the window calls it, in TypeScript.
struct Wrapper {
    name: &'static str,
    arguments: Vec<(&'static str, String)>,
    returns: String,
}

fn wrappers(cfg: &Config) -> Vec<Wrapper> {
    macro_rules! describe {
        ($($module:ident :: $name:ident [$($injected:ident),*] ($($argument:ident : $type:ty),*) -> $returned:ty;)*) => {
            vec![$(Wrapper {
                name: stringify!($name),
                arguments: vec![$((stringify!($argument), <$type as TS>::name(cfg))),*],
                returns: <$returned as TS>::name(cfg),
            }),*]
        };
    }
    with_window_commands!(describe)
}

/// What Tauri injects into a command, for the compile-time check below.
#[allow(dead_code)]
fn injected_app() -> tauri::AppHandle {
    unreachable!("only type-checked")
}

#[allow(dead_code)]
fn injected_state() -> tauri::State<'static, crate::state::AppState> {
    unreachable!("only type-checked")
}

macro_rules! injected {
    (app) => {
        injected_app()
    };
    (state) => {
        injected_state()
    };
}

macro_rules! check_signatures {
    ($($module:ident :: $name:ident [$($injected:ident),*] ($($argument:ident : $type:ty),*) -> $returned:ty;)*) => {
        /// Never run: this compiles only while every entry of `command_list.rs`
        /// takes and returns what its function does.
        #[allow(dead_code, unreachable_code, unused_variables, clippy::diverging_sub_expression)]
        async fn every_entry_matches_its_function() {
            $(
                let _: Result<$returned, crate::error::CommandError> = crate::$module::$name(
                    $(injected!($injected),)*
                    $({ let $argument: $type = unreachable!(); $argument }),*
                )
                .await;
            )*
        }
    };
}
with_window_commands!(check_signatures);

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

/// `ui/src/ipc/commands.ts`: the only module (with `events.ts`) that talks
/// to the Rust side.
fn commands_file() -> String {
    let cfg = Config::new().with_large_int("number");
    let wrappers = wrappers(&cfg);
    let mut types = std::collections::BTreeSet::new();
    for wrapper in &wrappers {
        let written = wrapper
            .arguments
            .iter()
            .map(|(_, ty)| ty)
            .chain([&wrapper.returns]);
        for ty in written {
            types.extend(
                ty.split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
                    .filter(|word| word.starts_with(|c: char| c.is_ascii_uppercase()))
                    .filter(|word| *word != "Array")
                    .map(str::to_owned),
            );
        }
    }
    let mut file = String::from(
        "// Generated from src-tauri/src/command_list.rs by src-tauri/src/bindings.rs. Do not edit:\n\
         // LEADBOX_WRITE_BINDINGS=1 cargo test --bin leadbox bindings\n\
         // The only module (with ./events.ts) that talks to the Rust side.\n\
         import { invoke } from \"@tauri-apps/api/core\";\n",
    );
    file.push_str(&format!(
        "import type {{ {} }} from \"./bindings\";\n\nexport type * from \"./bindings\";\n\n",
        types.into_iter().collect::<Vec<_>>().join(", ")
    ));
    for wrapper in wrappers {
        let parameters: Vec<String> = wrapper
            .arguments
            .iter()
            .map(|(name, ty)| format!("{}: {ty}", camel_case(name)))
            .collect();
        let passed: Vec<String> = wrapper
            .arguments
            .iter()
            .map(|(name, _)| camel_case(name))
            .collect();
        let returns = if wrapper.returns == "null" {
            "void"
        } else {
            &wrapper.returns
        };
        let arguments = if passed.is_empty() {
            String::new()
        } else {
            format!(", {{ {} }}", passed.join(", "))
        };
        file.push_str(&format!(
            "export const {} = ({}) =>\n  invoke<{returns}>(\"{}\"{arguments});\n",
            camel_case(wrapper.name),
            parameters.join(", "),
            wrapper.name,
        ));
    }
    file
}

/// `src-tauri/capabilities/main.json`: the window may call its commands and
/// listen to its events, nothing else.
fn capability_file() -> String {
    let cfg = Config::new();
    let mut permissions = vec![
        "core:event:allow-listen".to_owned(),
        "core:event:allow-unlisten".to_owned(),
    ];
    permissions.extend(
        wrappers(&cfg)
            .iter()
            .map(|wrapper| format!("allow-{}", wrapper.name.replace('_', "-"))),
    );
    let listed: Vec<String> = permissions.iter().map(|p| format!("    \"{p}\"")).collect();
    format!(
        "{{\n  \"$schema\": \"../../gen/schemas/desktop-schema.json\",\n  \"identifier\": \"main-window\",\n  \"description\": \"What the main window may call: Leadbox's own inbox commands and listening to its events, nothing else. Generated from src-tauri/src/command_list.rs.\",\n  \"windows\": [\"main\"],\n  \"permissions\": [\n{}\n  ]\n}}\n",
        listed.join(",\n")
    )
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    fn repo_file(path: &str) -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path)
    }

    /// Rewrites `path` with `generated` under `LEADBOX_WRITE_BINDINGS`,
    /// else fails when it differs.
    fn up_to_date(path: &str, generated: &str) {
        let path = repo_file(path);
        if std::env::var_os("LEADBOX_WRITE_BINDINGS").is_some() {
            std::fs::write(&path, generated).expect("write the generated file");
            return;
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == generated,
            "{} is out of date with the Rust side; run \
             LEADBOX_WRITE_BINDINGS=1 cargo test --bin leadbox bindings",
            path.display()
        );
    }

    #[test]
    fn bindings_file_matches_the_rust_types() {
        up_to_date("ui/src/ipc/bindings.ts", &super::declarations());
    }

    #[test]
    fn the_wrappers_are_those_of_the_command_list() {
        up_to_date("ui/src/ipc/commands.ts", &super::commands_file());
    }

    #[test]
    fn the_window_may_call_exactly_the_listed_commands() {
        up_to_date(
            "src-tauri/capabilities/main.json",
            &super::capability_file(),
        );
    }

    /// The saved-replies help in the window lists exactly the placeholders
    /// the engine fills, in its order, and in English with the same words
    /// (`ph_<name>` in ui/messages/en.json).
    #[test]
    fn the_windows_placeholder_help_is_the_engines_list() {
        let logic = std::fs::read_to_string(repo_file("ui/src/inbox-logic.ts")).unwrap();
        let help = logic
            .split_once("export const placeholderHelp")
            .and_then(|(_, rest)| rest.split_once("];"))
            .map(|(block, _)| block)
            .expect("placeholderHelp in ui/src/inbox-logic.ts");
        let shown: Vec<String> = help
            .lines()
            .map(str::trim)
            .filter(|line| line.starts_with("[\"{"))
            .map(str::to_owned)
            .collect();
        let english: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(repo_file("ui/messages/en.json")).unwrap(),
        )
        .unwrap();
        let expected: Vec<String> = leadbox_inbox::PLACEHOLDERS
            .iter()
            .map(|(name, what)| {
                assert_eq!(english[format!("ph_{name}")], *what, "ph_{name} in en.json");
                format!("[\"{{{name}}}\", m.ph_{name}()],")
            })
            .collect();
        assert_eq!(shown, expected);
    }

    #[test]
    fn names_become_the_camel_case_tauri_expects() {
        assert_eq!(super::camel_case("conversation_id"), "conversationId");
        assert_eq!(
            super::camel_case("approve_and_send_draft"),
            "approveAndSendDraft"
        );
    }
}
