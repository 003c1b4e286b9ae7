//! `user add|list|role|password|disable|token`: the accounts the server
//! signs people in with (SPEC §11). Not to be confused with `--user`, the
//! recorder's name on the command line (`cli/user.rs`): the command line
//! works on the database directly, and records who ran these commands.

use std::io::{BufRead, IsTerminal};

use clap::{Args, Subcommand};

use super::Ctx;
use crate::accounts::{ACCOUNT_HEADERS, Password, Role};
use crate::app;
use crate::error::{Error, Result};
use crate::model::parse_date;

#[derive(Debug, Subcommand)]
pub(crate) enum UserCommand {
    /// Add an account (asks for its password, or reads it with --password-stdin)
    Add(AddArgs),
    /// Every account, with its role and whether it is active
    List,
    /// Change an account's role
    Role {
        name: String,
        /// viewer, assistant, supervisor, manager or auditor
        role: String,
    },
    /// Set a new password (the account's sessions end)
    Password {
        name: String,
        /// Read the password from the first line of standard input
        #[arg(long)]
        password_stdin: bool,
    },
    /// Disable an account: no more sign-ins; its sessions and tokens end
    Disable { name: String },
    /// Issue an API token for `Authorization: Bearer` (printed once, stored hashed)
    Token {
        name: String,
        /// The last day the token works [default: no expiry]
        #[arg(long, value_name = "DATE")]
        expires: Option<String>,
    },
}

#[derive(Debug, Args)]
pub(crate) struct AddArgs {
    /// The name the person signs in with
    name: String,
    /// viewer, assistant, supervisor, manager or auditor
    #[arg(long)]
    role: String,
    /// The person's full name
    #[arg(long, value_name = "TEXT")]
    full_name: Option<String>,
    /// Read the password from the first line of standard input
    #[arg(long)]
    password_stdin: bool,
}

/// The new password: one line of standard input, or asked for twice
/// without echo on a terminal.
fn read_password(name: &str, from_stdin: bool) -> Result<Password> {
    let io = |source| Error::Io {
        path: "<stdin>".into(),
        source,
    };
    if from_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).map_err(io)?;
        let line = line.strip_suffix('\n').unwrap_or(&line);
        let line = line.strip_suffix('\r').unwrap_or(line);
        return Password::new(line.to_owned());
    }
    if !std::io::stdin().is_terminal() {
        return Err(Error::missing(
            "password",
            "standard input is not a terminal to ask on: give --password-stdin and the password as one line",
        ));
    }
    let first = rpassword::prompt_password(format!("password for {name}: ")).map_err(io)?;
    let password = Password::new(first)?;
    let again = rpassword::prompt_password("the same again: ").map_err(io)?;
    if !password.is_same(&again) {
        return Err(Error::invalid(
            "password",
            "(not shown)",
            "the two passwords typed differ; nothing was changed",
        ));
    }
    Ok(password)
}

pub(super) fn run(ctx: &Ctx, c: UserCommand) -> Result<i32> {
    match c {
        UserCommand::Add(a) => {
            let role: Role = a.role.parse()?;
            let name = crate::accounts::parse_name(&a.name)?;
            let mut store = ctx.open()?;
            // Refuse a taken name before asking for a password.
            if app::accounts::get(&store, &name).is_ok() {
                return Err(Error::AlreadyExists {
                    entity: "account",
                    key: name,
                    within: None,
                });
            }
            let password = read_password(&name, a.password_stdin)?;
            let req = app::accounts::NewAccount {
                name,
                role,
                full_name: a.full_name,
                password,
            };
            let account = app::accounts::add(&mut store, &req, ctx.actor())?;
            ctx.say(&format!(
                "added account {} with role {}",
                account.name, account.role
            ));
            Ok(0)
        }
        UserCommand::List => {
            let store = ctx.open()?;
            let rows = app::accounts::list(&store)?;
            ctx.emit(ACCOUNT_HEADERS, &rows)?;
            Ok(0)
        }
        UserCommand::Role { name, role } => {
            let role: Role = role.parse()?;
            let mut store = ctx.open()?;
            if app::accounts::set_role(&mut store, &name, role, ctx.actor())? {
                ctx.say(&format!("{} is now {role}", name.trim()));
            } else {
                ctx.say(&format!(
                    "{} is already {role}; nothing recorded",
                    name.trim()
                ));
            }
            Ok(0)
        }
        UserCommand::Password {
            name,
            password_stdin,
        } => {
            let mut store = ctx.open()?;
            let account = app::accounts::get(&store, &name)?;
            let password = read_password(&account.name, password_stdin)?;
            app::accounts::set_password(&mut store, &account.name, &password, ctx.actor())?;
            ctx.say(&format!(
                "password of {} changed; its sessions have ended",
                account.name
            ));
            Ok(0)
        }
        UserCommand::Disable { name } => {
            let mut store = ctx.open()?;
            if app::accounts::disable(&mut store, &name, ctx.actor())? {
                ctx.say(&format!(
                    "{} disabled; its sessions and tokens have ended",
                    name.trim()
                ));
            } else {
                ctx.say(&format!("{} is already disabled", name.trim()));
            }
            Ok(0)
        }
        UserCommand::Token { name, expires } => {
            let expires = expires
                .as_deref()
                .map(|d| parse_date("--expires date", d))
                .transpose()?;
            let mut store = ctx.open()?;
            let issued = app::accounts::issue_token(&mut store, &name, expires, ctx.actor())?;
            ctx.print_line(&issued.token)?;
            ctx.say(&format!(
                "API token for {} (shown once; only its hash is kept){}",
                name.trim(),
                issued
                    .expires_on
                    .map(|d| format!(", valid through {d}"))
                    .unwrap_or_default()
            ));
            Ok(0)
        }
    }
}
