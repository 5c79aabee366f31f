//! The SQLite and PostgreSQL migration folders are one schema written twice: every migration
//! exists in both with the same name, and is the same file, except those listed here as written
//! for each database on purpose. A change made to one folder only fails here, before it can
//! reach a database.

use std::{collections::BTreeSet, fs, path::Path};

/// Migrations that differ between the databases by design, and why.
const DIALECT_SPECIFIC: &[(&str, &str)] = &[
    (
        "0001_instance.sql",
        "the clock: SQLite and PostgreSQL spell 'now in milliseconds' differently",
    ),
    (
        "0005_live.sql",
        "PostgreSQL announces changes with a trigger; SQLite's process announces them itself",
    ),
    (
        "0006_session_idle.sql",
        "the clock again: sessions open at the upgrade count as used then",
    ),
];

fn folder(database: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(database)
}

fn names(database: &str) -> BTreeSet<String> {
    fs::read_dir(folder(database))
        .unwrap_or_else(|e| panic!("migrations/{database}: {e}"))
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".sql"))
        .collect()
}

#[test]
fn both_databases_have_the_same_migrations() {
    let sqlite = names("sqlite");
    let postgres = names("postgres");
    assert!(!sqlite.is_empty(), "no migrations found");
    assert_eq!(
        sqlite.symmetric_difference(&postgres).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "every migration must exist for both databases, with the same name"
    );
}

#[test]
fn migrations_are_the_same_file_unless_listed_as_dialect_specific() {
    let mut drifted = Vec::new();
    for name in names("sqlite") {
        let sqlite = fs::read(folder("sqlite").join(&name)).expect("sqlite migration");
        let Ok(postgres) = fs::read(folder("postgres").join(&name)) else {
            continue; // the test above names it
        };
        let listed = DIALECT_SPECIFIC.iter().any(|(file, _)| *file == name);
        if sqlite != postgres && !listed {
            drifted.push(name);
        }
    }
    assert!(
        drifted.is_empty(),
        "these migrations differ between migrations/sqlite and migrations/postgres: {drifted:?}. \
         Make them the same, or list them in DIALECT_SPECIFIC (store/tests/migrations_agree.rs) \
         with the reason"
    );
}

#[test]
fn every_dialect_specific_migration_exists_and_really_differs() {
    for (name, why) in DIALECT_SPECIFIC {
        let sqlite = fs::read(folder("sqlite").join(name));
        let postgres = fs::read(folder("postgres").join(name));
        match (sqlite, postgres) {
            (Ok(a), Ok(b)) => assert_ne!(
                a, b,
                "{name} is listed as dialect-specific ({why}) but is the same in both: unlist it"
            ),
            _ => panic!("{name} is listed as dialect-specific but is missing from a folder"),
        }
    }
}
