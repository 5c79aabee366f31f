//! Mutations: every write a person makes, as one self-contained message with an id made where
//! they pressed the button. The server applies each id at most once, so sending it again (a
//! retry, a reload, a resubmitted form) never doubles anything.

use crate::Refusal;
use serde::{Deserialize, Serialize};

use super::{
    ids::{is_valid_id, BoardId, PostId, UserId},
    moderation::Moderation,
    validate, Category, FieldErrors, PostKind, Urgency,
};

/// One write, as sent from the browser (or built from a plain form post).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mutation {
    /// Made by the client (UUIDv7); the key for exactly-once.
    pub id: String,
    /// When the person pressed the button, by their device's clock (for display only; the
    /// server orders changes by its own sequence).
    pub created_at_ms: i64,
    #[serde(flatten)]
    pub kind: MutationKind,
}

/// What the write does.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "payload", rename_all = "snake_case")]
pub enum MutationKind {
    CreatePost {
        post_id: PostId,
        board_id: BoardId,
        post_kind: PostKind,
        category: Category,
        title: String,
        details: String,
        urgency: Urgency,
        expires_in_days: Option<u32>,
        /// Requests: only a vetted volunteer may help (absent in writes made before it existed).
        #[serde(default)]
        needs_vetting: bool,
        /// Requests: the author agrees beforehand to share how to reach them with whoever
        /// takes this on, so nobody waits for them to accept.
        #[serde(default)]
        share_details: bool,
        /// The writer confirmed that what looks like a house or phone number in the post may
        /// be read by the whole board (see `private_text`).
        #[serde(default)]
        confirmed_public: bool,
    },
    /// Offer to help with a request, or ask to take up an offer. First to the server wins. The
    /// one helping learns how to reach the other only once that person agrees (`ShareDetails`).
    Claim { post_id: PostId },
    /// The person whose details they are (a request's author, or whoever takes up an offer)
    /// agrees to share how to reach them on the claim they saw, `claimant`'s (on a request, the
    /// helper; on an offer, themselves). Bound to that claim: if it has passed to someone else
    /// meanwhile (a write kept offline, an old page), it is refused, never given to whoever
    /// holds the claim now.
    ShareDetails { post_id: PostId, claimant: UserId },
    /// The author lets the helper go, or the helper hands it back: the post is open again.
    Release { post_id: PostId },
    /// Author or helper: the help happened.
    MarkDone { post_id: PostId },
    /// The author takes the post down.
    Withdraw { post_id: PostId },
    /// Organisers: keep a notice at the top of the board (or stop).
    SetPinned { post_id: PostId, pinned: bool },
    /// Organisers: take a post off the board.
    Remove { post_id: PostId },
    /// Volunteering on a board, and vetting (see `model::volunteer`).
    Volunteer(super::volunteer::VolunteerChange),
    /// Organisers asking volunteers to help, and their answers (see `model::coordination`).
    Coordinate(super::coordination::Coordination),
    Reply {
        reply_id: String,
        post_id: PostId,
        body: String,
    },
    /// Reports and organisers' moderation (see `model::moderation`).
    Moderate(Moderation),
}

/// What happened to one mutation. A rejection is shown to the person, never dropped.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "OutcomeRecord", into = "OutcomeRecord")]
pub enum Outcome {
    Applied,
    Rejected { reason: Refusal },
}

/// An outcome as written down (the record of writes, a push's answer): the refusal as data.
/// Records from before refusals were typed hold only words (`reason`); so may one from a later
/// version whose refusal this one does not know. Both read as `Refusal::Said`.
#[derive(Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
enum OutcomeRecord {
    Applied,
    Rejected {
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "crate::refusal::known"
        )]
        refusal: Option<Refusal>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
}

impl From<OutcomeRecord> for Outcome {
    fn from(record: OutcomeRecord) -> Self {
        match record {
            OutcomeRecord::Applied => Self::Applied,
            OutcomeRecord::Rejected { refusal, reason } => Self::Rejected {
                reason: crate::refusal::from_record(refusal, reason),
            },
        }
    }
}

impl From<Outcome> for OutcomeRecord {
    fn from(outcome: Outcome) -> Self {
        match outcome {
            Outcome::Applied => Self::Applied,
            Outcome::Rejected { reason } => Self::Rejected {
                refusal: Some(reason),
                reason: None,
            },
        }
    }
}

impl MutationKind {
    /// The post this mutation is about, when it is about one.
    pub fn post_id(&self) -> Option<&PostId> {
        match self {
            Self::Coordinate(c) => Some(c.post_id()),
            // Volunteering is about a board, not a post.
            Self::Volunteer(_) => None,
            Self::CreatePost { post_id, .. }
            | Self::Claim { post_id }
            | Self::ShareDetails { post_id, .. }
            | Self::Release { post_id }
            | Self::MarkDone { post_id }
            | Self::Withdraw { post_id }
            | Self::SetPinned { post_id, .. }
            | Self::Remove { post_id }
            | Self::Reply { post_id, .. } => Some(post_id),
            // Removing a member or dismissing a report names no post.
            Self::Moderate(m) => m.post_id(),
        }
    }

    /// A short name for logs and storage.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Volunteer(v) => v.name(),
            Self::Coordinate(c) => c.name(),
            Self::CreatePost { .. } => "create_post",
            Self::Claim { .. } => "claim",
            Self::ShareDetails { .. } => "share_details",
            Self::Release { .. } => "release",
            Self::MarkDone { .. } => "mark_done",
            Self::Withdraw { .. } => "withdraw",
            Self::SetPinned { .. } => "set_pinned",
            Self::Remove { .. } => "remove",
            Self::Reply { .. } => "reply",
            Self::Moderate(m) => m.name(),
        }
    }
}

impl Mutation {
    /// Checks everything that can be checked without the database, field by field.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        let id = |value: &str| {
            if is_valid_id(value) {
                Ok(())
            } else {
                Err("This form is out of date; please reload the page and try again.".to_string())
            }
        };
        errors.check("id", id(&self.id));
        match &self.kind {
            MutationKind::Moderate(m) => m.check(&mut errors),
            MutationKind::Volunteer(v) => v.check(&mut errors, super::ids::now_ms()),
            kind => errors.check("post_id", id(kind.post_id().map_or("", PostId::as_str))),
        }
        match &self.kind {
            MutationKind::CreatePost {
                board_id,
                title,
                details,
                expires_in_days,
                confirmed_public,
                ..
            } => {
                errors.check("board_id", id(board_id.as_str()));
                errors.check("title", validate::title(title));
                errors.check("details", validate::details(details));
                errors.check("expires_in_days", validate::expiry_days(*expires_in_days));
                if !confirmed_public {
                    errors.check("confirm_public", validate::nothing_private(title, details));
                }
            }
            MutationKind::Reply { reply_id, body, .. } => {
                errors.check("reply_id", id(reply_id));
                errors.check("body", validate::reply(body));
            }
            MutationKind::ShareDetails { claimant, .. } => {
                errors.check("claimant", id(claimant.as_str()));
            }
            MutationKind::Coordinate(c) => {
                if let Some(volunteer_id) = c.volunteer_id() {
                    errors.check("volunteer_id", id(volunteer_id.as_str()));
                }
            }
            _ => {}
        }
        errors.into_result()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{new_id, BoardId, PostId};

    fn create(title: &str) -> Mutation {
        Mutation {
            id: new_id(),
            created_at_ms: 0,
            kind: MutationKind::CreatePost {
                post_id: PostId::new(),
                board_id: BoardId::new(),
                post_kind: PostKind::Request,
                category: Category::Shopping,
                title: title.into(),
                details: String::new(),
                urgency: Urgency::Today,
                expires_in_days: None,
                needs_vetting: false,
                share_details: false,
                confirmed_public: false,
            },
        }
    }

    #[test]
    fn the_wire_form_is_stable_json() {
        let m = Mutation {
            id: "i".into(),
            created_at_ms: 5,
            kind: MutationKind::Claim {
                post_id: "p".into(),
            },
        };
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(
            json,
            r#"{"id":"i","created_at_ms":5,"kind":"claim","payload":{"post_id":"p"}}"#
        );
        assert_eq!(serde_json::from_str::<Mutation>(&json).unwrap(), m);
        let rejected = Outcome::Rejected {
            reason: Refusal::OwnPost,
        };
        assert_eq!(
            serde_json::to_string(&rejected).unwrap(),
            r#"{"outcome":"rejected","refusal":{"kind":"own_post"}}"#
        );
    }

    #[test]
    fn a_post_that_gives_a_house_number_away_waits_for_the_writer_to_confirm() {
        let mut post = create("Tea at number 14's");
        assert!(post.validate().unwrap_err().get("confirm_public").is_some());
        if let MutationKind::CreatePost {
            confirmed_public, ..
        } = &mut post.kind
        {
            *confirmed_public = true;
        }
        assert!(post.validate().is_ok(), "confirmed: it is theirs to say");
    }

    #[test]
    fn validation_names_each_bad_field() {
        assert!(create("Milk and bread").validate().is_ok());
        let errors = create("").validate().unwrap_err();
        assert!(errors.get("title").is_some());
        let mut bad_id = create("Milk and bread");
        bad_id.id = "1; DROP TABLE posts".into();
        assert!(bad_id.validate().unwrap_err().get("id").is_some());
    }
}
