//! The IndexedDB adapter: one object store of JSON strings by key ("viewer", "board:<slug>",
//! "outbox:<user id>"). Whole values, read and written in single transactions, so another tab
//! writing at the same moment never leaves a half-written outbox.

use idb::{
    Database, Factory, KeyRange, ObjectStore, ObjectStoreParams, Query, Transaction,
    TransactionMode,
};
use serde::{de::DeserializeOwned, Serialize};
use wasm_bindgen::JsValue;

const DATABASE: &str = "streetboard";
const VERSION: u32 = 1;
const STORE: &str = "kv";

/// The phone's store. Errors are sentences for the console: the engine carries on without
/// the store rather than stopping the page.
pub struct LocalStore {
    db: Database,
}

fn text(error: impl std::fmt::Display) -> String {
    format!("local store: {error}")
}

impl LocalStore {
    /// A transaction on the one object store, and the store.
    fn begin(&self, mode: TransactionMode) -> Result<(Transaction, ObjectStore), String> {
        let tx = self.db.transaction(&[STORE], mode).map_err(text)?;
        let store = tx.object_store(STORE).map_err(text)?;
        Ok((tx, store))
    }

    pub async fn open() -> Result<Self, String> {
        let factory = Factory::new().map_err(text)?;
        let mut request = factory.open(DATABASE, Some(VERSION)).map_err(text)?;
        request.on_upgrade_needed(|event| {
            use idb::event::DatabaseEvent;
            if let Ok(db) = event.database() {
                if !db.store_names().iter().any(|name| name == STORE) {
                    let _ = db.create_object_store(STORE, ObjectStoreParams::new());
                }
            }
        });
        let db = request.await.map_err(text)?;
        Ok(Self { db })
    }

    pub async fn get<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, String> {
        let (_tx, store) = self.begin(TransactionMode::ReadOnly)?;
        let value = store
            .get(JsValue::from_str(key))
            .map_err(text)?
            .await
            .map_err(text)?;
        Ok(value
            .and_then(|v| v.as_string())
            .and_then(|json| serde_json::from_str(&json).ok()))
    }

    /// Every value whose key starts with `prefix`.
    pub async fn all_with_prefix<T: DeserializeOwned>(
        &self,
        prefix: &str,
    ) -> Result<Vec<T>, String> {
        let (_tx, store) = self.begin(TransactionMode::ReadOnly)?;
        let range = KeyRange::bound(
            &JsValue::from_str(prefix),
            &JsValue::from_str(&format!("{prefix}\u{ffff}")),
            None,
            None,
        )
        .map_err(text)?;
        let values = store
            .get_all(Some(Query::KeyRange(range)), None)
            .map_err(text)?
            .await
            .map_err(text)?;
        Ok(values
            .into_iter()
            .filter_map(|v| v.as_string())
            .filter_map(|json| serde_json::from_str(&json).ok())
            .collect())
    }

    pub async fn put<T: Serialize>(&self, key: &str, value: &T) -> Result<(), String> {
        let (tx, store) = self.begin(TransactionMode::ReadWrite)?;
        write_and_commit(tx, &store, key, value).await
    }

    pub async fn delete(&self, key: &str) -> Result<(), String> {
        let (tx, store) = self.begin(TransactionMode::ReadWrite)?;
        store
            .delete(JsValue::from_str(key))
            .map_err(text)?
            .await
            .map_err(text)?;
        tx.commit().map_err(text)?.await.map_err(text)?;
        Ok(())
    }

    /// Reads the value at `key` (or its default), changes it with `change`, and writes it
    /// back, all in one transaction: a change made by another tab in between cannot be lost.
    /// Returns the value as written. A value this version cannot read (stored by a later one,
    /// in another tab) is an error and is left as it is, never replaced by a default.
    pub async fn update<T>(&self, key: &str, change: impl FnOnce(&mut T)) -> Result<T, String>
    where
        T: Serialize + DeserializeOwned + Default,
    {
        let (tx, store) = self.begin(TransactionMode::ReadWrite)?;
        let stored = store
            .get(JsValue::from_str(key))
            .map_err(text)?
            .await
            .map_err(text)?
            .and_then(|v| v.as_string());
        let mut value: T = match stored {
            None => T::default(),
            Some(json) => serde_json::from_str(&json).map_err(|e| {
                text(format!(
                    "{key} is stored in a form this version cannot read ({e}); left as it is"
                ))
            })?,
        };
        change(&mut value);
        write_and_commit(tx, &store, key, &value).await?;
        Ok(value)
    }
}

/// Writes `value` as JSON at `key` and waits until the transaction has committed (so the
/// caller knows the write is on disk before it, say, sends what it wrote).
async fn write_and_commit<T: Serialize>(
    tx: Transaction,
    store: &ObjectStore,
    key: &str,
    value: &T,
) -> Result<(), String> {
    let json = serde_json::to_string(value).map_err(text)?;
    store
        .put(&JsValue::from_str(&json), Some(&JsValue::from_str(key)))
        .map_err(text)?
        .await
        .map_err(text)?;
    tx.commit().map_err(text)?.await.map_err(text)?;
    Ok(())
}
