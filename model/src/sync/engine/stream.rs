//! The live stream: what a message about a board means, and when the stream is open.

use super::{Command, Engine, Env};
use crate::{ids::BoardId, sync::status::Activity};

impl Engine {
    pub(super) fn board_changed(&mut self, board_id: BoardId, seq: i64) {
        match self.boards.iter().find(|b| b.board.id == board_id) {
            // Every connection starts with the current numbers: pull only what is news here.
            Some(board) if board.cursor >= seq => {}
            Some(_) => {
                let known = self.wanted.behind.entry(board_id).or_insert(seq);
                *known = (*known).max(seq);
            }
            // A board not kept here: a full round finds out whether it should be.
            None => self.wanted.full = true,
        }
    }

    /// Keeps the live stream open for the person's boards while it can help: once a round
    /// has reached the server (so a lapsed session does not knock on the stream too), while
    /// online and while the page is visible (hidden tabs would hold connections; coming back
    /// runs a round anyway), and not after the server ended it for a newer page of the person's
    /// until this one is looked at again.
    pub(super) fn follow(&mut self, env: &Env) {
        let usable = !matches!(self.activity, Activity::Offline | Activity::SignedOut);
        let wanted = (self.rounds > 0
            && usable
            && !self.stream_gone
            && !self.stream_replaced
            && env.online
            && env.visible
            && !self.boards.is_empty())
        .then(|| {
            let mut ids: Vec<BoardId> = self.boards.iter().map(|b| b.board.id.clone()).collect();
            ids.sort();
            ids
        });
        if wanted == self.following {
            return;
        }
        self.command(match &wanted {
            Some(ids) => Command::Follow(ids.clone()),
            None => Command::StopFollowing,
        });
        self.following = wanted;
    }
}
