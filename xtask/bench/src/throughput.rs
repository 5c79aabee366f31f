//! Server throughput and latency under load, each route as a ratio to a trivial route of the
//! same server measured in the same round, so a busy moment on a shared machine cancels out.

use model::ids::BoardId;
use std::{net::SocketAddr, path::Path};

use model::ids::{new_id, Slug};

use crate::{
    report::{Budget, Row, Section, Unit},
    seed,
    stats::Runs,
    wrk::{self, Load, BUSY},
};

/// The trivial route: the service worker script, made once at start-up and served from
/// memory (no database, no rendering).
pub const TRIVIAL_PATH: &str = "/sw.js";

/// What the routes need: a board to render and pull, a board to push into, a session.
pub struct Targets<'a> {
    pub token: &'a str,
    pub board_slug: &'a Slug,
    pub board_posts: usize,
    pub board_id: &'a BoardId,
    pub board_seq: i64,
    pub push_board_id: &'a BoardId,
    /// Issue 12's budgets apply here (they are written for SQLite, the default).
    pub budgeted: bool,
}

struct Route {
    label: String,
    path: String,
    script: Option<std::path::PathBuf>,
    loads: Vec<Load>,
    /// The least throughput, the most p99 and the least share of the trivial route's
    /// throughput this route should manage, where budgeted.
    budgets: RouteBudgets,
}

#[derive(Default)]
struct RouteBudgets {
    throughput: Option<f64>,
    p99_ms: Option<f64>,
    share_of_trivial: Option<f64>,
}

/// `rounds` rounds of every route, interleaved, then one table.
pub async fn measure(
    title: &str,
    addr: SocketAddr,
    targets: &Targets<'_>,
    rounds: usize,
    scratch: &Path,
) -> Result<Section, String> {
    let push_script = scratch.join(format!("push-{}.lua", &new_id()[30..]));
    std::fs::write(&push_script, push_lua(targets.push_board_id)?)
        .map_err(|e| format!("{}: {e}", push_script.display()))?;
    let mut routes = vec![
        Route {
            label: format!("Trivial route (`{TRIVIAL_PATH}`, from memory)"),
            path: TRIVIAL_PATH.into(),
            script: None,
            loads: Vec::new(),
            budgets: RouteBudgets::default(),
        },
        Route {
            label: format!(
                "Board page ({} posts, the newest {} shown)",
                targets.board_posts,
                model::posts_shown::PostsShown::PAGE
            ),
            path: format!("/b/{}", targets.board_slug),
            script: None,
            loads: Vec::new(),
            budgets: RouteBudgets {
                throughput: targets.budgeted.then_some(1000.0),
                p99_ms: targets.budgeted.then_some(50.0),
                share_of_trivial: None,
            },
        },
        Route {
            label: "Pull, no changes".into(),
            path: format!(
                "/sync/pull?board_id={}&since={}",
                targets.board_id, targets.board_seq
            ),
            script: None,
            loads: Vec::new(),
            budgets: RouteBudgets {
                share_of_trivial: targets.budgeted.then_some(0.5),
                ..RouteBudgets::default()
            },
        },
        Route {
            label: "Push of one mutation (a new post)".into(),
            path: "/sync/push".into(),
            script: Some(push_script),
            loads: Vec::new(),
            budgets: RouteBudgets::default(),
        },
    ];
    for round in 0..rounds {
        for route in &mut routes {
            let args = [round.to_string()];
            let script = route.script.as_deref().map(|s| (s, &args[..]));
            let load = wrk::run(addr, &route.path, BUSY, Some(targets.token), script).await?;
            eprintln!(
                "    {title} round {}: {}: {:.0}/s, p50 {:.2} ms",
                round + 1,
                route.label,
                load.requests_per_second,
                load.p50_ms
            );
            route.loads.push(load);
        }
    }

    let mut section = Section::new(
        title,
        format!(
            "`wrk` on loopback, {} connections from {} thread for {} s per measurement, all routes \
             in turn, {rounds} rounds; the median of the rounds, and each route's throughput as \
             a ratio to the trivial route's in the same round. The server and wrk share the \
             machine's cores.",
            BUSY.connections, BUSY.threads, BUSY.seconds
        ),
    );
    let trivial: Runs = routes[0]
        .loads
        .iter()
        .map(|l| l.requests_per_second)
        .collect();
    for route in &routes {
        let throughput: Runs = route.loads.iter().map(|l| l.requests_per_second).collect();
        let p50: Runs = route.loads.iter().map(|l| l.p50_ms).collect();
        let p99: Runs = route.loads.iter().map(|l| l.p99_ms).collect();
        let budgeted = |row: Row, budget: Option<Budget>| match budget {
            Some(budget) => row.with_budget(budget),
            None => row,
        };
        let b = &route.budgets;
        section.row(budgeted(
            Row::new(
                format!("{}: throughput", route.label),
                throughput.clone(),
                Unit::PerSecond,
            ),
            b.throughput.map(|l| Budget::at_least(l, Unit::PerSecond)),
        ));
        section.row(Row::new(format!("{}: p50", route.label), p50, Unit::Millis));
        section.row(budgeted(
            Row::new(format!("{}: p99", route.label), p99, Unit::Millis),
            b.p99_ms.map(|l| Budget::at_most(l, Unit::Millis)),
        ));
        if route.path != TRIVIAL_PATH {
            section.row(budgeted(
                Row::new(
                    format!("{}: throughput ÷ trivial route", route.label),
                    throughput.ratio_to(&trivial),
                    Unit::Ratio,
                ),
                b.share_of_trivial.map(|l| Budget::at_least(l, Unit::Ratio)),
            ));
        }
    }
    Ok(section)
}

/// A wrk script whose every request pushes one new post with ids of its own: UUID-shaped,
/// unique per run (the first argument), thread and request, so each is a new write, never a
/// repeat the server would answer from its exactly-once record.
fn push_lua(board_id: &BoardId) -> Result<String, String> {
    let mut mutation = seed::post_mutation(board_id, 0);
    mutation.id = "MUTATION_ID".into();
    if let model::MutationKind::CreatePost { post_id, .. } = &mut mutation.kind {
        *post_id = "POST_ID".into();
    }
    let body = serde_json::to_string(&model::sync::wire::PushRequest {
        owner: None,
        mutations: vec![mutation],
    })
    .map_err(|e| e.to_string())?;
    Ok(format!(
        r#"-- Written by `cargo xtask bench`: each request pushes one new post.
local template = [==[{body}]==]
local started = os.time()
local all_threads = {{}}
local round = 0
local count = 0
-- Global, so `done` can read each thread's count.
failures = 0

function setup(thread)
  table.insert(all_threads, thread)
  thread:set("thread_number", #all_threads)
end

function init(args)
  round = tonumber(args[1] or "0")
  -- wrk.format keeps the -H headers (the session cookie) only when given no headers of its
  -- own, so the JSON type joins them here.
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

local function id(kind)
  return string.format("%08x-%04x-7%03x-%x%03x-%012x",
    started, thread_number or 0, round, kind, 0, count)
end

request = function()
  count = count + 1
  local body = string.gsub(template, "MUTATION_ID", id(8))
  body = string.gsub(body, "POST_ID", id(9))
  return wrk.format(nil, nil, nil, body)
end

-- A push answered 200 but rejected is a failure too: the run must not count it.
response = function(status, headers, body)
  if status ~= 200 or not string.find(body, '"outcome":"applied"', 1, true) then
    failures = failures + 1
  end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(all_threads) do
    total = total + (thread:get("failures") or 0)
  end
  if total > 0 then
    io.write("Push failures: " .. total .. "\n")
  end
end
"#
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_push_script_carries_a_valid_mutation_template() {
        let script = push_lua(&"0190c0de-0000-7000-8000-000000000001".into()).expect("script");
        assert!(script.contains(r#""id":"MUTATION_ID""#));
        assert!(script.contains(r#""post_id":"POST_ID""#));
        assert!(script.contains(r#""kind":"create_post""#));
        // The template must survive as a Lua long string.
        assert!(!script.contains("]==]]==]"));
    }
}
