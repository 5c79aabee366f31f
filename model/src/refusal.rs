//! Why the server refused something, as data the person can act on: "Sam is already helping
//! with this", "only organisers can pin posts". Made by the store, carried to the page (in an
//! `AppError`) and to the phone (in a push's `Outcome`), kept in a phone's outbox until read,
//! and worded only by the app (`app::words`), so the same refusal can be said in any language.

use serde::{Deserialize, Deserializer, Serialize};

use crate::{FieldErrors, PostStatus};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "refusal", rename_all = "snake_case")]
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
            | Self::CannotRemoveOrganiser => 403,
            Self::PostGone
            | Self::PostNotOnYourBoards
            | Self::ReportNotFound
            | Self::InviteExpired
            | Self::NoSuchBoard => 404,
            Self::Invalid { .. } => 422,
            _ => 409,
        }
    }
}

/// Reads a refusal as recorded now, or as the sentence an older server recorded (a phone's
/// outbox and the server's record of writes outlive the change to typed refusals).
pub fn typed_or_said<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Refusal, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Recorded {
        Typed(Refusal),
        Said(String),
    }
    Ok(match Recorded::deserialize(deserializer)? {
        Recorded::Typed(refusal) => refusal,
        Recorded::Said(text) => Refusal::Said { text },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{sync::outbox::Outbox, Outcome};

    #[test]
    fn a_refusal_travels_as_data_and_old_sentences_still_read() {
        let outcome = Outcome::Rejected {
            reason: Refusal::AlreadyHelping {
                helper: Some("Sam K.".into()),
            },
        };
        let json = serde_json::to_string(&outcome).unwrap();
        assert_eq!(
            json,
            r#"{"outcome":"rejected","reason":{"refusal":"already_helping","helper":"Sam K."}}"#
        );
        assert_eq!(serde_json::from_str::<Outcome>(&json).unwrap(), outcome);
        let recorded_before =
            r#"{"outcome":"rejected","reason":"Sam K. is already helping with this."}"#;
        assert_eq!(
            serde_json::from_str::<Outcome>(recorded_before).unwrap(),
            Outcome::Rejected {
                reason: Refusal::Said {
                    text: "Sam K. is already helping with this.".into()
                }
            }
        );
        // An outbox stored on a phone before the change keeps its refusal to explain.
        let stored = r#"{"entries":[{"mutation":{"id":"m","created_at_ms":0,"kind":"claim","payload":{"post_id":"p"}},"state":"rejected","reason":"Taken."}]}"#;
        let outbox: Outbox = serde_json::from_str(stored).unwrap();
        assert_eq!(outbox.rejected().count(), 1);
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
