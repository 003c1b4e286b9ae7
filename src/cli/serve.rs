//! `labstock serve`: the browser front end and JSON API for the whole lab
//! (SPEC §11). This file parses the flags, builds the demo lab for
//! `--demo`, prints what the person starting the server needs to know,
//! and hands over to [`crate::web`].

use std::io::Write;
use std::net::SocketAddr;

use clap::Args;

use super::Ctx;
use crate::accounts::{Password, Role, random_password};
use crate::app;
use crate::clock::Clock;
use crate::demo::DEMO_NOW;
use crate::error::Result;
use crate::web::{ServeOptions, serve};

#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// The address to listen on (port 0: any free port, printed at start)
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    listen: String,
    /// TLS certificate chain (PEM), with --tls-key
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    tls_cert: Option<std::path::PathBuf>,
    /// TLS private key (PEM), with --tls-cert
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    tls_key: Option<std::path::PathBuf>,
    /// Serve a fresh demo lab (as `labstock demo` builds it) with one account per role; their passwords are printed on stderr
    #[arg(long)]
    demo: bool,
}

pub(super) fn run(ctx: &Ctx, a: ServeArgs) -> Result<i32> {
    let db = if a.demo {
        build_demo(ctx)?
    } else {
        ctx.db_path().to_owned()
    };
    let options = ServeOptions {
        db,
        open_options: ctx.open_options,
        listen: a.listen.trim().to_owned(),
        tls: a.tls_cert.clone().zip(a.tls_key.clone()),
    };
    let scheme = if options.tls.is_some() {
        "https"
    } else {
        "http"
    };
    serve(&options, |addr: SocketAddr| {
        let mut err = std::io::stderr().lock();
        if !addr.ip().is_loopback() && options.tls.is_none() {
            let _ = writeln!(
                err,
                "warning: serving without TLS on {addr}, which is not loopback: passwords and cookies cross the network in clear unless a reverse proxy in front terminates TLS"
            );
        }
        let _ = writeln!(
            err,
            "labstock serve: listening on {scheme}://{addr} (database {}); Ctrl-C stops it",
            options.db.display()
        );
    })?;
    Ok(0)
}

/// A fresh demo lab with one account per role, named after the role;
/// the generated passwords go to stderr (never into the database).
fn build_demo(ctx: &Ctx) -> Result<std::path::PathBuf> {
    let clock = if std::env::var_os("LABSTOCK_NOW").is_some() {
        ctx.clock()
    } else {
        Clock::pinned(DEMO_NOW)?
    };
    let path = super::demo::scratch_path(ctx, "labstock-serve-demo.db")?;
    let (mut store, _) = app::imports::build_demo(&path, clock.now(), &ctx.user)?;
    let actor = app::Actor::new(&ctx.user, &clock);
    let mut lines = Vec::new();
    for role in Role::ALL {
        let password = random_password();
        let req = app::accounts::NewAccount {
            name: role.as_str().to_owned(),
            role,
            full_name: Some(format!("Demo {role}")),
            password: Password::new(password.clone())?,
        };
        app::accounts::add(&mut store, &req, actor)?;
        lines.push(format!("  {:<11} password {password}", role.as_str()));
    }
    ctx.say(&format!(
        "demo lab built at {}; demo accounts (user name = role):\n{}",
        path.display(),
        lines.join("\n")
    ));
    Ok(path)
}
