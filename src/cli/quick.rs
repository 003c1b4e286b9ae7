//! The quick parse of the daily movement commands (`receive`, `issue`,
//! `transfer`, `adjust`, `count`, `dispose`, `open`, `reverse`).
//!
//! Building clap's whole command tree (every subcommand with every option
//! and help text, the global flags copied into each) was a fifth of a
//! `receive` or `issue` process (BENCHMARKS.md, "`receive`/`issue` within
//! 10%"). The commands a bench runs all day are parsed first against a
//! tree of the global flags and that one subcommand, built from the same
//! `Args` structs as the whole tree. Only a command line that parses there
//! is taken; anything else (another command, `--help`, `--version`, any
//! usage error) is parsed again against the whole tree, so every help text,
//! completion, manual page and error message is the whole tree's, as before.
//!
//! Why a line that parses in the small tree means the same in the whole:
//! the root of both holds the same global flags and settings, and the
//! subcommand is built by the same `Args` struct with the same name and no
//! other attributes, so from the token that names it on, both parse alike;
//! before it, the small tree accepts fewer tokens (only that subcommand's
//! name), never more. `tests` below compare the two trees and the parsed
//! results.

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

use super::{Cli, Command, GlobalArgs, movement};

/// The global flags and one subcommand `C`: the root of [`Cli`] (the same
/// arguments, `--version` included) without the other subcommands. Only
/// parses; never prints help or the version (a line that asks for either
/// is parsed again by [`Cli`]).
#[derive(Debug, Parser)]
#[command(name = "labstock", version, long_version = crate::hazard::LONG_VERSION)]
struct One<C: Subcommand> {
    #[command(flatten)]
    global: GlobalArgs,
    #[command(subcommand)]
    command: C,
}

/// One single-variant subcommand enum per movement command, each variant
/// named as in [`Command`] (so the subcommand's name is the same) and
/// holding the same `Args` struct.
macro_rules! one_command {
    ($($name:ident($args:ty) = $text:literal),* $(,)?) => {
        $(
            #[derive(Debug, Subcommand)]
            enum $name {
                $name($args),
            }
        )*

        /// The subcommands parsed quickly, by name.
        const NAMES: &[&str] = &[$($text),*];

        /// Parse `args` against the global flags and the subcommand `name`
        /// alone.
        fn parse_as(name: &str, args: &[std::ffi::OsString]) -> Option<Cli> {
            match name {
                $(
                    $text => {
                        let (global, $name::$name(a)) = parse_one::<$name>(args)?;
                        Some(Cli { global, command: Command::$name(a) })
                    }
                )*
                _ => None,
            }
        }
    };
}

one_command! {
    Receive(movement::ReceiveArgs) = "receive",
    Issue(movement::IssueArgs) = "issue",
    Transfer(movement::TransferArgs) = "transfer",
    Adjust(movement::AdjustArgs) = "adjust",
    Count(movement::CountArgs) = "count",
    Dispose(movement::DisposeArgs) = "dispose",
    Open(movement::OpenArgs) = "open",
    Reverse(movement::ReverseArgs) = "reverse",
}

/// The command line parsed quickly, when its first token that names a
/// movement command is the subcommand it runs and the whole line parses;
/// `None` otherwise (parse it against the whole tree).
pub(super) fn parse(args: &[std::ffi::OsString]) -> Option<Cli> {
    let name = args
        .iter()
        .skip(1)
        .find_map(|a| NAMES.iter().find(|n| a.to_str() == Some(**n)))?;
    parse_as(name, args)
}

fn parse_one<C: Subcommand + std::fmt::Debug>(
    args: &[std::ffi::OsString],
) -> Option<(GlobalArgs, C)> {
    // As in `Cli::parse_args`: the tree and the matches live until the
    // process ends, so they are not taken apart.
    let command: &'static mut clap::Command = Box::leak(Box::new(One::<C>::command()));
    let matches = command.try_get_matches_from_mut(args).ok()?;
    let mut one = One::<C>::from_arg_matches(&matches).ok()?;
    let (name, _) = matches.subcommand()?;
    one.global.command_path = name.to_owned();
    std::mem::forget(matches);
    Some((one.global, one.command))
}

#[cfg(test)]
mod tests {
    use std::ffi::OsString;

    use clap::CommandFactory;

    use super::*;

    fn argv(line: &str) -> Vec<OsString> {
        std::iter::once("labstock")
            .chain(line.split(' ').filter(|s| !s.is_empty()))
            .map(OsString::from)
            .collect()
    }

    /// The whole tree's parse, as `Cli::parse_args` does it.
    fn whole(args: &[OsString]) -> Option<Cli> {
        let mut command = Cli::command();
        let matches = command.try_get_matches_from_mut(args).ok()?;
        let mut cli = Cli::from_arg_matches(&matches).ok()?;
        let mut path = Vec::new();
        let mut level = &matches;
        while let Some((name, sub)) = level.subcommand() {
            path.push(name);
            level = sub;
        }
        cli.global.command_path = path.join(" ");
        Some(cli)
    }

    /// Each quick subcommand is the whole tree's: the same options, in the
    /// same order, with the same settings once both trees are built.
    #[test]
    fn each_quick_subcommand_is_built_as_in_the_whole_tree() {
        let mut full = Cli::command();
        full.build();
        let trees: Vec<clap::Command> = vec![
            One::<Receive>::command(),
            One::<Issue>::command(),
            One::<Transfer>::command(),
            One::<Adjust>::command(),
            One::<Count>::command(),
            One::<Dispose>::command(),
            One::<Open>::command(),
            One::<Reverse>::command(),
        ];
        assert_eq!(trees.len(), NAMES.len());
        for (mut tree, name) in trees.into_iter().zip(NAMES) {
            tree.build();
            let quick_root: Vec<String> = tree.get_arguments().map(|a| format!("{a:?}")).collect();
            let whole_root: Vec<String> = full.get_arguments().map(|a| format!("{a:?}")).collect();
            assert_eq!(quick_root, whole_root, "root of {name}");
            let subs: Vec<&str> = tree
                .get_subcommands()
                .map(clap::Command::get_name)
                .filter(|n| *n != "help")
                .collect();
            assert_eq!(subs, [*name]);
            let quick = tree.find_subcommand(name).unwrap();
            let whole = full.find_subcommand(name).unwrap();
            let args = |c: &clap::Command| -> Vec<String> {
                c.get_arguments().map(|a| format!("{a:?}")).collect()
            };
            assert_eq!(args(quick), args(whole), "{name}");
            let groups = |c: &clap::Command| -> Vec<String> {
                c.get_groups().map(|g| format!("{g:?}")).collect()
            };
            assert_eq!(groups(quick), groups(whole), "{name}");
            assert_eq!(
                quick.is_allow_negative_numbers_set(),
                whole.is_allow_negative_numbers_set()
            );
            assert_eq!(
                quick.is_subcommand_required_set(),
                whole.is_subcommand_required_set()
            );
            assert_eq!(quick.get_aliases().count(), whole.get_aliases().count());
        }
    }

    /// Every line the quick parse takes, the whole tree parses to the same
    /// command; every line it does not take is left to the whole tree.
    #[test]
    fn a_quick_parse_is_the_whole_trees_parse() {
        let taken = [
            "receive RGT 1",
            "receive RGT 100000000 --location MAIN",
            "--db x.db receive RGT 1 --lot L-1 --expiry 2027-01-31",
            "receive RGT 1 --db x.db --user amy --format json --wide --bom",
            "--busy-timeout 500ms receive RGT 1 --columns a,b",
            "receive --scan (01)09506000134352(17)270131(10)L-1",
            "issue RGT 1",
            "issue CHM-FORMALIN 1 --location MAIN",
            "issue RGT -1",
            "--user amy issue RGT 1 --lot L-1 --note bench",
            "issue RGT 1 --note receive",
            "transfer RGT 1 --from MAIN --to FRIDGE-1",
            "adjust RGT -3 --reason broken",
            "count RGT 5 --location MAIN",
            "dispose RGT 1 --reason expired",
            "open RGT 1",
            "reverse 12 --reason typo",
            "reverse --last --reason typo",
            "--verbose receive RGT 1",
        ];
        let left = [
            "",
            "--help",
            "-h",
            "--version",
            "-V",
            "help receive",
            "receive --help",
            "receive -h",
            "issue",
            "receive RGT 1 --bogus",
            "receive RGT 1 2 3 4",
            "--user receive issue RGT 1",
            "--user issue receive RGT 1",
            "report reorder",
            "stock --item RGT",
            "recieve RGT 1",
            "item add RECEIVE",
            "lot open RGT L-1",
            "receive RGT 1 --busy-timeout soon",
            "receive RGT 1 --format bogus",
            "reverse",
        ];
        for line in taken {
            let args = argv(line);
            let quick = parse(&args).unwrap_or_else(|| panic!("not taken: {line}"));
            let whole = whole(&args).unwrap_or_else(|| panic!("whole refuses: {line}"));
            assert_eq!(format!("{quick:?}"), format!("{whole:?}"), "{line}");
        }
        for line in left {
            let args = argv(line);
            if let Some(quick) = parse(&args) {
                let whole = whole(&args).unwrap_or_else(|| panic!("whole refuses: {line}"));
                assert_eq!(format!("{quick:?}"), format!("{whole:?}"), "{line}");
            }
        }
    }
}
