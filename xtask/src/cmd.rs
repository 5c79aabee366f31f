//! Running commands: each step says what it does, and a failure names the command to run by hand.

use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
};

use crate::summary::Counts;

/// Prints a step heading, so a long run reads as a list of what happened.
pub fn step(what: &str) {
    println!("\n==> {what}");
}

/// A `cargo` command run from the workspace root, with the installed tools on `PATH`.
pub fn cargo() -> Command {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command.current_dir(crate::root());
    command
}

/// `command` as a person would type it.
pub fn describe(command: &Command) -> String {
    let mut words = vec![command.get_program().to_string_lossy().into_owned()];
    words.extend(command.get_args().map(|a| a.to_string_lossy().into_owned()));
    words.join(" ")
}

/// Runs `command`, showing its output; fails with the command to run by hand.
pub fn run(command: &mut Command) -> Result<(), String> {
    let shown = describe(command);
    println!("    $ {shown}");
    let status = command
        .status()
        .map_err(|e| format!("could not start `{shown}`: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "`{shown}` failed ({status}); run it by hand to see why"
        ))
    }
}

/// Runs `command` and returns its trimmed standard output, or `None` if it cannot run or fails.
pub fn output(command: &mut Command) -> Option<String> {
    let out = command.stderr(Stdio::null()).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Runs a test command, echoing its output while `count` reads pass/fail counts from each line.
/// A failing run is not an error here: its counts say so, and the other suites still run.
pub fn run_counting(
    command: &mut Command,
    count: fn(&str) -> Option<Counts>,
) -> Result<Counts, String> {
    run_reading(command, count, |_| {})
}

/// [`run_counting`], also handing each line (colour codes removed) to `read`.
pub fn run_reading(
    command: &mut Command,
    count: fn(&str) -> Option<Counts>,
    mut read: impl FnMut(&str),
) -> Result<Counts, String> {
    let shown = describe(command);
    println!("    $ {shown}");
    let mut child = command
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start `{shown}`: {e}"))?;
    let mut counts = Counts::default();
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            println!("{line}");
            let plain = strip_ansi(&line);
            if let Some(found) = count(&plain) {
                counts = counts + found;
            }
            read(&plain);
        }
    }
    let status = child
        .wait()
        .map_err(|e| format!("`{shown}` did not finish: {e}"))?;
    if !status.success() && counts.failed == 0 {
        // It failed before any test could (a compile error, a crash): count that as a failure.
        counts.failed += 1;
        println!("    `{shown}` failed ({status}) before reporting its tests");
    }
    Ok(counts)
}

/// Removes terminal colour codes, so counts can be read from coloured output.
fn strip_ansi(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_codes_are_removed() {
        assert_eq!(
            strip_ansi("\u{1b}[32mok\u{1b}[0m. 3 passed"),
            "ok. 3 passed"
        );
    }

    #[test]
    fn commands_are_shown_as_typed() {
        let mut command = Command::new("cargo");
        command.args(["leptos", "build", "--release"]);
        assert_eq!(describe(&command), "cargo leptos build --release");
    }
}
