//! The store's modules import downwards only: a base (the database handle and what every query
//! needs), leaves that features share and that import no feature, the features, and `apply` on
//! top. A module may name (`crate::module::…`, or a name the crate root re-exports from it) only
//! modules listed before it in `LAYERS`; this test fails on any other import, naming it.
//!
//! What it cannot see: methods that one module adds to `Db` and another calls (`self.…`): reads
//! a feature offers (`require_membership`, `my_boards`), and `Db::apply`, which the push
//! (`sync`) and the demo street (`demo`) call to write through the exactly-once envelope.

use std::{collections::HashMap, fs, path::Path};

/// Every module of `store/src`, lowest first.
const LAYERS: &[(&str, &[&str])] = &[
    (
        "base",
        &[
            "error", "url", "password", "live", "db", "write", "schema", "testing",
        ],
    ),
    (
        "leaves",
        &[
            "access",
            "attempts",
            "audit",
            "changes",
            "name_changes",
            "claims",
            "departure",
            "rows",
            "vetting",
        ],
    ),
    (
        "features",
        &[
            "accounts",
            "stream_access",
            "own_account",
            "boards",
            "posts",
            "moderation",
            "coordination",
            "post_writes",
            "volunteers",
            "sync",
            "export",
            "moderation_page",
            "my_data",
            "backup",
            "demo",
        ],
    ),
    ("envelope", &["apply", "batch"]),
    // The tests' story builders (behind the `test-support` feature) act through everything.
    ("test stories", &["story"]),
];

fn src() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src"))
}

/// Each module's position, lowest first.
fn ranks() -> HashMap<&'static str, usize> {
    LAYERS
        .iter()
        .flat_map(|(_, modules)| modules.iter())
        .enumerate()
        .map(|(rank, module)| (*module, rank))
        .collect()
}

/// The top-level items of a `{ … }` group (`a::{b, c}, d` gives `a::{b, c}` and `d`).
fn items(group: &str) -> Vec<&str> {
    let (mut items, mut depth, mut start) = (Vec::new(), 0, 0);
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(group[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(group[start..].trim());
    items.into_iter().filter(|item| !item.is_empty()).collect()
}

/// The first path segment of everything `code` names through `crate::`.
fn named_from_crate(code: &str) -> Vec<String> {
    named_through(code, "crate::")
}

/// The first path segment of everything `code` names through `prefix` (`crate::`, `super::`).
fn named_through(code: &str, prefix: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find(prefix) {
        rest = &rest[at + prefix.len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 1;
            let end = group
                .char_indices()
                .find(|&(_, c)| {
                    depth += match c {
                        '{' => 1,
                        '}' => -1,
                        _ => 0,
                    };
                    depth == 0
                })
                .map_or(group.len(), |(i, _)| i);
            for item in items(&group[..end]) {
                names.push(first_segment(item));
            }
        } else {
            names.push(first_segment(rest));
        }
    }
    names
}

fn first_segment(path: &str) -> String {
    path.chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

/// What the crate root re-exports, by name: `pub use boards::NewBoard;` gives NewBoard → boards.
fn root_exports() -> HashMap<String, String> {
    let lib = fs::read_to_string(src().join("lib.rs")).expect("lib.rs");
    let mut exports = HashMap::new();
    for statement in lib.split(';') {
        let Some(path) = statement.trim().strip_prefix("pub use ") else {
            continue;
        };
        let Some((module, names)) = path.split_once("::") else {
            continue;
        };
        let names = names.trim_start_matches('{').trim_end_matches('}');
        for name in items(names) {
            let exported = name.rsplit(" as ").next().unwrap_or(name);
            exports.insert(first_segment(exported), module.to_string());
        }
    }
    exports
}

/// Code without its comments (a doc line may mention any module).
fn code_of(text: &str) -> String {
    text.lines()
        .map(|line| line.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_module_of_the_store_is_in_one_layer() {
    let ranks = ranks();
    let mut files: Vec<String> = fs::read_dir(src())
        .expect("store/src")
        .filter_map(|entry| {
            let name = entry.ok()?.file_name().into_string().ok()?;
            name.strip_suffix(".rs").map(String::from)
        })
        .filter(|module| module != "lib")
        .collect();
    let folders: Vec<String> = fs::read_dir(src())
        .expect("store/src")
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.path().is_dir())
        .filter_map(|entry| entry.file_name().into_string().ok())
        .collect();
    assert!(
        folders.is_empty(),
        "store/src has folder modules {folders:?}: this check reads flat files only; extend it first"
    );
    files.sort();
    let unplaced: Vec<&String> = files
        .iter()
        .filter(|m| !ranks.contains_key(m.as_str()))
        .collect();
    assert!(
        unplaced.is_empty(),
        "place these modules in LAYERS (store/tests/layering.rs): {unplaced:?}"
    );
}

#[test]
fn the_stores_imports_point_down_only() {
    let ranks = ranks();
    let exports = root_exports();
    let mut upward = Vec::new();
    for (module, rank) in &ranks {
        let text = fs::read_to_string(src().join(format!("{module}.rs")))
            .unwrap_or_else(|e| panic!("store/src/{module}.rs: {e}"));
        let code = code_of(&text);
        // In a flat file `super::` is the crate root; a test module's `super::*` names no module.
        let through_super = named_through(&code, "super::")
            .into_iter()
            .filter(|name| ranks.contains_key(name.as_str()));
        for name in named_from_crate(&code).into_iter().chain(through_super) {
            let target = exports.get(&name).cloned().unwrap_or(name.clone());
            if target == *module {
                continue;
            }
            match ranks.get(target.as_str()) {
                Some(target_rank) if target_rank < rank => {}
                Some(_) => upward.push(format!("{module} imports {target} (via `crate::{name}`)")),
                None => upward.push(format!(
                    "{module} names `crate::{name}`, not a known module"
                )),
            }
        }
    }
    upward.sort();
    upward.dedup();
    assert!(
        upward.is_empty(),
        "imports that do not point down (see LAYERS in store/tests/layering.rs):\n{}",
        upward.join("\n")
    );
}

#[test]
fn the_check_sees_grouped_imports_and_reexports() {
    assert_eq!(
        named_from_crate("use crate::{access::{a, b}, error::OrInternal, Db};\nx(crate::rows::R)"),
        ["access", "error", "Db", "rows"]
    );
    assert_eq!(
        named_through("use super::apply::bump;\nuse super::*;", "super::"),
        ["apply", ""]
    );
    assert_eq!(root_exports().get("Db").map(String::as_str), Some("db"));
    assert_eq!(
        root_exports().get("NewBoard").map(String::as_str),
        Some("boards")
    );
}
