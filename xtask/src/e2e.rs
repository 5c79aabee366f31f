//! End-to-end tests: the release server on a free port with a fresh SQLite file, driven by
//! Playwright in headless Chromium, and stopped afterwards whatever the outcome.

use std::{
    io::{Read, Write},
    net::{TcpListener, TcpStream},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use crate::{
    cmd::{self, run_reading, step},
    release::server_command,
    summary::{count_playwright_line, Counts},
    tools::CHROMIUM,
};

/// The log of the servers the offline spec starts itself, beside the main server's log.
const OWN_SERVER_LOG: &str = "own-server.log";

/// The log of the second server process on the PostgreSQL pass (see `run`).
const SECOND_SERVER_LOG: &str = "second-server.log";

/// How long the server may take to answer `/healthz` after starting.
const START_TIMEOUT: Duration = Duration::from_secs(60);

fn end2end_dir() -> PathBuf {
    crate::root().join("end2end")
}

/// Installs the end2end npm packages from the committed lock file, when they are missing or
/// the lock file changed since the last install.
pub fn ensure_npm_packages() -> Result<(), String> {
    let dir = end2end_dir();
    let lock = std::fs::read(dir.join("package-lock.json"))
        .map_err(|e| format!("end2end/package-lock.json: {e}"))?;
    let stamp = dir.join("node_modules/.streetboard-installed-lock");
    if std::fs::read(&stamp).ok().as_deref() == Some(lock.as_slice()) {
        println!("    ok: end2end npm packages (match package-lock.json)");
        return Ok(());
    }
    println!("    installing the end2end npm packages from package-lock.json");
    cmd::run(
        Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&dir),
    )?;
    std::fs::write(&stamp, lock).map_err(|e| format!("cannot write {}: {e}", stamp.display()))
}

/// Starts the server on `database_url` (an SQLite file in a scratch folder when `None`), runs
/// Playwright against it (every spec, or only `specs`), stops the server. `read` sees each line
/// Playwright prints.
pub fn run(
    label: &str,
    database_url: Option<String>,
    specs: &[String],
    read: impl FnMut(&str),
) -> Result<Counts, String> {
    step(&format!(
        "end-to-end tests in headless Chromium (phone-sized) on {label}"
    ));
    let scratch =
        std::env::temp_dir().join(format!("streetboard-e2e-{}-{label}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch)
        .map_err(|e| format!("cannot create {}: {e}", scratch.display()))?;

    let addr = format!("127.0.0.1:{}", free_port()?);
    let log_path = scratch.join("server.log");
    // The offline spec stops and restarts a server of its own: on PostgreSQL it shares the
    // run's database (several processes may), on SQLite it gets a file of its own.
    let own_database_url = database_url
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}", scratch.join("own-server.db").display()));
    let own_log_path = scratch.join(OWN_SERVER_LOG);
    let is_postgres = database_url.is_some();
    let database_url =
        database_url.unwrap_or_else(|| format!("sqlite://{}", scratch.join("e2e.db").display()));
    let server = Server::start(&addr, &database_url, &log_path)?;
    server.wait_until_healthy(&addr, &log_path)?;
    println!("    server on http://{addr} (log: {})", log_path.display());
    // On PostgreSQL a second server process shares the database, as behind a load balancer:
    // live.spec.ts shows a post made through one live on a page served by the other, and a
    // write pushed to both applied once. SQLite is one process, so that pass has none.
    let second_log_path = scratch.join(SECOND_SERVER_LOG);
    let second = if is_postgres {
        let second_addr = format!("127.0.0.1:{}", free_port()?);
        let second = Server::start(&second_addr, &database_url, &second_log_path)?;
        second.wait_until_healthy(&second_addr, &second_log_path)?;
        println!(
            "    second server on http://{second_addr} (log: {})",
            second_log_path.display()
        );
        Some((second, second_addr))
    } else {
        None
    };

    let mut playwright = Command::new("npx");
    if let Some((_, second_addr)) = &second {
        playwright.env("SECOND_BASE_URL", format!("http://{second_addr}"));
    }
    let counts = run_reading(
        playwright
            .args(["playwright", "test"])
            .args(specs)
            .current_dir(end2end_dir())
            .env("BASE_URL", format!("http://{addr}"))
            .env("STREETBOARD_E2E_BACKEND", label)
            .env("CHROMIUM_PATH", CHROMIUM)
            // What end2end/tests/own-server.ts needs to start (and restart) a server itself.
            .env(
                "STREETBOARD_BIN",
                crate::root().join("target/release/streetboard"),
            )
            .env("STREETBOARD_SITE_ROOT", crate::root().join("target/site"))
            .env("STREETBOARD_E2E_DATABASE_URL", &own_database_url)
            .env("STREETBOARD_E2E_SERVER_LOG", &own_log_path)
            // For the servers the specs start themselves (own-server.ts passes its env on).
            .env(SIGN_UPS.0, SIGN_UPS.1),
        count_playwright_line,
        read,
    )?;
    drop(server);
    drop(second);
    if counts.failed > 0 {
        print_log_tail(&log_path);
        if second_log_path.exists() {
            print_log_tail(&second_log_path);
        }
        if own_log_path.exists() {
            print_log_tail(&own_log_path);
        }
    } else {
        let _ = std::fs::remove_dir_all(&scratch);
    }
    Ok(counts)
}

/// A port nobody is listening on right now.
fn free_port() -> Result<u16, String> {
    let listener =
        TcpListener::bind("127.0.0.1:0").map_err(|e| format!("cannot find a free port: {e}"))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| e.to_string())
}

/// Every phone in the specs reaches the server from 127.0.0.1, and a run signs up a few
/// hundred people: the sign-up limit per address is raised for them (it is tested in
/// `store/tests/accounts.rs`).
const SIGN_UPS: (&str, &str) = ("STREETBOARD_SIGN_UPS_PER_ADDRESS", "100000");

/// The release server as a child process; stopped (SIGTERM, then SIGKILL) when dropped.
struct Server(Child);

impl Server {
    fn start(addr: &str, database_url: &str, log_path: &Path) -> Result<Self, String> {
        let log =
            std::fs::File::create(log_path).map_err(|e| format!("{}: {e}", log_path.display()))?;
        let log_err = log.try_clone().map_err(|e| e.to_string())?;
        let child = server_command()
            .env("STREETBOARD_ADDR", addr)
            .env("DATABASE_URL", database_url)
            // Requests with their timings, so a failure can be read against the server's side.
            .env("RUST_LOG", "info,tower_http=debug")
            .env(SIGN_UPS.0, SIGN_UPS.1)
            .stdout(Stdio::from(log))
            .stderr(Stdio::from(log_err))
            .spawn()
            .map_err(|e| format!("cannot start target/release/streetboard: {e}"))?;
        Ok(Self(child))
    }

    fn wait_until_healthy(&self, addr: &str, log_path: &Path) -> Result<(), String> {
        let deadline = Instant::now() + START_TIMEOUT;
        while Instant::now() < deadline {
            if healthz_ok(addr) {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        print_log_tail(log_path);
        Err(format!(
            "the server did not answer /healthz on {addr} within {} s",
            START_TIMEOUT.as_secs()
        ))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // Ask politely first, as a process manager would, so shutdown is exercised too.
        let _ = Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn healthz_ok(addr: &str) -> bool {
    let Ok(mut stream) = TcpStream::connect(addr) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let request = format!("GET /healthz HTTP/1.0\r\nHost: {addr}\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    response.starts_with("HTTP/1.0 200") || response.starts_with("HTTP/1.1 200")
}

fn print_log_tail(log_path: &Path) {
    let log = std::fs::read_to_string(log_path).unwrap_or_default();
    let lines: Vec<&str> = log.lines().collect();
    println!("    last lines of the server log ({}):", log_path.display());
    for line in &lines[lines.len().saturating_sub(40)..] {
        println!("    | {line}");
    }
}
