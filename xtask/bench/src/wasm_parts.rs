//! Where the wasm's bytes go: `twiggy` on the front end as cargo built it (the shipped file,
//! after wasm-bindgen and wasm-opt, keeps no names), each item's bytes summed by crate and by
//! module of our own crates, and the largest items. Every later change to the weight is read
//! against this.

use std::{collections::HashMap, path::Path, process::Command};

use serde::Deserialize;

use crate::{
    report::{Row, Section, Unit},
    stats::Runs,
};

/// The front end as cargo built it for `cargo leptos build --release`, names kept.
pub const NAMED_WASM: &str = "target/front/wasm32-unknown-unknown/wasm-release/frontend.wasm";
/// Our crates, whose bytes are also shown by module.
const OWN_CRATES: [&str; 3] = ["app", "model", "frontend"];
/// Rows in each table.
const SHOWN: usize = 15;

#[derive(Deserialize)]
struct Item {
    name: String,
    shallow_size: u64,
}

/// What an item is, for summing.
#[derive(Debug, PartialEq, Eq)]
enum Part {
    /// Names and custom sections: dropped before the file ships.
    NotShipped,
    /// Constant data (strings, tables of the code).
    Data,
    /// The module's own bookkeeping (types, imports, the function table) and code with no name.
    Other,
    /// Code of a crate, by its name and module path (at most three segments).
    Code { krate: String, module: String },
}

/// The breakdown of the wasm at `path` as a report section.
pub fn section(path: &Path) -> Result<Section, String> {
    let out = Command::new("twiggy")
        .args(["top", "-n", "10000000", "--format", "json"])
        .arg(path)
        .output()
        .map_err(|e| format!("twiggy: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "twiggy top {}: {}",
            path.display(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let items: Vec<Item> =
        serde_json::from_slice(&out.stdout).map_err(|e| format!("twiggy's answer: {e}"))?;
    Ok(breakdown(&items))
}

fn breakdown(items: &[Item]) -> Section {
    let (mut by_crate, mut by_module) = (HashMap::new(), HashMap::new());
    let (mut data, mut other, mut shipped) = (0u64, 0u64, 0u64);
    let mut code_items: Vec<&Item> = Vec::new();
    for item in items {
        match part_of(&item.name) {
            Part::NotShipped => continue,
            Part::Data => data += item.shallow_size,
            Part::Other => other += item.shallow_size,
            Part::Code { krate, module } => {
                if OWN_CRATES.contains(&krate.as_str()) {
                    *by_module.entry(module).or_insert(0) += item.shallow_size;
                }
                *by_crate.entry(krate).or_insert(0) += item.shallow_size;
                code_items.push(item);
            }
        }
        shipped += item.shallow_size;
    }
    let mut section = Section::new(
        "6. Where the wasm's bytes go",
        "`twiggy top` on the front end as cargo built it (release profile, before wasm-bindgen \
         and wasm-opt: the shipped file keeps no names), names and custom sections left out. \
         wasm-opt shrinks the whole by about a third, so read the shares, not the bytes. Code \
         is summed by the crate its item's path starts with (a generic function counts where \
         it is defined, e.g. serde_json's parser instantiated for our types), and by module \
         for our own crates.",
    );
    section.row(Row::new(
        "Code and data before wasm-opt",
        Runs(vec![shipped as f64]),
        Unit::Bytes,
    ));
    let share = |bytes: u64| 100.0 * bytes as f64 / shipped.max(1) as f64;
    let mut crates: Vec<(String, u64)> = by_crate.into_iter().collect();
    crates.push(("(constant data)".into(), data));
    crates.push(("(types, imports, tables, unnamed code)".into(), other));
    section.note(table("Crate", &largest(crates), share));
    section.note(table(
        "Module of our crates",
        &largest(by_module.into_iter().collect()),
        share,
    ));
    code_items.sort_by(|a, b| {
        b.shallow_size
            .cmp(&a.shallow_size)
            .then(a.name.cmp(&b.name))
    });
    let top: Vec<(String, u64)> = code_items
        .iter()
        .take(SHOWN)
        .map(|item| (short(&item.name), item.shallow_size))
        .collect();
    section.note(table("Largest functions", &top, share));
    section
}

/// The `SHOWN` largest, largest first.
fn largest(mut parts: Vec<(String, u64)>) -> Vec<(String, u64)> {
    parts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    parts.truncate(SHOWN);
    parts
}

fn table(heading: &str, rows: &[(String, u64)], share: impl Fn(u64) -> f64) -> String {
    let mut out = format!("| {heading} | Bytes | Share |\n|---|---:|---:|\n");
    for (name, bytes) in rows {
        out.push_str(&format!(
            "| `{}` | {} | {:.1} % |\n",
            name.replace('|', "\\|"),
            Unit::Bytes.format(*bytes as f64),
            share(*bytes)
        ));
    }
    out.trim_end().to_string()
}

/// A function's name without its hash suffix, cut to a readable length.
fn short(name: &str) -> String {
    let name = match name.rsplit_once("::h") {
        Some((head, hash)) if hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()) => {
            head
        }
        _ => name,
    };
    let mut short: String = name.chars().take(110).collect();
    if short.len() < name.len() {
        short.push('…');
    }
    short
}

/// Sorts one twiggy item.
fn part_of(name: &str) -> Part {
    if name.starts_with('"') || name.starts_with("custom section") {
        return Part::NotShipped;
    }
    if name.starts_with("data segment") {
        return Part::Data;
    }
    let bookkeeping = [
        "elem[", "type[", "import ", "export ", "table[", "memory[", "global[", "code[",
    ];
    if bookkeeping.iter().any(|prefix| name.starts_with(prefix)) {
        return Part::Other;
    }
    // `<&mut serde_json::de::Deserializer<R> as …>::f` belongs to serde_json; a blanket impl
    // (`<T as core::convert::Into<U>>::into`, `<[T] as …>`) to the trait's crate.
    let name = match name
        .strip_prefix('<')
        .and_then(|rest| rest.split_once(" as "))
    {
        Some((self_type, trait_path)) if !self_type.contains("::") => trait_path,
        _ => name,
    };
    let mut path = name.trim_start_matches(['<', '&', '*']);
    for prefix in ["mut ", "const ", "dyn "] {
        path = path.strip_prefix(prefix).unwrap_or(path);
    }
    let segments: Vec<&str> = path
        .split("::")
        .map(|segment| segment.split('[').next().unwrap_or(segment))
        .collect();
    let krate = segments[0]
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .next()
        .unwrap_or_default();
    if krate.is_empty() {
        return Part::Other;
    }
    // Module segments: lowercase identifiers, until a type, a closure or the hash.
    let module: Vec<&str> = segments
        .iter()
        .take(3)
        .take_while(|s| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                && !s.starts_with('_')
        })
        .copied()
        .collect();
    Part::Code {
        krate: krate.to_string(),
        module: if module.is_empty() {
            krate.to_string()
        } else {
            module.join("::")
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(krate: &str, module: &str) -> Part {
        Part::Code {
            krate: krate.into(),
            module: module.into(),
        }
    }

    #[test]
    fn items_are_sorted_by_crate_and_module() {
        assert_eq!(part_of("\"function names\" subsection"), Part::NotShipped);
        assert_eq!(
            part_of("custom section '__wasm_bindgen_unstable'"),
            Part::NotShipped
        );
        assert_eq!(part_of("data segment \".rodata\""), Part::Data);
        assert_eq!(part_of("elem[0]"), Part::Other);
        assert_eq!(part_of("code[1234]"), Part::Other);
        assert_eq!(
            part_of("app::offline::runner::store_in_turn::{{closure}}::hd109d76300ae80d4"),
            code("app", "app::offline::runner")
        );
        assert_eq!(
            part_of("model::sync::engine::Engine::on::hdea48b1435ba5669"),
            code("model", "model::sync::engine")
        );
        assert_eq!(
            part_of("model::refusal::_::<impl serde_core::ser::Serialize for model::refusal::Refusal>::serialize::hff3b8af8718cda17"),
            code("model", "model::refusal")
        );
        assert_eq!(
            part_of("<&mut serde_json::de::Deserializer<R> as serde_core::de::Deserializer>::deserialize_struct::h1916148e4c94e41c"),
            code("serde_json", "serde_json::de")
        );
        assert_eq!(
            part_of("core[c5930c85a12de822]::num::flt2dec::strategy::dragon::format_shortest"),
            code("core", "core::num::flt2dec")
        );
        assert_eq!(
            part_of("<dlmalloc[e24a27700634d609]::dlmalloc::Dlmalloc<dlmalloc[e24a27700634d609]::sys::System>>::malloc"),
            code("dlmalloc", "dlmalloc::dlmalloc")
        );
        assert_eq!(
            part_of("<T as core::convert::Into<U>>::into::h0123456789abcdef"),
            code("core", "core::convert")
        );
    }

    #[test]
    fn the_breakdown_sums_what_ships() {
        let items = [
            ("\"function names\" subsection", 1000),
            ("data segment \".rodata\"", 100),
            ("app::pages::board::BoardScreen::h0123456789abcdef", 300),
            ("leptos::view::f", 500),
            ("elem[0]", 100),
        ]
        .map(|(name, shallow_size)| Item {
            name: name.into(),
            shallow_size,
        });
        let section = breakdown(&items);
        assert_eq!(section.rows[0].runs.median(), 1000.0);
        assert!(section.notes[0].contains("| `leptos` | 500 B | 50.0 % |"));
        assert!(section.notes[1].contains("| `app::pages::board` | 300 B | 30.0 % |"));
        assert!(section.notes[2].contains("| `app::pages::board::BoardScreen` | 300 B | 30.0 % |"));
    }
}
