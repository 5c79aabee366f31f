//! Moderation, shared by server and browser: a member reports a post; organisers hide and
//! restore posts, dismiss reports, remove members (and let them back), and read the log of
//! every organiser action. The writes travel as `MutationKind::Moderate`, applied exactly once
//! like every other; the rules of who may do what are the plain functions at the end.

use crate::refusal::{OrganiserAction, Refusal};
use serde::{Deserialize, Serialize};

use super::{
    ids::{is_valid_id, BoardId, PostId, UserId},
    post::named_values,
    views::{BoardSummary, NameMark},
    AppError, FieldErrors, PostKind, Role,
};

pub const REPORT_NOTE_MAX: usize = 500;
pub const MODERATION_REASON_MAX: usize = 300;

named_values! {
    /// Why a member reports a post: a short fixed list, so organisers see at once what to
    /// look for.
    ReportReason {
        PrivateDetails => "private_details", "Shares someone's private details";
        Offensive => "offensive", "Offensive or unkind";
        Unsafe => "unsafe", "Unsafe or a scam";
        Spam => "spam", "Spam or advertising";
        NotForBoard => "not_for_board", "Not for this board";
        Other => "other", "Something else";
    }
}

named_values! {
    /// What an organiser did, as the audit log names it; and who took a post on, handed it
    /// back or agreed to share their details, so organisers can see a member working through
    /// the street's posts.
    AuditAction {
        HidePost => "hide_post", "Hid a post";
        RestorePost => "restore_post", "Restored a post";
        DismissReport => "dismiss_report", "Dismissed a report";
        RemoveMember => "remove_member", "Removed a member";
        AllowBack => "allow_back", "Let a member back";
        PinPost => "pin_post", "Pinned a post";
        UnpinPost => "unpin_post", "Unpinned a post";
        RemovePost => "remove_post", "Removed a post";
        NewInvite => "new_invite", "Made a new invite link";
        AskVolunteer => "ask_volunteer", "Asked a volunteer to help";
        MarkNeedsVetting => "mark_needs_vetting", "Marked a request as needing a vetted volunteer";
        UnmarkNeedsVetting => "unmark_needs_vetting", "Marked a request as open to anyone";
        RecordVetting => "record_vetting", "Recorded a vetting";
        ClaimPost => "claim_post", "Offered to help, or took up an offer";
        HandBack => "hand_back", "Handed a post back";
        LetHelperGo => "let_helper_go", "Let the helper go";
        ShareDetails => "share_details", "Agreed to share how to reach them";
        DeleteAccount => "delete_account", "Deleted their account";
        HandOverOrganising => "hand_over_organising", "Went, leaving the member longest here as organiser";
    }
}

/// A moderation write (the payload of `MutationKind::Moderate`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Moderation {
    /// Any member but the author: tell the organisers something is wrong with a post.
    Report {
        report_id: String,
        post_id: PostId,
        reason: ReportReason,
        note: String,
    },
    /// Organisers: only organisers see the post until it is restored.
    HidePost {
        post_id: PostId,
        reason: String,
    },
    RestorePost {
        post_id: PostId,
        reason: String,
    },
    /// Organisers: the report needs nothing done.
    DismissReport {
        report_id: String,
    },
    /// Organisers: the member leaves the board and cannot join again until let back.
    RemoveMember {
        board_id: BoardId,
        member_id: UserId,
        reason: String,
    },
    AllowBack {
        board_id: BoardId,
        member_id: UserId,
    },
}

impl Moderation {
    /// The post this is about, when it names one.
    pub fn post_id(&self) -> Option<&PostId> {
        match self {
            Self::Report { post_id, .. }
            | Self::HidePost { post_id, .. }
            | Self::RestorePost { post_id, .. } => Some(post_id),
            Self::DismissReport { .. } | Self::RemoveMember { .. } | Self::AllowBack { .. } => None,
        }
    }

    /// A short name for logs and storage.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Report { .. } => "report",
            Self::HidePost { .. } => "hide_post",
            Self::RestorePost { .. } => "restore_post",
            Self::DismissReport { .. } => "dismiss_report",
            Self::RemoveMember { .. } => "remove_member",
            Self::AllowBack { .. } => "allow_back",
        }
    }

    /// Records what is wrong with each field (see `Mutation::validate`).
    pub fn check(&self, errors: &mut FieldErrors) {
        let mut id = |field: &str, value: &str| {
            if !is_valid_id(value) {
                let message = "This form is out of date; please reload the page and try again.";
                errors.check(field, Err(message.to_string()));
            }
        };
        match self {
            Self::Report {
                report_id, post_id, ..
            } => {
                id("report_id", report_id);
                id("post_id", post_id.as_str());
            }
            Self::HidePost { post_id, .. } | Self::RestorePost { post_id, .. } => {
                id("post_id", post_id.as_str());
            }
            Self::DismissReport { report_id } => id("report_id", report_id),
            Self::RemoveMember {
                board_id,
                member_id,
                ..
            }
            | Self::AllowBack {
                board_id,
                member_id,
            } => {
                id("board_id", board_id.as_str());
                id("member_id", member_id.as_str());
            }
        }
        match self {
            Self::Report { reason, note, .. } => errors.check("note", report_note(*reason, note)),
            Self::HidePost { reason, .. }
            | Self::RestorePost { reason, .. }
            | Self::RemoveMember { reason, .. } => errors.check("reason", action_reason(reason)),
            Self::DismissReport { .. } | Self::AllowBack { .. } => {}
        }
    }
}

/// What the reporter adds: optional, but needed when they chose "Something else".
pub fn report_note(reason: ReportReason, note: &str) -> Result<(), String> {
    let n = note.trim().chars().count();
    if reason == ReportReason::Other && n == 0 {
        return Err("Say briefly what is wrong, so the organisers know what to look for.".into());
    }
    if n > REPORT_NOTE_MAX {
        return Err(format!(
            "Please keep it to {REPORT_NOTE_MAX} characters (this has {n})."
        ));
    }
    Ok(())
}

/// An organiser's reason for the log: optional, and short.
pub fn action_reason(reason: &str) -> Result<(), String> {
    let n = reason.trim().chars().count();
    if n > MODERATION_REASON_MAX {
        return Err(format!(
            "Please keep the reason to {MODERATION_REASON_MAX} characters (this has {n})."
        ));
    }
    Ok(())
}

// Forms, read into the write they describe (by the server function, and by the browser).

/// The "Report this post" form.
pub fn report_form(
    report_id: &str,
    post_id: &PostId,
    reason: &str,
    note: &str,
) -> Result<Moderation, AppError> {
    let reason = ReportReason::parse(reason)
        .ok_or_else(|| AppError::field("reason", "Choose what is wrong from the list."))?;
    Ok(Moderation::Report {
        report_id: report_id.to_string(),
        post_id: post_id.clone(),
        reason,
        note: note.trim().to_string(),
    })
}

/// An organiser's "Hide" (`hide`) or "Restore" (`restore`) button on a post.
pub fn post_form(post_id: &PostId, action: &str, reason: &str) -> Result<Moderation, AppError> {
    let (post_id, reason) = (post_id.clone(), reason.trim().to_string());
    match action {
        "hide" => Ok(Moderation::HidePost { post_id, reason }),
        "restore" => Ok(Moderation::RestorePost { post_id, reason }),
        _ => Err(AppError::field(
            "action",
            "That is not something organisers can do to a post.",
        )),
    }
}

/// An organiser's "Remove" (`remove`) or "Let back" (`allow_back`) button on a member.
pub fn member_form(
    board_id: &BoardId,
    member_id: &UserId,
    action: &str,
    reason: &str,
) -> Result<Moderation, AppError> {
    let (board_id, member_id) = (board_id.clone(), member_id.clone());
    match action {
        "remove" => Ok(Moderation::RemoveMember {
            board_id,
            member_id,
            reason: reason.trim().to_string(),
        }),
        "allow_back" => Ok(Moderation::AllowBack {
            board_id,
            member_id,
        }),
        _ => Err(AppError::field(
            "action",
            "That is not something organisers can do to a member.",
        )),
    }
}

// The rules: who may do what.

/// Reports, hiding and restoring, removing members and reading the log are for organisers.
pub fn may_moderate(role: Role) -> bool {
    role.is_organiser()
}

/// Hidden posts are seen by organisers only: everyone else, the author included, gets
/// nothing (a 404, a tombstone when pulling).
pub fn sees_hidden_posts(role: Role) -> bool {
    role.is_organiser()
}

/// Any member may report a post but its author (who can withdraw it instead).
pub fn may_report(viewer_id: &UserId, author_id: &UserId) -> bool {
    viewer_id != author_id
}

/// Organisers see who reported a post, except on their own posts: a post's author never
/// learns who reported it.
pub fn sees_reporter(viewer_id: &UserId, post_author_id: &UserId) -> bool {
    viewer_id != post_author_id
}

/// Why `actor` may not remove `target` from the board, or `None` when they may.
pub fn removal_refusal(actor: (&UserId, Role), target: (&UserId, Role)) -> Option<Refusal> {
    if !may_moderate(actor.1) {
        Some(Refusal::OrganisersOnly {
            action: OrganiserAction::RemoveMembers,
        })
    } else if actor.0 == target.0 {
        Some(Refusal::CannotRemoveSelf)
    } else if target.1.is_organiser() {
        Some(Refusal::CannotRemoveOrganiser)
    } else {
        None
    }
}

// What the moderation page reads.

/// One member's report, as organisers see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportView {
    pub id: String,
    pub reason: ReportReason,
    pub note: String,
    /// `None` when the organiser reading is the post's author (see `sees_reporter`).
    pub reporter_name: Option<String>,
    pub created_at_ms: i64,
}

/// A post with open reports, oldest report first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportedPost {
    pub post_id: PostId,
    pub title: String,
    pub kind: PostKind,
    pub author_name: String,
    pub hidden: bool,
    pub reports: Vec<ReportView>,
}

/// A hidden post, with the last time it was hidden and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HiddenPost {
    pub post_id: PostId,
    pub title: String,
    pub author_name: String,
    pub hidden_by: Option<String>,
    pub hidden_at_ms: Option<i64>,
    pub reason: String,
}

/// A member of the board, as organisers see them: never their house number or contact.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberView {
    pub user_id: UserId,
    pub display_name: String,
    /// Set when another member's name looks like theirs (see `views::NameMark`).
    pub name_mark: NameMark,
    pub role: Role,
    pub street: String,
    pub joined_at_ms: i64,
    /// Whether the organiser reading may remove them (see `removal_refusal`).
    pub can_remove: bool,
}

/// Someone an organiser removed, who cannot join again until let back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemovedMember {
    pub user_id: UserId,
    pub display_name: String,
    pub removed_by: String,
    pub removed_at_ms: i64,
    pub reason: String,
}

/// One line of the audit log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub at_ms: i64,
    pub actor_name: String,
    pub action: AuditAction,
    pub post_id: Option<PostId>,
    pub post_title: Option<String>,
    pub member_name: Option<String>,
    pub reason: String,
}

/// `/b/:slug/moderate`, for organisers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModerationPage {
    pub board: BoardSummary,
    pub reports: Vec<ReportedPost>,
    pub hidden: Vec<HiddenPost>,
    pub members: Vec<MemberView>,
    pub removed: Vec<RemovedMember>,
    /// Newest first.
    pub log: Vec<AuditEntry>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ids::new_id, Mutation, MutationKind};

    #[test]
    fn a_moderation_write_travels_as_one_mutation_kind() {
        let m = Mutation {
            id: "i".into(),
            created_at_ms: 1,
            kind: MutationKind::Moderate(Moderation::HidePost {
                post_id: "p".into(),
                reason: "Phone number in the title".into(),
            }),
        };
        let json = serde_json::to_string(&m).expect("json");
        assert_eq!(
            json,
            r#"{"id":"i","created_at_ms":1,"kind":"moderate","payload":{"action":"hide_post","post_id":"p","reason":"Phone number in the title"}}"#
        );
        assert_eq!(serde_json::from_str::<Mutation>(&json).expect("back"), m);
        assert_eq!(m.kind.name(), "hide_post");
    }

    #[test]
    fn forms_read_into_writes_and_name_what_to_fix() {
        let (report_id, post_id) = (new_id(), PostId::new());
        let report = report_form(&report_id, &post_id, "spam", "  ").expect("a reason");
        let mutation = Mutation {
            id: new_id(),
            created_at_ms: 0,
            kind: MutationKind::Moderate(report),
        };
        assert!(mutation.validate().is_ok());
        let Err(AppError::Invalid(errors)) = report_form(&report_id, &post_id, "", "") else {
            panic!("a reason must be chosen");
        };
        assert!(errors.get("reason").is_some());
        let other = report_form(&report_id, &post_id, "other", "").expect("parsed");
        let mutation = Mutation {
            id: new_id(),
            created_at_ms: 0,
            kind: MutationKind::Moderate(other),
        };
        let errors = mutation.validate().expect_err("other needs a note");
        assert!(errors.get("note").is_some());
        assert!(post_form(&post_id, "delete", "").is_err());
        let long = "x".repeat(MODERATION_REASON_MAX + 1);
        let hide = post_form(&post_id, "hide", &long).expect("parsed");
        let mut errors = FieldErrors::new();
        hide.check(&mut errors);
        assert!(errors.get("reason").is_some_and(|m| m.contains("301")));
    }

    #[test]
    fn members_cannot_be_removed_by_neighbours_themselves_or_over_organisers() {
        let [asha, ben, cara, vee, olu] = ["asha", "ben", "cara", "vee", "olu"].map(UserId::from);
        let organiser = (&asha, Role::Organiser);
        assert_eq!(removal_refusal(organiser, (&ben, Role::Neighbour)), None);
        assert_eq!(removal_refusal(organiser, (&vee, Role::Volunteer)), None);
        assert!(removal_refusal((&ben, Role::Neighbour), (&cara, Role::Neighbour)).is_some());
        assert!(removal_refusal(organiser, organiser).is_some());
        assert!(removal_refusal(organiser, (&olu, Role::Organiser)).is_some());
    }

    #[test]
    fn authors_neither_report_their_own_posts_nor_learn_who_reported_them() {
        let [asha, ben, cara] = ["asha", "ben", "cara"].map(UserId::from);
        assert!(!may_report(&ben, &ben) && may_report(&cara, &ben));
        assert!(!sees_reporter(&asha, &asha) && sees_reporter(&asha, &ben));
        assert!(sees_hidden_posts(Role::Organiser) && !sees_hidden_posts(Role::Neighbour));
    }
}
