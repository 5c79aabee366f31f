//! Whose boards the phone keeps: the person signed in here last, a second person on the same
//! phone (who sees nothing of the first), and signing out.

use super::{outbox_copy::OutboxCopy, Command, Engine, OutboxChange, Part, Store};
use crate::{
    ids::{BoardId, UserId},
    sync::{local::LocalBoard, outbox::Outbox, wire::BoardHeader},
};

impl Engine {
    pub(super) fn opened(
        &mut self,
        viewer: Option<UserId>,
        boards: Vec<LocalBoard>,
        outbox: Outbox,
    ) {
        self.store = Store::Open;
        self.user_id = viewer;
        // A board kept for someone else (a sign-out cut short before it forgot everything)
        // is never shown to this person.
        let (mine, theirs): (Vec<_>, Vec<_>) = boards
            .into_iter()
            .partition(|b| self.user_id.as_ref() == Some(&b.me.user_id));
        for board in theirs {
            self.command(Command::ForgetBoard(board.board.id));
        }
        self.boards = mine;
        self.outbox = OutboxCopy::loaded(outbox);
        self.show(Part::Boards);
        self.show(Part::Outbox);
        // A page showed a board meanwhile: that is who is signed in now (the store may
        // remember someone who has since signed out without this page knowing).
        if let Some(header) = self.shown_while_opening.take() {
            self.keep(vec![header], false);
        }
        self.wanted.full = true;
    }

    /// Keeps `headers` (refreshing the boards already held); with `complete`, they are all
    /// the person's boards, and any other board held is forgotten (they left it, or were
    /// removed). A board of someone other than the person held for means another person is
    /// using the phone: the last person's boards go, and this person's outbox is loaded.
    pub(super) fn keep(&mut self, headers: Vec<BoardHeader>, complete: bool) {
        // With no store, nothing is kept (and the rounds only refresh what pages show).
        if self.store != Store::Open {
            return;
        }
        if let Some(header) = headers.first() {
            if self.user_id.as_ref() != Some(&header.me.user_id) {
                self.switch_person(header.me.user_id.clone());
            }
        }
        let listed: Vec<BoardId> = headers.iter().map(|h| h.board.id.clone()).collect();
        for header in headers {
            let board = match self
                .boards
                .iter_mut()
                .find(|b| b.board.id == header.board.id)
            {
                Some(held) => {
                    held.refresh_from(header);
                    held.clone()
                }
                None => {
                    let board = LocalBoard::new(header);
                    self.boards.push(board.clone());
                    board
                }
            };
            self.command(Command::SaveBoard(board));
        }
        if complete {
            let gone: Vec<BoardId> = self
                .boards
                .iter()
                .map(|b| b.board.id.clone())
                .filter(|id| !listed.contains(id))
                .collect();
            for id in gone {
                self.forget_board(&id);
            }
        }
        self.show(Part::Boards);
    }

    pub(super) fn switch_person(&mut self, user_id: UserId) {
        for board in std::mem::take(&mut self.boards) {
            self.command(Command::ForgetBoard(board.board.id));
        }
        self.command(Command::SaveViewer(user_id.clone()));
        self.user_id = Some(user_id.clone());
        self.outbox = OutboxCopy::default();
        self.change_outbox(user_id, OutboxChange::Read);
    }

    pub(super) fn forget_board(&mut self, board_id: &BoardId) {
        self.boards.retain(|b| b.board.id != *board_id);
        self.command(Command::ForgetBoard(board_id.clone()));
        self.show(Part::Boards);
    }

    /// Someone signed out: forget the boards kept for them (a shared phone shows the next
    /// person nothing of theirs). Their unsent writes stay stored under their id, and go when
    /// they sign in again.
    pub(super) fn forget_person(&mut self) {
        // What the round under way asked, it asked for the person signing out.
        self.abandon_round();
        self.shown_while_opening = None;
        for board in std::mem::take(&mut self.boards) {
            self.command(Command::ForgetBoard(board.board.id));
        }
        if self.store == Store::Open {
            self.command(Command::ForgetViewer);
        }
        self.user_id = None;
        self.signed_in = false;
        self.outbox = OutboxCopy::default();
        self.show(Part::Boards);
        self.show(Part::Outbox);
    }
}
