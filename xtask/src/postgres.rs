//! A real PostgreSQL for the storage tests: installed and started if needed, with a database
//! made for this run and dropped after it, whatever the outcome.

use std::process::Command;

use crate::{
    cmd::{output, run, step},
    tools::apt_install,
};

/// The variable the storage tests read to find their PostgreSQL.
pub const TEST_URL_ENV: &str = "STREETBOARD_TEST_POSTGRES_URL";
const ROLE: &str = "streetboard_test";
const PASSWORD: &str = "streetboard_test";

/// The run's database; dropped when this value is.
pub struct RunDatabase {
    name: String,
    port: u16,
}

impl RunDatabase {
    pub fn create() -> Result<Self, String> {
        step("PostgreSQL for the storage tests");
        let cluster = ensure_cluster_running()?;
        psql(&format!(
            "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{ROLE}') THEN \
             CREATE ROLE {ROLE} LOGIN PASSWORD '{PASSWORD}'; END IF; END $$;"
        ))?;
        let name = format!("streetboard_test_{}", std::process::id());
        let run = Self {
            name,
            port: cluster.port,
        };
        for database in run.databases() {
            psql(&format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)"))?;
            psql(&format!("CREATE DATABASE {database} OWNER {ROLE}"))?;
        }
        println!(
            "    ok: databases {} on PostgreSQL {} (port {})",
            run.databases().join(" and "),
            cluster.version,
            cluster.port
        );
        Ok(run)
    }

    /// The storage tests' database (each test makes its own schema in it), and an empty one
    /// for the server the end-to-end tests drive.
    fn databases(&self) -> [String; 2] {
        [self.name.clone(), format!("{}_e2e", self.name)]
    }

    fn url_of(&self, database: &str) -> String {
        format!(
            "postgres://{ROLE}:{PASSWORD}@127.0.0.1:{}/{database}",
            self.port
        )
    }

    pub fn url(&self) -> String {
        self.url_of(&self.databases()[0])
    }

    pub fn e2e_url(&self) -> String {
        self.url_of(&self.databases()[1])
    }
}

impl Drop for RunDatabase {
    fn drop(&mut self) {
        for database in self.databases() {
            if let Err(e) = psql(&format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)")) {
                eprintln!("    could not drop the test database {database}: {e}");
            }
        }
    }
}

struct Cluster {
    version: String,
    name: String,
    port: u16,
    online: bool,
}

/// Lines of `pg_lsclusters -h`: `15 main 5432 online postgres /var/lib/… /var/log/…`.
fn clusters() -> Vec<Cluster> {
    output(Command::new("pg_lsclusters").arg("-h"))
        .unwrap_or_default()
        .lines()
        .filter_map(|line| {
            let words: Vec<&str> = line.split_whitespace().collect();
            Some(Cluster {
                version: (*words.first()?).to_string(),
                name: (*words.get(1)?).to_string(),
                port: words.get(2)?.parse().ok()?,
                online: words.get(3)? == &"online",
            })
        })
        .collect()
}

fn ensure_cluster_running() -> Result<Cluster, String> {
    if installed_versions().is_empty() {
        println!("    installing Debian's postgresql");
        apt_install(&["postgresql"])?;
    }
    let installed = installed_versions();
    let newest = installed
        .last()
        .ok_or("PostgreSQL's server is still missing after installing it")?;
    // A cluster whose server binaries were removed ("binaries_missing") cannot start.
    let cluster = match clusters()
        .into_iter()
        .find(|c| installed.contains(&c.version))
    {
        Some(cluster) => cluster,
        None => {
            run(Command::new("pg_createcluster").args([newest.as_str(), "main"]))?;
            clusters()
                .into_iter()
                .find(|c| &c.version == newest)
                .ok_or("pg_createcluster made no cluster; see `pg_lsclusters`")?
        }
    };
    if !cluster.online {
        run(Command::new("pg_ctlcluster").args([&cluster.version, &cluster.name, "start"]))?;
    }
    Ok(Cluster {
        online: true,
        ..cluster
    })
}

/// Major versions whose server binary is installed (Debian puts each under its own folder).
fn installed_versions() -> Vec<String> {
    let mut versions: Vec<String> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| e.path().join("bin/postgres").exists())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    versions.sort_by_key(|v| v.parse::<u32>().unwrap_or(0));
    versions
}

/// Runs one SQL statement as the `postgres` superuser.
fn psql(sql: &str) -> Result<(), String> {
    let mut command = if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]);
        c
    } else {
        let mut c = Command::new("sudo");
        c.args(["-u", "postgres"]);
        c
    };
    command.args(["psql", "--quiet", "-v", "ON_ERROR_STOP=1", "-c", sql]);
    let out = command
        .output()
        .map_err(|e| format!("cannot run psql: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "psql -c {sql:?} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

fn is_root() -> bool {
    output(Command::new("id").arg("-u")).as_deref() == Some("0")
}
