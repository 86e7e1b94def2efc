// The one list of the commands the window may call, each with what Tauri
// injects, what the window passes and what it gets back (the `Ok` of its
// `Result<_, CommandError>`). From it `main.rs` registers the handlers,
// `build.rs` makes each command's permission (`allow-<name>`), and the
// bindings test writes the capability file and the TypeScript wrappers
// (`ui/src/ipc/commands.ts`) and checks at compile time that every entry
// matches its function. A new command is one function and one line here.
//
// An entry: `module::name [injected] (argument: Type, …) -> Returned;`, the
// injected values (`app`, `state`) in the function's order. (Plain comments,
// not `//!`: `build.rs` includes this file.)

macro_rules! with_window_commands {
    ($then:ident) => {
        $then! {
            commands::inbox_status [state] () -> crate::commands::InboxStatus;
            commands::conversation_messages [state] (conversation_id: i64) -> Vec<leadbox_inbox::StoredMessage>;
            commands::mark_conversation_read [state] (conversation_id: i64) -> ();
            commands::open_attachment [app, state] (message_id: i64, index: usize) -> String;
            commands::save_attachment [state] (message_id: i64, index: i64) -> String;
            commands::fetch_attachment [state] (message_id: i64, index: usize) -> ();
            commands::dismiss_recovery_code [state] () -> ();
            vault_commands::create_vault [app, state] () -> ();
            vault_commands::restore_backup [app, state] (file: String, passphrase: String) -> ();
            vault_commands::unlock_vault [app, state] (recovery_code: String) -> ();
            commands::conversation_draft [state] (conversation_id: i64) -> Option<leadbox_inbox::DraftReview>;
            commands::approve_and_send_draft [state] (draft_id: i64, text: String) -> String;
            commands::reject_draft [state] (draft_id: i64) -> ();
            composer_commands::composer_reply_window [state] (conversation_id: i64) -> leadbox_inbox::ReplyWindow;
            composer_commands::send_owner_reply [state] (conversation_id: i64, text: String) -> String;
            composer_commands::check_outgoing_file [state] (conversation_id: i64, head_base64: String, size: u64, text: String) -> leadbox_inbox::FileType;
            composer_commands::send_owner_file [state] (conversation_id: i64, text: String, file_name: String, file_base64: String) -> String;
            composer_commands::saved_replies [state] (query: String) -> Vec<leadbox_inbox::SavedReply>;
            composer_commands::save_saved_reply [state] (id: Option<i64>, title: String, text: String) -> leadbox_inbox::SavedReply;
            composer_commands::delete_saved_reply [state] (id: i64) -> ();
            composer_commands::fill_saved_reply [state] (id: i64, conversation_id: i64) -> leadbox_inbox::Filled;
            composer_commands::whatsapp_templates [state] (conversation_id: i64) -> leadbox_inbox::TemplateList;
            composer_commands::send_whatsapp_template [state] (conversation_id: i64, name: String, language: String, values: Vec<String>) -> String;
            commands::regenerate_draft [state] (draft_id: i64) -> leadbox_inbox::DraftReview;
            data_commands::erase_conversation_person [state] (conversation_id: i64) -> crate::data_commands::ErasureView;
            data_commands::export_data [app, state] (format: String, conversation_id: Option<i64>) -> crate::data_commands::ExportDone;
            data_commands::search_inbox [state] (query: String) -> Vec<leadbox_inbox::SearchHit>;
            data_commands::retention_settings [state] () -> crate::data_commands::RetentionView;
            data_commands::save_retention [state] (policy: leadbox_inbox::RetentionPolicy) -> crate::data_commands::RetentionView;
            data_commands::run_retention_now [state] () -> leadbox_inbox::RetentionReport;
            data_commands::preview_retention [state] (policy: leadbox_inbox::RetentionPolicy) -> leadbox_inbox::RetentionPreview;
            data_commands::backup_vault [state] (passphrase: String) -> crate::data_commands::BackupDone;
            accounts_commands::list_accounts [state] () -> Vec<leadbox_inbox::AccountRow>;
            accounts_commands::connect_account [app, state] (provider: String) -> leadbox_inbox::LoginLink;
            accounts_commands::connect_with_token [state] (platform: leadbox_inbox::Platform, account_id: String, connection: leadbox_inbox::Connection, token: String, human_agent: bool) -> leadbox_inbox::AccountRow;
            accounts_commands::list_websites [state] () -> Vec<leadbox_inbox::WebsiteChat>;
            accounts_commands::add_website [state] (name: String, origins: Vec<String>) -> leadbox_inbox::WebsiteChat;
            accounts_commands::allow_website_origin [state] (site_id: String, origin: String) -> leadbox_inbox::WebsiteChat;
            accounts_commands::disconnect_account [state] (platform: leadbox_inbox::Platform, account_id: String, erase: bool) -> String;
            settings_commands::pair_with_relay [state] (relay_url: String, invite_code: String, device_name: String) -> leadbox_inbox::Pairing;
            settings_commands::sign_up_at_relay [state] (relay_url: String, business_name: String, signup_code: String, device_name: String) -> leadbox_inbox::Pairing;
            settings_commands::business_profile [state] () -> leadbox_inbox::BusinessProfile;
            settings_commands::save_business_profile [state] (profile: leadbox_inbox::BusinessProfile) -> ();
            settings_commands::ai_settings [state] () -> leadbox_inbox::AiSettings;
            settings_commands::save_ai_settings [state] (settings: crate::settings_commands::AiSettingsInput) -> leadbox_inbox::AiSettings;
            settings_commands::notification_settings [state] () -> crate::settings_commands::NotificationView;
            settings_commands::save_notification_settings [app, state] (prefs: leadbox_inbox::NotificationPrefs) -> ();
            settings_commands::pause_notifications [app, state] (minutes: Option<u32>) -> Option<i64>;
            settings_commands::send_test_notification [app] () -> ();
            settings_commands::app_info [state] () -> crate::settings_commands::AppInfo;
            settings_commands::list_computers [state] () -> Vec<leadbox_inbox::Computer>;
            settings_commands::remove_computer [state] (device_id: String) -> ();
            settings_commands::invite_computer [state] () -> String;
            leads_commands::conversation_page [state] (filter: leadbox_inbox::ListFilter, after: Option<leadbox_inbox::PageCursor>, limit: usize) -> leadbox_inbox::ConversationPage;
            leads_commands::labels_in_use [state] () -> Vec<String>;
            leads_commands::lead_card [state] (conversation_id: i64) -> leadbox_inbox::LeadCard;
            leads_commands::update_lead [state] (conversation_id: i64, stage: leadbox_inbox::Stage, notes: String, labels: Vec<String>) -> leadbox_inbox::LeadCard;
            leads_commands::list_lead_forms [state] () -> Vec<leadbox_inbox::LeadForm>;
            leads_commands::dashboard [state] () -> leadbox_inbox::Dashboard;
            startup::startup_painted [app] (page_ms: f64, marks: Vec<(String, f64)>) -> ();
            desktop_commands::start_at_login [app] () -> bool;
            desktop_commands::set_start_at_login [app] (enabled: bool) -> bool;
            desktop_commands::window_language [state] () -> crate::language::LanguageView;
            desktop_commands::choose_window_language [app, state] (chosen: Option<leadbox_inbox::Lang>) -> crate::language::LanguageView;
            updates::check_for_update [app] () -> crate::updates::UpdateView;
            updates::found_update [app] () -> Option<crate::updates::AvailableUpdate>;
            updates::install_update [app] () -> String;
            updates::restart_app [app] () -> ();
        }
    };
}
