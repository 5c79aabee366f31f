//! Bringing a database up to this version at start-up: the SQL migrations, then what SQL
//! cannot do, keying every name as `model::names` says (Unicode normalisation and confusables
//! are Rust's to compute). Idempotent: every start runs it, and a start with nothing to change
//! only reads the names.

use std::collections::HashSet;

use model::{names, AppError};
use sqlx::migrate::Migrator;

use crate::{error::OrInternal, Backend, Db, StorageError};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

/// One account's name as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
struct StoredName {
    id: String,
    display_name: String,
    name_key: String,
    name_likeness: String,
}

/// What keying the names anew changes, in the order to change it.
#[derive(Debug, Default, PartialEq, Eq)]
struct Rekeying {
    /// (account, new key): each key free when its turn comes, so no step breaks uniqueness.
    keys: Vec<(String, String)>,
    /// (account, likeness) where it differs from the stored one.
    likenesses: Vec<(String, String)>,
    /// Accounts that keep their old key because another account holds their new one.
    kept: Vec<String>,
}

/// Decides the new keys. An account already holding its right key keeps it. One whose new key
/// another account holds keeps its old key (and signs in as before: `accounts::sign_in`
/// looks for the old key too): two people whose names used to differ, such as "Ｍargaret"
/// (full width) and "Margaret", must both still be able to sign in, and neither may take the
/// other's account. When several want one free key, the oldest account (first in `names`)
/// has it.
fn rekeying(names: &[StoredName]) -> Rekeying {
    let mut held: HashSet<&str> = names.iter().map(|n| n.name_key.as_str()).collect();
    let new_keys: Vec<String> = names
        .iter()
        .map(|n| names::name_key(&n.display_name))
        .collect();
    let mut waiting: Vec<usize> = (0..names.len())
        .filter(|&i| new_keys[i] != names[i].name_key)
        .collect();
    let mut plan = Rekeying::default();
    // A key set free by one move may be another's new key, so go round until nothing moves.
    loop {
        let before = waiting.len();
        waiting.retain(|&i| {
            if held.contains(new_keys[i].as_str()) {
                return true;
            }
            held.remove(names[i].name_key.as_str());
            held.insert(new_keys[i].as_str());
            plan.keys.push((names[i].id.clone(), new_keys[i].clone()));
            false
        });
        if waiting.len() == before {
            break;
        }
    }
    plan.kept = waiting.into_iter().map(|i| names[i].id.clone()).collect();
    plan.likenesses = names
        .iter()
        .filter_map(|n| {
            let likeness = names::likeness(&n.display_name);
            (likeness != n.name_likeness).then(|| (n.id.clone(), likeness))
        })
        .collect();
    plan
}

impl Rekeying {
    fn is_empty(&self) -> bool {
        self.keys.is_empty() && self.likenesses.is_empty()
    }
}

/// How a deleted account's name key begins (`Db::delete_account`): it names nobody, so keying
/// anew leaves it alone, and, beginning with a control character no name may hold, no name
/// typed at sign-in or sign-up can reach it.
pub(crate) const DELETED_KEY_PREFIX: &str = "\u{1}deleted:";

/// Every account's name but deleted ones'; `$1` is `deleted_keys()`.
const READ_NAMES: &str = "SELECT id, display_name, name_key, name_likeness FROM users \
     WHERE name_key NOT LIKE $1 ORDER BY created_at_ms, id";

fn deleted_keys() -> String {
    format!("{DELETED_KEY_PREFIX}%")
}

impl Db {
    /// Applies every migration not yet applied, in order, each in its own transaction; then
    /// keys older accounts' names as `model::names` does now.
    pub async fn migrate(&self) -> Result<(), StorageError> {
        let migrator = match self.backend() {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.run(self.pool()).await?;
        self.rekey_names()
            .await
            .map_err(|_| StorageError::RekeyNames)
    }

    /// Keys and likenesses for every account whose stored ones differ from what `model::names`
    /// gives now: accounts from before names were keyed this way, made by a server of an older
    /// version still running beside this one, or keyed by an older Unicode. All in one
    /// transaction.
    async fn rekey_names(&self) -> Result<(), AppError> {
        let stored: Vec<StoredName> = sqlx::query_as(READ_NAMES)
            .bind(deleted_keys())
            .fetch_all(self.pool())
            .await
            .internal()?;
        if rekeying(&stored).is_empty() {
            return Ok(());
        }
        self.to_the_end(|db, on_its_own| async move {
            let mut tx = db.begin_write(&on_its_own).await?;
            if db.backend() == Backend::Postgres {
                // Sign-ups on other servers wait, so no key chosen here is taken meanwhile.
                // (SQLite's write lock, taken by `begin_write`, already holds them.)
                sqlx::query("LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE")
                    .execute(&mut **tx)
                    .await
                    .internal()?;
            }
            let stored: Vec<StoredName> = sqlx::query_as(READ_NAMES)
                .bind(deleted_keys())
                .fetch_all(&mut **tx)
                .await
                .internal()?;
            let plan = rekeying(&stored);
            let updates = [
                ("UPDATE users SET name_key = $1 WHERE id = $2", &plan.keys),
                (
                    "UPDATE users SET name_likeness = $1 WHERE id = $2",
                    &plan.likenesses,
                ),
            ];
            for (update, changes) in updates {
                for (id, value) in changes {
                    sqlx::query(update)
                        .bind(value)
                        .bind(id)
                        .execute(&mut **tx)
                        .await
                        .internal()?;
                }
            }
            tx.commit().await?;
            for id in &plan.kept {
                tracing::warn!(
                    "names: account {id} keeps its old sign-in key, because its name now has \
                     the same key as another account's; both still sign in as before"
                );
            }
            tracing::info!(
                "names: keyed {} accounts anew, {} likenesses",
                plan.keys.len(),
                plan.likenesses.len()
            );
            Ok(())
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(id: &str, display_name: &str, name_key: &str) -> StoredName {
        StoredName {
            id: id.into(),
            display_name: display_name.into(),
            name_key: name_key.into(),
            name_likeness: names::likeness(display_name),
        }
    }

    #[test]
    fn an_account_already_keyed_right_keeps_its_key_and_the_other_keeps_its_old_one() {
        // The full-width Margaret is older, but the other already holds "margaret".
        let plan = rekeying(&[
            stored("wide", "Ｍargaret", "ｍargaret"),
            stored("plain", "Margaret", "margaret"),
        ]);
        assert_eq!(plan.keys, []);
        assert_eq!(plan.kept, ["wide"]);
    }

    #[test]
    fn of_two_wanting_one_free_key_the_older_has_it() {
        let plan = rekeying(&[
            stored("older", "ＳＡＭ", "ｓａｍ"),
            stored("newer", "Ｓam", "ｓam"),
        ]);
        assert_eq!(plan.keys, [("older".to_string(), "sam".to_string())]);
        assert_eq!(plan.kept, ["newer"]);
    }

    #[test]
    fn a_key_set_free_by_one_move_goes_to_whoever_wants_it() {
        // "b" holds "x" now but moves to "bee"; "a", first in line, wants "x".
        let plan = rekeying(&[stored("a", "X", "a-old"), stored("b", "Bee", "x")]);
        assert_eq!(
            plan.keys,
            [
                ("b".to_string(), "bee".to_string()),
                ("a".to_string(), "x".to_string())
            ]
        );
        assert!(plan.kept.is_empty());
    }

    #[test]
    fn names_keyed_right_need_nothing() {
        let mut margaret = stored("m", "Margaret", "margaret");
        assert!(rekeying(std::slice::from_ref(&margaret)).is_empty());
        margaret.name_likeness = String::new();
        assert_eq!(
            rekeying(&[margaret]).likenesses,
            [("m".to_string(), names::likeness("Margaret"))]
        );
    }
}
