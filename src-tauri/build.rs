fn main() {
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    let commands = tauri_build::AppManifest::new().commands(&[
        "inbox_status",
        "list_conversations",
        "conversation_messages",
        "mark_conversation_read",
        "dismiss_recovery_code",
        "conversation_draft",
        "approve_and_send_draft",
        "reject_draft",
        "regenerate_draft",
        "erase_conversation_person",
        "export_data",
        "search_inbox",
        "retention_settings",
        "save_retention",
        "run_retention_now",
        "list_accounts",
        "connect_account",
    ]);
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .capabilities_path_pattern("src-tauri/capabilities/**/*")
            .app_manifest(commands),
    )
    .expect("failed to run the Tauri build script");
}
