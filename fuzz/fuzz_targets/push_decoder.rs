//! What the server does with a push's body before anything is stored, on any bytes: decode it
//! (`PushRequest`), validate each mutation as the server and the browser do, and for what
//! decodes, check it reads back as it was sent. A panic, an overflow or a hang is a finding;
//! `cargo xtask fuzz` runs this for a fixed time.

#![no_main]

use libfuzzer_sys::fuzz_target;
use model::sync::wire::PushRequest;

fuzz_target!(|bytes: &[u8]| {
    let Ok(push) = serde_json::from_slice::<PushRequest>(bytes) else {
        return;
    };
    for mutation in &push.mutations {
        let _ = mutation.validate();
    }
    let sent = serde_json::to_vec(&push).expect("a decoded push encodes");
    let again: PushRequest = serde_json::from_slice(&sent).expect("and decodes again");
    assert_eq!(again, push, "a push reads back as it was sent");
});
