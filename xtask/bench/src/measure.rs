//! The whole measurement, in order: seed SQLite, weigh the first visit, the phone, the server
//! on SQLite, growth, ingest and memory, then the server and ingest on PostgreSQL.

use model::ids::BoardId;
use std::{path::Path, process::Command, time::Instant};

use store::Db;

use crate::{
    growth, ingest, machine, phone, process,
    report::{self, Budget, Report, Row, Section, Unit},
    seed,
    settings::Settings,
    stats::Runs,
    step, throughput, wasm_parts, weight, wrk,
};

/// Posts on the board most measurements use: a busy street.
const BOARD_POSTS: usize = 200;
/// Pushed writes should go in at least this share of a plain batched insert's rate (issue 12).
const BUDGET_INGEST_SHARE: f64 = 0.25;
/// Live-update streams held open for the memory figure.
const STREAMS: usize = 1_000;
/// Writes a minute the seeding may make as one person.
const SEEDING_WRITES_PER_MINUTE: i64 = 100_000_000;

/// The release server on `database_url`, quiet, on a free port.
async fn start_server(
    settings: &Settings,
    database_url: &str,
    scratch: &Path,
    name: &str,
) -> Result<process::Server, String> {
    let addr = process::free_addr()?;
    let mut command = Command::new(settings.path("target/release/streetboard"));
    command
        .current_dir(&settings.root)
        .env("STREETBOARD_SITE_ROOT", settings.path("target/site"))
        .env("STREETBOARD_ADDR", addr.to_string())
        .env("DATABASE_URL", database_url)
        .env("RUST_LOG", "warn")
        // One neighbour, from one address, holds every stream the memory figure needs.
        .env("STREETBOARD_STREAMS_PER_PERSON", STREAMS.to_string())
        .env("STREETBOARD_STREAMS_PER_ADDRESS", STREAMS.to_string())
        // The ingest figures push thousands of writes as one neighbour, and the claim figures
        // claim as one: the limits against a flood would measure themselves instead.
        .env("STREETBOARD_WRITES_PER_MINUTE", "100000000")
        .env("STREETBOARD_CLAIMS_PER_DAY", "100000000");
    process::Server::start(
        name,
        command,
        addr,
        "/healthz",
        &scratch.join(format!("{name}.log")),
    )
    .await
}

/// A board of `posts` posts by `author`.
async fn seeded_board(
    db: &Db,
    author: &seed::Neighbour,
    name: &str,
    posts: usize,
) -> Result<model::views::BoardSummary, String> {
    let started = Instant::now();
    let board = seed::board(db, author, name).await?;
    seed::posts(db, author, &board.id, posts).await?;
    eprintln!(
        "    {name}: {posts} posts in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(board)
}

async fn seq_of(db: &Db, board_id: &BoardId) -> Result<i64, String> {
    db.board_seqs(std::slice::from_ref(board_id))
        .await
        .map_err(|e| e.to_string())?
        .first()
        .map(|(_, seq)| *seq)
        .ok_or_else(|| format!("board {board_id} has no sequence"))
}

pub async fn measure_everything(settings: &Settings, scratch: &Path) -> Result<Report, String> {
    let runs = settings.runs;
    let mut report = Report {
        preamble: machine::describe(&settings.commit, &settings.chromium),
        sections: Vec::new(),
    };

    step("seeding the SQLite database (through the store, as real writes)");
    let sqlite_url = format!("sqlite://{}", scratch.join("bench.db").display());
    // Seeding writes thousands of posts as one person: the per-member limit is lifted, as
    // for the server (`STREETBOARD_WRITES_PER_MINUTE` above).
    let db = Db::connect(&sqlite_url)
        .await
        .map_err(|e| e.to_string())?
        .with_writes_per_minute(SEEDING_WRITES_PER_MINUTE);
    db.migrate().await.map_err(|e| e.to_string())?;
    let organiser = seed::neighbour(&db, "Bench Organiser").await?;
    let board = seeded_board(&db, &organiser, "Busy Street", BOARD_POSTS).await?;
    let push_board = seed::board(&db, &organiser, "Push Street").await?;
    let board_50 = seeded_board(&db, &organiser, "Fifty Street", 50).await?;
    let board_1000 = seeded_board(&db, &organiser, "Thousand Street", 1_000).await?;
    let board_100 = seeded_board(&db, &organiser, "Hundred Street", 100).await?;
    let board_100k = seeded_board(&db, &organiser, "Town", 100_000).await?;
    // Pages, pulls and pushes are measured as a neighbour sees them (an organiser's board page
    // carries the invite box too).
    let neighbour = seed::neighbour(&db, "Bench Neighbour").await?;
    for joined in [
        &board,
        &push_board,
        &board_50,
        &board_1000,
        &board_100,
        &board_100k,
    ] {
        seed::join(&db, &organiser, &neighbour, joined).await?;
    }

    step("starting the release server on SQLite");
    let server = start_server(settings, &sqlite_url, scratch, "server-sqlite").await?;
    let addr = server.addr;
    let board_path = format!("/b/{}", board.slug);

    step("1. first visit weight (and the floor page)");
    let board_weight = weight::measure(addr, &board_path, Some(&neighbour.token)).await?;
    let floor_weight = {
        let floor_addr = process::free_addr()?;
        let mut command = Command::new(settings.path("target/release/floor"));
        command
            .current_dir(&settings.root)
            .env("FLOOR_ADDR", floor_addr.to_string())
            .env("FLOOR_SITE_ROOT", settings.path("target/floor-site"));
        let floor = process::Server::start(
            "floor",
            command,
            floor_addr,
            "/",
            &scratch.join("floor.log"),
        )
        .await?;
        weight::measure(floor.addr, "/", None).await?
    };
    report
        .sections
        .push(weight::section(&board_weight, &floor_weight, BOARD_POSTS));

    step("2. on a phone (headless Chromium, 4× CPU, 150 ms / 1.6 Mbps)");
    let phone_runs = phone::measure(&phone::Visit {
        script: &settings.path("end2end/bench/phone.mjs"),
        chromium: &settings.chromium,
        addr,
        token: &neighbour.token,
        path: &board_path,
        runs,
    })
    .await?;
    report
        .sections
        .push(phone::section(&phone_runs, BOARD_POSTS));

    step("3. server throughput on SQLite");
    let board_seq = seq_of(&db, &board.id).await?;
    let targets = throughput::Targets {
        token: &neighbour.token,
        board_slug: &board.slug,
        board_posts: BOARD_POSTS,
        board_id: &board.id,
        board_seq,
        push_board_id: &push_board.id,
        budgeted: true,
    };
    report
        .sections
        .push(throughput::measure("3a. Server on SQLite", addr, &targets, runs, scratch).await?);

    step("5. growth: pulls, render time, memory with live streams");
    let mut growth = Section::new(
        "5. Growth",
        format!(
            "SQLite. Pulls and pages timed one request at a time (`wrk`, 1 connection, {} s, \
             the median request), boards measured in turn, {runs} rounds. The board page lists \
             the newest {} posts (\"Show more\" for more), so past that its work is bounded. Memory: a fresh server \
             process, resident set idle, then with {} live-update streams open (each has had \
             its first event), {runs} processes.",
            wrk::ONE_BY_ONE.seconds,
            model::posts_shown::PostsShown::PAGE,
            report::count(STREAMS)
        ),
    );
    let small_pull = growth::pull_path(
        addr,
        &neighbour.token,
        &board_100.id,
        seq_of(&db, &board_100.id).await?,
    )
    .await?;
    let big_pull = growth::pull_path(
        addr,
        &neighbour.token,
        &board_100k.id,
        seq_of(&db, &board_100k.id).await?,
    )
    .await?;
    for row in growth::pull_rows(
        addr,
        &neighbour.token,
        (100, &small_pull),
        (100_000, &big_pull),
        runs,
    )
    .await?
    {
        growth.row(row);
    }
    let pages = [
        (50, format!("/b/{}", board_50.slug)),
        (BOARD_POSTS, board_path.clone()),
        (1_000, format!("/b/{}", board_1000.slug)),
    ];
    for row in growth::render_rows(addr, &neighbour.token, &pages, runs).await? {
        growth.row(row);
    }

    step("4. sync ingest on SQLite");
    let mut ingest_section = Section::new(
        "4. Sync ingest",
        format!(
            "{} new posts per run pushed to `/sync/push` in the browser's batches of {}, one \
             batch after another over HTTP, every one checked applied; against the same rows \
             inserted plainly through sqlx (one multi-row INSERT per batch, a transaction per \
             batch, the store's own pool) into the same database. {runs} runs each.",
            report::count(ingest::MUTATIONS),
            model::sync::wire::MAX_PUSH_BATCH
        ),
    );
    ingest_rows(&mut ingest_section, "SQLite", &db, addr, &organiser, runs).await?;
    drop(server);

    step("memory with live-update streams (fresh server processes)");
    let (mut idle, mut busy) = (Runs::default(), Runs::default());
    for round in 0..runs {
        let fresh =
            start_server(settings, &sqlite_url, scratch, &format!("memory-{round}")).await?;
        let (at_rest, with_streams) =
            growth::memory_with_streams(&fresh, &neighbour.token, &board.id, STREAMS).await?;
        eprintln!(
            "    process {}: {:.1} MB idle, {:.1} MB with {STREAMS} streams",
            round + 1,
            at_rest / 1e6,
            with_streams / 1e6
        );
        idle.push(at_rest);
        busy.push(with_streams);
    }
    let per_stream: Runs = busy
        .0
        .iter()
        .zip(&idle.0)
        .map(|(b, i)| (b - i) / STREAMS as f64)
        .collect();
    growth.row(Row::new("Server memory, idle", idle, Unit::Megabytes));
    growth.row(Row::new(
        format!(
            "Server memory, {} live-update streams open",
            report::count(STREAMS)
        ),
        busy,
        Unit::Megabytes,
    ));
    growth.row(Row::new("Memory per open stream", per_stream, Unit::Bytes));
    db.close().await;

    step("PostgreSQL: seeding, server throughput, sync ingest");
    let pg = Db::connect(&settings.postgres_url)
        .await
        .map_err(|e| e.to_string())?
        .with_writes_per_minute(SEEDING_WRITES_PER_MINUTE);
    pg.migrate().await.map_err(|e| e.to_string())?;
    let pg_organiser = seed::neighbour(&pg, "Bench Organiser").await?;
    let pg_board = seeded_board(&pg, &pg_organiser, "Busy Street", BOARD_POSTS).await?;
    let pg_push_board = seed::board(&pg, &pg_organiser, "Push Street").await?;
    let pg_neighbour = seed::neighbour(&pg, "Bench Neighbour").await?;
    for joined in [&pg_board, &pg_push_board] {
        seed::join(&pg, &pg_organiser, &pg_neighbour, joined).await?;
    }
    let pg_server =
        start_server(settings, &settings.postgres_url, scratch, "server-postgres").await?;
    let pg_targets = throughput::Targets {
        token: &pg_neighbour.token,
        board_slug: &pg_board.slug,
        board_posts: BOARD_POSTS,
        board_id: &pg_board.id,
        board_seq: seq_of(&pg, &pg_board.id).await?,
        push_board_id: &pg_push_board.id,
        budgeted: false,
    };
    let pg_throughput = throughput::measure(
        "3b. Server on PostgreSQL",
        pg_server.addr,
        &pg_targets,
        runs,
        scratch,
    )
    .await?;
    report.sections.push(pg_throughput);
    ingest_rows(
        &mut ingest_section,
        "PostgreSQL",
        &pg,
        pg_server.addr,
        &pg_organiser,
        runs,
    )
    .await?;
    drop(pg_server);
    pg.close().await;

    report.sections.push(ingest_section);
    report.sections.push(growth);
    report
        .sections
        .push(wasm_parts::section(&settings.path(wasm_parts::NAMED_WASM))?);
    Ok(report)
}

/// `runs` ingest runs on one database, as rows of `section`.
async fn ingest_rows(
    section: &mut Section,
    label: &str,
    db: &Db,
    addr: std::net::SocketAddr,
    author: &seed::Neighbour,
    runs: usize,
) -> Result<(), String> {
    let (mut pushed, mut plain) = (Runs::default(), Runs::default());
    for round in 0..runs {
        let (through_push, through_sqlx) = ingest::run_once(db, addr, author).await?;
        eprintln!(
            "    {label} run {}: {through_push:.0} mutations/s pushed, {through_sqlx:.0} rows/s plain",
            round + 1
        );
        pushed.push(through_push);
        plain.push(through_sqlx);
    }
    ingest::drop_plain_table(db).await?;
    section.row(Row::new(
        format!("{label}: pushed, mutations per second"),
        pushed.clone(),
        Unit::PerSecond,
    ));
    section.row(Row::new(
        format!("{label}: plain sqlx insert, rows per second"),
        plain.clone(),
        Unit::PerSecond,
    ));
    section.row(
        Row::new(
            format!("{label}: pushed ÷ plain insert"),
            pushed.ratio_to(&plain),
            Unit::Ratio,
        )
        .with_budget(Budget::at_least(BUDGET_INGEST_SHARE, Unit::Ratio)),
    );
    Ok(())
}
