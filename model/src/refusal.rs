//! Why the server refused something, as data the person can act on: "Sam is already helping
//! with this", "only organisers can pin posts". Made by the store, carried to the page (in an
//! `AppError`) and to the phone (in a push's `Outcome`), kept in a phone's outbox until read,
//! and worded only by the app (`app::words`), so the same refusal can be said in any language.

use serde::{Deserialize, Deserializer, Serialize};

use crate::{FieldErrors, PostStatus};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Refusal {
    // Not theirs to do (403).
    /// Only the board's organisers (and for vetting, partners) may do this.
    OrganisersOnly {
        action: OrganiserAction,
    },
    /// The board is for its members.
    MembersOnly,
    /// The organisers removed this person from the board, so its invite does not work for them.
    RemovedFromBoard,
    /// Only the person who posted it may withdraw a post.
    OnlyAuthorWithdraws,
    /// Their own post: withdraw it rather than report it.
    CannotReportOwnPost,
    /// An organiser removing themselves.
    CannotRemoveSelf,
    /// An organiser removing another organiser.
    CannotRemoveOrganiser,
    /// A write sent by another site's page (cross-site request forgery), not by ours.
    FromAnotherSite,
    /// An organiser or partner recording a vetting of themselves: nobody vouches for
    /// themselves.
    CannotVetSelf,

    // Not there, or not to be told about (404).
    /// The post was taken down or never on this board.
    PostGone,
    /// Not a post on any board of theirs.
    PostNotOnYourBoards,
    /// Not a report on a board they look after.
    ReportNotFound,
    /// The invite link was replaced or never existed.
    InviteExpired,
    /// No board has that address.
    NoSuchBoard,

    // Not in this state, or someone got there first (409).
    /// A request someone is helping with.
    AlreadyHelping {
        helper: Option<String>,
    },
    /// An offer someone has taken up.
    OfferTaken {
        claimant: Option<String>,
    },
    /// Claiming one's own post.
    OwnPost,
    /// Notices are for reading.
    NoticeCannotBeClaimed,
    /// The post is not in a state where `action` makes sense.
    NotNow {
        action: PostAction,
        status: PostStatus,
    },
    /// A request past helping with (done, withdrawn or expired), for coordination.
    NoLongerOpen {
        status: PostStatus,
    },
    /// The request needs a vetted volunteer and this person is not one.
    NeedsVetting,
    /// The request needs a vetted volunteer and this person's vetting has lapsed.
    YourVettingLapsed,
    /// Only open or claimed requests can be marked as needing vetting.
    CannotMarkNow,
    /// Only requests (not offers or notices) can be given to a volunteer.
    OnlyRequestsAssigned,
    /// Only open notices can be pinned.
    OnlyOpenNoticesPinned,
    /// Another volunteer accepted first.
    SomeoneElseFirst,
    /// This person is no longer the one asked.
    NoLongerAsked,
    /// This person has not offered to volunteer on the board.
    NotAVolunteer,
    /// The person an organiser chose has not offered to volunteer on the board.
    TheyAreNotAVolunteer,
    /// The volunteer chosen asked for this help themselves.
    VolunteerIsAuthor {
        name: String,
    },
    VolunteerPaused {
        name: String,
    },
    /// The request needs a vetted volunteer and the one chosen is not.
    VolunteerNotVetted {
        name: String,
    },
    /// The volunteer has taken on as many tasks this week as they offered.
    VolunteerAtLimit {
        name: String,
        tasks: u32,
    },
    /// The member acted on has left the board.
    TheyLeftBoard,
    /// Letting back someone who was not removed.
    NotRemoved,
    VettingAlreadyRecorded,
    AlreadyReported,
    AlreadyHidden,
    NotHidden,
    ReportDealtWith,
    /// Another write already made a post with this id.
    PostAlreadySent,
    ReplyAlreadySent,
    /// A write's id is taken by someone else's write.
    IdInUse,
    /// Writes from one person's outbox sent with another person's session.
    NotYourWrites,
    /// Agreeing to share details with a helper who no longer holds the claim (it passed to
    /// someone else, or ended, before the agreement arrived).
    HelperChanged {
        helper: Option<String>,
    },
    /// This member has made as many replies on the post as one member may.
    YourRepliesFull {
        most: i64,
    },
    /// The post has as many replies as one post takes (`validate::REPLIES_PER_POST_MAX`).
    RepliesFull {
        most: i64,
    },
    /// The day's claims and hand-backs are used up (see `store::MAX_CLAIMS_PER_DAY`).
    TooManyClaims {
        per_day: i64,
    },

    /// A write sent from a phone has fields to fix (422).
    Invalid {
        fields: FieldErrors,
    },
    /// Said by a server from before refusals were typed, in its words: kept in phones' outboxes
    /// and in the record of writes made then.
    Said {
        text: String,
    },
}

/// What only organisers may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrganiserAction {
    PostNotices,
    Pin,
    RemovePosts,
    HideOrRestore,
    DismissReports,
    RemoveMembers,
    LetMembersBack,
    NewInvite,
    MarkNeedsVetting,
    AskVolunteers,
    Coordinate,
    DownloadRequests,
    SeeModeration,
    /// Organisers and partners.
    RecordVetting,
}

/// What a person tried to do to a post.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PostAction {
    Claim,
    ShareDetails,
    LetGo,
    MarkDone,
    Withdraw,
}

impl Refusal {
    /// The HTTP status a refusal is answered with.
    pub fn status(&self) -> u16 {
        match self {
            Self::OrganisersOnly { .. }
            | Self::MembersOnly
            | Self::RemovedFromBoard
            | Self::OnlyAuthorWithdraws
            | Self::CannotReportOwnPost
            | Self::CannotRemoveSelf
            | Self::CannotRemoveOrganiser
            | Self::FromAnotherSite
            | Self::CannotVetSelf => 403,
            Self::PostGone
            | Self::PostNotOnYourBoards
            | Self::ReportNotFound
            | Self::InviteExpired
            | Self::NoSuchBoard => 404,
            Self::Invalid { .. } => 422,
            Self::TooManyClaims { .. } => 429,
            _ => 409,
        }
    }
}

/// Reads a refusal this version knows, or `None` for one it does not (written by a later
/// version): the record then falls back on the words that came with it. Never an error, so a
/// newer refusal cannot make an outbox or an answer unreadable.
pub(crate) fn known<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Refusal>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Maybe {
        Known(Refusal),
        Unknown(serde::de::IgnoredAny),
    }
    Ok(match Option::<Maybe>::deserialize(deserializer)? {
        Some(Maybe::Known(refusal)) => Some(refusal),
        Some(Maybe::Unknown(_)) | None => None,
    })
}

/// A refusal read from a record that may hold it as data, as words, or (from a later version)
/// as data this version does not know plus words.
pub(crate) fn from_record(refusal: Option<Refusal>, words: Option<String>) -> Refusal {
    refusal.unwrap_or_else(|| Refusal::Said {
        text: words.unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Outcome;

    #[test]
    fn a_refusal_travels_as_data_and_words_from_before_or_after_still_read() {
        let outcome = Outcome::Rejected {
            reason: Refusal::AlreadyHelping {
                helper: Some("Sam K.".into()),
            },
        };
        let json = serde_json::to_string(&outcome).unwrap();
        assert_eq!(
            json,
            r#"{"outcome":"rejected","refusal":{"kind":"already_helping","helper":"Sam K."}}"#
        );
        assert_eq!(serde_json::from_str::<Outcome>(&json).unwrap(), outcome);
        let said = |text: &str| Outcome::Rejected {
            reason: Refusal::Said { text: text.into() },
        };
        // Recorded before refusals were typed: words only.
        let before = r#"{"outcome":"rejected","reason":"Sam K. is already helping with this."}"#;
        assert_eq!(
            serde_json::from_str::<Outcome>(before).unwrap(),
            said("Sam K. is already helping with this.")
        );
        // From a later version, with a refusal this one does not know: its words.
        let later =
            r#"{"outcome":"rejected","refusal":{"kind":"moon_is_full"},"reason":"Not tonight."}"#;
        assert_eq!(
            serde_json::from_str::<Outcome>(later).unwrap(),
            said("Not tonight.")
        );
    }

    #[test]
    fn each_refusal_knows_its_status() {
        let organisers = Refusal::OrganisersOnly {
            action: OrganiserAction::Pin,
        };
        assert_eq!(organisers.status(), 403);
        assert_eq!(Refusal::PostGone.status(), 404);
        assert_eq!(Refusal::OwnPost.status(), 409);
        assert_eq!(
            Refusal::Invalid {
                fields: FieldErrors::default()
            }
            .status(),
            422
        );
    }
}
