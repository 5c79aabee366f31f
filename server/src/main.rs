//! The `streetboard` binary: reads configuration, opens and migrates the database, serves
//! until SIGINT or SIGTERM. Start-up problems end the process with one clear line.

use std::process::ExitCode;

use server::{
    config::Config, housekeeping, open_files, router, shutdown::shutdown_signal, AppState,
};
use store::Db;
use tracing_subscriber::EnvFilter;

/// mimalloc rather than glibc's malloc: a page's render allocates and frees many small
/// strings, which glibc's allocator made a third of the board page's time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let done = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        [] => run().await,
        ["backup", path] => backup(path).await,
        ["restore", path] => restore(path).await,
        _ => Err(USAGE.to_string()),
    };
    match done {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("streetboard: {message}");
            ExitCode::FAILURE
        }
    }
}

const USAGE: &str = "usage: streetboard            serve (configured by STREETBOARD_* and DATABASE_URL)
       streetboard backup PATH  write a consistent copy of the SQLite database to PATH, while it runs
       streetboard restore PATH put the backup at PATH where DATABASE_URL points (a file that must not exist yet)";

/// `streetboard backup PATH`: a consistent copy of the running database (SQLite).
async fn backup(path: &str) -> Result<(), String> {
    let config = Config::from_env().map_err(|e| e.to_string())?;
    let db = Db::connect(&config.database_url)
        .await
        .map_err(|e| e.to_string())?;
    let made = db.backup_to(std::path::Path::new(path)).await;
    db.close().await;
    made.map_err(|e| e.to_string())?;
    println!("backed up to {path}");
    Ok(())
}

/// `streetboard restore PATH`: the backup at PATH, put where `DATABASE_URL` points.
async fn restore(path: &str) -> Result<(), String> {
    let config = Config::from_env().map_err(|e| e.to_string())?;
    store::backup::restore(std::path::Path::new(path), &config.database_url)
        .await
        .map_err(|e| e.to_string())?;
    println!("restored {path} to {}", store::redact(&config.database_url));
    Ok(())
}

async fn run() -> Result<(), String> {
    let mut config = Config::from_env().map_err(|e| e.to_string())?;
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_new(&config.log_filter).map_err(|e| format!("RUST_LOG: {e}"))?,
        )
        .init();
    let open_files = open_files::raise_limit();
    let max_streams = open_files::streams_that_fit(open_files, config.streams.total);
    if max_streams < config.streams.total {
        tracing::warn!(
            open_files,
            max_streams,
            "live streams capped below STREETBOARD_MAX_STREAMS to fit the open-files limit \
             (raise it with `ulimit -n` or LimitNOFILE)"
        );
    }
    config.streams.total = max_streams;

    let db = Db::connect(&config.database_url)
        .await
        .map_err(|e| e.to_string())?
        .with_sign_ups_per_address(config.sign_ups_per_address)
        .with_claims_per_day(config.claims_per_day)
        .with_writes_per_minute(config.writes_per_minute);
    db.migrate().await.map_err(|e| e.to_string())?;
    tracing::info!(backend = db.backend().name(), "database ready");
    if config.demo
        && db
            .seed_demo()
            .await
            .map_err(|e| format!("filling the demo street: {e}"))?
    {
        tracing::info!(
            "demo street added: sign in as Margaret, Sam K., Priya or Tom with the password {:?}",
            store::DEMO_PASSWORD
        );
    }

    let housekeeping = housekeeping::clear_old_records(db.clone());
    let state = AppState::new(db.clone(), config.leptos_options());
    let live = state.live.clone();
    let app = router(state, &config);
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.addr))?;
    tracing::info!("listening on http://{}", config.addr);

    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    // Live-update streams never end by themselves: end them, or shutdown would wait forever.
    .with_graceful_shutdown(async move {
        shutdown_signal().await;
        live.close();
    })
    .await
    .map_err(|e| format!("server stopped with an error: {e}"))?;

    housekeeping.abort();
    db.close().await;
    tracing::info!("stopped cleanly");
    Ok(())
}
