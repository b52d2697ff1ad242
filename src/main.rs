//! The `perfgate` binary: parse arguments, dispatch, map the outcome to an exit code.

use std::process::ExitCode;

use clap::Parser;

use perfgate::cli::Cli;
use perfgate::commands::{dispatch, Outcome};
use perfgate::runner::usage;
use perfgate::verdict::CheckVerdict;

/// Exit codes are a contract (README, `--help`): 0 pass, 1 a KPI failed, 2 nothing judged.
const EXIT_FAIL: u8 = 1;
const EXIT_ERROR: u8 = 2;

fn main() -> ExitCode {
    stop_quietly_on_broken_pipe();
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if args.get(1).is_some_and(|a| a == usage::HELPER_ARGUMENT) {
        let code = usage::run_as_helper(&args[2..]);
        return ExitCode::from(u8::try_from(code).unwrap_or(EXIT_ERROR));
    }
    if let Ok(executable) = std::env::current_exe() {
        usage::use_helper(executable);
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return if error.use_stderr() { ExitCode::from(EXIT_ERROR) } else { ExitCode::SUCCESS };
        }
    };
    match dispatch(cli.command, &cli.global) {
        Ok(Outcome::Judged(CheckVerdict::Fail)) => ExitCode::from(EXIT_FAIL),
        Ok(_) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("perfgate: error: {}", error_chain(&error));
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// Like other Unix tools, end quietly when the reader of stdout goes away
/// (`perfgate explain big.csv | head`) instead of reporting a failed print.
fn stop_quietly_on_broken_pipe() {
    #[cfg(unix)]
    // SAFETY: restores the default disposition of SIGPIPE before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

fn error_chain(error: &anyhow::Error) -> String {
    let mut text = error.to_string();
    for cause in error.chain().skip(1) {
        text.push_str(&format!("\n  caused by: {cause}"));
    }
    text
}
