//! The `interview` command line: `serve`, and two commands that run the engine
//! on files (`check-template`, `validate`) so template authors and partners
//! can check their work without a server.
//!
//! Exit codes: 0 success, 1 the template or the answers have problems (the
//! report on stdout says which), 2 usage or I/O errors (a message on stderr).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use serde::Serialize;

use crate::config::ServeArgs;

/// The host binary's command line.
#[derive(Debug, Parser)]
#[command(
    name = "interview",
    version,
    about = "Client interviews: host and tools"
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the interview bundle and the API.
    Serve(ServeArgs),
    /// Check a template file; print its problems as JSON.
    CheckTemplate {
        /// The template (JSON).
        file: PathBuf,
    },
    /// Validate an answer set against a template; print the report as JSON.
    Validate {
        /// The template (JSON).
        #[arg(long)]
        template: PathBuf,
        /// The answer set (a JSON object).
        #[arg(long)]
        answers: PathBuf,
        /// The date rules compare with `today()`, YYYY-MM-DD; defaults to the current UTC date.
        #[arg(long)]
        today: Option<String>,
        /// The language of the messages (`en`, `fr`, `de`; any tag of those languages).
        #[arg(long, default_value = "en")]
        locale: String,
    },
    /// Add a staff user (the password is read from INTERVIEW_NEW_PASSWORD or standard input).
    AddUser {
        /// Sign-in email.
        #[arg(long)]
        email: String,
        /// `admin` or `staff`.
        #[arg(long, default_value = "staff")]
        role: String,
        /// The data directory.
        #[arg(long, env = "INTERVIEW_DATA_DIR", default_value = "./data")]
        data_dir: PathBuf,
    },
    /// Set a staff user's password (read from INTERVIEW_NEW_PASSWORD or standard input) and end
    /// their sessions.
    ResetPassword {
        /// Sign-in email.
        #[arg(long)]
        email: String,
        /// The data directory.
        #[arg(long, env = "INTERVIEW_DATA_DIR", default_value = "./data")]
        data_dir: PathBuf,
    },
    /// Disable a staff user: they cannot sign in, their sessions end and the API keys they made
    /// are revoked. The last enabled admin cannot be disabled.
    DisableUser {
        /// Sign-in email.
        #[arg(long)]
        email: String,
        /// The data directory.
        #[arg(long, env = "INTERVIEW_DATA_DIR", default_value = "./data")]
        data_dir: PathBuf,
    },
    /// Let a disabled staff user sign in again (their revoked API keys stay revoked).
    EnableUser {
        /// Sign-in email.
        #[arg(long)]
        email: String,
        /// The data directory.
        #[arg(long, env = "INTERVIEW_DATA_DIR", default_value = "./data")]
        data_dir: PathBuf,
    },
    /// Write a consistent copy of the database to FILE. While the host runs it keeps the database
    /// locked: then ask it with --host.
    Backup {
        /// Where to write the copy.
        file: PathBuf,
        /// The data directory.
        #[arg(long, env = "INTERVIEW_DATA_DIR", default_value = "./data")]
        data_dir: PathBuf,
        /// Asking a running host instead.
        #[command(flatten)]
        remote: crate::remote::RemoteArgs,
    },
    /// Check the database's integrity and print a report as JSON (exit 1 on problems). While the
    /// host runs it keeps the database locked: then ask it with --host.
    Check {
        /// The data directory.
        #[arg(long, env = "INTERVIEW_DATA_DIR", default_value = "./data")]
        data_dir: PathBuf,
        /// Asking a running host instead.
        #[command(flatten)]
        remote: crate::remote::RemoteArgs,
    },
}

/// Exit code: the input has problems.
pub const EXIT_PROBLEMS: u8 = 1;
/// Exit code: usage or I/O error.
pub const EXIT_USAGE: u8 = 2;

/// A template problem as the commands print it.
#[derive(Debug, Serialize)]
struct Problem {
    path: String,
    message: String,
}

/// `check-template`'s output.
#[derive(Debug, Serialize)]
struct Problems {
    problems: Vec<Problem>,
}

/// Runs `check-template FILE`.
pub fn check_template(file: &Path) -> ExitCode {
    let text = match read(file) {
        Ok(text) => text,
        Err(code) => return code,
    };
    match load_template(&text) {
        Ok(_) => print_json(
            &Problems {
                problems: Vec::new(),
            },
            0,
        ),
        Err(problems) => print_json(&problems, EXIT_PROBLEMS),
    }
}

/// Runs `validate --template FILE --answers FILE [--today DATE] [--locale TAG]`.
pub fn validate(template: &Path, answers: &Path, today: Option<&str>, locale: &str) -> ExitCode {
    let Some(locale) = interview_runtime::Locale::from_tag(locale) else {
        return usage_error(&format!("--locale: {}", interview_runtime::locale::unsupported(locale)));
    };
    let today = match today {
        Some(date) => date.to_owned(),
        None => utc_date_today(),
    };
    let Some(today) = interview_runtime::date::Date::parse(&today) else {
        return usage_error(&format!("--today: {today:?} is not a date (YYYY-MM-DD)"));
    };
    let template_text = match read(template) {
        Ok(text) => text,
        Err(code) => return code,
    };
    let answers_text = match read(answers) {
        Ok(text) => text,
        Err(code) => return code,
    };
    let answers: interview_runtime::AnswerSet = match serde_json::from_str(&answers_text) {
        Ok(answers) => answers,
        Err(error) => {
            return usage_error(&format!(
                "{}: not a JSON object of answers: {error}",
                answers.display()
            ))
        }
    };
    let template = match load_template(&template_text) {
        Ok(template) => template,
        Err(problems) => return print_json(&problems, EXIT_PROBLEMS),
    };
    let report = interview_runtime::validate::validate_in(&template, &answers, today, locale);
    let code = if report.valid { 0 } else { EXIT_PROBLEMS };
    print_json(&report, code)
}

fn load_template(text: &str) -> Result<interview_runtime::Template, Problems> {
    interview_runtime::Template::from_json(text).map_err(|error| {
        let problems = match error {
            interview_runtime::Error::InvalidTemplate(problems) => problems
                .into_iter()
                .map(|problem| Problem {
                    path: problem.path,
                    message: problem.message,
                })
                .collect(),
            other => vec![Problem {
                path: String::new(),
                message: other.to_string(),
            }],
        };
        Problems { problems }
    })
}

fn read(file: &Path) -> Result<String, ExitCode> {
    std::fs::read_to_string(file)
        .map_err(|error| usage_error(&format!("{}: {error}", file.display())))
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(EXIT_USAGE)
}

fn print_json(value: &impl Serialize, code: u8) -> ExitCode {
    match serde_json::to_string_pretty(value) {
        Ok(text) => {
            println!("{text}");
            ExitCode::from(code)
        }
        Err(error) => usage_error(&format!("could not write the report: {error}")),
    }
}

/// Today's date in UTC as `YYYY-MM-DD`. The command line may read the clock;
/// the engine never does, it is handed this date.
pub fn utc_date_today() -> String {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs())
        .unwrap_or(0);
    let (year, month, day) = civil_from_days((seconds / 86_400) as i64);
    format!("{year:04}-{month:02}-{day:02}")
}

/// Proleptic Gregorian date of a day number counted from 1970-01-01.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    // Count in 400-year eras starting on 0000-03-01, so the leap day ends a year.
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153; // 0 = March
    let day = (day_of_year - (153 * month_index + 2) / 5 + 1) as u32;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::civil_from_days;

    #[test]
    fn day_numbers_map_to_calendar_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(59), (1970, 3, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(11_017), (2000, 3, 1));
        assert_eq!(civil_from_days(19_722), (2023, 12, 31));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }
}
