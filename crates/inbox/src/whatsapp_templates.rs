//! WhatsApp templates: the one kind of message WhatsApp allows more than 24
//! hours after a person's last one. The number's templates are listed from
//! the Graph API (its token, its WhatsApp Business Account) and kept in the
//! vault; the owner picks one, fills in its variables, sees the final text
//! and clicks Send. The send then follows an approved reply's rules, except
//! that the 24 hours do not apply.

use leadbox_channels::Platform;
use leadbox_channels::graph::TemplateSend;
use leadbox_channels::templates::{TemplateShape, TemplateVariable};
use leadbox_vault::{AccountRow, TemplateStatus, WhatsappTemplate};
use serde::Serialize;

use crate::reply_window::reply_window;
use crate::sending::sendable;
use crate::{Engine, InboxError, ReplyVerdict};

/// An approved template, as the owner chooses and fills it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct TemplateChoice {
    pub name: String,
    /// Meta's language code (`en_US`, `es`, …).
    pub language: String,
    /// `MARKETING`, `UTILITY` or `AUTHENTICATION`, as Meta names it.
    pub category: String,
    pub shape: TemplateShape,
    /// What to fill in, in order, with Meta's example values.
    pub variables: Vec<TemplateVariable>,
}

/// The templates a conversation can be answered with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct TemplateList {
    pub templates: Vec<TemplateChoice>,
    /// Why the list may be out of date (Meta could not be asked), in words.
    pub problem: Option<String>,
}

fn choice(template: WhatsappTemplate) -> TemplateChoice {
    let shape = TemplateShape::from_components(&template.components);
    let variables = shape.variables_with_examples(&template.components);
    TemplateChoice {
        name: template.name,
        language: template.language,
        category: template.category,
        shape,
        variables,
    }
}

impl Engine {
    /// The WhatsApp number of a conversation and its WhatsApp Business Account.
    fn template_account(&self, conversation_id: i64) -> Result<(AccountRow, String), InboxError> {
        let reader = self.reader()?;
        let target = reader
            .composer_reply_target(conversation_id)
            .map_err(|_| InboxError::NoSuchConversation(conversation_id))?;
        if target.account.platform != Platform::Whatsapp {
            return Err(InboxError::Settings(
                "templates are for WhatsApp conversations only".into(),
            ));
        }
        let business_account = reader.business_account_of(target.account.id)?.ok_or_else(|| {
            InboxError::Settings(
                "Leadbox does not know this number's WhatsApp Business Account yet; connect the number again in Accounts… so its templates can be listed".into(),
            )
        })?;
        Ok((target.account, business_account))
    }

    /// The approved templates a WhatsApp conversation can be answered with,
    /// listed afresh from Meta; when Meta cannot be asked, the list kept from
    /// the last time, with the reason.
    pub async fn whatsapp_templates(
        &self,
        conversation_id: i64,
    ) -> Result<TemplateList, InboxError> {
        let (account, business_account) = self.template_account(conversation_id)?;
        let problem = match self
            .list_whatsapp_templates(&account, &business_account)
            .await
        {
            Ok(()) => None,
            Err(error) => {
                tracing::warn!(%error, "templates not listed");
                Some(error.to_string())
            }
        };
        let templates = self
            .reader()?
            .whatsapp_templates(&business_account)?
            .into_iter()
            .filter(|t| t.status == TemplateStatus::Approved)
            .map(choice)
            .collect();
        Ok(TemplateList { templates, problem })
    }

    /// Asks Meta for the business account's templates and keeps them.
    async fn list_whatsapp_templates(
        &self,
        account: &AccountRow,
        business_account: &str,
    ) -> Result<(), InboxError> {
        let Some(token) = self.account_token(account)? else {
            return Err(InboxError::Settings(
                leadbox_channels::graph::SendError::TokenExpired.to_string(),
            ));
        };
        let listed = self
            .graph()
            .whatsapp_templates(business_account, &token)
            .await
            .map_err(|error| {
                if error.needs_reconnect()
                    && let Err(e) = self.vault().mark_needs_reconnect(account.id)
                {
                    tracing::warn!(error = %e, "the account could not be marked");
                }
                InboxError::Settings(format!("Meta did not list the templates: {error}"))
            })?;
        let templates: Vec<WhatsappTemplate> = listed
            .into_iter()
            .map(|t| WhatsappTemplate {
                status: TemplateStatus::from_meta(&t.status),
                template_id: t.id,
                name: t.name,
                language: t.language,
                category: t.category,
                components: t.components,
            })
            .collect();
        self.vault()
            .replace_whatsapp_templates(business_account, &templates)?;
        Ok(())
    }

    /// The owner's click on "Send template": the template `name` in
    /// `language`, with `values` for its variables in order. Returns the
    /// message's id. The final text is what the conversation shows.
    pub async fn send_whatsapp_template(
        &self,
        conversation_id: i64,
        name: &str,
        language: &str,
        values: &[String],
        override_opt_out: bool,
    ) -> Result<String, InboxError> {
        let (account, business_account) = self.template_account(conversation_id)?;
        let template = self
            .reader()?
            .whatsapp_template(&business_account, name, language)?
            .ok_or_else(|| {
                InboxError::Settings(format!(
                    "the template “{name}” ({language}) is not in the list any more; open the list again"
                ))
            })?;
        if template.status != TemplateStatus::Approved {
            return Err(InboxError::Settings(format!(
                "WhatsApp has not approved the template “{name}” (it is {}); choose another one",
                template.status
            )));
        }
        let shape = TemplateShape::from_components(&template.components);
        if let Some(why) = &shape.unsupported {
            return Err(InboxError::Settings(format!(
                "Leadbox cannot send “{name}”: {why}"
            )));
        }
        let invalid = |error: leadbox_channels::templates::TemplateValueError| {
            InboxError::Settings(error.to_string())
        };
        let text = shape.render(values).map_err(invalid)?;
        let components = shape.send_components(values).map_err(invalid)?;

        let approved = self.vault().approve_owner_reply(conversation_id, &text)?;
        let target = self
            .vault()
            .reply_target(approved.conversation_id(), approved.draft_id())?;
        if let Err(reason) = sendable(&target, override_opt_out) {
            return self.refuse_send(approved, &reason);
        }
        // A template may go after the 24 hours; never to someone who has not written.
        let verdict = reply_window(&target, self.now_ms());
        if !(verdict.can_send || verdict.state == ReplyVerdict::TemplateNeeded) {
            return self.refuse_send(approved, &verdict.explanation);
        }
        let Some(token) = self.account_token(&account)? else {
            return self.refuse_send(
                approved,
                &leadbox_channels::graph::SendError::TokenExpired.to_string(),
            );
        };
        let sent = self
            .graph()
            .send_whatsapp_template(&TemplateSend {
                phone_number_id: &account.platform_account_id,
                token: &token,
                to: &target.contact_platform_id,
                name,
                language,
                components: &components,
            })
            .await;
        self.record_send_outcome(approved, &account, sent)
    }
}
