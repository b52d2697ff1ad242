//! One module per command; each returns what `main` turns into an exit code.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::cli::{ColorChoice, Command, GithubArgs, GlobalArgs};
use crate::config::{find_config, Config};
use crate::github::{CommentMode, PublishOptions};
use crate::report::{self, OutputFormat};
use crate::runner::suite::RunSettings;
use crate::verdict::{CheckVerdict, Report};

mod baseline;
mod calibrate;
mod check;
mod comment;
mod compare;
mod confirm;
mod context;
mod doctor;
mod explain;
mod history;
mod init;
mod record;
mod render;
mod run;

/// What a command ended with.
pub enum Outcome {
    /// A judged check: its verdict decides the exit code.
    Judged(CheckVerdict),
    /// Work done, nothing judged.
    Done,
}

pub fn dispatch(command: Command, global: &GlobalArgs) -> Result<Outcome> {
    match command {
        Command::Check(args) => check::run(&args, global),
        Command::Compare(args) => compare::run(&args, global),
        Command::Explain(args) => explain::run(&args, global),
        Command::Run => run::run(global),
        Command::Report(args) => render::run(&args, global),
        Command::Record(args) => record::run(&args, global),
        Command::Baseline(command) => baseline::run(&command, global),
        Command::Calibrate(args) => calibrate::run(&args, global),
        Command::History(args) => history::run(&args, global),
        Command::Comment(args) => comment::run(&args, global),
        Command::Init(args) => init::run(&args, global),
        Command::Doctor => doctor::run(global),
    }
}

/// What the command line says about GitHub, for the commands that talk to it.
fn github_options(
    args: &GithubArgs,
    comment: CommentMode,
    run_url: Option<String>,
    global: &GlobalArgs,
) -> PublishOptions {
    PublishOptions {
        comment,
        repository: args.repo.clone(),
        pr: args.pr,
        token_env: args.token_env.clone(),
        run_url,
        verbose: global.verbose,
    }
}

/// How suite commands run, from the global flags.
fn run_settings(global: &GlobalArgs) -> RunSettings {
    RunSettings { echo: global.verbose, ..RunSettings::default() }
}

/// The budget file: `--config`, else found upward from the working directory.
fn load_config(global: &GlobalArgs) -> Result<Config> {
    read_config(&locate_config(global)?)
}

/// Read a budget file and check what the adapters know of it (format names, units).
fn read_config(path: &std::path::Path) -> Result<Config> {
    let config = Config::load(path)?;
    crate::input::check_config(&config)?;
    crate::runner::counting::check_config(&config)?;
    Ok(config)
}

fn locate_config(global: &GlobalArgs) -> Result<PathBuf> {
    if let Some(path) = &global.config {
        return Ok(path.clone());
    }
    let here = std::env::current_dir().context("cannot read the working directory")?;
    find_config(&here).ok_or_else(|| {
        anyhow::anyhow!(
            "no {} found in {} or its parents (up to the git root)\n  hint: pass --config PATH, or write one (see README)",
            crate::config::CONFIG_FILE_NAME,
            here.display()
        )
    })
}

/// Print or write a report as the global options ask, and return its verdict.
fn emit_report(report: &Report, global: &GlobalArgs) -> Result<Outcome> {
    let color = use_color(global.color);
    let rendered = report::renderer(global.format, color && global.output.is_none()).render(report);
    match &global.output {
        Some(path) => {
            write_atomically(path, &rendered)?;
            if !global.quiet {
                print!("{}", report::renderer(OutputFormat::Text, color).render(report));
            }
        }
        None if !global.quiet => print!("{rendered}"),
        None => {}
    }
    Ok(Outcome::Judged(report.verdict))
}

fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    }
}

/// Write a file so that readers never see half of it: a temporary file in the same folder, then a rename.
pub fn write_atomically(path: &Path, contents: &str) -> Result<()> {
    let file = filled_temporary_file(path, contents)?;
    file.persist(path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// A temporary file next to `path` holding `contents`, to be renamed into place. Its mode is
/// what any new file gets (0666 less the umask, so 0644 under 0022), not the temporary file's
/// owner-only default: a report is read by other users and tools.
pub fn filled_temporary_file(path: &Path, contents: &str) -> Result<tempfile::NamedTempFile> {
    let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut builder = tempfile::Builder::new();
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut file =
        builder.tempfile_in(folder).with_context(|| format!("cannot create a file in {}", folder.display()))?;
    std::io::Write::write_all(&mut file, contents.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(file)
}
