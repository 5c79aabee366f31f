//! Server processes the bench starts (Streetboard's release server, the floor page), waits for,
//! weighs (resident memory) and always stops.

use std::{
    net::{SocketAddr, TcpListener},
    path::Path,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use crate::http::Request;

/// How long a server may take to answer after starting.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// A child server; stopped (SIGTERM, then SIGKILL) when dropped.
pub struct Server {
    child: Child,
    pub addr: SocketAddr,
    pub name: String,
}

impl Server {
    /// Starts `command` (already configured to listen on `addr`), logging to `log`, and waits
    /// until `ready_path` answers 200.
    pub async fn start(
        name: &str,
        mut command: Command,
        addr: SocketAddr,
        ready_path: &str,
        log: &Path,
    ) -> Result<Self, String> {
        let file = std::fs::File::create(log).map_err(|e| format!("{}: {e}", log.display()))?;
        let file_err = file.try_clone().map_err(|e| e.to_string())?;
        let child = command
            .stdout(Stdio::from(file))
            .stderr(Stdio::from(file_err))
            .spawn()
            .map_err(|e| format!("cannot start {name}: {e}"))?;
        let server = Self {
            child,
            addr,
            name: name.into(),
        };
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if let Ok(response) = Request::get(ready_path).send(addr).await {
                if response.status == 200 {
                    return Ok(server);
                }
            }
            if Instant::now() > deadline {
                let tail = std::fs::read_to_string(log).unwrap_or_default();
                return Err(format!(
                    "{name} did not answer {ready_path} on {addr} within a minute; its log ends:\n{}",
                    tail.lines().rev().take(20).collect::<Vec<_>>().into_iter().rev().collect::<Vec<_>>().join("\n")
                ));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Resident memory in bytes, from /proc.
    pub fn resident_bytes(&self) -> Result<f64, String> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid()))
            .map_err(|e| format!("reading {}'s memory: {e}", self.name))?;
        resident_bytes_in(&status).ok_or_else(|| format!("no VmRSS for {}", self.name))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `VmRSS:   47200 kB` → bytes.
fn resident_bytes_in(status: &str) -> Option<f64> {
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024.0)
}

/// A loopback address nobody is listening on right now.
pub fn free_addr() -> Result<SocketAddr, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("no free port: {e}"))?;
    listener.local_addr().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resident_memory_is_read_from_proc_status() {
        let status = "Name:\tstreetboard\nVmPeak:\t 900 kB\nVmRSS:\t   47200 kB\nThreads: 3\n";
        assert_eq!(resident_bytes_in(status), Some(47200.0 * 1024.0));
        assert_eq!(resident_bytes_in("Name: x\n"), None);
    }

    #[test]
    fn our_own_memory_can_be_read() {
        let status = std::fs::read_to_string("/proc/self/status").expect("linux /proc");
        assert!(resident_bytes_in(&status).is_some_and(|bytes| bytes > 0.0));
    }
}
