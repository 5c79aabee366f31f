//! One round. A full round lists the person's boards first (which says who is signed in now,
//! so one person's writes are never sent with another's session), then pushes the outbox in
//! batches, then pulls every board. A live message's round only pulls the boards it said are
//! behind. Each step waits for the answer to the request before it; a failure ends the round
//! and sets the next try. A round begun for someone who has since signed out, or before
//! another person's page appeared, is abandoned: its answers change nothing.

use std::collections::VecDeque;

use super::{Command, Engine, Env, NetError, OutboxChange, Part, Store, Wanted, REFRESH_MS};
use crate::ids::{BoardId, UserId};
use crate::sync::{
    backoff::retry_delay_ms,
    status::Activity,
    wire::{BoardHeader, PullResponse, PushRequest, PushResponse},
};

#[derive(Debug)]
pub(super) struct Round {
    step: Step,
    /// Begun for a person who is no longer the one on the phone.
    abandoned: bool,
    /// Boards still to pull, in order.
    to_pull: VecDeque<BoardId>,
}

/// The request a round is waiting on.
#[derive(Debug, PartialEq, Eq)]
enum Step {
    Starting,
    /// A batch of this person's writes (the person may have changed before it is answered).
    Pushing {
        user_id: Option<UserId>,
    },
    Listing,
    /// A page of a board's changes since `since`, the copy's cursor when it was asked.
    Pulling {
        board_id: BoardId,
        since: i64,
    },
}

impl Engine {
    pub(super) fn start_round_if_wanted(&mut self, env: &Env) {
        if self.round.is_some() || self.store == Store::Opening || !self.wanted.any() {
            return;
        }
        let wanted = std::mem::take(&mut self.wanted);
        // Nobody known on this phone (signed out, or never seen signed in): nothing to send or
        // fetch, and no request that could only be refused.
        if self.user_id.is_none() && !self.signed_in {
            return self.set_activity(Activity::Idle);
        }
        if !env.online {
            return self.set_activity(Activity::Offline);
        }
        let to_pull: VecDeque<BoardId> = wanted
            .behind
            .into_iter()
            .filter(|(id, seq)| {
                self.boards
                    .iter()
                    .any(|b| &b.board.id == id && b.cursor < *seq)
            })
            .map(|(id, _)| id)
            .collect();
        if !wanted.full && to_pull.is_empty() {
            return;
        }
        self.command(Command::CancelTimer);
        self.round = Some(Round {
            step: Step::Starting,
            to_pull,
            abandoned: false,
        });
        if wanted.full {
            self.step(Step::Listing);
            self.command(Command::ListBoards);
        } else {
            self.pull_next(env);
        }
    }

    /// The person on the phone changed: the round under way ends at its next answer, which
    /// changes nothing (but writes it sent are settled for whoever sent them).
    pub(super) fn abandon_round(&mut self) {
        if let Some(round) = &mut self.round {
            round.abandoned = true;
        }
    }

    /// Ends an abandoned round; true if it was.
    fn ended_if_abandoned(&mut self) -> bool {
        let abandoned = self.round.as_ref().is_some_and(|r| r.abandoned);
        if abandoned {
            self.round = None;
        }
        abandoned
    }

    fn step(&mut self, step: Step) {
        if let Some(round) = &mut self.round {
            round.step = step;
        }
    }

    fn waiting_on(&self, step: &Step) -> bool {
        self.round.as_ref().is_some_and(|r| &r.step == step)
    }

    /// Sends the next batch of the outbox, or moves on when nothing is left to send.
    fn push_next(&mut self, env: &Env) {
        let batch = self.outbox.take_batch();
        if batch.is_empty() {
            return self.pull_next(env);
        }
        self.set_activity(Activity::Sending);
        self.step(Step::Pushing {
            user_id: self.user_id.clone(),
        });
        self.command(Command::Push(PushRequest {
            owner: self.user_id.clone(),
            mutations: batch,
        }));
    }

    pub(super) fn pushed(&mut self, answer: Result<PushResponse, NetError>, env: &Env) {
        let Some(Round {
            step: Step::Pushing { user_id },
            ..
        }) = &self.round
        else {
            return;
        };
        let pushed_for = user_id.clone();
        let same_person = pushed_for == self.user_id;
        if same_person {
            self.outbox.batch_done();
        }
        match answer {
            Ok(answer) => {
                let change = OutboxChange::Settle(answer.results);
                match pushed_for {
                    Some(user_id) if same_person => self.change_outbox(user_id, change),
                    // The person changed while the batch was out: its answers belong in the
                    // outbox stored under the one who sent it, not in this person's copy.
                    Some(user_id) => {
                        let ticket = self.ticket();
                        self.command(Command::ChangeOutbox {
                            ticket,
                            user_id,
                            change,
                        });
                    }
                    None => {
                        self.outbox.change_here(&change);
                        self.show(Part::Outbox);
                    }
                }
                if !self.ended_if_abandoned() {
                    self.push_next(env);
                }
            }
            Err(_) if self.ended_if_abandoned() => self.show(Part::Outbox),
            Err(e) => self.fail(e, env),
        }
    }

    pub(super) fn listed(&mut self, answer: Result<Vec<BoardHeader>, NetError>, env: &Env) {
        if !self.waiting_on(&Step::Listing) || self.ended_if_abandoned() {
            return;
        }
        match answer {
            Ok(headers) => {
                self.keep(headers, true);
                let all: VecDeque<BoardId> =
                    self.boards.iter().map(|b| b.board.id.clone()).collect();
                if let Some(round) = &mut self.round {
                    round.to_pull = all;
                }
                self.push_next(env);
            }
            Err(e) => self.fail(e, env),
        }
    }

    /// Pulls the next board still kept, or ends the round when none is left.
    fn pull_next(&mut self, env: &Env) {
        loop {
            let Some(board_id) = self.round.as_mut().and_then(|r| r.to_pull.pop_front()) else {
                return self.finish(env);
            };
            if let Some(board) = self.boards.iter().find(|b| b.board.id == board_id) {
                let since = board.cursor;
                return self.pull_page(board_id, since);
            }
        }
    }

    /// Asks for the page of `board_id`'s changes after `since`.
    fn pull_page(&mut self, board_id: BoardId, since: i64) {
        self.step(Step::Pulling {
            board_id: board_id.clone(),
            since,
        });
        self.command(Command::Pull { board_id, since });
    }

    pub(super) fn pulled(
        &mut self,
        board_id: BoardId,
        answer: Result<PullResponse, NetError>,
        env: &Env,
    ) {
        let asked_since = match self.round.as_ref().map(|r| &r.step) {
            Some(Step::Pulling {
                board_id: asked,
                since,
            }) if *asked == board_id => *since,
            _ => return,
        };
        if self.ended_if_abandoned() {
            return;
        }
        match answer {
            Ok(page) => {
                let Some(board) = self.boards.iter_mut().find(|b| b.board.id == board_id) else {
                    // Forgotten while the pull was out (the person signed out).
                    return self.pull_next(env);
                };
                if board.cursor != asked_since {
                    // The copy moved while the page was out: pulled again from the start
                    // because the person's role changed what they may see. The page answers
                    // the old question, and taking it would carry the cursor past what the new
                    // role must be sent: ask again from where the copy is now.
                    let since = board.cursor;
                    return self.pull_page(board_id, since);
                }
                let before = board.cursor;
                let more = page.more;
                board.apply_pull(page, env.now_ms);
                let (since, saved) = (board.cursor, board.clone());
                self.command(Command::SaveBoard(saved));
                self.show(Part::Boards);
                // Page by page; a page that brings nothing new ends the board, so a confused
                // answer cannot keep the round going for ever.
                if more && since > before {
                    self.pull_page(board_id, since);
                } else {
                    self.pull_next(env);
                }
            }
            Err(NetError::Gone) => {
                // No longer on this board: keep nothing of it.
                self.forget_board(&board_id);
                self.pull_next(env);
            }
            Err(e) => self.fail(e, env),
        }
    }

    /// The round reached the server at every step.
    fn finish(&mut self, env: &Env) {
        self.round = None;
        // The signal may have gone while the round's last answer was on its way.
        self.set_activity(if env.online {
            Activity::Idle
        } else {
            Activity::Offline
        });
        self.rounds += 1;
        self.show(Part::Rounds);
        self.failures = 0;
        // Whatever closed the stream has been sorted out; and a stream the browser gave up
        // on is opened again.
        self.stream_gone = false;
        self.following = None;
        let refresh = REFRESH_MS + (REFRESH_MS as f64 * env.jitter * 0.5) as u64;
        self.command(Command::Schedule { delay_ms: refresh });
    }

    /// The round stopped at a request with no usable answer.
    fn fail(&mut self, error: NetError, env: &Env) {
        self.round = None;
        // Asked-for rounds wait for the retry: starting one now would knock again at once.
        self.wanted = Wanted::default();
        match error {
            // Back on line, the `online` event runs a round.
            NetError::Unreachable if !env.online => self.set_activity(Activity::Offline),
            // Signing in again runs a round. A session that is someone else's is, for the
            // writes' owner, as good as signed out: their writes wait until they sign in.
            NetError::SignedOut | NetError::NotTheirSession => {
                self.set_activity(Activity::SignedOut)
            }
            error => {
                self.command(Command::Log(error.to_string()));
                self.set_activity(Activity::Failing);
                self.failures = self.failures.saturating_add(1);
                let delay_ms = retry_delay_ms(self.failures - 1, env.jitter);
                self.command(Command::Schedule { delay_ms });
            }
        }
        self.show(Part::Outbox);
    }
}
