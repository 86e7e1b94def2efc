//! What a relay service decides: who may claim accounts, who may sign up.

use serde::Deserialize;

use super::ConfigError;

/// Who may create a business on this relay from the app.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum SignUp {
    /// Nobody: businesses come from `leadbox-relay invite`.
    #[default]
    Closed,
    /// Whoever has one of these codes from the operator.
    Code(Vec<String>),
    /// Anyone, a few sign-ups per address per hour.
    Open,
}

/// What a computer must show before the relay routes an account's webhooks
/// to its business.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RouteClaims {
    /// Proof of control: the relay's own Facebook or Instagram Login, or a
    /// token the relay checks once against the Graph API.
    #[default]
    Proof,
    /// A free account goes to the first business that claims it, without
    /// proof: only for a relay that pairs nobody's computers but your own.
    /// Moving an account another business holds still needs proof.
    FirstClaim,
}

impl std::str::FromStr for RouteClaims {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim() {
            "proof" => Ok(RouteClaims::Proof),
            "first_claim" => Ok(RouteClaims::FirstClaim),
            other => Err(format!("`{other}` is not proof or first_claim")),
        }
    }
}

/// `signup` and `signup_codes` as the config file and the environment give them.
pub(crate) fn sign_up(
    signup: Option<String>,
    codes: Option<Vec<String>>,
    env: &impl Fn(&str) -> Option<String>,
) -> Result<SignUp, ConfigError> {
    let signup_codes: Vec<String> = match env("LEADBOX_RELAY_SIGNUP_CODES") {
        Some(list) => list.split(',').map(|c| c.trim().to_owned()).collect(),
        None => codes.unwrap_or_default(),
    }
    .into_iter()
    .filter(|code| !code.is_empty())
    .collect();
    let signup = match env("LEADBOX_RELAY_SIGNUP")
        .or(signup)
        .as_deref()
        .map(str::trim)
    {
        None | Some("closed") => SignUp::Closed,
        Some("open") => SignUp::Open,
        Some("code") if signup_codes.is_empty() => {
            return Err(ConfigError::Invalid {
                field: "signup_codes",
                reason: "signup = \"code\" needs at least one code in signup_codes".into(),
            });
        }
        Some("code") if signup_codes.iter().any(|code| code.len() < 8) => {
            return Err(ConfigError::Invalid {
                field: "signup_codes",
                reason: "use codes of at least 8 characters".into(),
            });
        }
        Some("code") => SignUp::Code(signup_codes),
        Some(other) => {
            return Err(ConfigError::Invalid {
                field: "signup",
                reason: format!("`{other}` is not closed, code or open"),
            });
        }
    };
    Ok(signup)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn sign_up_is_closed_unless_the_operator_opens_it_and_codes_must_be_given_and_long() {
        assert_eq!(sign_up(None, None, &no_env).unwrap(), SignUp::Closed);
        assert_eq!(
            sign_up(Some("open".into()), None, &no_env).unwrap(),
            SignUp::Open
        );
        assert!(sign_up(Some("code".into()), None, &no_env).is_err());
        assert!(sign_up(Some("code".into()), Some(vec!["short".into()]), &no_env).is_err());
        assert!(sign_up(Some("maybe".into()), None, &no_env).is_err());
        assert_eq!(
            sign_up(
                Some("code".into()),
                Some(vec!["long-enough-code".into()]),
                &no_env
            )
            .unwrap(),
            SignUp::Code(vec!["long-enough-code".into()])
        );
        // The environment wins over the file, and lists codes with commas.
        let env = |var: &str| match var {
            "LEADBOX_RELAY_SIGNUP" => Some("code".into()),
            "LEADBOX_RELAY_SIGNUP_CODES" => Some("first-code-1, second-code-2".into()),
            _ => None,
        };
        assert_eq!(
            sign_up(Some("closed".into()), None, &env).unwrap(),
            SignUp::Code(vec!["first-code-1".into(), "second-code-2".into()])
        );
    }
}
