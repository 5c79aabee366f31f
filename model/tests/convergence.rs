//! Proves the phone's sync rules converge (issue 11, item 15): whatever the order of other
//! people's writes, the phone's own writes queued offline, pushes (answered, cut short, or their
//! answer lost and sent again) and pulled pages (any size, late, repeated after a later page),
//! once the phone has pushed what is left and pulled until `more` is false it shows exactly the
//! server's board, post by post, its outbox is empty, and no write was applied twice.
//!
//! The server here is a small model of the real one (`store::sync`, `store::apply`,
//! `store::post_writes`): one board with a change sequence that every applied write moves and
//! stamps on the post it changed; pulls by sequence, paged, with removed posts (and, for
//! everyone but organisers, hidden ones) as tombstones; each write's outcome recorded under its
//! id and answered from the record when it comes again; the post rules from `model::rules`. The
//! phone is the real one: `LocalBoard::apply_pull`, `Outbox`, `overlay` and `post_detail`.

use std::collections::BTreeMap;

use model::{
    ids::{BoardId, PostId, UserId},
    moderation::{may_moderate, sees_hidden_posts, Moderation},
    refusal::{OrganiserAction, PostAction},
    rules::{permissions, PostFacts},
    sync::{
        local::{sort_for_board, LocalBoard},
        outbox::Outbox,
        overlay::{overlay, Me, ShownCard},
        wire::{
            BoardHeader, PullResponse, PushResult, SyncedPost, MAX_PUSH_BATCH, MAX_PUSH_BYTES,
            PULL_REPLIES,
        },
    },
    validate::{REPLIES_PER_MEMBER_MAX, REPLIES_PER_POST_HARD_MAX, REPLIES_PER_POST_MAX},
    views::{BoardFilter, BoardMember, BoardSummary, PostCard, PostPermissions, ReplyView},
    Category, Mutation, MutationKind, Outcome, PostKind, PostStatus, Refusal, Role, Urgency,
};
use proptest::prelude::*;

const BOARD: &str = "board";
const SLUG: &str = "elm-road";
/// The person holding the phone.
const CARA: &str = "cara";
/// Everyone else on the board: two neighbours and an organiser.
const OTHERS: [&str; 3] = ["ben", "sam", "olu"];

/// A member of the board.
struct Person {
    id: &'static str,
    name: &'static str,
    street: &'static str,
    role: Role,
}

fn people(phone_role: Role) -> Vec<Person> {
    vec![
        Person {
            id: CARA,
            name: "Cara",
            street: "Elm Road",
            role: phone_role,
        },
        Person {
            id: "ben",
            name: "Ben",
            street: "Ash Grove",
            role: Role::Neighbour,
        },
        Person {
            id: "sam",
            name: "Sam",
            street: "Elm Road",
            role: Role::Neighbour,
        },
        Person {
            id: "olu",
            name: "Olu",
            street: "Ash Grove",
            role: Role::Organiser,
        },
    ]
}

// ---------------------------------------------------------------------------------------------
// The model server.

/// A post as the server holds it.
#[derive(Clone, Debug)]
struct Row {
    id: PostId,
    author: UserId,
    kind: PostKind,
    category: Category,
    title: String,
    details: String,
    urgency: Urgency,
    street: String,
    status: PostStatus,
    claimed_by: Option<UserId>,
    handed_back_by: Option<UserId>,
    pinned: bool,
    hidden: bool,
    removed: bool,
    share_details: bool,
    details_shared: bool,
    created_at_ms: i64,
    /// Every reply, oldest first, with its author's id.
    replies: Vec<(ReplyView, UserId)>,
    /// The board's change number of the last change to the post.
    seq: i64,
}

/// What a write did: changed the board, changed nothing (a repeat from another phone), or
/// was refused in a way the server records (`Written` in the store). A refusal returned as
/// `Err` is not recorded: the write changed nothing, and is decided afresh if it comes again.
enum Written {
    Changed,
    Unchanged,
    Refused(Refusal),
}

struct Server {
    people: Vec<Person>,
    /// The board's change sequence.
    seq: i64,
    /// Every post ever made, removed ones too, in the order made.
    rows: Vec<Row>,
    /// Outcomes recorded under write ids: a write that comes again is answered from here.
    recorded: BTreeMap<String, Outcome>,
    /// The last answer given for each write id (recorded or not).
    last_answer: BTreeMap<String, Outcome>,
    /// How many times each write id changed the board.
    changes: BTreeMap<String, usize>,
    /// The id of every write the phone sent, as many times as it arrived.
    received: Vec<String>,
}

impl Server {
    fn new(phone_role: Role) -> Self {
        Self {
            people: people(phone_role),
            seq: 0,
            rows: Vec::new(),
            recorded: BTreeMap::new(),
            last_answer: BTreeMap::new(),
            changes: BTreeMap::new(),
            received: Vec::new(),
        }
    }

    fn person(&self, id: &UserId) -> &Person {
        self.people
            .iter()
            .find(|p| p.id == id.as_str())
            .expect("a member")
    }

    fn name(&self, id: &UserId) -> String {
        self.person(id).name.to_string()
    }

    fn row(&self, id: &PostId) -> Option<&Row> {
        self.rows.iter().find(|r| r.id == *id)
    }

    /// `who`'s batch, applied in order; the first `reached` of them reach the server (a
    /// failure on its side stops the batch there). The answers for those.
    fn push(&mut self, who: &UserId, batch: &[Mutation], reached: usize) -> Vec<PushResult> {
        self.received
            .extend(batch.iter().take(reached).map(|m| m.id.clone()));
        batch
            .iter()
            .take(reached)
            .map(|mutation| PushResult {
                id: mutation.id.clone(),
                outcome: self.apply(who, mutation),
                reason: None,
            })
            .collect()
    }

    /// Applies one write exactly once (`store::apply`).
    fn apply(&mut self, who: &UserId, mutation: &Mutation) -> Outcome {
        let outcome = match self.recorded.get(&mutation.id) {
            Some(recorded) => recorded.clone(),
            None => match self.write(who, mutation) {
                Ok(written) => {
                    let outcome = match written {
                        Written::Changed => {
                            *self.changes.entry(mutation.id.clone()).or_default() += 1;
                            Outcome::Applied
                        }
                        Written::Unchanged => Outcome::Applied,
                        Written::Refused(reason) => Outcome::Rejected { reason },
                    };
                    self.recorded.insert(mutation.id.clone(), outcome.clone());
                    outcome
                }
                Err(reason) => Outcome::Rejected { reason },
            },
        };
        self.last_answer
            .insert(mutation.id.clone(), outcome.clone());
        outcome
    }

    /// The board's next change number, stamped on post `index`.
    fn stamp(&mut self, index: usize) -> i64 {
        self.seq += 1;
        self.rows[index].seq = self.seq;
        self.seq
    }

    fn facts<'a>(&self, row: &'a Row, who: &'a UserId) -> PostFacts<'a> {
        PostFacts {
            kind: row.kind,
            status: row.status,
            author_id: &row.author,
            claimed_by: row.claimed_by.as_ref(),
            viewer_id: who,
            viewer_role: self.person(who).role,
            needs_vetting: false,
            viewer_vetted: false,
            details_shared: row.details_shared,
        }
    }

    /// The write's effect on the board, as the store decides it (`post_writes`, `moderation`).
    fn write(&mut self, who: &UserId, mutation: &Mutation) -> Result<Written, Refusal> {
        let role = self.person(who).role;
        if let MutationKind::CreatePost {
            post_id,
            board_id,
            post_kind,
            category,
            title,
            details,
            urgency,
            share_details,
            ..
        } = &mutation.kind
        {
            if *board_id != BOARD {
                return Err(Refusal::MembersOnly);
            }
            if *post_kind == PostKind::Notice && !role.is_organiser() {
                return Err(Refusal::OrganisersOnly {
                    action: OrganiserAction::PostNotices,
                });
            }
            if self.row(post_id).is_some() {
                return Ok(Written::Refused(Refusal::PostAlreadySent));
            }
            self.rows.push(Row {
                id: post_id.clone(),
                author: who.clone(),
                kind: *post_kind,
                category: *category,
                title: title.trim().to_string(),
                details: details.trim().to_string(),
                urgency: *urgency,
                street: self.person(who).street.to_string(),
                status: PostStatus::Open,
                claimed_by: None,
                handed_back_by: None,
                pinned: false,
                hidden: false,
                removed: false,
                share_details: *share_details && *post_kind == PostKind::Request,
                details_shared: false,
                created_at_ms: 0,
                replies: Vec::new(),
                seq: 0,
            });
            let at = self.stamp(self.rows.len() - 1);
            self.rows.last_mut().expect("just made").created_at_ms = at;
            return Ok(Written::Changed);
        }
        let post_id = mutation.kind.post_id().expect("a write about a post");
        let index = self
            .rows
            .iter()
            .position(|r| r.id == *post_id && !r.removed)
            .ok_or(Refusal::PostGone)?;
        if self.rows[index].hidden && !sees_hidden_posts(role) {
            return Err(Refusal::PostGone);
        }
        let row = &self.rows[index];
        let may = permissions(&self.facts(row, who));
        let not_now = |action| {
            Ok(Written::Refused(Refusal::NotNow {
                action,
                status: row.status,
            }))
        };
        let mut row = row.clone();
        match &mutation.kind {
            MutationKind::Moderate(
                Moderation::HidePost { .. } | Moderation::RestorePost { .. },
            ) => {
                let hide = matches!(
                    mutation.kind,
                    MutationKind::Moderate(Moderation::HidePost { .. })
                );
                if !may_moderate(role) {
                    return Err(Refusal::OrganisersOnly {
                        action: OrganiserAction::HideOrRestore,
                    });
                }
                if row.hidden == hide {
                    return Ok(Written::Refused(if hide {
                        Refusal::AlreadyHidden
                    } else {
                        Refusal::NotHidden
                    }));
                }
                row.hidden = hide;
            }
            MutationKind::Claim { .. } => {
                if !may.can_claim {
                    return Ok(self.claim_refusal(&row, who));
                }
                row.status = PostStatus::Claimed;
                row.claimed_by = Some(who.clone());
                row.details_shared = row.kind == PostKind::Request && row.share_details;
                row.handed_back_by = None;
            }
            MutationKind::ShareDetails { claimant, .. } => {
                if row.claimed_by.as_ref() != Some(claimant) {
                    return Ok(Written::Refused(Refusal::HelperChanged {
                        helper: row.claimed_by.as_ref().map(|c| self.name(c)),
                    }));
                }
                if !may.can_share_details {
                    let mut before = self.facts(&row, who);
                    before.details_shared = false;
                    if row.details_shared && permissions(&before).can_share_details {
                        return Ok(Written::Unchanged);
                    }
                    return not_now(PostAction::ShareDetails);
                }
                row.details_shared = true;
            }
            MutationKind::Release { .. } => {
                if !may.can_release {
                    return not_now(PostAction::LetGo);
                }
                row.handed_back_by = may.is_claimant.then(|| who.clone());
                row.status = PostStatus::Open;
                row.claimed_by = None;
                row.details_shared = false;
            }
            MutationKind::MarkDone { .. } => {
                if !may.can_mark_done {
                    return not_now(PostAction::MarkDone);
                }
                row.status = PostStatus::Done;
            }
            MutationKind::Withdraw { .. } => {
                if !may.is_author {
                    return Err(Refusal::OnlyAuthorWithdraws);
                }
                if !may.can_withdraw {
                    return not_now(PostAction::Withdraw);
                }
                row.status = PostStatus::Withdrawn;
            }
            MutationKind::SetPinned { pinned, .. } => {
                if !may.is_organiser {
                    return Err(Refusal::OrganisersOnly {
                        action: OrganiserAction::Pin,
                    });
                }
                if !may.can_pin {
                    return Ok(Written::Refused(Refusal::OnlyOpenNoticesPinned));
                }
                row.pinned = *pinned;
            }
            MutationKind::Remove { .. } => {
                if !may.can_remove {
                    return Err(Refusal::OrganisersOnly {
                        action: OrganiserAction::RemovePosts,
                    });
                }
                row.removed = true;
            }
            MutationKind::Reply { reply_id, body, .. } => {
                if let Some(refusal) = self.reply_refusal(&row, &may, who, reply_id) {
                    return Ok(Written::Refused(refusal));
                }
                let reply = ReplyView {
                    id: reply_id.clone(),
                    author_name: self.name(who),
                    author_mark: None,
                    body: body.trim().to_string(),
                    created_at_ms: self.seq + 1,
                };
                row.replies.push((reply, who.clone()));
            }
            other => panic!("the model server does not take {other:?}"),
        }
        self.rows[index] = row;
        self.stamp(index);
        Ok(Written::Changed)
    }

    /// Why a claim did not go through (`claim_refusal` in the store).
    fn claim_refusal(&self, row: &Row, who: &UserId) -> Written {
        if row.status == PostStatus::Claimed {
            if row.claimed_by.as_ref() == Some(who) {
                return Written::Unchanged;
            }
            let name = row.claimed_by.as_ref().map(|c| self.name(c));
            return Written::Refused(match row.kind {
                PostKind::Offer => Refusal::OfferTaken { claimant: name },
                _ => Refusal::AlreadyHelping { helper: name },
            });
        }
        Written::Refused(if row.author == *who {
            Refusal::OwnPost
        } else if row.kind == PostKind::Notice {
            Refusal::NoticeCannotBeClaimed
        } else {
            Refusal::NotNow {
                action: PostAction::Claim,
                status: row.status,
            }
        })
    }

    fn reply_refusal(
        &self,
        row: &Row,
        may: &PostPermissions,
        who: &UserId,
        reply_id: &str,
    ) -> Option<Refusal> {
        let exists = self
            .rows
            .iter()
            .any(|r| r.replies.iter().any(|(reply, _)| reply.id == reply_id));
        let count = row.replies.len() as i64;
        let between_them = may.is_author || may.is_claimant;
        let mine = row.replies.iter().filter(|(_, by)| by == who).count() as i64;
        if exists {
            Some(Refusal::ReplyAlreadySent)
        } else if count >= REPLIES_PER_POST_HARD_MAX
            || (!between_them && count >= REPLIES_PER_POST_MAX)
        {
            let most = if between_them {
                REPLIES_PER_POST_HARD_MAX
            } else {
                REPLIES_PER_POST_MAX
            };
            Some(Refusal::RepliesFull { most })
        } else if !between_them && mine >= REPLIES_PER_MEMBER_MAX {
            Some(Refusal::YourRepliesFull {
                most: REPLIES_PER_MEMBER_MAX,
            })
        } else {
            None
        }
    }

    /// Whether a post is a tombstone for someone with `role`.
    fn gone_for(row: &Row, role: Role) -> bool {
        row.removed || (row.hidden && !sees_hidden_posts(role))
    }

    /// A post as a pull carries it: its card and its newest `PULL_REPLIES` replies.
    fn synced(&self, row: &Row) -> SyncedPost {
        let skip = row.replies.len().saturating_sub(PULL_REPLIES as usize);
        SyncedPost {
            card: PostCard {
                id: row.id.clone(),
                board_slug: SLUG.into(),
                kind: row.kind,
                category: row.category,
                title: row.title.clone(),
                urgency: row.urgency,
                needs_vetting: false,
                status: row.status,
                street: row.street.clone(),
                author_name: self.name(&row.author),
                author_mark: None,
                claimed_by_name: row.claimed_by.as_ref().map(|c| self.name(c)),
                claimed_by_mark: None,
                pinned: row.pinned,
                created_at_ms: row.created_at_ms,
                expires_at_ms: None,
                reply_count: row.replies.len() as i64,
                hidden: row.hidden,
                share_details: row.share_details,
                details_shared: row.details_shared,
                handed_back_by_name: row.handed_back_by.as_ref().map(|h| self.name(h)),
            },
            author_id: row.author.clone(),
            claimed_by_id: row.claimed_by.clone(),
            details: row.details.clone(),
            replies: row.replies[skip..].iter().map(|(r, _)| r.clone()).collect(),
        }
    }

    /// The board's changes after `since` as someone with `role` pulls them, at most `page`
    /// (`Db::pull`).
    fn pull(&self, role: Role, since: i64, page: usize) -> PullResponse {
        let mut changed: Vec<&Row> = self.rows.iter().filter(|r| r.seq > since).collect();
        changed.sort_by_key(|r| r.seq);
        let more = changed.len() > page;
        changed.truncate(page);
        let cursor = changed.last().map_or(since, |r| r.seq);
        let (removed, kept): (Vec<&Row>, Vec<&Row>) =
            changed.into_iter().partition(|r| Self::gone_for(r, role));
        PullResponse {
            posts: kept.into_iter().map(|r| self.synced(r)).collect(),
            removed: removed.into_iter().map(|r| r.id.clone()).collect(),
            cursor,
            more,
        }
    }

    /// Every post someone with `role` has on the board now, by id.
    fn board_for(&self, role: Role) -> BTreeMap<PostId, SyncedPost> {
        self.rows
            .iter()
            .filter(|r| !Self::gone_for(r, role))
            .map(|r| (r.id.clone(), self.synced(r)))
            .collect()
    }
}

// ---------------------------------------------------------------------------------------------
// What happens, as proptest makes it up.

/// A write: which kind (`what`), on which of the posts known (`post`), and a choice within it.
#[derive(Clone, Copy, Debug)]
struct Write {
    what: u8,
    post: u8,
    flag: bool,
}

/// What became of a push.
#[derive(Clone, Copy, Debug)]
enum Fate {
    /// Applied and answered.
    Answered,
    /// Applied, but the answer never arrived.
    AnswerLost,
    /// The server applied the first `n` and then failed: no answer.
    CutShort(usize),
    /// Applied, but the answer named only the first `n`.
    PartAnswered(usize),
}

#[derive(Clone, Copy, Debug)]
enum Step {
    /// Someone else (one of `OTHERS`, or the post's author or helper) writes on the server.
    Other { who: u8, write: Write },
    /// The phone queues a write.
    Local(Write),
    /// The phone pulls from its cursor a page of at most `page`; the answer merges now or,
    /// if not `delivered`, is held back to arrive later (or never).
    Pull { page: usize, delivered: bool },
    /// An answer to an earlier pull arrives (again, maybe): late, repeated or stale.
    Late(usize),
    /// The phone sends the oldest `max` writes waiting.
    Push { max: usize, fate: Fate },
}

fn write() -> impl Strategy<Value = Write> {
    (any::<u8>(), any::<u8>(), any::<bool>()).prop_map(|(what, post, flag)| Write {
        what,
        post,
        flag,
    })
}

fn fate() -> impl Strategy<Value = Fate> {
    prop_oneof![
        3 => Just(Fate::Answered),
        1 => Just(Fate::AnswerLost),
        1 => (0..4usize).prop_map(Fate::CutShort),
        1 => (0..4usize).prop_map(Fate::PartAnswered),
    ]
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => (any::<u8>(), write()).prop_map(|(who, write)| Step::Other { who, write }),
        3 => write().prop_map(Step::Local),
        3 => (1..5usize, any::<bool>()).prop_map(|(page, delivered)| Step::Pull { page, delivered }),
        1 => any::<usize>().prop_map(Step::Late),
        2 => (1..5usize, fate()).prop_map(|(max, fate)| Step::Push { max, fate }),
    ]
}

// ---------------------------------------------------------------------------------------------
// The phone.

struct Phone {
    board: LocalBoard,
    outbox: Outbox,
    /// The ids of every write made here, in order.
    made: Vec<String>,
    /// Every post this phone has held or made, in the order it first knew it.
    known: Vec<PostId>,
    /// Every answer to a pull, in the order answered.
    pages: Vec<PullResponse>,
}

impl Phone {
    fn new(role: Role) -> Self {
        let header = BoardHeader {
            board: BoardSummary {
                id: BOARD.into(),
                slug: SLUG.into(),
                name: "Elm Road".into(),
                streets: vec!["Elm Road".into(), "Ash Grove".into()],
                role,
                member_count: 4,
            },
            me: BoardMember {
                user_id: CARA.into(),
                display_name: "Cara".into(),
                street: "Elm Road".into(),
                vetted: false,
            },
            invite_code: None,
        };
        Self {
            board: LocalBoard::new(header),
            outbox: Outbox::default(),
            made: Vec::new(),
            known: Vec::new(),
            pages: Vec::new(),
        }
    }

    fn pending(&self) -> Vec<MutationKind> {
        self.outbox.pending().map(|m| m.kind.clone()).collect()
    }

    fn merge(&mut self, page: PullResponse) {
        self.board.apply_pull(page, 0);
        for post in &self.board.posts {
            if !self.known.contains(&post.card.id) {
                self.known.push(post.card.id.clone());
            }
        }
    }

    /// Makes a write as a person would on the phone, about a post it knows, and queues it.
    fn write(&mut self, write: Write, id: String) {
        let organiser = self.board.board.role.is_organiser();
        let target = (!self.known.is_empty())
            .then(|| self.known[usize::from(write.post) % self.known.len()].clone());
        let pending = self.pending();
        let shown = target
            .as_ref()
            .and_then(|post_id| self.board.post_detail(post_id, &pending, 0));
        let offered = shown.as_ref().map(|s| &s.detail.permissions);
        let kind = match (target, choose(write, offered, 9)) {
            (None, _) | (_, 0) => {
                let post_id = PostId::from(format!("post-{id}"));
                self.known.push(post_id.clone());
                new_post(post_id, write, organiser)
            }
            (Some(post_id), what) => {
                // Agreeing to share is with the helper the page shows.
                let claimant = shown.and_then(|s| s.detail.claimed_by_id);
                change(what, post_id, claimant, write.flag, &id)
            }
        };
        self.made.push(id.clone());
        self.outbox.enqueue(Mutation {
            id,
            created_at_ms: 0,
            kind,
        });
    }

    /// Sends the oldest `max` writes waiting; the server takes them as `fate` says.
    fn push(&mut self, server: &mut Server, max: usize, fate: Fate) {
        let batch = self.outbox.next_batch(max, MAX_PUSH_BYTES);
        if batch.is_empty() {
            return;
        }
        let cara = UserId::from(CARA);
        match fate {
            Fate::Answered => {
                let results = server.push(&cara, &batch, batch.len());
                self.outbox.settle(&results);
            }
            Fate::AnswerLost => {
                server.push(&cara, &batch, batch.len());
                self.outbox.send_failed();
            }
            Fate::CutShort(n) => {
                server.push(&cara, &batch, n.min(batch.len()));
                self.outbox.send_failed();
            }
            Fate::PartAnswered(n) => {
                let results = server.push(&cara, &batch, batch.len());
                self.outbox.settle(&results[..n.min(results.len())]);
            }
        }
    }
}

/// Which write to make (see `change`; 0 is a new post): half the time one the post's page
/// offers (`offered`), as a person taps; otherwise any of the first `kinds` (a page out of
/// date, a write queued before others changed the post, a request made by hand).
fn choose(write: Write, offered: Option<&PostPermissions>, kinds: u8) -> u8 {
    let buttons: Vec<u8> = offered
        .filter(|_| write.what < 128)
        .map(|may| {
            [
                (0, true),
                (1, may.can_claim),
                (2, may.can_release),
                (3, may.can_mark_done),
                (4, may.can_withdraw),
                (5, true),
                (6, may.can_share_details),
                (7, may.can_pin),
                (8, may.can_remove),
                (9, may.is_organiser),
                (10, may.is_organiser),
            ]
            .into_iter()
            .filter(|&(what, offered)| offered && what < kinds)
            .map(|(what, _)| what)
            .collect()
        })
        .unwrap_or_default();
    match buttons.len() {
        0 => write.what % kinds,
        n => buttons[usize::from(write.what) % n],
    }
}

/// A new post: a request or an offer, or (organisers, sometimes) a notice.
fn new_post(post_id: PostId, write: Write, organiser: bool) -> MutationKind {
    let post_kind = match (write.post % 3, write.flag) {
        (0, _) if organiser => PostKind::Notice,
        (_, true) => PostKind::Request,
        (_, false) => PostKind::Offer,
    };
    MutationKind::CreatePost {
        board_id: BOARD.into(),
        post_kind,
        category: Category::ALL[usize::from(write.post) % Category::ALL.len()],
        title: format!(" {post_id} "),
        details: format!("What {post_id} is about "),
        urgency: Urgency::ALL[usize::from(write.what) % Urgency::ALL.len()],
        expires_in_days: None,
        needs_vetting: false,
        share_details: write.post.is_multiple_of(2),
        confirmed_public: false,
        post_id,
    }
}

/// A change to `post_id` (`what` from 1): the writes a phone queues, and an organiser's
/// hiding and restoring (which only the server-side people make).
fn change(
    what: u8,
    post_id: PostId,
    claimant: Option<UserId>,
    flag: bool,
    id: &str,
) -> MutationKind {
    match what {
        1 => MutationKind::Claim { post_id },
        2 => MutationKind::Release { post_id },
        3 => MutationKind::MarkDone { post_id },
        4 => MutationKind::Withdraw { post_id },
        5 => MutationKind::Reply {
            reply_id: format!("reply-{id}"),
            post_id,
            body: format!(" Reply {id} "),
        },
        6 => MutationKind::ShareDetails {
            post_id,
            claimant: claimant.unwrap_or_else(|| "sam".into()),
        },
        7 => MutationKind::SetPinned {
            post_id,
            pinned: flag,
        },
        8 => MutationKind::Remove { post_id },
        9 => MutationKind::Moderate(Moderation::HidePost {
            post_id,
            reason: "Not for here".into(),
        }),
        _ => MutationKind::Moderate(Moderation::RestorePost {
            post_id,
            reason: "Fine after all".into(),
        }),
    }
}

/// Someone else's write, made straight on the server about any post ever made. Writes only
/// an author or a helper may make are made by them when `flag` says so.
fn other_write(server: &mut Server, who: u8, write: Write, id: String) {
    let target = (!server.rows.is_empty())
        .then(|| server.rows[usize::from(write.post) % server.rows.len()].clone());
    // One of the others, or (a quarter of the time) the post's author or helper, if not Cara.
    let party = target.as_ref().and_then(|row| {
        [Some(&row.author), row.claimed_by.as_ref()]
            .into_iter()
            .flatten()
            .find(|p| *p != CARA)
            .cloned()
    });
    let actor = match (who % 4, party) {
        (3, Some(party)) => party,
        (n, _) => UserId::from(OTHERS[usize::from(n) % OTHERS.len()]),
    };
    let offered = target
        .as_ref()
        .filter(|row| !Server::gone_for(row, server.person(&actor).role))
        .map(|row| permissions(&server.facts(row, &actor)));
    let kind = match (target, choose(write, offered.as_ref(), 11)) {
        (None, _) | (_, 0) => new_post(
            format!("post-{id}").into(),
            write,
            server.person(&actor).role.is_organiser(),
        ),
        (Some(row), what) => change(what, row.id, row.claimed_by, write.flag, &id),
    };
    server.apply(
        &actor,
        &Mutation {
            id,
            created_at_ms: 0,
            kind,
        },
    );
}

// ---------------------------------------------------------------------------------------------
// The property.

/// The cards the phone shows for `filter` (its copy, with what is still queued on top), and the
/// cards the server's board holds for it, in the board's order.
fn shown_and_expected(
    phone: &Phone,
    server: &BTreeMap<PostId, SyncedPost>,
    filter: &BoardFilter,
) -> (Vec<ShownCard>, Vec<ShownCard>) {
    let board = &phone.board;
    let me = Me {
        name: &board.me.display_name,
        street: &board.me.street,
    };
    let pending = phone.pending();
    let shown = overlay(
        board.cards(filter, 0),
        (&BoardId::from(BOARD), &board.board.slug),
        &pending,
        &me,
    );
    let mut cards: Vec<PostCard> = server
        .values()
        .map(|p| p.card.clone())
        .filter(|c| match filter.status {
            Some(status) => c.status == status,
            None => matches!(c.status, PostStatus::Open | PostStatus::Claimed),
        })
        .collect();
    sort_for_board(&mut cards);
    let expected = cards
        .into_iter()
        .map(|card| ShownCard {
            card,
            waiting: false,
        })
        .collect();
    (shown, expected)
}

fn converges(organiser: bool, steps: Vec<Step>, last_page: usize) -> Result<(), TestCaseError> {
    let role = if organiser {
        Role::Organiser
    } else {
        Role::Neighbour
    };
    let mut server = Server::new(role);
    let mut phone = Phone::new(role);
    let mut writes = 0;
    let mut next_id = |who: &str| {
        writes += 1;
        format!("{who}-{writes}")
    };
    for step in steps {
        let cursor = phone.board.cursor;
        match step {
            Step::Other { who, write } => other_write(&mut server, who, write, next_id("other")),
            Step::Local(write) => phone.write(write, next_id(CARA)),
            Step::Pull { page, delivered } => {
                let answer = server.pull(role, phone.board.cursor, page);
                phone.pages.push(answer.clone());
                if delivered {
                    phone.merge(answer);
                }
            }
            Step::Late(which) => {
                if !phone.pages.is_empty() {
                    let page = phone.pages[which % phone.pages.len()].clone();
                    phone.merge(page);
                }
            }
            Step::Push { max, fate } => phone.push(&mut server, max, fate),
        }
        prop_assert!(phone.board.cursor >= cursor, "the cursor went back");
    }

    // The signal stays: everything left is sent, and the board pulled to the end.
    let cara = UserId::from(CARA);
    for _ in 0..=phone.made.len() {
        let batch = phone.outbox.next_batch(MAX_PUSH_BATCH, MAX_PUSH_BYTES);
        if batch.is_empty() {
            break;
        }
        let results = server.push(&cara, &batch, batch.len());
        phone.outbox.settle(&results);
    }
    prop_assert_eq!(phone.outbox.waiting(), 0, "everything was sent");
    let mut pulled_to_the_end = false;
    for _ in 0..=server.rows.len() {
        let page = server.pull(role, phone.board.cursor, last_page);
        let more = page.more;
        phone.merge(page);
        if !more {
            pulled_to_the_end = true;
            break;
        }
    }
    prop_assert!(pulled_to_the_end && phone.board.is_synced());

    // What the phone shows is the server's board, post by post.
    let board = server.board_for(role);
    let held: BTreeMap<PostId, SyncedPost> = phone
        .board
        .posts
        .iter()
        .map(|p| (p.card.id.clone(), p.clone()))
        .collect();
    prop_assert_eq!(held.len(), phone.board.posts.len(), "a post held twice");
    prop_assert_eq!(&held, &board);
    let pending = phone.pending();
    for (id, post) in &board {
        let shown = phone.board.post_detail(id, &pending, 0);
        prop_assert!(shown.is_some(), "{} is not shown", id);
        let shown = shown.expect("shown");
        prop_assert!(!shown.waiting && shown.waiting_replies.is_empty());
        prop_assert_eq!(&shown.detail.card, &post.card);
        prop_assert_eq!(&shown.detail.details, &post.details);
        prop_assert_eq!(&shown.detail.replies, &post.replies);
        prop_assert_eq!(&shown.detail.claimed_by_id, &post.claimed_by_id);
    }
    let mut filters = vec![BoardFilter::default()];
    filters.extend(PostStatus::ALL.iter().map(|&status| BoardFilter {
        status: Some(status),
        ..BoardFilter::default()
    }));
    for filter in &filters {
        let (shown, expected) = shown_and_expected(&phone, &board, filter);
        prop_assert_eq!(shown, expected, "{:?}", filter);
    }

    // Every write made here reached the server and was settled by its last answer: applied
    // ones have left the outbox, refused ones wait to be explained. Nothing the phone sent
    // carried an id it had not made (a write sent again goes under its own id), so the
    // server's record kept any write from changing the board twice.
    let refused: Vec<String> = phone.outbox.rejected().map(|(m, _)| m.id.clone()).collect();
    for id in &phone.made {
        let answer = server.last_answer.get(id);
        prop_assert!(answer.is_some(), "{} never reached the server", id);
        let was_refused = matches!(answer, Some(Outcome::Rejected { .. }));
        prop_assert_eq!(was_refused, refused.contains(id), "{} settled wrongly", id);
    }
    for (id, times) in &server.changes {
        prop_assert!(*times == 1, "{} changed the board {} times", id, times);
    }
    for id in &server.received {
        prop_assert!(phone.made.contains(id), "{} was not made here", id);
    }
    for id in &refused {
        phone.outbox.dismiss(id);
    }
    prop_assert_eq!(&phone.outbox, &Outbox::default(), "the outbox is empty");
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn any_interleaving_of_local_writes_and_pulled_pages_converges_to_the_servers_state(
        organiser in any::<bool>(),
        steps in prop::collection::vec(step(), 0..64),
        last_page in 1..5usize,
    ) {
        converges(organiser, steps, last_page)?;
    }
}
