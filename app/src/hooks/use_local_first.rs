//! A page drawn from the phone's copy when it has one, else from the server, as memos that
//! change only when what the page shows does. A sync round that brings nothing new redraws
//! nothing; one that does redraws only the parts it changed, so what someone is in the middle
//! of (a reply half typed, the report box open) lives on.

use leptos::prelude::*;
use model::AppError;

/// Where a local-first page is: what the page's frame is drawn for. It changes only when the
/// page moves on (another post, loaded at last, or failed), not when the data shown does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Phase {
    Loading,
    /// Shown, for this key (a post's id, a board's id): the page's parts follow the data.
    Shown(String),
    Failed(AppError),
}

/// What a local-first page draws from.
pub struct LocalFirst<T: Send + Sync + 'static> {
    /// The page's data: the frame reads `phase`, its parts read this (through memos of their
    /// own, so each part changes only with what it shows).
    pub shown: Memo<Option<Result<T, AppError>>>,
    pub phase: Memo<Phase>,
}

impl<T: Send + Sync + 'static> Clone for LocalFirst<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for LocalFirst<T> {}

/// `shown` makes the page's data from the server's answer and the phone's copy (it decides
/// which wins); `key` names what the frame is drawn for.
pub fn use_local_first<T>(
    shown: impl Fn() -> Option<Result<T, AppError>> + Send + Sync + 'static,
    key: fn(&T) -> String,
) -> LocalFirst<T>
where
    T: Clone + PartialEq + Send + Sync + 'static,
{
    let shown = Memo::new(move |_| shown());
    let phase = Memo::new(move |_| {
        shown.with(|shown| match shown {
            None => Phase::Loading,
            Some(Ok(data)) => Phase::Shown(key(data)),
            Some(Err(error)) => Phase::Failed(error.clone()),
        })
    });
    LocalFirst { shown, phase }
}

impl<T: Clone + PartialEq + Send + Sync + 'static> LocalFirst<T> {
    /// The data shown now, if the page is shown (read by the frame, untracked, to draw it).
    pub fn shown_now(self) -> Option<T> {
        self.shown
            .with_untracked(|s| s.as_ref().and_then(|s| s.as_ref().ok()).cloned())
    }

    /// The data while the page is shown, starting from `first`, for its parts; it keeps the
    /// last data shown while the page moves on.
    pub fn data(self, first: T) -> Memo<T> {
        let shown = self.shown;
        Memo::new(move |previous: Option<&T>| {
            shown
                .with(|s| s.as_ref().and_then(|s| s.as_ref().ok()).cloned())
                .or_else(|| previous.cloned())
                .unwrap_or_else(|| first.clone())
        })
    }
}

/// One part of a page's data, changing only when that part does.
pub fn part<T, P>(data: Memo<T>, part: impl Fn(&T) -> P + Send + Sync + 'static) -> Memo<P>
where
    T: Send + Sync + 'static,
    P: Clone + PartialEq + Send + Sync + 'static,
{
    Memo::new(move |_| data.with(&part))
}
