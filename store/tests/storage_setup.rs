//! Storage start-up on SQLite and PostgreSQL: migrations, health, and clear failures.

use store::testing::{fresh_db, fresh_url};
use store::{on_both_backends, story, Db};

on_both_backends! {
    async fn migrations_apply_once_and_are_idempotent(backend: Backend) {
        let db = fresh_db(backend).await;
        // Running again (as every server start does) changes nothing and does not fail.
        db.migrate().await.expect("second run is a no-op");
        let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM instance")
            .fetch_one(db.pool())
            .await
            .expect("instance table exists");
        assert_eq!(rows, 1);
        db.ping().await.expect("database answers");
    }
}

on_both_backends! {
    async fn a_failing_migration_stops_start_up_with_a_clear_message(backend: Backend) {
        // A database where a table of the same name already exists, unlike ours: the first
        // migration cannot apply, and start-up must refuse rather than run half-migrated.
        let url = fresh_url(backend).await;
        let db = Db::connect(&url).await.expect("connect");
        sqlx::query("CREATE TABLE instance (something_else TEXT)")
            .execute(db.pool())
            .await
            .expect("create clashing table");
        let message = db.migrate().await.expect_err("migration must fail").to_string();
        assert!(message.contains("migrations failed"), "{message}");
        assert!(message.contains("will not start"), "{message}");
        // Nothing half-written: the clashing table is untouched and no migration is recorded.
        let recorded: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations WHERE success")
            .fetch_one(db.pool())
            .await
            .unwrap_or(0);
        assert_eq!(recorded, 0);
    }
}

on_both_backends! {
    async fn a_closed_pool_fails_the_health_check(backend: Backend) {
        let db = fresh_db(backend).await;
        db.close().await;
        assert!(db.ping().await.is_err());
    }
}

#[tokio::test]
async fn an_unsupported_url_says_what_is_supported() {
    let message = Db::connect("mysql://root:secret@localhost/x")
        .await
        .expect_err("unsupported")
        .to_string();
    assert!(message.contains("sqlite://"), "{message}");
    assert!(message.contains("postgres://"), "{message}");
    assert!(!message.contains("secret"), "password leaked: {message}");
}

#[tokio::test]
async fn an_unreachable_postgres_is_one_line_without_the_password() {
    // Port 1 on loopback: nothing listens there, so the connection is refused.
    let message = Db::connect("postgres://sb:hunter2@127.0.0.1:1/streetboard")
        .await
        .expect_err("nothing listens on port 1")
        .to_string();
    assert!(
        message
            .starts_with("cannot open the database at postgres://sb:***@127.0.0.1:1/streetboard"),
        "{message}"
    );
    assert!(!message.contains("hunter2"), "password leaked: {message}");
    assert!(!message.contains('\n'), "{message}");
}

on_both_backends! {
    async fn the_demo_street_is_filled_once(backend: Backend) {
        let db = fresh_db(backend).await;
        assert!(db.seed_demo().await.expect("seed"));
        assert!(!db.seed_demo().await.expect("second seed is a no-op"));
        let posts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM posts").fetch_one(db.pool()).await.expect("count");
        assert_eq!(posts, 5);
        let members: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM memberships").fetch_one(db.pool()).await.expect("count");
        assert_eq!(members, 4);
        // A visitor makes a board of their own beside it; the next start carries on.
        let visitor = story::person(&db, "Visitor").await;
        story::elm_road(&db, &visitor, "9").await;
        assert!(!db.seed_demo().await.expect("a restart after visitors"));
    }
}

on_both_backends! {
    async fn the_demo_is_refused_on_a_database_that_real_neighbours_use(backend: Backend) {
        let db = fresh_db(backend).await;
        let ben = story::person(&db, "Ben").await;
        story::elm_road(&db, &ben, "12").await;
        let refused = db.seed_demo().await;
        assert!(
            matches!(refused, Err(store::DemoRefused::InUse { people: 1, boards: 1 })),
            "{refused:?}"
        );
        // Nobody with the published password was made.
        assert_eq!(story::count(&db, "users").await, 1);
        assert_eq!(story::count(&db, "boards").await, 1);
    }
}
