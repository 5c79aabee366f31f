//! Properties of the shared rules under arbitrary input (issue 11, item 15): the validators and
//! the decoders of what phones send never panic, whatever arrives; a title or a name the
//! validators accept is within its limits and holds no character the rules refuse; and what a
//! phone sends decodes back to itself. The server and the browser run this same code.

use model::{
    names,
    private_text::giveaway,
    sync::wire::{PullResponse, PushRequest, PushResponse},
    validate::{self, TITLE_MAX},
    Mutation, Outcome,
};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn the_validators_answer_any_text_without_panicking(text in any::<String>()) {
        let _ = validate::title(&text);
        let _ = validate::details(&text);
        let _ = validate::reply(&text);
        let _ = validate::display_name(&text);
        let _ = validate::phone(&text);
        let _ = validate::email(&text);
        let _ = validate::streets(&text);
        let _ = validate::password(&text, &text);
        let _ = validate::nothing_private(&text, &text);
        let _ = giveaway(&text);
        let _ = names::name_key(&text);
        let _ = names::likeness(&text);
    }

    #[test]
    fn an_accepted_title_is_within_its_limits(text in "\\PC{0,120}") {
        if validate::title(&text).is_ok() {
            let length = text.trim().chars().count();
            prop_assert!((3..=TITLE_MAX).contains(&length), "{length}: {text:?}");
            prop_assert!(!text.chars().any(char::is_control), "{text:?}");
        }
    }

    #[test]
    fn an_accepted_name_holds_nothing_invisible_or_turning(text in any::<String>()) {
        if validate::display_name(&text).is_ok() {
            prop_assert_eq!(names::first_unshowable(&text), None, "{:?}", text);
        }
    }

    #[test]
    fn a_name_and_its_key_share_a_key(text in "\\PC{1,40}") {
        // Keying is settled: the key of a key is itself, so sign-in finds what sign-up stored.
        let key = names::name_key(&text);
        prop_assert_eq!(names::name_key(&key), key);
    }

    #[test]
    fn any_bytes_sent_as_a_push_are_read_or_refused_never_a_panic(bytes in any::<Vec<u8>>()) {
        if let Ok(push) = serde_json::from_slice::<PushRequest>(&bytes) {
            for mutation in &push.mutations {
                let _ = mutation.validate();
            }
        }
        let _ = serde_json::from_slice::<PullResponse>(&bytes);
        let _ = serde_json::from_slice::<PushResponse>(&bytes);
        let _ = serde_json::from_slice::<Outcome>(&bytes);
    }

    #[test]
    fn any_json_shaped_like_a_mutation_is_read_or_refused(
        kind in prop::sample::select(vec![
            "create_post", "claim", "share_details", "release", "mark_done", "withdraw",
            "set_pinned", "remove", "reply", "volunteer", "coordinate", "moderate", "nonsense",
        ]),
        payload in arbitrary_json(),
    ) {
        let json = serde_json::json!({
            "id": "01a22f10-12fb-7d75-aeb4-4cc149adb77e",
            "created_at_ms": 0,
            "kind": kind,
            "payload": payload,
        });
        if let Ok(mutation) = serde_json::from_value::<Mutation>(json) {
            // What decodes is validated like anything else, and sent again reads the same.
            let _ = mutation.validate();
            let sent = serde_json::to_string(&mutation).expect("a mutation is JSON");
            let again: Mutation = serde_json::from_str(&sent).expect("read back");
            prop_assert_eq!(again, mutation);
        }
    }
}

/// JSON of any shape, a few levels deep, with the field names a mutation's payload uses, so
/// the decoder meets near misses as well as nonsense.
fn arbitrary_json() -> impl Strategy<Value = serde_json::Value> {
    let names = prop::sample::select(vec![
        "post_id",
        "board_id",
        "post_kind",
        "category",
        "title",
        "details",
        "urgency",
        "expires_in_days",
        "needs_vetting",
        "share_details",
        "confirmed_public",
        "claimant",
        "pinned",
        "reply_id",
        "body",
        "action",
        "reason",
        "x",
    ]);
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<String>().prop_map(serde_json::Value::from),
        Just(serde_json::Value::from("request")),
        Just(serde_json::Value::from("shopping")),
        Just(serde_json::Value::from("today")),
    ];
    leaf.prop_recursive(3, 24, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
            prop::collection::btree_map(names.clone(), inner, 0..8).prop_map(|map| {
                serde_json::Value::Object(
                    map.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
                )
            }),
        ]
    })
}
