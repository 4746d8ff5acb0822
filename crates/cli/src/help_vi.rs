//! The command line's own words in Vietnamese: clap's help (the about of every command and
//! argument, the headings) and its refusals. The English texts stay in the doc comments, where
//! clap's derive puts them; a Vietnamese run replaces them once, before parsing, so one run
//! speaks one language.

use clap::Command;
use clap::error::{ContextKind, ContextValue, ErrorKind};
use solieu_core::problem::Lang;
use std::error::Error as _;

/// The language asked for, read before clap parses anything: clap's own texts depend on it.
pub fn lang_from_args(args: &[std::ffi::OsString]) -> Lang {
    let mut given = None;
    let mut iter = args.iter().skip(1).filter_map(|a| a.to_str());
    while let Some(arg) = iter.next() {
        if arg == "--" {
            break;
        }
        if arg == "--lang" {
            given = iter.next().map(str::to_string);
        } else if let Some(value) = arg.strip_prefix("--lang=") {
            given = Some(value.to_string());
        }
    }
    let given = given.or_else(|| std::env::var("SOLIEU_LANG").ok());
    match given.as_deref().map(str::trim) {
        Some("en") | Some("EN") | Some("En") => Lang::En,
        _ => Lang::Vi,
    }
}

/// clap's help template with its one word ("Usage") in Vietnamese.
fn template() -> String {
    format!(
        "{{before-help}}{{about-with-newline}}\n{} {{usage}}\n\n{{all-args}}{{after-help}}",
        vi("cli-help-usage", &[])
    )
}

/// A message of `locales/vi/cli-help.ftl` with its values.
fn vi(id: &str, args: &[(&str, String)]) -> String {
    solieu_i18n::tr_args(Lang::Vi, id, args)
}

/// The Vietnamese of one of clap's texts, from `locales/vi/cli-help.ftl`.
fn help(id: &str) -> Option<String> {
    solieu_i18n::has(Lang::Vi, id).then(|| solieu_i18n::tr(Lang::Vi, id))
}

/// A command path or argument as it is written in a message id ("user/add" → "user-add").
fn id_part(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect::<String>()
        .trim_matches('-')
        .to_string()
}

/// The Vietnamese about of a command, by its path of names ("" for solieu itself).
fn command_about(path: &str) -> Option<String> {
    if path.is_empty() {
        help("cli-help-about")
    } else {
        help(&format!("cli-help-about-{}", id_part(path)))
    }
}

/// The Vietnamese help of an argument: first by command and argument, then by argument alone
/// for those that mean the same everywhere.
fn arg_help(path: &str, id: &str) -> Option<String> {
    help(&format!("cli-help-arg-{}-{}", id_part(path), id_part(id)))
        .or_else(|| help(&format!("cli-help-arg-{}", id_part(id))))
}

/// Placeholders in usage and help: clap writes an argument's id in capitals.
fn value_name(name: &str) -> Option<String> {
    help(&format!("cli-help-value-{}", id_part(name)))
}

/// Vietnamese texts on every command, argument and heading. Built first so that clap's own
/// `--help`, `--version` and `help` are there to translate too.
pub fn localize(mut cmd: Command, lang: Lang) -> Command {
    if lang == Lang::En {
        return cmd;
    }
    cmd.build();
    localize_command(cmd, "")
}

fn localize_command(cmd: Command, path: &str) -> Command {
    let about = command_about(path);
    let mut cmd = cmd
        .help_template(template())
        .subcommand_help_heading(vi("cli-help-heading-commands", &[]))
        .subcommand_value_name(vi("cli-help-value-COMMAND", &[]))
        .long_about(None::<&str>);
    if let Some(about) = about {
        cmd = cmd.about(about);
    }
    let ids: Vec<String> = cmd
        .get_arguments()
        .map(|a| a.get_id().to_string())
        .collect();
    for id in ids {
        cmd = cmd.mut_arg(&id, |arg| localize_arg(arg, path, &id));
    }
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in names {
        // The `help` command holds a copy of the tree: its commands read as the real ones.
        let sub_path = if path.is_empty() || path == "help" {
            name.clone()
        } else {
            format!("{path}/{name}")
        };
        cmd = cmd.mut_subcommand(&name, |sub| {
            if name == "help" {
                localize_command(sub, "help").about(vi("cli-help-about-help", &[]))
            } else {
                localize_command(sub, &sub_path)
            }
        });
    }
    cmd
}

/// One argument: its help, its placeholder, and what clap would add in English (default,
/// environment variable, possible values) said in Vietnamese.
fn localize_arg(mut arg: clap::Arg, path: &str, id: &str) -> clap::Arg {
    let mut help = arg_help(path, id).unwrap_or_default();
    if !arg.is_hide_possible_values_set() {
        let values: Vec<String> = arg
            .get_possible_values()
            .iter()
            .filter(|v| !v.is_hide_set())
            .map(|v| v.get_name().to_string())
            .collect();
        if !values.is_empty() && id != "help" && id != "version" {
            help.push_str(&vi(
                "cli-help-possible-values",
                &[("values", values.join(", "))],
            ));
        }
    }
    if !arg.is_hide_default_value_set() && !arg.get_default_values().is_empty() {
        let defaults: Vec<String> = arg
            .get_default_values()
            .iter()
            .map(|v| v.to_string_lossy().into_owned())
            .filter(|v| !v.is_empty())
            .collect();
        if !defaults.is_empty() && arg.get_action().takes_values() {
            help.push_str(&vi("cli-help-default", &[("values", defaults.join(", "))]));
        }
    }
    if let Some(env) = arg.get_env()
        && !arg.is_hide_env_set()
    {
        help.push_str(&vi(
            "cli-help-env",
            &[("name", env.to_string_lossy().into_owned())],
        ));
    }
    if let Some(names) = arg.get_value_names() {
        let names: Vec<clap::builder::Str> = names
            .iter()
            .map(|n| value_name(n.as_str()).map_or_else(|| n.clone(), Into::into))
            .collect();
        arg = arg.value_names(names);
    } else if arg.get_action().takes_values()
        && let Some(name) = value_name(&id.to_uppercase())
    {
        arg = arg.value_name(name);
    }
    let heading = if arg.is_positional() {
        vi("cli-help-heading-arguments", &[])
    } else {
        vi("cli-help-heading-options", &[])
    };
    arg.help(help.trim().to_string())
        .long_help(None::<&str>)
        .hide_possible_values(true)
        .hide_default_value(true)
        .hide_env(true)
        .help_heading(heading)
}

/// Every command path and argument the tree has, for the test that finds a missing
/// translation.
#[cfg(test)]
fn untranslated(cmd: &Command, path: &str, missing: &mut Vec<String>) {
    if path != "help" && command_about(path).is_none() {
        missing.push(format!("command {path:?}"));
    }
    for arg in cmd.get_arguments() {
        if arg_help(path, arg.get_id().as_str()).is_none() {
            missing.push(format!("{path:?} {}", arg.get_id()));
        }
    }
    for sub in cmd.get_subcommands() {
        if sub.get_name() == "help" {
            continue;
        }
        let sub_path = if path.is_empty() {
            sub.get_name().to_string()
        } else {
            format!("{path}/{}", sub.get_name())
        };
        untranslated(sub, &sub_path, missing);
    }
}

/// clap's refusal in the run's language: what was wrong, in our words, and the usage.
pub fn refusal(err: &clap::Error) -> String {
    let context = |kind: ContextKind| -> Option<String> {
        match err.get(kind)? {
            ContextValue::String(s) => Some(s.clone()),
            ContextValue::Strings(v) => Some(v.join(", ")),
            ContextValue::StyledStr(s) => Some(s.to_string()),
            ContextValue::StyledStrs(v) => Some(
                v.iter()
                    .map(|s| s.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            ContextValue::Number(n) => Some(n.to_string()),
            _ => None,
        }
    };
    let arg = context(ContextKind::InvalidArg).unwrap_or_default();
    let value = context(ContextKind::InvalidValue).unwrap_or_default();
    let valid = context(ContextKind::ValidValue);
    let suggested = context(ContextKind::SuggestedArg)
        .or_else(|| context(ContextKind::SuggestedSubcommand))
        .or_else(|| context(ContextKind::SuggestedValue));
    let mut message = match err.kind() {
        ErrorKind::UnknownArgument => vi("cli-help-refusal-unknown-argument", &[("arg", arg)]),
        ErrorKind::InvalidSubcommand => vi(
            "cli-help-refusal-invalid-subcommand",
            &[(
                "command",
                context(ContextKind::InvalidSubcommand).unwrap_or_default(),
            )],
        ),
        ErrorKind::InvalidValue if value.is_empty() => {
            vi("cli-help-refusal-needs-value", &[("arg", arg)])
        }
        ErrorKind::InvalidValue => vi(
            "cli-help-refusal-invalid-value",
            &[("value", value), ("arg", arg), ("reason", String::new())],
        ),
        ErrorKind::ValueValidation => {
            let reason = err
                .source()
                .map(|e| value_reason(&e.to_string()))
                .unwrap_or_default();
            vi(
                "cli-help-refusal-invalid-value",
                &[("value", value), ("arg", arg), ("reason", reason)],
            )
        }
        ErrorKind::MissingRequiredArgument => vi("cli-help-refusal-missing", &[("arg", arg)]),
        ErrorKind::MissingSubcommand => vi("cli-help-refusal-missing-subcommand", &[]),
        ErrorKind::ArgumentConflict => {
            let other = context(ContextKind::PriorArg).unwrap_or_default();
            vi(
                "cli-help-refusal-conflict",
                &[("arg", arg), ("other", other)],
            )
        }
        ErrorKind::TooManyValues => vi(
            "cli-help-refusal-too-many",
            &[("arg", arg), ("value", value)],
        ),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            vi("cli-help-refusal-too-few", &[("arg", arg)])
        }
        ErrorKind::NoEquals => vi("cli-help-refusal-no-equals", &[("arg", arg)]),
        ErrorKind::InvalidUtf8 => vi("cli-help-refusal-utf8", &[]),
        _ => vi("cli-help-refusal-other", &[]),
    };
    if let Some(valid) = valid.filter(|v| !v.is_empty()) {
        message.push_str(&vi("cli-help-refusal-valid-values", &[("valid", valid)]));
    }
    if let Some(suggested) = suggested {
        message.push_str(&vi(
            "cli-help-refusal-did-you-mean",
            &[("suggested", suggested)],
        ));
    }
    // Only some refusals carry the usage; the others end with the pointer to --help.
    let usage = err
        .get(ContextKind::Usage)
        .map(|u| u.to_string())
        .map(|u| u.trim().replace("Usage:", &vi("cli-help-usage", &[])))
        .map(|u| format!("\n\n{}", help_text(&u)))
        .unwrap_or_default();
    vi(
        "cli-help-refusal",
        &[("message", message), ("usage", usage)],
    )
}

/// What a value parser said, in Vietnamese where we know the parser.
fn value_reason(english: &str) -> String {
    if english.contains("input contains invalid characters")
        || english.contains("premature end of input")
        || english.contains("input is out of range")
        || english.contains("trailing input")
        || english.contains("input is not enough")
    {
        return vi("cli-help-reason-date", &[]);
    }
    if english.contains("is not a decimal convention") {
        return vi("cli-help-reason-decimal-convention", &[]);
    }
    if english.contains("expected NAME=N") {
        return vi("cli-help-reason-limit", &[]);
    }
    if english.contains("use KiB, MiB or GiB") || english.contains("not a whole number") {
        return vi("cli-help-reason-limit-number", &[]);
    }
    if english.contains("invalid digit")
        || english.contains("cannot parse integer")
        || english.contains("not a whole number")
    {
        return vi("cli-help-reason-whole-number", &[]);
    }
    if english.contains("invalid socket address") {
        return vi("cli-help-reason-address", &[]);
    }
    String::new()
}

/// Help output in Vietnamese: clap writes the usage's "[OPTIONS]" itself.
pub fn help_text(rendered: &str) -> String {
    rendered.replace("[OPTIONS]", &vi("cli-help-options-placeholder", &[]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn every_command_and_argument_has_vietnamese() {
        let mut missing = Vec::new();
        untranslated(&crate::Cli::command(), "", &mut missing);
        assert!(missing.is_empty(), "no Vietnamese for: {missing:#?}");
    }
}
