//! Record ids: UUIDv7, made where the person presses the button (in the browser, or in the
//! server-rendered form for people without JavaScript). The server never invents ids for what
//! people write; that is what makes retries and offline writes safe to repeat.
//!
//! Ids that name people, boards and posts (and a board's slug) each have a type of their own,
//! so a board's id and its slug, or a post id and a board id, can no longer be swapped
//! silently. Each is its string as it travels: JSON, the database and the phone's copies hold
//! a plain string. Reading one never fails; whether it is well formed is checked where forms
//! and writes are checked (`is_valid_id`, `validate`), so bad input gets a field's message.

/// A string that names one kind of thing.
macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Clone,
            Debug,
            Default,
            PartialEq,
            Eq,
            Hash,
            PartialOrd,
            Ord,
            serde::Serialize,
            serde::Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<String> for $name {
            fn from(id: String) -> Self {
                Self(id)
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> Self {
                Self(id.to_string())
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        // Against text (a test's expected value, a path's piece), as a `String` compares; never
        // against another kind of id.
        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }
    };
}

/// Ids made where the write is made (see above): `new()` gives a fresh UUIDv7.
macro_rules! made_here {
    ($($name:ident),*) => {
        $(impl $name {
            pub fn new() -> Self {
                Self(new_id())
            }
        })*
    };
}

string_id! {
    /// A person (`users.id`).
    UserId
}

string_id! {
    /// A board (`boards.id`).
    BoardId
}

string_id! {
    /// A post (`posts.id`).
    PostId
}

string_id! {
    /// A board's name in its address (`/b/elm-road`), made from its name when it starts; not
    /// its id, which the sync engine, the phone's copies and every write use.
    Slug
}

made_here!(UserId, BoardId, PostId);

/// A new UUIDv7: time-ordered, so ids sort roughly by creation.
pub fn new_id() -> String {
    let mut random = [0u8; 10];
    fill_random(&mut random);
    uuid::Builder::from_unix_timestamp_millis(now_ms().max(0) as u64, &random)
        .into_uuid()
        .to_string()
}

/// Whether `id` is a UUID in its usual hyphenated lower-case form (what `new_id` makes).
pub fn is_valid_id(id: &str) -> bool {
    id.len() == 36 && uuid::Uuid::try_parse(id).is_ok_and(|u| u.hyphenated().to_string() == id)
}

/// Milliseconds since the Unix epoch, on either side.
pub fn now_ms() -> i64 {
    #[cfg(target_arch = "wasm32")]
    {
        js_sys::Date::now() as i64
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or_default()
    }
}

#[cfg(target_arch = "wasm32")]
fn fill_random(bytes: &mut [u8]) {
    // The Web Crypto API is in every browser we support; if it were ever missing, Math.random
    // still gives distinct ids, which is all an id needs (they are not secrets).
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(bytes).is_ok());
    if !filled {
        for b in bytes.iter_mut() {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn fill_random(bytes: &mut [u8]) {
    use std::hash::{BuildHasher, Hasher};
    // Native builds (server, tests) without pulling an RNG into the browser build: the std
    // hasher is randomly keyed per process, and mixing in a counter and the clock keeps ids
    // distinct. Ids are not secrets; session tokens use a real CSPRNG on the server.
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let state = std::collections::hash_map::RandomState::new();
    for chunk in bytes.chunks_mut(8) {
        let mut hasher = state.build_hasher();
        hasher.write_u64(COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
        hasher.write_i64(now_ms());
        let word = hasher.finish().to_le_bytes();
        chunk.copy_from_slice(&word[..chunk.len()]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_ids_are_valid_distinct_and_time_ordered() {
        let ids: Vec<String> = (0..1000).map(|_| new_id()).collect();
        assert!(ids.iter().all(|id| is_valid_id(id)));
        let unique: std::collections::HashSet<_> = ids.iter().collect();
        assert_eq!(unique.len(), ids.len());
        assert_eq!(
            uuid::Uuid::parse_str(&ids[0])
                .map(|u| u.get_version_num())
                .ok(),
            Some(7)
        );
    }

    #[test]
    fn typed_ids_travel_as_plain_strings() {
        let id = UserId::new();
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, format!("\"{id}\""));
        assert_eq!(serde_json::from_str::<UserId>(&json).unwrap(), id);
        // Reading never judges: a malformed id is refused later, by the field's check.
        assert_eq!(
            serde_json::from_str::<UserId>("\"not-an-id\"").unwrap(),
            UserId::from("not-an-id")
        );
    }

    #[test]
    fn only_canonical_uuids_are_ids() {
        assert!(is_valid_id("01890a5d-ac96-774b-bcce-b302099a8057"));
        assert!(!is_valid_id("01890A5D-AC96-774B-BCCE-B302099A8057"));
        assert!(!is_valid_id("not-an-id"));
        assert!(!is_valid_id(""));
    }
}
