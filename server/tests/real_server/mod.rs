//! The real `streetboard` binary for tests that kill it: processes on loopback ports, started
//! on one database and SIGKILLed at chosen moments, and a phone's side of a raw HTTP exchange
//! that tells a request refused before it was sent from one whose answer was lost.

// Each test crate that includes this module uses a different part of it.
#![allow(dead_code)]

use std::{
    net::SocketAddr,
    path::{Path, PathBuf},
    sync::{Arc, RwLock},
    time::Duration,
};

use model::{
    ids::now_ms,
    sync::wire::{PushRequest, PushResponse, PushResult},
};
use rand::{rngs::SmallRng, Rng};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
    process::{Child, Command},
};

/// Longest a push or pull may take before the phone gives up on it as a lost connection. A
/// server that hangs rather than dies would leave writes unanswered, and the test would fail
/// on its overall bound below.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);
/// One `streetboard` process on a port of its own.
pub struct Process {
    child: Child,
    address: SocketAddr,
    /// Where its standard error (its log) goes.
    log_path: PathBuf,
}

/// The processes serving the database, and the addresses the phones may use.
pub struct Servers {
    url: String,
    /// `RUST_LOG` for every process.
    log_filter: String,
    processes: tokio::sync::Mutex<Vec<Process>>,
    addresses: RwLock<Vec<SocketAddr>>,
    log_dir: std::path::PathBuf,
}

impl Servers {
    /// `count` processes serving `url`, logging what `log_filter` (`RUST_LOG`) picks.
    pub async fn start(url: &str, count: usize, log_filter: &str) -> Arc<Self> {
        let log_dir = std::env::temp_dir().join("streetboard-tests").join(format!(
            "faults-{}-{}",
            std::process::id(),
            now_ms()
        ));
        std::fs::create_dir_all(&log_dir).expect("a folder for the servers' logs");
        let mut processes = Vec::new();
        for which in 0..count {
            processes.push(start_process(url, log_filter, &log_dir, which).await);
        }
        Arc::new(Self {
            url: url.to_string(),
            log_filter: log_filter.to_string(),
            addresses: RwLock::new(processes.iter().map(|p| p.address).collect()),
            processes: tokio::sync::Mutex::new(processes),
            log_dir,
        })
    }

    /// An address of one of the processes, chosen at random (it may be down just now).
    pub fn any_address(&self, rng: &mut SmallRng) -> SocketAddr {
        let addresses = self.addresses.read().expect("addresses");
        addresses[rng.random_range(0..addresses.len())]
    }

    /// SIGKILLs process `which` (no chance to finish a write or say goodbye) and starts it
    /// again on a new port, as a supervisor would; what the killed process had logged.
    pub async fn kill_and_restart(&self, which: usize) -> String {
        let mut processes = self.processes.lock().await;
        let process = &mut processes[which];
        process.child.start_kill().expect("SIGKILL");
        process.child.wait().await.expect("the killed process ends");
        let log = std::fs::read_to_string(&process.log_path).unwrap_or_default();
        *process = start_process(&self.url, &self.log_filter, &self.log_dir, which).await;
        self.addresses.write().expect("addresses")[which] = process.address;
        log
    }

    /// What process `which` (as it runs now, since its last start) has logged so far.
    pub async fn log_of(&self, which: usize) -> String {
        let processes = self.processes.lock().await;
        std::fs::read_to_string(&processes[which].log_path).unwrap_or_default()
    }

    /// The address process `which` listens on now.
    pub fn address_of(&self, which: usize) -> SocketAddr {
        self.addresses.read().expect("addresses")[which]
    }

    pub async fn stop(&self) {
        for process in self.processes.lock().await.iter_mut() {
            let _ = process.child.start_kill();
            let _ = process.child.wait().await;
        }
        let _ = std::fs::remove_dir_all(&self.log_dir);
    }
}

/// Starts the binary on a free port with the limits a flood test needs lifted, and waits until
/// `/healthz` says it takes writes. A process that ends at once (the port taken meanwhile by
/// another test's socket) is started again on another port.
async fn start_process(url: &str, log_filter: &str, log_dir: &Path, which: usize) -> Process {
    for _ in 0..3 {
        if let Some(process) = try_start_process(url, log_filter, log_dir, which).await {
            return process;
        }
    }
    panic!("process {which} ended at start three times: see its logs in {log_dir:?}");
}

async fn try_start_process(
    url: &str,
    log_filter: &str,
    log_dir: &Path,
    which: usize,
) -> Option<Process> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let address = SocketAddr::from(([127, 0, 0, 1], port));
    let log_path = log_dir.join(format!("process-{which}-{port}.log"));
    let log = std::fs::File::create(&log_path).expect("a log file");
    let mut child = Command::new(env!("CARGO_BIN_EXE_streetboard"))
        .env("DATABASE_URL", url)
        .env("STREETBOARD_ADDR", address.to_string())
        .env("STREETBOARD_WRITES_PER_MINUTE", "1000000")
        .env("STREETBOARD_CLAIMS_PER_DAY", "1000000")
        .env("STREETBOARD_DEMO", "false")
        .env("RUST_LOG", log_filter)
        // The server logs to standard output; a panic goes to standard error.
        .stdout(log.try_clone().expect("the log file again"))
        .stderr(log)
        .kill_on_drop(true)
        .spawn()
        .expect("start the streetboard binary");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        if child.try_wait().expect("the process's state").is_some() {
            let log = std::fs::read_to_string(&log_path).unwrap_or_default();
            eprintln!("process {which} ended at start on {address}:\n{log}");
            return None;
        }
        if let Ok(Ok((200, _))) =
            tokio::time::timeout(REQUEST_TIMEOUT, exchange(address, get_request("/healthz"))).await
        {
            return Some(Process {
                child,
                address,
                log_path,
            });
        }
        if tokio::time::Instant::now() > deadline {
            let log = std::fs::read_to_string(&log_path).unwrap_or_default();
            panic!("the server at {address} did not become healthy within a minute:\n{log}");
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

pub fn get_request(path: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
}

pub fn push_request(token: &str, push: &PushRequest) -> String {
    let body = serde_json::to_string(push).expect("json");
    format!(
        "POST /sync/push HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: sb_session={token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

/// How an exchange with a server failed.
#[derive(Debug)]
pub enum Broke {
    /// Before the whole request was sent: refused, or reset while sending (the server down or
    /// being killed). The server cannot have acted on it.
    Sending,
    /// After the whole request was sent: the answer never came whole. The server may have
    /// acted on it; only sending it again tells.
    Answering,
}

/// Sends `request` and reads the whole answer: its status and body, or where it broke, as a
/// phone sees a server that was killed.
pub async fn exchange(address: SocketAddr, request: String) -> Result<(u16, String), Broke> {
    let mut stream = TcpStream::connect(address)
        .await
        .map_err(|_| Broke::Sending)?;
    stream
        .write_all(request.as_bytes())
        .await
        .map_err(|_| Broke::Sending)?;
    let mut answer = Vec::new();
    stream
        .read_to_end(&mut answer)
        .await
        .map_err(|_| Broke::Answering)?;
    let answer = String::from_utf8_lossy(&answer);
    let (head, body) = answer.split_once("\r\n\r\n").ok_or(Broke::Answering)?;
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or(Broke::Answering)?;
    let head = head.to_ascii_lowercase();
    let length = head
        .lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .and_then(|n| n.trim().parse::<usize>().ok());
    let body = if head.contains("transfer-encoding: chunked") {
        dechunk(body).ok_or(Broke::Answering)?
    } else if length.is_some_and(|length| length != body.len()) {
        // Closed part way through the body (the process killed between two writes).
        return Err(Broke::Answering);
    } else {
        body.to_string()
    };
    Ok((status, body))
}

/// A chunked body put back together; `None` when it ends before its last chunk.
pub fn dechunk(mut rest: &str) -> Option<String> {
    let mut body = String::new();
    loop {
        let (size, after) = rest.split_once("\r\n")?;
        let size = usize::from_str_radix(size.trim(), 16).ok()?;
        if size == 0 {
            return Some(body);
        }
        body.push_str(after.get(..size)?);
        rest = after.get(size + 2..)?;
    }
}

/// Sends a push and resets the connection (SO_LINGER 0) a moment after the whole request went
/// out, before or while the server answers: the phone never learns what became of it.
pub async fn push_and_cut(address: SocketAddr, request: String, after: Duration) {
    let Ok(mut stream) = TcpStream::connect(address).await else {
        return;
    };
    if stream.write_all(request.as_bytes()).await.is_ok() {
        tokio::time::sleep(after).await;
    }
    let _ = stream.set_zero_linger();
}

/// What became of one push, as its phone saw it.
#[derive(Debug, PartialEq)]
pub enum Pushed {
    Answered(Vec<PushResult>),
    /// Never reached the server whole, or the server said it is busy: nothing was done.
    NotTaken,
    /// Sent whole, no whole answer: it may have been applied.
    LostInFlight,
}

/// One push. A refusal of the whole push other than "busy" is a bug.
pub async fn push_once(address: SocketAddr, request: String) -> Pushed {
    match tokio::time::timeout(REQUEST_TIMEOUT, exchange(address, request)).await {
        Ok(Ok((200, body))) => {
            let response: PushResponse = serde_json::from_str(&body).expect("a push response");
            Pushed::Answered(response.results)
        }
        Ok(Ok((503, _))) | Ok(Err(Broke::Sending)) => Pushed::NotTaken,
        Ok(Err(Broke::Answering)) | Err(_) => Pushed::LostInFlight,
        Ok(Ok((status, body))) => panic!("a push was refused with {status}: {body}"),
    }
}
