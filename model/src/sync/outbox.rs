//! The outbox: every write waits here, oldest first, until the server has answered for it.
//! It is stored whole (IndexedDB in the browser) after every change, so it survives reloads,
//! closed tabs and expired sessions; nothing leaves it except by the server's answer or the
//! person dismissing a refusal they have read.

use serde::{Deserialize, Serialize};

use super::wire::PushResult;
use crate::{Mutation, Outcome, Refusal};

/// Where one write is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "StateRecord", into = "StateRecord")]
pub enum EntryState {
    /// Not sent yet, or sent without an answer (it will be sent again under the same id, which
    /// the server applies at most once).
    Waiting,
    /// In the batch being sent now.
    Sending,
    /// The server refused it; kept so the person is told why, until they dismiss it. `said`
    /// is the refusal in the server's words, when it gave them.
    Rejected { reason: Refusal, said: String },
}

/// A write's state as stored on the phone. Every tab of the site shares the stored outbox, and
/// a tab may still run an older version (a new one waits until the person updates): a refusal
/// is stored as data and also in words (`reason`), which is all a version from before refusals
/// were typed reads. A version that cannot read an outbox stores nothing over it.
#[derive(Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
enum StateRecord {
    Waiting,
    Sending,
    Rejected {
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "crate::refusal::known"
        )]
        refusal: Option<Refusal>,
        #[serde(default)]
        reason: String,
    },
}

impl From<StateRecord> for EntryState {
    fn from(record: StateRecord) -> Self {
        match record {
            StateRecord::Waiting => Self::Waiting,
            StateRecord::Sending => Self::Sending,
            StateRecord::Rejected { refusal, reason } => Self::Rejected {
                reason: crate::refusal::from_record(refusal, Some(reason.clone())),
                said: reason,
            },
        }
    }
}

impl From<EntryState> for StateRecord {
    fn from(state: EntryState) -> Self {
        match state {
            EntryState::Waiting => Self::Waiting,
            EntryState::Sending => Self::Sending,
            EntryState::Rejected { reason, said } => Self::Rejected {
                refusal: Some(reason),
                reason: said,
            },
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub mutation: Mutation,
    #[serde(flatten)]
    pub state: EntryState,
}

/// The writes not yet settled with the server, in the order they were made.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outbox {
    entries: Vec<Entry>,
}

impl Outbox {
    /// Adds a write to the end. A write already here (same id) is not added twice.
    pub fn enqueue(&mut self, mutation: Mutation) {
        if !self.entries.iter().any(|e| e.mutation.id == mutation.id) {
            self.entries.push(Entry {
                mutation,
                state: EntryState::Waiting,
            });
        }
    }

    /// How many writes are still to reach the server ("3 waiting to send").
    pub fn waiting(&self) -> usize {
        self.entries
            .iter()
            .filter(|e| !matches!(e.state, EntryState::Rejected { .. }))
            .count()
    }

    /// The writes waiting, oldest first, for showing them marked as not yet sent.
    pub fn pending(&self) -> impl Iterator<Item = &Mutation> {
        self.entries
            .iter()
            .filter(|e| !matches!(e.state, EntryState::Rejected { .. }))
            .map(|e| &e.mutation)
    }

    /// Refusals to explain to the person: (the write, the server's reason).
    pub fn rejected(&self) -> impl Iterator<Item = (&Mutation, &Refusal)> {
        self.entries.iter().filter_map(|e| match &e.state {
            EntryState::Rejected { reason, .. } => Some((&e.mutation, reason)),
            _ => None,
        })
    }

    /// The next batch to send: the oldest waiting writes, at most `max` of them and at most
    /// `max_bytes` as JSON (but always at least one), marked as sending. Empty while a batch
    /// is already out, so writes reach the server in the order made.
    pub fn next_batch(&mut self, max: usize, max_bytes: usize) -> Vec<Mutation> {
        if self.entries.iter().any(|e| e.state == EntryState::Sending) {
            return Vec::new();
        }
        let (mut batch, mut bytes) = (Vec::new(), 0);
        for entry in self
            .entries
            .iter_mut()
            .filter(|e| e.state == EntryState::Waiting)
            .take(max)
        {
            let size = serde_json::to_string(&entry.mutation).map_or(0, |json| json.len() + 1);
            if !batch.is_empty() && bytes + size > max_bytes {
                break;
            }
            bytes += size;
            entry.state = EntryState::Sending;
            batch.push(entry.mutation.clone());
        }
        batch
    }

    /// Applies the server's answers: applied writes leave, refused ones stay to be explained,
    /// and any sent write the answer did not mention waits to be sent again.
    pub fn settle(&mut self, results: &[PushResult]) {
        self.entries.retain_mut(|entry| {
            let answer = results.iter().find(|r| r.id == entry.mutation.id);
            match (answer.map(|r| (&r.outcome, &r.reason)), &entry.state) {
                (Some((Outcome::Applied, _)), _) => false,
                (Some((Outcome::Rejected { reason }, said)), _) => {
                    let said = said.clone().unwrap_or_default();
                    // A refusal this version does not know is shown in the server's words.
                    let reason = match reason {
                        Refusal::Said { text } if text.is_empty() => {
                            Refusal::Said { text: said.clone() }
                        }
                        known => known.clone(),
                    };
                    entry.state = EntryState::Rejected { reason, said };
                    true
                }
                (None, EntryState::Sending) => {
                    entry.state = EntryState::Waiting;
                    true
                }
                (None, _) => true,
            }
        });
    }

    /// The send failed without an answer (no signal, a dropped connection, a server restart):
    /// everything in flight waits to be sent again, under the same ids.
    pub fn send_failed(&mut self) {
        for entry in &mut self.entries {
            if entry.state == EntryState::Sending {
                entry.state = EntryState::Waiting;
            }
        }
    }

    /// The person has read a refusal: let it go.
    pub fn dismiss(&mut self, id: &str) {
        self.entries
            .retain(|e| !(e.mutation.id == id && matches!(e.state, EntryState::Rejected { .. })));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        sync::fixtures::{applied, claim},
        MutationKind,
    };

    fn ids(batch: &[Mutation]) -> Vec<&str> {
        batch.iter().map(|m| m.id.as_str()).collect()
    }

    #[test]
    fn writes_go_out_oldest_first_one_batch_at_a_time() {
        let mut outbox = Outbox::default();
        for id in ["a", "b", "c"] {
            outbox.enqueue(claim(id));
        }
        outbox.enqueue(claim("a"));
        assert_eq!(outbox.waiting(), 3, "the same write is queued once");
        assert_eq!(ids(&outbox.next_batch(2, usize::MAX)), ["a", "b"]);
        assert!(
            outbox.next_batch(2, usize::MAX).is_empty(),
            "no second batch while one is out"
        );
        outbox.settle(&[applied("a"), applied("b")]);
        assert_eq!(ids(&outbox.next_batch(2, usize::MAX)), ["c"]);
    }

    #[test]
    fn long_writes_are_split_into_batches_that_fit_the_body_limit() {
        let mut outbox = Outbox::default();
        for id in ["a", "b", "c"] {
            let mut long = claim(id);
            long.kind = MutationKind::Reply {
                reply_id: id.into(),
                post_id: "p".into(),
                body: "x".repeat(400),
            };
            outbox.enqueue(long);
        }
        assert_eq!(ids(&outbox.next_batch(10, 1_000)), ["a", "b"]);
        outbox.settle(&[applied("a"), applied("b")]);
        assert_eq!(
            ids(&outbox.next_batch(10, 10)),
            ["c"],
            "one write larger than the cap still goes, alone"
        );
    }

    #[test]
    fn a_dropped_connection_loses_nothing_and_resends_the_same_ids() {
        let mut outbox = Outbox::default();
        outbox.enqueue(claim("a"));
        outbox.enqueue(claim("b"));
        let first = outbox.next_batch(10, usize::MAX);
        outbox.send_failed();
        assert_eq!(outbox.waiting(), 2);
        assert_eq!(
            outbox.next_batch(10, usize::MAX),
            first,
            "the retry carries the same ids"
        );
    }

    #[test]
    fn an_answer_that_leaves_a_write_out_keeps_it_waiting() {
        let mut outbox = Outbox::default();
        outbox.enqueue(claim("a"));
        outbox.enqueue(claim("b"));
        outbox.next_batch(10, usize::MAX);
        outbox.settle(&[applied("a")]);
        assert_eq!(ids(&outbox.next_batch(10, usize::MAX)), ["b"]);
    }

    #[test]
    fn refusals_are_kept_to_be_explained_until_dismissed() {
        let mut outbox = Outbox::default();
        outbox.enqueue(claim("a"));
        outbox.next_batch(10, usize::MAX);
        let reason = Refusal::AlreadyHelping {
            helper: Some("Sam K.".into()),
        };
        outbox.settle(&[PushResult {
            id: "a".into(),
            outcome: Outcome::Rejected {
                reason: reason.clone(),
            },
            reason: Some("Sam K. is already helping with this.".into()),
        }]);
        assert_eq!(outbox.waiting(), 0);
        assert_eq!(
            outbox
                .rejected()
                .map(|(m, r)| (m.id.as_str(), r))
                .collect::<Vec<_>>(),
            [("a", &reason)]
        );
        assert!(
            outbox.next_batch(10, usize::MAX).is_empty(),
            "a refused write is not sent again"
        );
        outbox.dismiss("a");
        assert_eq!(outbox.rejected().count(), 0);
    }

    #[test]
    fn the_outbox_survives_being_stored_and_read_back() {
        let mut outbox = Outbox::default();
        outbox.enqueue(claim("a"));
        outbox.enqueue(claim("b"));
        outbox.next_batch(1, usize::MAX);
        let stored = serde_json::to_string(&outbox).unwrap();
        let mut restored: Outbox = serde_json::from_str(&stored).unwrap();
        assert_eq!(restored, outbox);
        // A reload mid-send: whatever was in flight is sent again.
        restored.send_failed();
        assert_eq!(ids(&restored.next_batch(10, usize::MAX)), ["a", "b"]);
    }

    #[test]
    fn an_outbox_is_shared_with_a_tab_still_running_the_version_before_typed_refusals() {
        // How that version reads an outbox entry's state: a refusal only as words.
        #[derive(Deserialize)]
        #[serde(tag = "state", rename_all = "snake_case")]
        #[allow(dead_code)]
        enum BeforeTyped {
            Waiting,
            Sending,
            Rejected { reason: String },
        }
        #[derive(Deserialize)]
        #[allow(dead_code)]
        struct BeforeEntry {
            mutation: Mutation,
            #[serde(flatten)]
            state: BeforeTyped,
        }
        #[derive(Deserialize)]
        struct BeforeOutbox {
            entries: Vec<BeforeEntry>,
        }
        let mut outbox = Outbox::default();
        outbox.enqueue(claim("a"));
        outbox.enqueue(claim("b"));
        outbox.next_batch(1, usize::MAX);
        outbox.settle(&[PushResult {
            id: "a".into(),
            outcome: Outcome::Rejected {
                reason: Refusal::OwnPost,
            },
            reason: Some("This is your own post.".into()),
        }]);
        let stored = serde_json::to_string(&outbox).unwrap();
        let before: BeforeOutbox = serde_json::from_str(&stored).expect("the old tab reads it");
        assert!(matches!(
            &before.entries[0].state,
            BeforeTyped::Rejected { reason } if reason == "This is your own post."
        ));
        assert_eq!(before.entries.len(), 2, "and loses no write");
        // And an outbox that version stored reads here, its refusal in its words.
        let old = r#"{"entries":[{"mutation":{"id":"m","created_at_ms":0,"kind":"claim","payload":{"post_id":"p"}},"state":"rejected","reason":"Taken."}]}"#;
        let read: Outbox = serde_json::from_str(old).unwrap();
        let refusals: Vec<_> = read.rejected().map(|(_, r)| r.clone()).collect();
        assert_eq!(
            refusals,
            [Refusal::Said {
                text: "Taken.".into()
            }]
        );
    }
}
