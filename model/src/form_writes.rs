//! The write a form describes, read from its fields: one reading used by the server function
//! (a form posted without JavaScript) and by the browser (the same form sent through the
//! outbox), so both turn the same fields into the same mutation with the same messages.

use super::{
    coordination::Coordination,
    ids::{BoardId, PostId, UserId},
    AppError, Category, MutationKind, PostKind, Urgency,
};

/// The fields of the "Ask or offer" form, as typed.
pub struct PostForm<'a> {
    pub post_id: &'a PostId,
    pub board_id: &'a BoardId,
    pub post_kind: &'a str,
    pub category: &'a str,
    pub title: &'a str,
    pub details: &'a str,
    pub urgency: &'a str,
    pub expires_in_days: Option<&'a str>,
    /// The "needs a vetted volunteer" box: any value when ticked (requests only).
    pub needs_vetting: Option<&'a str>,
    /// The "share my details with whoever takes this on" box: any value when ticked (requests
    /// only).
    pub share_details: Option<&'a str>,
    /// The "post it as it is" box, shown when the post seems to give a house or phone number
    /// away: any value when ticked.
    pub confirm_public: Option<&'a str>,
}

impl PostForm<'_> {
    /// The new post, or the first choice that is not one of the form's options.
    pub fn to_mutation(&self) -> Result<MutationKind, AppError> {
        let choice = |field: &str, message: &str| AppError::field(field, message);
        let post_kind = PostKind::parse(self.post_kind)
            .ok_or_else(|| choice("post_kind", "Choose whether you are asking or offering."))?;
        let category = Category::parse(self.category)
            .ok_or_else(|| choice("category", "Choose a category from the list."))?;
        let urgency = Urgency::parse(self.urgency)
            .ok_or_else(|| choice("urgency", "Choose how soon from the list."))?;
        let expires_in_days = match self.expires_in_days.map(str::trim) {
            None | Some("") => None,
            Some(days) => Some(days.parse().map_err(|_| {
                choice(
                    "expires_in_days",
                    "Choose when it should expire from the list.",
                )
            })?),
        };
        Ok(MutationKind::CreatePost {
            post_id: self.post_id.clone(),
            board_id: self.board_id.clone(),
            post_kind,
            category,
            title: self.title.to_string(),
            details: self.details.to_string(),
            urgency,
            expires_in_days,
            needs_vetting: post_kind == PostKind::Request && ticked(self.needs_vetting),
            share_details: post_kind == PostKind::Request && ticked(self.share_details),
            confirmed_public: ticked(self.confirm_public),
        })
    }
}

/// A box on a form: sent (with any value) only when ticked.
fn ticked(field: Option<&str>) -> bool {
    field.is_some_and(|v| !v.is_empty())
}

/// A post's buttons: `claim`, `share_details`, `release`, `done`, `withdraw`, `pin`, `unpin`, `remove`, and
/// (organisers, requests) `needs_vetting` or `no_vetting_needed`. `claimant` is who held the
/// claim when the page was drawn (empty when nobody did): agreeing to share details names them.
pub fn post_action(
    post_id: &PostId,
    action: &str,
    claimant: &str,
) -> Result<MutationKind, AppError> {
    let post_id = post_id.clone();
    Ok(match action {
        "claim" => MutationKind::Claim { post_id },
        "share_details" if !claimant.trim().is_empty() => MutationKind::ShareDetails {
            post_id,
            claimant: UserId::from(claimant.trim()),
        },
        "release" => MutationKind::Release { post_id },
        "done" => MutationKind::MarkDone { post_id },
        "withdraw" => MutationKind::Withdraw { post_id },
        "pin" => MutationKind::SetPinned {
            post_id,
            pinned: true,
        },
        "unpin" => MutationKind::SetPinned {
            post_id,
            pinned: false,
        },
        "remove" => MutationKind::Remove { post_id },
        "needs_vetting" | "no_vetting_needed" => {
            MutationKind::Coordinate(Coordination::SetNeedsVetting {
                post_id,
                needs_vetting: action == "needs_vetting",
            })
        }
        _ => {
            return Err(AppError::field(
                "action",
                "That is not something you can do to a post.",
            ))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::LazyLock;

    /// The new post's id and its board's.
    static IDS: LazyLock<(PostId, BoardId)> = LazyLock::new(|| ("p".into(), "b".into()));

    fn form<'a>(category: &'a str, expires: Option<&'a str>) -> PostForm<'a> {
        PostForm {
            post_id: &IDS.0,
            board_id: &IDS.1,
            post_kind: "request",
            category,
            title: "Milk",
            details: "",
            urgency: "today",
            expires_in_days: expires,
            needs_vetting: Some("on"),
            share_details: None,
            confirm_public: None,
        }
    }

    #[test]
    fn a_form_reads_into_the_mutation_or_names_the_bad_choice() {
        let kind = form("shopping", Some("7")).to_mutation().expect("valid");
        assert!(matches!(
            kind,
            MutationKind::CreatePost {
                expires_in_days: Some(7),
                category: Category::Shopping,
                needs_vetting: true,
                ..
            }
        ));
        let Err(AppError::Invalid(errors)) = form("", None).to_mutation() else {
            panic!("a category must be chosen");
        };
        assert!(errors.get("category").is_some());
        let Err(AppError::Invalid(errors)) = form("shopping", Some("soon")).to_mutation() else {
            panic!("expiry must be a number of days");
        };
        assert!(errors.get("expires_in_days").is_some());
    }

    #[test]
    fn buttons_read_into_mutations() {
        assert!(matches!(
            post_action(&IDS.0, "unpin", ""),
            Ok(MutationKind::SetPinned { pinned: false, .. })
        ));
        assert!(post_action(&IDS.0, "delete everything", "").is_err());
        // Agreeing to share details names the claim the page showed; with none, it is not a
        // button anyone was offered.
        assert!(matches!(
            post_action(&IDS.0, "share_details", "sam"),
            Ok(MutationKind::ShareDetails { claimant, .. }) if claimant == "sam"
        ));
        assert!(post_action(&IDS.0, "share_details", "").is_err());
    }
}
