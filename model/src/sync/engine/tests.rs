//! The engine's behaviour as a phone would see it: a fake phone carries out the storage
//! commands (at once, or held back to show what waits for the store) and keeps the network
//! requests for each test to answer.

use std::collections::BTreeMap;

use super::*;
use crate::{
    sync::{
        backoff::retry_delay_ms,
        fixtures::{applied, claim, header, post, pull},
        wire::{PullResponse, PushResponse, PushResult},
    },
    Outcome, Refusal,
};

/// A phone running the engine: what its store holds, and the requests waiting for answers.
struct Phone {
    engine: Engine,
    env: Env,
    viewer: Option<String>,
    boards: BTreeMap<String, LocalBoard>,
    outboxes: BTreeMap<String, Outbox>,
    /// Storage changes not carried out yet, while `hold_store` is set.
    held: Vec<Command>,
    hold_store: bool,
    /// Requests sent and not answered yet, oldest first.
    requests: Vec<Command>,
    /// Every other command the engine gave, oldest first (cleared by `take`).
    said: Vec<Command>,
}

fn online() -> Env {
    Env {
        now_ms: 1_000,
        online: true,
        visible: true,
        jitter: 0.0,
    }
}

fn pushed(ids: &[&str]) -> Event {
    Event::Pushed(Ok(PushResponse {
        results: ids.iter().map(|id| applied(id)).collect(),
    }))
}

fn synced(board_id: &str, user_id: &str, cursor: i64) -> LocalBoard {
    let mut board = LocalBoard::new(header(board_id, user_id));
    board.apply_pull(
        pull(vec![post(&format!("{board_id}-p"), 1)], &[], cursor, false),
        1,
    );
    board
}

fn pull_of(board_id: &str, since: i64) -> Command {
    Command::Pull {
        board_id: board_id.into(),
        since,
    }
}

impl Phone {
    /// A phone whose store held `viewer`'s `boards` and `outbox` when the page opened.
    fn opened(viewer: Option<&str>, boards: Vec<LocalBoard>, outbox: Outbox) -> Self {
        let mut phone = Phone {
            engine: Engine::new(),
            env: online(),
            viewer: viewer.map(String::from),
            boards: boards
                .iter()
                .map(|b| (b.board.id.to_string(), b.clone()))
                .collect(),
            outboxes: viewer
                .map(|v| (v.to_string(), outbox.clone()))
                .into_iter()
                .collect(),
            held: Vec::new(),
            hold_store: false,
            requests: Vec::new(),
            said: Vec::new(),
        };
        phone.on(Event::Opened {
            viewer: viewer.map(UserId::from),
            boards,
            outbox,
        });
        phone
    }

    /// Cara's phone with `boards` kept and brought up to date, the first round done.
    fn with_boards(boards: &[(&str, i64)]) -> Self {
        let kept: Vec<LocalBoard> = boards
            .iter()
            .map(|(id, c)| synced(id, "cara", *c))
            .collect();
        let mut phone = Phone::opened(Some("cara"), kept, Outbox::default());
        phone.full_round(boards);
        assert!(phone.requests.is_empty());
        phone.take();
        phone
    }

    /// Answers a round's listing: Cara is on `boards`.
    fn listed(&mut self, boards: &[&str]) {
        let headers = boards.iter().map(|id| header(id, "cara")).collect();
        self.answer(Event::Listed(Ok(headers)));
    }

    /// Answers a full round: the person is on `boards`, each now at its number.
    fn full_round(&mut self, boards: &[(&str, i64)]) {
        let headers = boards.iter().map(|(id, _)| header(id, "cara")).collect();
        self.answer(Event::Listed(Ok(headers)));
        for (id, cursor) in boards {
            self.answer_pull(id, pull(Vec::new(), &[], *cursor, false));
        }
    }

    fn on(&mut self, event: Event) {
        let commands = self.engine.on(event, &self.env);
        for command in commands {
            self.carry_out(command);
        }
    }

    fn carry_out(&mut self, command: Command) {
        match command {
            Command::ChangeOutbox { .. } if self.hold_store => self.held.push(command),
            Command::ChangeOutbox {
                ticket,
                user_id,
                change,
            } => {
                let outbox = self.outboxes.entry(user_id.into_string()).or_default();
                change.apply(outbox);
                let stored = Ok(outbox.clone());
                self.on(Event::OutboxStored { ticket, stored });
            }
            Command::SaveViewer(id) => self.viewer = Some(id.into_string()),
            Command::ForgetViewer => self.viewer = None,
            Command::SaveBoard(board) => {
                self.boards.insert(board.board.id.to_string(), board);
            }
            Command::ForgetBoard(id) => {
                self.boards.remove(id.as_str());
                self.said.push(Command::ForgetBoard(id));
            }
            Command::Push(_) | Command::ListBoards | Command::Pull { .. } => {
                self.requests.push(command)
            }
            other => self.said.push(other),
        }
    }

    /// The store catches up with the changes held back.
    fn store_now(&mut self) {
        self.hold_store = false;
        for command in std::mem::take(&mut self.held) {
            self.carry_out(command);
        }
    }

    /// Answers the oldest request (which must be there).
    fn answer(&mut self, event: Event) {
        assert!(!self.requests.is_empty(), "nothing was asked: {event:?}");
        self.requests.remove(0);
        self.on(event);
    }

    fn answer_pull(&mut self, board_id: &str, page: PullResponse) {
        self.answer(Event::Pulled {
            board_id: board_id.into(),
            answer: Ok(page),
        });
    }

    fn take(&mut self) -> Vec<Command> {
        std::mem::take(&mut self.said)
    }

    fn said(&self, command: &Command) -> bool {
        self.said.contains(command)
    }

    fn sent_ids(&self) -> Vec<Vec<String>> {
        self.requests
            .iter()
            .filter_map(|r| match r {
                Command::Push(p) => Some(p.mutations.iter().map(|m| m.id.clone()).collect()),
                _ => None,
            })
            .collect()
    }
}

#[test]
fn opening_lists_the_persons_boards_and_pulls_each_then_waits_to_refresh() {
    let mut phone = Phone::opened(
        Some("cara"),
        vec![synced("b1", "cara", 3)],
        Outbox::default(),
    );
    assert!(phone.engine.ready());
    assert_eq!(phone.requests, [Command::ListBoards], "nothing to push");
    phone.answer(Event::Listed(Ok(vec![
        header("b1", "cara"),
        header("b2", "cara"),
    ])));
    assert_eq!(phone.requests, [pull_of("b1", 3)], "from where the copy is");
    phone.answer_pull("b1", pull(vec![post("a", 5)], &[], 7, false));
    assert_eq!(
        phone.requests,
        [pull_of("b2", 0)],
        "a new board from the start"
    );
    phone.answer_pull("b2", pull(Vec::new(), &[], 2, false));
    assert!(phone.requests.is_empty());
    assert_eq!(phone.boards["b1"].cursor, 7, "stored as pulled");
    assert_eq!(phone.boards["b2"].synced_at_ms, Some(1_000));
    assert_eq!(phone.engine.rounds(), 1);
    assert!(phone.said(&Command::Schedule {
        delay_ms: REFRESH_MS
    }));
}

#[test]
fn a_write_shows_at_once_but_is_sent_only_once_stored() {
    let mut phone = Phone::with_boards(&[("b1", 3)]);
    phone.hold_store = true;
    phone.on(Event::Enqueue(claim("m1")));
    assert_eq!(phone.engine.outbox().waiting(), 1, "shown at once");
    assert!(phone.requests.is_empty(), "not sent before it is stored");
    phone.on(Event::SyncNow);
    assert_eq!(
        phone.requests,
        [Command::ListBoards],
        "a round meanwhile leaves it be"
    );
    phone.full_round(&[("b1", 3)]);
    phone.store_now();
    assert_eq!(phone.outboxes["cara"].waiting(), 1);
    assert_eq!(
        phone.requests,
        [Command::ListBoards],
        "a round: first who is signed in"
    );
    phone.listed(&["b1"]);
    assert_eq!(phone.sent_ids(), [["m1"]], "then the write");
    phone.answer(pushed(&["m1"]));
    assert_eq!(phone.outboxes["cara"].waiting(), 0, "settled in the store");
    assert_eq!(phone.engine.outbox().waiting(), 0);
    assert_eq!(phone.requests, [pull_of("b1", 3)], "then the board");
}

#[test]
fn writes_made_while_a_batch_is_out_go_in_the_next_batch_in_order() {
    let mut phone = Phone::with_boards(&[("b1", 3)]);
    phone.on(Event::Enqueue(claim("m1")));
    phone.listed(&["b1"]);
    phone.on(Event::Enqueue(claim("m2")));
    assert_eq!(phone.sent_ids(), [["m1"]]);
    phone.answer(pushed(&["m1"]));
    assert_eq!(
        phone.sent_ids(),
        [["m2"]],
        "the same round sends what came meanwhile"
    );
    phone.answer(pushed(&["m2"]));
    assert_eq!(phone.requests, [pull_of("b1", 3)]);
}

#[test]
fn another_person_on_the_phone_sees_nothing_of_the_last_and_their_answers_stay_theirs() {
    let mut waiting = Outbox::default();
    waiting.enqueue(claim("cara-1"));
    let mut phone = Phone::opened(Some("cara"), vec![synced("b1", "cara", 3)], waiting);
    phone.listed(&["b1"]);
    assert_eq!(phone.sent_ids(), [["cara-1"]]);
    // Dev signs in on the same phone and opens his board while Cara's write is out.
    phone.outboxes.insert("dev".into(), {
        let mut his = Outbox::default();
        his.enqueue(claim("dev-1"));
        his
    });
    phone.on(Event::BoardShown(header("b2", "dev")));
    assert!(phone.said(&Command::ForgetBoard("b1".into())));
    assert_eq!(phone.viewer.as_deref(), Some("dev"));
    let kept: Vec<&str> = phone
        .engine
        .boards()
        .iter()
        .map(|b| b.board.id.as_str())
        .collect();
    assert_eq!(kept, ["b2"]);
    assert_eq!(
        phone
            .engine
            .outbox()
            .pending()
            .map(|m| m.id.as_str())
            .collect::<Vec<_>>(),
        ["dev-1"],
        "his own outbox, read from the store"
    );
    // Cara's answer arrives: it settles her stored outbox, not his, and her round ends.
    phone.answer(pushed(&["cara-1"]));
    assert_eq!(phone.outboxes["cara"].waiting(), 0);
    assert_eq!(phone.outboxes["dev"].waiting(), 1);
    assert_eq!(phone.requests, [Command::ListBoards], "a round of his own");
    phone.answer(Event::Listed(Ok(vec![header("b2", "dev")])));
    assert_eq!(
        phone.sent_ids(),
        [["dev-1"]],
        "then his writes go, with his session"
    );
}

#[test]
fn a_persons_writes_are_never_sent_with_the_next_persons_session() {
    // Cara's writes wait on the phone; she signed out where the page could not see it, and
    // Dev signed in. His board's page appears while the phone's store is still opening.
    let mut waiting = Outbox::default();
    waiting.enqueue(claim("cara-1"));
    let mut phone = Phone {
        outboxes: [("cara".to_string(), waiting.clone())]
            .into_iter()
            .collect(),
        ..Phone::opened(None, Vec::new(), Outbox::default())
    };
    phone.engine = Engine::new();
    phone.on(Event::BoardShown(header("b2", "dev")));
    assert!(
        phone.requests.is_empty(),
        "nothing before the store has opened"
    );
    phone.on(Event::Opened {
        viewer: Some("cara".into()),
        boards: vec![synced("b1", "cara", 3)],
        outbox: waiting,
    });
    assert_eq!(
        phone.viewer.as_deref(),
        Some("dev"),
        "the page said who is here now"
    );
    assert!(phone.said(&Command::ForgetBoard("b1".into())));
    assert_eq!(phone.requests, [Command::ListBoards]);
    phone.answer(Event::Listed(Ok(vec![header("b2", "dev")])));
    assert!(
        phone.sent_ids().is_empty(),
        "Cara's write is not sent as Dev's"
    );
    assert_eq!(phone.outboxes["cara"].waiting(), 1, "it waits for her");
    // Nor does an answer that was on its way when someone signed out bring anyone back.
    phone.answer_pull("b2", pull(Vec::new(), &[], 1, false));
    phone.on(Event::SyncNow);
    phone.on(Event::SignedOut);
    phone.answer(Event::Listed(Ok(vec![header("b2", "dev")])));
    assert_eq!(phone.viewer, None);
    assert!(phone.engine.boards().is_empty());
    assert!(phone.requests.is_empty());
}

#[test]
fn a_page_seen_before_anyone_is_known_keeps_their_boards_once_the_store_opens() {
    let mut phone = Phone::opened(None, Vec::new(), Outbox::default());
    assert!(phone.requests.is_empty(), "nobody known: nothing to ask");
    assert!(!phone.engine.ready());
    phone.on(Event::SignedIn);
    assert_eq!(phone.requests, [Command::ListBoards]);
    phone.answer(Event::Listed(Ok(vec![header("b1", "ena")])));
    assert_eq!(phone.viewer.as_deref(), Some("ena"));
    assert!(phone.engine.ready());
    assert_eq!(phone.requests, [pull_of("b1", 0)]);
}

#[test]
fn signing_out_forgets_the_boards_but_keeps_the_unsent_writes_stored() {
    let mut phone = Phone::with_boards(&[("b1", 3), ("b2", 4)]);
    phone.env.online = false;
    phone.on(Event::Enqueue(claim("m1")));
    phone.on(Event::SignedOut);
    assert!(phone.boards.is_empty());
    assert_eq!(phone.viewer, None);
    assert!(phone.engine.boards().is_empty());
    assert_eq!(phone.engine.outbox().waiting(), 0, "nothing of hers shows");
    assert_eq!(
        phone.outboxes["cara"].waiting(),
        1,
        "but it is kept for her"
    );
    assert!(!phone.engine.ready());
}

#[test]
fn a_board_is_pulled_page_by_page_and_a_stale_page_changes_nothing() {
    let mut phone = Phone::with_boards(&[("b1", 3)]);
    phone.on(Event::SyncNow);
    phone.answer(Event::Listed(Ok(vec![header("b1", "cara")])));
    phone.answer_pull("b1", pull(vec![post("a", 5)], &[], 200, true));
    assert_eq!(phone.requests, [pull_of("b1", 200)], "more to come");
    assert_eq!(
        phone.boards["b1"].cursor, 200,
        "each page is kept as it comes"
    );
    phone.answer_pull("b1", pull(vec![post("b", 6)], &["a"], 250, false));
    let posts: Vec<&str> = phone.boards["b1"]
        .posts
        .iter()
        .map(|p| p.card.id.as_str())
        .collect();
    assert_eq!(posts, ["b1-p", "b"]);
    // A page that brings nothing new but says "more" cannot keep the round going.
    phone.on(Event::SyncNow);
    phone.answer(Event::Listed(Ok(vec![header("b1", "cara")])));
    phone.answer_pull("b1", pull(Vec::new(), &[], 100, true));
    assert!(phone.requests.is_empty());
    assert_eq!(phone.boards["b1"].cursor, 250);
}

#[test]
fn a_page_asked_for_before_the_role_changed_is_asked_again_from_the_start() {
    let mut phone = Phone::with_boards(&[("b1", 3)]);
    phone.on(Event::SyncNow);
    phone.answer(Event::Listed(Ok(vec![header("b1", "cara")])));
    assert_eq!(phone.requests, [pull_of("b1", 3)]);
    // While that page is out, the board's page shows Cara now runs the board (its last
    // organiser left): posts hidden before now are hers to see, and only a pull from the
    // start brings them.
    let mut organiser = header("b1", "cara");
    organiser.board.role = crate::Role::Organiser;
    phone.on(Event::BoardShown(organiser));
    assert_eq!(phone.boards["b1"].cursor, 0);
    phone.answer_pull("b1", pull(vec![post("a", 5)], &[], 5, false));
    assert_eq!(
        phone.boards["b1"].cursor, 0,
        "the answer to the old question is not taken"
    );
    assert_eq!(
        phone.requests.first(),
        Some(&pull_of("b1", 0)),
        "asked again from the start"
    );
    let mut hidden = post("h", 2);
    hidden.card.hidden = true;
    phone.answer_pull("b1", pull(vec![hidden, post("a", 5)], &[], 5, false));
    assert_eq!(phone.boards["b1"].cursor, 5);
    assert!(phone.boards["b1"]
        .posts
        .iter()
        .any(|p| p.card.id.as_str() == "h"));
}

#[test]
fn failures_back_off_with_jitter_and_a_success_starts_again_from_the_shortest_wait() {
    let mut phone = Phone::with_boards(&[("b1", 3)]);
    phone.env.jitter = 0.5;
    for failures in 0..3 {
        phone.on(Event::Timer);
        phone.answer(Event::Listed(Err(NetError::Failed("503: busy".into()))));
        assert_eq!(phone.engine.activity(), Activity::Failing);
        assert!(phone.said(&Command::Schedule {
            delay_ms: retry_delay_ms(failures, 0.5)
        }));
        phone.take();
    }
    phone.on(Event::Timer);
    phone.full_round(&[("b1", 3)]);
    assert_eq!(phone.engine.activity(), Activity::Idle);
    phone.on(Event::Timer);
    phone.answer(Event::Listed(Err(NetError::Failed("503: busy".into()))));
    assert!(phone.said(&Command::Schedule {
        delay_ms: retry_delay_ms(0, 0.5)
    }));
}

#[test]
fn a_push_whose_answer_is_lost_is_sent_again_under_the_same_ids() {
    let mut phone = Phone::with_boards(&[("b1", 3)]);
    phone.on(Event::Enqueue(claim("m1")));
    phone.on(Event::Enqueue(claim("m2")));
    phone.listed(&["b1"]);
    phone.answer(Event::Pushed(Err(NetError::Unreachable)));
    assert_eq!(
        phone.engine.activity(),
        Activity::Failing,
        "online: try again soon"
    );
    assert_eq!(phone.engine.outbox().waiting(), 2);
    phone.on(Event::Timer);
    phone.listed(&["b1"]);
    assert_eq!(phone.sent_ids(), [["m1", "m2"]]);
}

#[test]
fn a_push_refused_for_too_many_writes_keeps_them_and_sends_them_again_later() {
    let mut phone = Phone::with_boards(&[("b1", 3)]);
    phone.on(Event::Enqueue(claim("m1")));
    phone.listed(&["b1"]);
    let body = r#"{"error":"Too many attempts. Please try again in 1 minute."}"#;
    phone.answer(Event::Pushed(Err(NetError::from_status(429, body))));
    assert_eq!(phone.engine.activity(), Activity::Failing);
    assert_eq!(
        phone.engine.outbox().waiting(),
        1,
        "nothing dropped, nothing refused"
    );
    assert!(phone.said(&Command::Schedule {
        delay_ms: retry_delay_ms(0, phone.env.jitter)
    }));
    phone.on(Event::Timer);
    phone.listed(&["b1"]);
    assert_eq!(phone.sent_ids(), [["m1"]]);
}

#[test]
fn offline_nothing_is_sent_and_the_signal_coming_back_sends_it() {
    let mut phone = Phone::with_boards(&[("b1", 3)]);
    phone.env.online = false;
    phone.on(Event::Offline);
    phone.on(Event::Enqueue(claim("m1")));
    assert!(phone.requests.is_empty());
    assert_eq!(phone.engine.activity(), Activity::Offline);
    assert_eq!(phone.outboxes["cara"].waiting(), 1, "kept on the phone");
    phone.env.online = true;
    phone.on(Event::Online);
    phone.listed(&["b1"]);
    assert_eq!(phone.sent_ids(), [["m1"]]);
}

#[test]
fn the_signal_lost_mid_round_waits_for_it_without_retrying() {
    let mut phone = Phone::with_boards(&[("b1", 3)]);
    phone.on(Event::SyncNow);
    phone.env.online = false;
    phone.answer(Event::Listed(Err(NetError::Unreachable)));
    assert_eq!(phone.engine.activity(), Activity::Offline);
    assert!(
        !phone
            .take()
            .iter()
            .any(|c| matches!(c, Command::Schedule { .. })),
        "the online event brings the next round"
    );
}

#[test]
fn a_lapsed_session_waits_for_the_person_to_sign_in() {
    let mut phone = Phone::with_boards(&[("b1", 3)]);
    phone.on(Event::Enqueue(claim("m1")));
    phone.listed(&["b1"]);
    phone.answer(Event::Pushed(Err(NetError::SignedOut)));
    assert_eq!(phone.engine.activity(), Activity::SignedOut);
    assert!(!phone
        .take()
        .iter()
        .any(|c| matches!(c, Command::Schedule { .. })));
    assert_eq!(phone.outboxes["cara"].waiting(), 1, "the write waits");
}

#[test]
fn each_push_names_whose_writes_it_carries_and_a_session_not_theirs_keeps_them() {
    let mut phone = Phone::with_boards(&[("b1", 3)]);
    phone.on(Event::Enqueue(claim("m1")));
    phone.listed(&["b1"]);
    let owners: Vec<Option<UserId>> = phone
        .requests
        .iter()
        .filter_map(|r| match r {
            Command::Push(p) => Some(p.owner.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(owners, [Some(UserId::from("cara"))]);
    // The cookie the phone holds is someone else's: the server refuses the push whole.
    let body = serde_json::to_string(&crate::sync::wire::ErrorBody {
        error: "These changes were made by someone else on this phone.".into(),
        refusal: Some(Refusal::NotYourWrites),
    })
    .expect("json");
    // Another 409 is not this: it is retried like any refusal of a whole request.
    assert!(matches!(
        NetError::from_status(409, "{\"error\":\"x\"}"),
        NetError::Failed(_)
    ));
    phone.answer(Event::Pushed(Err(NetError::from_status(409, &body))));
    assert_eq!(
        phone.engine.activity(),
        Activity::SignedOut,
        "Cara must sign in again"
    );
    assert!(!phone
        .take()
        .iter()
        .any(|c| matches!(c, Command::Schedule { .. })));
    assert_eq!(phone.outboxes["cara"].waiting(), 1, "kept for Cara");
}

#[test]
fn a_live_message_about_one_board_pulls_only_that_board() {
    let mut phone = Phone::with_boards(&[("b1", 3), ("b2", 4)]);
    phone.on(Event::BoardChanged {
        board_id: "b1".into(),
        seq: 3,
    });
    assert!(phone.requests.is_empty(), "already that far along");
    phone.on(Event::BoardChanged {
        board_id: "b2".into(),
        seq: 6,
    });
    assert_eq!(
        phone.requests,
        [pull_of("b2", 4)],
        "no listing, no other board"
    );
    phone.answer_pull("b2", pull(Vec::new(), &[], 6, false));
    assert!(phone.requests.is_empty());
    assert_eq!(phone.engine.rounds(), 2);
}

#[test]
fn what_is_asked_for_during_a_round_runs_right_after_it() {
    let mut phone = Phone::with_boards(&[("b1", 3), ("b2", 4)]);
    phone.on(Event::SyncNow);
    phone.on(Event::BoardChanged {
        board_id: "b2".into(),
        seq: 9,
    });
    phone.on(Event::SyncNow);
    assert_eq!(phone.requests, [Command::ListBoards], "one round at a time");
    phone.full_round(&[("b1", 3), ("b2", 8)]);
    assert_eq!(
        phone.requests,
        [Command::ListBoards],
        "then the round asked for"
    );
    phone.answer(Event::Listed(Ok(vec![
        header("b1", "cara"),
        header("b2", "cara"),
    ])));
    phone.answer_pull("b1", pull(Vec::new(), &[], 3, false));
    assert_eq!(phone.requests, [pull_of("b2", 8)]);
}

#[test]
fn a_board_the_person_is_no_longer_on_is_forgotten() {
    let mut phone = Phone::with_boards(&[("b1", 3), ("b2", 4), ("b3", 5)]);
    phone.on(Event::SyncNow);
    phone.answer(Event::Listed(Ok(vec![
        header("b1", "cara"),
        header("b2", "cara"),
    ])));
    assert!(phone.said(&Command::ForgetBoard("b3".into())), "left it");
    phone.answer(Event::Pulled {
        board_id: "b1".into(),
        answer: Err(NetError::Gone),
    });
    assert!(
        phone.said(&Command::ForgetBoard("b1".into())),
        "removed meanwhile"
    );
    assert_eq!(phone.requests, [pull_of("b2", 4)], "the round goes on");
    assert_eq!(phone.boards.keys().collect::<Vec<_>>(), ["b2"]);
}

#[test]
fn the_live_stream_follows_the_boards_only_while_it_can_help() {
    let mut phone = Phone::opened(
        Some("cara"),
        vec![synced("b2", "cara", 3)],
        Outbox::default(),
    );
    assert!(
        !phone.said.iter().any(|c| matches!(c, Command::Follow(_))),
        "not before a round"
    );
    phone.full_round(&[("b2", 3), ("b1", 1)]);
    assert!(phone.said(&Command::Follow(vec!["b1".into(), "b2".into()])));
    phone.take();
    phone.env.visible = false;
    phone.on(Event::Hidden);
    assert_eq!(
        phone.take(),
        [Command::StopFollowing],
        "a hidden tab holds no connection"
    );
    phone.env.visible = true;
    phone.on(Event::Visible);
    phone.full_round(&[("b2", 3), ("b1", 1)]);
    assert!(phone.said(&Command::Follow(vec!["b1".into(), "b2".into()])));
    phone.take();
    phone.on(Event::StreamGone);
    assert!(
        phone.said(&Command::StopFollowing),
        "closed until a round has run"
    );
    phone.full_round(&[("b2", 3)]);
    assert!(
        phone.said(&Command::Follow(vec!["b2".into()])),
        "the boards that remain"
    );
    phone.take();
    phone.env.online = false;
    phone.on(Event::Offline);
    assert!(phone.said(&Command::StopFollowing));
}

#[test]
fn a_stream_ended_for_a_newer_page_stays_closed_until_this_page_is_looked_at_again() {
    let mut phone = Phone::with_boards(&[("b1", 1)]);
    assert_eq!(phone.engine.following, Some(vec!["b1".into()]));
    // The person opened more pages than their share: the server ended this page's stream.
    phone.on(Event::StreamReplaced);
    assert_eq!(
        phone.take(),
        [Command::StopFollowing],
        "not opened again at once"
    );
    // Rounds on the timer go on, and do not take a stream back from the newer pages.
    phone.on(Event::Timer);
    phone.full_round(&[("b1", 1)]);
    assert!(!phone.take().iter().any(|c| matches!(c, Command::Follow(_))));
    // Looked at again, it takes a stream back.
    phone.on(Event::Visible);
    phone.full_round(&[("b1", 1)]);
    assert!(phone.said(&Command::Follow(vec!["b1".into()])));
}

#[test]
fn a_refusal_stays_until_dismissed_and_a_stray_board_of_someone_else_is_forgotten() {
    let mut phone = Phone::opened(
        Some("cara"),
        vec![synced("b1", "cara", 3), synced("b9", "dev", 3)],
        Outbox::default(),
    );
    assert!(phone.said(&Command::ForgetBoard("b9".into())));
    assert_eq!(phone.engine.boards().len(), 1);
    phone.full_round(&[("b1", 3)]);
    phone.on(Event::Enqueue(claim("m1")));
    phone.listed(&["b1"]);
    phone.answer(Event::Pushed(Ok(PushResponse {
        results: vec![PushResult {
            id: "m1".into(),
            outcome: Outcome::Rejected {
                reason: Refusal::OwnPost,
            },
            reason: Some("This is your own post.".into()),
        }],
    })));
    assert_eq!(phone.engine.outbox().rejected().count(), 1);
    assert_eq!(phone.outboxes["cara"].rejected().count(), 1);
    phone.on(Event::Dismiss("m1".into()));
    assert_eq!(phone.engine.outbox().rejected().count(), 0);
    assert_eq!(phone.outboxes["cara"].rejected().count(), 0);
}

#[test]
fn a_store_that_cannot_keep_a_write_still_lets_this_page_send_it() {
    let mut phone = Phone::with_boards(&[("b1", 3)]);
    phone.hold_store = true;
    phone.on(Event::Enqueue(claim("m1")));
    let Some(Command::ChangeOutbox { ticket, .. }) = phone.held.pop() else {
        panic!("the write goes to the store first");
    };
    phone.on(Event::OutboxStored {
        ticket,
        stored: Err("quota exceeded".into()),
    });
    assert!(phone.said(&Command::Log("quota exceeded".into())));
    phone.listed(&["b1"]);
    assert_eq!(phone.sent_ids(), [["m1"]]);
}

#[test]
fn nothing_runs_until_the_store_has_opened_or_when_it_cannot() {
    let mut engine = Engine::new();
    let commands = engine.on(Event::SyncNow, &online());
    assert!(commands.is_empty(), "{commands:?}");
    let commands = engine.on(Event::StoreUnavailable, &online());
    assert!(!commands.iter().any(|c| matches!(c, Command::ListBoards)));
    assert!(!engine.ready(), "forms post to the server directly");
}

#[test]
fn without_a_store_rounds_still_run_so_pages_refresh_but_nothing_is_kept() {
    let mut engine = Engine::new();
    engine.on(Event::StoreUnavailable, &online());
    let commands = engine.on(Event::BoardShown(header("b1", "cara")), &online());
    assert!(commands.contains(&Command::ListBoards), "{commands:?}");
    let commands = engine.on(Event::Listed(Ok(vec![header("b1", "cara")])), &online());
    assert!(
        !commands.iter().any(|c| matches!(
            c,
            Command::SaveBoard(_) | Command::SaveViewer(_) | Command::Pull { .. }
        )),
        "{commands:?}"
    );
    assert_eq!(
        engine.rounds(),
        1,
        "pages hear that a round reached the server"
    );
    assert!(!engine.ready(), "forms still post to the server directly");
}
