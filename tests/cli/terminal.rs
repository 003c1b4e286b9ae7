//! The terminal: help layout, shell completions and the manual page.

use crate::common::Lab;

#[test]
fn a_subcommands_help_lists_its_own_options_first_and_the_global_ones_once_under_their_heading() {
    let lab = Lab::empty();
    let help = lab.ok(&["waste", "consign", "--help"]);
    let own = help.find("--consignment-note").unwrap();
    let carrier = help.find("--carrier ").unwrap();
    let heading = help.find("Global options:").expect(&help);
    let db = help.find("--db").unwrap();
    assert!(own < carrier && carrier < heading && heading < db, "{help}");
    for flag in [
        "--db",
        "--user",
        "--format",
        "--output",
        "--busy-timeout",
        "--wide",
        "--columns",
        "--bom",
    ] {
        // Listed once (as the start of a help line), after the heading.
        let listed: Vec<usize> = help
            .lines()
            .scan(0, |at, line| {
                let start = *at;
                *at += line.len() + 1;
                Some((start, line.trim_start()))
            })
            .filter(|(_, l)| *l == flag || l.starts_with(&format!("{flag} ")))
            .map(|(at, _)| at)
            .collect();
        assert_eq!(listed.len(), 1, "{flag} in {help}");
        assert!(listed[0] > heading, "{flag} under the heading: {help}");
    }
}

#[test]
fn completions_are_generated_for_every_shell_and_bash_parses_them() {
    let lab = Lab::empty();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = lab.ok(&["completions", shell]);
        assert!(script.contains("stocktake"), "{shell}");
    }
    let script = lab.file("labstock.bash", &lab.ok(&["completions", "bash"]));
    let status = std::process::Command::new("bash")
        .arg("-n")
        .arg(&script)
        .status()
        .expect("bash");
    assert!(status.success());
    let out = lab.run(&["completions", "nosuchshell"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_manual_page_is_generated_from_the_same_definitions() {
    let lab = Lab::empty();
    let man = lab.ok(&["man"]);
    assert!(
        man.starts_with(".ie") || man.contains(".TH labstock 1"),
        "{man}"
    );
    assert!(man.contains("stocktake"));
}
