//! Who may do what, as one table: every action on a post or a board against every role a
//! person can have towards it, each cell checked on a post made fresh for it.
//!
//! Signed-out visitors are not a column here: they never reach the store, because the server
//! answers `NotSignedIn` before calling it. That is covered by the server's HTTP-level tests.

use model::{
    ids::PostId,
    views::{BoardFilter, Viewer},
    AppError, Category, Outcome, PostKind,
};
use store::on_both_backends;
use store::story::{
    claim, mark_done, person, pin, release, remove, reply, share_details, street, withdraw, Street,
};

/// A person's relation to the post (or board) in a cell.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Who {
    /// Signed in, but not on this board.
    NonMember,
    /// On the board, but neither the author nor the helper.
    Neighbour,
    /// Wrote the post (a neighbour, not an organiser).
    Author,
    /// Claimed the post: the one helping.
    Helper,
    /// Started the board; not the author unless the row says so.
    Organiser,
}

/// The table's columns, in the order each row's cells are written.
const COLUMNS: [Who; 5] = [
    Who::NonMember,
    Who::Neighbour,
    Who::Author,
    Who::Helper,
    Who::Organiser,
];

#[derive(Clone, Copy, Debug, PartialEq)]
enum Expect {
    /// The change was made (or, for a view, the page was shown).
    Applied,
    /// Allowed to ask, but not in this state: the person is told why (`Outcome::Rejected`).
    Rejected,
    /// Not theirs to do: a refusal answered 403, or 404 where even saying "forbidden" would
    /// confirm that a post exists.
    Refused,
    /// Nobody has this role here (an open post has no helper; a notice's author is an
    /// organiser, so the organiser column stands for them).
    NoSuchPerson,
}
use Expect::{Applied, NoSuchPerson as Na, Refused, Rejected};

#[derive(Clone, Copy, Debug)]
enum Action {
    Claim,
    ShareDetails,
    Release,
    MarkDone,
    Withdraw,
    SetPinned,
    Remove,
    Reply,
    ViewPost,
    ViewBoard,
    NewInvite,
}

/// What each cell's fresh post is, before the action.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Setup {
    /// Ben's request, nobody helping yet.
    OpenRequest,
    /// Ben's request, with Cara helping.
    ClaimedRequest,
    /// Asha's notice (only organisers post notices).
    OpenNotice,
    /// No post: the action is on the board itself, and the author and helper columns are
    /// simply members who post and help.
    Board,
}
use Setup::{Board, ClaimedRequest, OpenNotice, OpenRequest};

struct Row(Action, Setup, [Expect; 5]);

#[rustfmt::skip]
const TABLE: &[Row] = &[
    //                                   non-member neighbour author    helper    organiser
    Row(Action::Claim,     OpenRequest,    [Refused, Applied,  Rejected, Na,       Applied]),
    Row(Action::Claim,     ClaimedRequest, [Refused, Rejected, Rejected, Applied,  Rejected]),
    Row(Action::Claim,     OpenNotice,     [Refused, Rejected, Na,       Na,       Rejected]),
    Row(Action::ShareDetails, ClaimedRequest, [Refused, Rejected, Applied, Rejected, Rejected]),
    Row(Action::ShareDetails, OpenRequest, [Refused, Rejected, Rejected, Na,       Rejected]),
    Row(Action::Release,   ClaimedRequest, [Refused, Rejected, Applied,  Applied,  Rejected]),
    Row(Action::MarkDone,  OpenRequest,    [Refused, Rejected, Applied,  Na,       Rejected]),
    Row(Action::MarkDone,  ClaimedRequest, [Refused, Rejected, Applied,  Applied,  Rejected]),
    Row(Action::Withdraw,  ClaimedRequest, [Refused, Refused,  Applied,  Refused,  Refused]),
    Row(Action::SetPinned, ClaimedRequest, [Refused, Refused,  Refused,  Refused,  Rejected]),
    Row(Action::SetPinned, OpenNotice,     [Refused, Refused,  Na,       Na,       Applied]),
    Row(Action::Remove,    ClaimedRequest, [Refused, Refused,  Refused,  Refused,  Applied]),
    Row(Action::Reply,     ClaimedRequest, [Refused, Applied,  Applied,  Applied,  Applied]),
    Row(Action::ViewPost,  ClaimedRequest, [Refused, Applied,  Applied,  Applied,  Applied]),
    Row(Action::ViewBoard, Board,          [Refused, Applied,  Applied,  Applied,  Applied]),
    Row(Action::NewInvite, Board,          [Refused, Refused,  Refused,  Refused,  Applied]),
];

/// The people of `story::street`, plus someone from elsewhere.
struct Cast {
    street: Street,
    stranger: Viewer,
}

impl Cast {
    fn person(&self, who: Who) -> &Viewer {
        match who {
            Who::NonMember => &self.stranger,
            Who::Neighbour => &self.street.dev,
            Who::Author => &self.street.ben,
            Who::Helper => &self.street.cara,
            Who::Organiser => &self.street.asha,
        }
    }

    /// A fresh post in the state `setup` asks for, so no cell sees another cell's changes.
    async fn prepare(&self, setup: Setup) -> PostId {
        let s = &self.street;
        match setup {
            OpenRequest => s.request(&s.ben, "Help carrying shopping").await,
            ClaimedRequest => {
                let post_id = s.request(&s.ben, "Help carrying shopping").await;
                s.applies(&s.cara, claim(&post_id)).await;
                post_id
            }
            OpenNotice => {
                s.post(&s.asha, PostKind::Notice, Category::Other, "Bins")
                    .await
            }
            Board => PostId::default(),
        }
    }

    async fn perform(
        &self,
        action: Action,
        who: &Viewer,
        id: &PostId,
    ) -> Result<Outcome, AppError> {
        let (s, slug) = (&self.street, &self.street.board.slug);
        let shown = Ok(Outcome::Applied);
        match action {
            Action::Claim => s.act(who, claim(id)).await,
            Action::ShareDetails => s.act(who, share_details(id, &s.cara)).await,
            Action::Release => s.act(who, release(id)).await,
            Action::MarkDone => s.act(who, mark_done(id)).await,
            Action::Withdraw => s.act(who, withdraw(id)).await,
            Action::SetPinned => s.act(who, pin(id)).await,
            Action::Remove => s.act(who, remove(id)).await,
            Action::Reply => s.act(who, reply(id, "On my way")).await,
            Action::ViewPost => s.db.post_detail(who, id).await.and(shown),
            Action::ViewBoard => {
                s.db.board_page(who, slug, &BoardFilter::default())
                    .await
                    .and(shown)
            }
            Action::NewInvite => s.db.new_invite(who, slug).await.and(shown),
        }
    }
}

fn classify(result: &Result<Outcome, AppError>) -> Option<Expect> {
    match result {
        Ok(Outcome::Applied) => Some(Applied),
        Ok(Outcome::Rejected { .. }) => Some(Rejected),
        Err(AppError::Refused(r)) if matches!(r.status(), 403 | 404) => Some(Refused),
        // Anything else (Internal, Invalid…) matches no expectation and fails the cell.
        Err(_) => None,
    }
}

on_both_backends! {
    async fn every_role_gets_the_expected_answer_for_every_action(backend: Backend) {
        let mut street = street(backend).await;
        // Cara claims a fresh post for every cell that needs one, and Ben writes one: far past
        // the limits on claims a day and writes a minute, which have tests of their own
        // (`consent.rs`, `write_flood.rs`).
        street.db = street.db.clone().with_claims_per_day(1_000).with_writes_per_minute(1_000_000);
        let stranger = person(&street.db, "Stranger").await;
        let cast = Cast { street, stranger };

        let mut failures = Vec::new();
        let mut checked = 0;
        for Row(action, setup, cells) in TABLE {
            for (who, expected) in COLUMNS.into_iter().zip(*cells) {
                let exists = match who {
                    Who::Helper => matches!(setup, ClaimedRequest | Board),
                    Who::Author => *setup != OpenNotice,
                    _ => true,
                };
                // The table itself must say "no such person" exactly where there is none.
                let cell = format!("{action:?} on {setup:?} as {who:?}");
                assert_eq!(expected == Na, !exists, "table cell {cell}");
                if !exists {
                    continue;
                }
                let post_id = cast.prepare(*setup).await;
                let seq_before = cast.street.last_seq().await;
                let result = cast.perform(*action, cast.person(who), &post_id).await;
                checked += 1;
                if classify(&result) != Some(expected) {
                    failures.push(format!("{cell}: expected {expected:?}, got {result:?}"));
                } else if expected != Applied && cast.street.last_seq().await != seq_before {
                    failures.push(format!("{cell}: {expected:?}, yet the board changed"));
                }
            }
        }
        let wrong = failures.len();
        assert!(
            wrong == 0,
            "{wrong} of {checked} cells wrong:\n{}",
            failures.join("\n")
        );
        let cells = TABLE
            .iter()
            .flat_map(|row| row.2)
            .filter(|cell| *cell != Na)
            .count();
        assert_eq!(checked, cells, "every cell with someone in it was checked");
    }
}
