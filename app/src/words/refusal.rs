//! What a refusal says: what happened, and where there is one, what the person can do.

use model::{
    refusal::{OrganiserAction, PostAction},
    PostStatus, Refusal,
};

/// The sentence for `refusal`, as a page or the outbox shows it.
pub fn refusal(refusal: &Refusal) -> String {
    let someone = |name: &Option<String>| name.clone().unwrap_or_else(|| "Someone".into());
    match refusal {
        Refusal::OrganisersOnly { action } => organisers_only(*action),
        Refusal::MembersOnly => {
            "This board is for its members. Ask a neighbour on it for the invite link.".into()
        }
        Refusal::RemovedFromBoard => "The organisers of this board have removed you from it, so \
                                      its invite link does not work for you. If you think this \
                                      is a mistake, ask one of them."
            .into(),
        Refusal::OnlyAuthorWithdraws => "Only the person who posted this can withdraw it.".into(),
        Refusal::CannotReportOwnPost => {
            "This is your own post: you can withdraw it instead of reporting it.".into()
        }
        Refusal::CannotRemoveSelf => {
            "You cannot remove yourself; to leave the board, use Leave on your page.".into()
        }
        Refusal::CannotRemoveOrganiser => "Organisers cannot remove another organiser.".into(),
        Refusal::NotYourWrites => "These changes were made by someone else on this phone: they \
                                   are kept until that person signs in again."
            .into(),
        Refusal::HelperChanged { helper } => match helper {
            Some(name) => format!(
                "Your details were not shared: {name} is the one helping now. Open the post to \
                 accept them if you wish."
            ),
            None => "Your details were not shared: nobody is helping with this now.".into(),
        },
        Refusal::YourRepliesFull { most } => format!(
            "You have replied {most} times on this post, as many as one neighbour can. Leave room \
             for others, or start a new post."
        ),
        Refusal::RepliesFull { most } => format!(
            "This post has {most} replies, as many as one post takes. Start a new post to go on."
        ),
        Refusal::TooManyClaims { per_day } => format!(
            "You have offered to help or handed back {per_day} times today, the most one person \
             can in a day. Please try again tomorrow, or reply on the post to say you can help."
        ),
        Refusal::CannotVetSelf => "Someone else on the board must record your vetting: nobody \
                                   can vouch for themselves."
            .into(),
        Refusal::FromAnotherSite => "This came from another website, not from Streetboard, so \
                                     nothing was done. To do it, use Streetboard itself."
            .into(),
        Refusal::PostGone => "This post is no longer on the board.".into(),
        Refusal::PostNotOnYourBoards => "This post is not on any board you belong to.".into(),
        Refusal::ReportNotFound => "This report is not on a board you look after.".into(),
        Refusal::InviteExpired => "This invite link is not valid any more. Ask a neighbour on \
                                   the board for the current one."
            .into(),
        Refusal::NoSuchBoard => "There is no board at that address.".into(),
        Refusal::AlreadyHelping { helper } => {
            format!("{} is already helping with this.", someone(helper))
        }
        Refusal::OfferTaken { claimant } => {
            format!("{} has already taken up this offer.", someone(claimant))
        }
        Refusal::OwnPost => "This is your own post.".into(),
        Refusal::NoticeCannotBeClaimed => {
            "Notices are for reading; there is nothing to claim.".into()
        }
        Refusal::NotNow { action, status } => not_now(*action, *status),
        Refusal::NoLongerOpen { status } => match status {
            PostStatus::Done => "This request is done.".into(),
            PostStatus::Withdrawn => "This request has been withdrawn.".into(),
            PostStatus::Expired => "This request has expired.".into(),
            PostStatus::Open | PostStatus::Claimed => "This request has moved on.".into(),
        },
        Refusal::NeedsVetting => "This request needs a vetted volunteer (for example, with a \
                                  DBS check). If you would like to help with requests like \
                                  this, ask an organiser."
            .into(),
        Refusal::YourVettingLapsed => "This request needs a vetted volunteer, and your vetting \
                                       is not current any more. Please let an organiser know."
            .into(),
        Refusal::CannotMarkNow => "Only open or claimed requests can be marked.".into(),
        Refusal::OnlyRequestsAssigned => "Only requests can be given to a volunteer.".into(),
        Refusal::OnlyOpenNoticesPinned => "Only open notices can be pinned.".into(),
        Refusal::SomeoneElseFirst => "Someone else took this on first.".into(),
        Refusal::NoLongerAsked => "You are not being asked to help with this any more: an \
                                   organiser may have asked someone else."
            .into(),
        Refusal::NotAVolunteer => "You have not offered to volunteer on this board.".into(),
        Refusal::TheyAreNotAVolunteer => "They have not offered to volunteer on this board.".into(),
        Refusal::VolunteerIsAuthor { name } => format!("{name} asked for this help themselves."),
        Refusal::VolunteerPaused { name } => format!("{name} has paused volunteering."),
        Refusal::VolunteerNotVetted { name } => {
            format!("This request needs a vetted volunteer, and {name} has no current vetting.")
        }
        Refusal::VolunteerAtLimit { name, tasks } => format!(
            "{name} has taken on {tasks} {} in the last 7 days, as many as they offered.",
            if *tasks == 1 { "task" } else { "tasks" }
        ),
        Refusal::TheyLeftBoard => "They are no longer on this board.".into(),
        Refusal::NotRemoved => {
            "They were not removed, so they can join with the invite link.".into()
        }
        Refusal::VettingAlreadyRecorded => "This vetting has already been recorded.".into(),
        Refusal::AlreadyReported => {
            "You have already reported this post. The board's organisers will look at it.".into()
        }
        Refusal::AlreadyHidden => "This post is already hidden.".into(),
        Refusal::NotHidden => "This post is not hidden: everyone on the board can see it.".into(),
        Refusal::ReportDealtWith => "This report has already been dealt with.".into(),
        Refusal::PostAlreadySent => "This post has already been sent.".into(),
        Refusal::ReplyAlreadySent => "This reply has already been sent.".into(),
        Refusal::IdInUse => {
            "This change has an id that is already in use; please try again.".into()
        }
        Refusal::Invalid { fields } => super::fields(fields),
        Refusal::Said { text } => text.trim().to_string(),
    }
}

fn organisers_only(action: OrganiserAction) -> String {
    let what = match action {
        OrganiserAction::SeeModeration => {
            return "Reports, members and the log of organiser actions are for the board's \
                    organisers."
                .into()
        }
        OrganiserAction::RecordVetting => {
            return "Only the board's organisers and partners can record vetting.".into()
        }
        OrganiserAction::PostNotices => "post notices",
        OrganiserAction::Pin => "pin posts",
        OrganiserAction::RemovePosts => "remove posts",
        OrganiserAction::HideOrRestore => "hide or restore posts",
        OrganiserAction::DismissReports => "dismiss reports",
        OrganiserAction::RemoveMembers => "remove members",
        OrganiserAction::LetMembersBack => "let a removed member back",
        OrganiserAction::NewInvite => "make a new invite link",
        OrganiserAction::MarkNeedsVetting => "say a request needs a vetted volunteer",
        OrganiserAction::AskVolunteers => "ask volunteers to help",
        OrganiserAction::Coordinate => "coordinate volunteers",
        OrganiserAction::DownloadRequests => "download its requests",
    };
    format!("Only the board's organisers can {what}.")
}

fn not_now(action: PostAction, status: PostStatus) -> String {
    let action = match action {
        PostAction::ShareDetails => {
            return "Only the person being helped can share how to reach them, and only while \
                    someone is helping."
                .into()
        }
        PostAction::Claim => "claim",
        PostAction::LetGo => "let go of",
        PostAction::MarkDone => "mark as done",
        PostAction::Withdraw => "withdraw",
    };
    let state = match status {
        PostStatus::Open => "open, with nobody claiming it",
        PostStatus::Claimed => "claimed by someone else",
        PostStatus::Done => "done",
        PostStatus::Withdrawn => "withdrawn",
        PostStatus::Expired => "expired",
    };
    format!("You cannot {action} this now: it is {state}.")
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::FieldErrors;

    #[test]
    fn a_refusal_names_who_and_what_to_do() {
        let taken = Refusal::AlreadyHelping {
            helper: Some("Sam K.".into()),
        };
        assert_eq!(refusal(&taken), "Sam K. is already helping with this.");
        let unnamed = Refusal::OfferTaken { claimant: None };
        assert_eq!(
            refusal(&unnamed),
            "Someone has already taken up this offer."
        );
        let late = Refusal::NotNow {
            action: PostAction::LetGo,
            status: PostStatus::Done,
        };
        assert_eq!(refusal(&late), "You cannot let go of this now: it is done.");
        let pin = Refusal::OrganisersOnly {
            action: OrganiserAction::Pin,
        };
        assert_eq!(refusal(&pin), "Only the board's organisers can pin posts.");
        let busy = Refusal::VolunteerAtLimit {
            name: "Dev".into(),
            tasks: 1,
        };
        assert_eq!(
            refusal(&busy),
            "Dev has taken on 1 task in the last 7 days, as many as they offered."
        );
    }

    #[test]
    fn a_write_with_fields_to_fix_says_each_and_an_old_sentence_is_said_as_it_was() {
        let fields = FieldErrors(vec![
            (
                "title".into(),
                "The title needs at least 3 characters.".into(),
            ),
            ("details".into(), "Details are too long.".into()),
        ]);
        assert_eq!(
            refusal(&Refusal::Invalid { fields }),
            "The title needs at least 3 characters. Details are too long."
        );
        let said = Refusal::Said {
            text: "Sam is already helping with this. ".into(),
        };
        assert_eq!(refusal(&said), "Sam is already helping with this.");
    }
}
