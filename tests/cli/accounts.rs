//! Accounts (SPEC §11, issue 14): `user add|list|role|password|disable|token`,
//! argon2id hashes never shown, every change a chained record in `audit`.

use crate::common::{Lab, parse_csv};

const PASSWORD: &str = "correct horse battery\n";

fn add(lab: &Lab, name: &str, role: &str) {
    let out = lab.run_stdin(
        &["user", "add", name, "--role", role, "--password-stdin"],
        PASSWORD,
    );
    assert!(out.status.success(), "{out:?}");
}

#[test]
fn accounts_are_added_listed_changed_and_disabled_with_chained_records() {
    let lab = Lab::new();
    let out = lab.run_stdin(
        &[
            "user",
            "add",
            "m.manager",
            "--role",
            "Manager",
            "--full-name",
            "Mo Manager",
            "--password-stdin",
        ],
        PASSWORD,
    );
    assert!(out.status.success(), "{out:?}");
    add(&lab, "a.assistant", "assistant");
    let list = lab.csv(&["user", "list"]);
    assert_eq!(
        list[0],
        [
            "name",
            "full_name",
            "role",
            "status",
            "created_at",
            "created_by"
        ]
    );
    assert_eq!(list[1][..4], ["a.assistant", "", "assistant", "active"]);
    assert_eq!(
        list[2][..4],
        ["m.manager", "Mo Manager", "manager", "active"]
    );
    assert_eq!(list[2][5], "a.tester");

    lab.ok(&["user", "role", "A.ASSISTANT", "supervisor"]);
    let out = lab.run_stdin(
        &["user", "password", "a.assistant", "--password-stdin"],
        "another long password\n",
    );
    assert!(out.status.success(), "{out:?}");
    lab.ok(&["user", "disable", "a.assistant"]);
    let list = lab.csv(&["user", "list"]);
    assert_eq!(list[1][2..4], ["supervisor", "disabled"]);

    let audit = parse_csv(&lab.ok(&["audit", "--entity", "account", "--format", "csv"]));
    let actions: Vec<(&str, &str)> = audit[1..]
        .iter()
        .map(|r| (r[4].as_str(), r[5].as_str()))
        .collect();
    assert_eq!(
        actions,
        [
            ("added", "account:m.manager"),
            ("added", "account:a.assistant"),
            ("role", "account:a.assistant"),
            ("password", "account:a.assistant"),
            ("disabled", "account:a.assistant"),
        ]
    );
    // No password, and no hash of one, is ever in the trail or the file's text.
    let all = lab.ok(&["audit", "--format", "csv"]);
    assert!(
        !all.contains("correct horse") && !all.contains("argon2"),
        "{all}"
    );
    lab.ok(&["check"]);
}

#[test]
fn bad_account_input_is_refused_and_writes_nothing() {
    let lab = Lab::new();
    add(&lab, "m.manager", "manager");
    let before = lab.db_bytes();
    let short = lab.run_stdin(
        &["user", "add", "x", "--role", "viewer", "--password-stdin"],
        "short\n",
    );
    assert_eq!(short.status.code(), Some(65));
    let stderr = String::from_utf8_lossy(&short.stderr);
    assert!(
        stderr.contains("at least 12 characters") && !stderr.contains("short\n"),
        "{stderr}"
    );
    let err = lab.fails(
        &["user", "add", "x", "--role", "admin", "--password-stdin"],
        65,
    );
    assert!(
        err.contains("viewer, assistant, supervisor, manager, auditor"),
        "{err}"
    );
    let dup = lab.run_stdin(
        &[
            "user",
            "add",
            "M.MANAGER",
            "--role",
            "viewer",
            "--password-stdin",
        ],
        PASSWORD,
    );
    assert_eq!(dup.status.code(), Some(65), "{dup:?}");
    let err = lab.fails(&["user", "role", "nobody", "viewer"], 65);
    assert!(err.contains("unknown account \"nobody\""), "{err}");
    // Without a terminal and without --password-stdin there is no one to ask.
    let err = lab.fails(&["user", "add", "y", "--role", "viewer"], 65);
    assert!(err.contains("--password-stdin"), "{err}");
    assert_eq!(lab.db_bytes(), before);
}

#[test]
fn a_token_is_printed_once_and_refused_for_a_disabled_account() {
    let lab = Lab::new();
    add(&lab, "m.manager", "manager");
    add(&lab, "t.assistant", "assistant");
    let token = lab.ok(&["user", "token", "t.assistant", "--expires", "2027-01-31"]);
    let token = token.trim();
    assert!(token.starts_with("lst_") && token.len() == 68, "{token}");
    let audit = lab.ok(&[
        "audit",
        "--entity",
        "account:t.assistant",
        "--format",
        "csv",
    ]);
    assert!(
        audit.contains("expires 2027-01-31") && !audit.contains(token),
        "{audit}"
    );
    let err = lab.fails(
        &["user", "token", "t.assistant", "--expires", "2026-11-20"],
        65,
    );
    assert!(err.contains("--expires"), "{err}");
    lab.ok(&["user", "disable", "t.assistant"]);
    let err = lab.fails(&["user", "token", "t.assistant"], 65);
    assert!(err.contains("disabled"), "{err}");
}

#[test]
fn the_last_active_manager_cannot_be_demoted_or_disabled() {
    let lab = Lab::new();
    add(&lab, "m.one", "manager");
    let err = lab.fails(&["user", "role", "m.one", "supervisor"], 65);
    assert!(err.contains("last active manager"), "{err}");
    let err = lab.fails(&["user", "disable", "m.one"], 65);
    assert!(
        err.contains("last active manager") && err.contains("user role"),
        "{err}"
    );
    add(&lab, "m.two", "manager");
    lab.ok(&["user", "disable", "m.one"]);
    let err = lab.fails(&["user", "role", "m.two", "viewer"], 65);
    assert!(err.contains("m.two is the last active manager"), "{err}");
}
