// The window's commands come from the one list in src/command_list.rs: each
// gets its permission here (`allow-<name>`, granted in capabilities/main.json,
// which the bindings test writes from the same list).
include!("src/command_list.rs");

macro_rules! command_names {
    ($($module:ident :: $name:ident [$($injected:ident),*] ($($argument:ident : $type:ty),*) -> $returned:ty;)*) => {
        &[$(stringify!($name)),*]
    };
}

const COMMANDS: &[&str] = with_window_commands!(command_names);

fn main() {
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    println!("cargo:rerun-if-changed=src-tauri/src/command_list.rs");
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .capabilities_path_pattern("src-tauri/capabilities/**/*")
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("failed to run the Tauri build script");
}
