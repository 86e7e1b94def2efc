//! The window's language: the system's (English, Spanish or Portuguese,
//! English for any other), unless the owner chose one in Settings. The choice
//! belongs to this computer, not to the business's data, so it is kept in a
//! small file beside the vault and holds before the vault is open (the
//! welcome screen and the unlock screen speak it too).

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use leadbox_inbox::Lang;
use serde::Serialize;

const FILE: &str = "window-language";

/// What Settings shows: the owner's choice, if any, and the system's language.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, ts_rs::TS)]
pub struct LanguageView {
    pub chosen: Option<Lang>,
    pub system: Lang,
}

impl LanguageView {
    pub fn current(self) -> Lang {
        self.chosen.unwrap_or(self.system)
    }
}

/// The language the tray and notifications speak, kept in step with the window.
#[derive(Debug)]
pub struct WindowLanguage {
    file: PathBuf,
    view: Mutex<LanguageView>,
}

impl WindowLanguage {
    pub fn load(data_dir: &Path) -> WindowLanguage {
        let file = data_dir.join(FILE);
        let chosen = std::fs::read_to_string(&file)
            .ok()
            .and_then(|text| Lang::from_code(&text));
        WindowLanguage {
            file,
            view: Mutex::new(LanguageView {
                chosen,
                system: system_language(),
            }),
        }
    }

    pub fn view(&self) -> LanguageView {
        *self
            .view
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn current(&self) -> Lang {
        self.view().current()
    }

    /// Keeps the owner's choice (`None`: follow the system again).
    pub fn choose(&self, chosen: Option<Lang>) -> std::io::Result<LanguageView> {
        match chosen {
            Some(lang) => {
                if let Some(dir) = self.file.parent() {
                    std::fs::create_dir_all(dir)?;
                }
                std::fs::write(&self.file, lang.code())?;
            }
            None => match std::fs::remove_file(&self.file) {
                Err(error) if error.kind() != std::io::ErrorKind::NotFound => return Err(error),
                _ => {}
            },
        }
        let mut view = self
            .view
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        view.chosen = chosen;
        Ok(*view)
    }
}

/// The first of the system's preferred languages that Leadbox speaks.
/// `LEADBOX_LANGUAGE` stands in for the system's (the tests use it).
fn system_language() -> Lang {
    let preferred: Vec<String> = match std::env::var("LEADBOX_LANGUAGE") {
        Ok(code) => vec![code],
        Err(_) => sys_locale::get_locales().collect(),
    };
    first_spoken(preferred.iter().map(String::as_str))
}

/// "es-MX", "pt_BR.UTF-8", "en-US": the language part decides.
fn first_spoken<'a>(locales: impl Iterator<Item = &'a str>) -> Lang {
    locales
        .filter_map(|locale| {
            let language = locale.split(['-', '_', '.', '@']).next()?;
            Lang::from_code(language)
        })
        .next()
        .unwrap_or(Lang::En)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_system_language_leadbox_speaks_wins() {
        assert_eq!(first_spoken(["es-MX", "en-US"].into_iter()), Lang::Es);
        assert_eq!(first_spoken(["de-DE", "pt_BR.UTF-8"].into_iter()), Lang::Pt);
        assert_eq!(first_spoken(["fr-FR", "de"].into_iter()), Lang::En);
        assert_eq!(first_spoken(std::iter::empty()), Lang::En);
    }

    #[test]
    fn a_choice_is_kept_for_the_next_start_and_can_be_undone() {
        let dir = tempfile::tempdir().unwrap();
        let first = WindowLanguage::load(dir.path());
        assert_eq!(first.view().chosen, None);
        first.choose(Some(Lang::Pt)).unwrap();
        let next = WindowLanguage::load(dir.path());
        assert_eq!(next.view().chosen, Some(Lang::Pt));
        assert_eq!(next.current(), Lang::Pt);
        next.choose(None).unwrap();
        assert_eq!(WindowLanguage::load(dir.path()).view().chosen, None);
        // Choosing the system's language twice is not an error.
        next.choose(None).unwrap();
    }

    #[test]
    fn a_damaged_file_means_the_systems_language() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE), "klingon").unwrap();
        assert_eq!(WindowLanguage::load(dir.path()).view().chosen, None);
    }
}
