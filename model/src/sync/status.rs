//! What the sync engine is doing, in the words the page shows: online, offline or sending;
//! how many writes wait; when the board was last brought up to date.

use serde::{Deserialize, Serialize};

/// The engine's state, also put on `<html data-sync>` for tests and styling.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Activity {
    /// Nothing to do, or not started yet.
    #[default]
    Idle,
    /// A push or pull is on its way.
    Sending,
    /// The phone has no connection: writes wait.
    Offline,
    /// The last attempt failed; another is scheduled (backoff).
    Failing,
    /// The session has ended: writes wait until the person signs in again.
    SignedOut,
}

impl Activity {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Idle => "idle",
            Self::Sending => "sending",
            Self::Offline => "offline",
            Self::Failing => "failing",
            Self::SignedOut => "signed-out",
        }
    }

    /// The header's connection label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Sending => "Sending…",
            Self::Offline => "Offline",
            _ => "Online",
        }
    }
}

/// "1 waiting to send", or nothing when all is sent.
pub fn waiting_text(waiting: usize) -> Option<String> {
    (waiting > 0).then(|| format!("{waiting} waiting to send"))
}

/// "Sign in to send 2 waiting changes."
pub fn sign_in_text(waiting: usize) -> String {
    match waiting {
        0 => "Your session has ended. Sign in to keep this phone up to date.".to_string(),
        1 => "Your session has ended. Sign in to send 1 waiting change.".to_string(),
        n => format!("Your session has ended. Sign in to send {n} waiting changes."),
    }
}

/// When the board was last brought up to date, relative to `now_ms`.
pub fn synced_text(synced_at_ms: Option<i64>, now_ms: i64) -> String {
    let Some(at) = synced_at_ms else {
        return "Not brought up to date yet".to_string();
    };
    let minutes = (now_ms - at).max(0) / 60_000;
    match minutes {
        0 => "Brought up to date just now".to_string(),
        1 => "Brought up to date 1 minute ago".to_string(),
        2..=59 => format!("Brought up to date {minutes} minutes ago"),
        60..=119 => "Brought up to date 1 hour ago".to_string(),
        120..=1439 => format!("Brought up to date {} hours ago", minutes / 60),
        _ => match minutes / 1440 {
            1 => "Brought up to date yesterday".to_string(),
            days => format!("Brought up to date {days} days ago"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waiting_and_sign_in_are_counted_in_words() {
        assert_eq!(waiting_text(0), None);
        assert_eq!(waiting_text(3).as_deref(), Some("3 waiting to send"));
        assert!(sign_in_text(1).ends_with("Sign in to send 1 waiting change."));
        assert!(sign_in_text(2).ends_with("Sign in to send 2 waiting changes."));
    }

    #[test]
    fn last_synced_reads_naturally() {
        let minute = 60_000;
        assert_eq!(synced_text(None, 0), "Not brought up to date yet");
        assert_eq!(synced_text(Some(0), 59_000), "Brought up to date just now");
        assert_eq!(
            synced_text(Some(0), 5 * minute),
            "Brought up to date 5 minutes ago"
        );
        assert_eq!(
            synced_text(Some(0), 61 * minute),
            "Brought up to date 1 hour ago"
        );
        assert_eq!(
            synced_text(Some(0), 300 * minute),
            "Brought up to date 5 hours ago"
        );
        assert_eq!(
            synced_text(Some(0), 1500 * minute),
            "Brought up to date yesterday"
        );
        assert_eq!(
            synced_text(Some(0), 4 * 1440 * minute),
            "Brought up to date 4 days ago"
        );
        assert_eq!(
            synced_text(Some(10), 0),
            "Brought up to date just now",
            "clock skew"
        );
        assert_eq!(Activity::SignedOut.as_str(), "signed-out");
        assert_eq!(Activity::Sending.label(), "Sending…");
    }
}
