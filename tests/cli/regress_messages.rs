//! Regression tests for issue 12, defects 15–17: what labstock says
//! (messages, usage lines, a reader that stops early), who it says did it
//! (the user), and `reverse --reason` / `reverse --last`.

use std::io::Read;
use std::process::{Command, Stdio};

use crate::common::Lab;

/// A lab with a lot-tracked reagent (lot L1, 5 held) and gloves (5 held).
fn lab() -> Lab {
    let lab = Lab::new();
    lab.ok(&[
        "item",
        "add",
        "RGT-HBA1C",
        "--name",
        "HbA1c reagent",
        "--lot-tracked",
    ]);
    lab.ok(&["item", "add", "GLV", "--name", "Nitrile gloves"]);
    lab.ok(&[
        "receive",
        "RGT-HBA1C",
        "5",
        "--lot",
        "L1",
        "--expiry",
        "2027-06-30",
    ]);
    lab.ok(&["receive", "GLV", "5"]);
    lab
}

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The `user` and `reason` of movement `id`, from `history ITEM`.
fn user_and_reason(lab: &Lab, item: &str, id: &str) -> (String, String) {
    let rows = lab.csv(&["history", item]);
    let col = |name: &str| rows[0].iter().position(|h| h == name).expect(name);
    let row = rows
        .iter()
        .find(|r| r[0] == id)
        .unwrap_or_else(|| panic!("movement {id} in {rows:?}"));
    (row[col("user")].clone(), row[col("reason")].clone())
}

fn movement_count(lab: &Lab) -> i64 {
    lab.count("movements")
}

// ---- defect 15: messages ---------------------------------------------------

#[test]
fn defect_15_unknown_lot_message_not_escaped() {
    let lab = lab();
    let before = lab.db_bytes();
    let err = lab.fails(&["issue", "RGT-HBA1C", "1", "--lot", "h101"], 65);
    assert!(
        err.starts_with("error: unknown lot \"h101\" of item \"RGT-HBA1C\" (did you mean L1?)"),
        "{err}"
    );
    assert!(!err.contains('\\'), "no escaped quotes: {err}");
    assert_eq!(lab.db_bytes(), before);
}

#[test]
fn defect_15_order_line_messages_quote_each_key() {
    let lab = lab();
    lab.ok(&[
        "order",
        "add",
        "PO-1",
        "--item",
        "RGT-HBA1C",
        "--quantity",
        "5",
    ]);
    let before = lab.db_bytes();
    let unknown = lab.fails(&["receive", "GLV", "1", "--order", "PO-1"], 65);
    assert!(
        unknown.contains("unknown order line \"PO-1\" for item \"GLV\""),
        "{unknown}"
    );
    let twice = lab.fails(
        &[
            "order",
            "add",
            "PO-1",
            "--item",
            "rgt-hba1c",
            "--quantity",
            "2",
        ],
        65,
    );
    assert!(
        twice.contains("order line \"PO-1\" for item \"RGT-HBA1C\" already exists"),
        "{twice}"
    );
    for e in [&unknown, &twice] {
        assert!(!e.contains('\\'), "{e}");
    }
    assert_eq!(lab.db_bytes(), before);
}

#[test]
fn defect_15_not_enough_stock_has_single_spaces() {
    let lab = lab();
    let before = lab.db_bytes();
    for args in [
        &["issue", "RGT-HBA1C", "9", "--lot", "L1"][..],
        &["issue", "GLV", "9"],
        &["dispose", "GLV", "9", "--reason", "damaged"],
        &["transfer", "GLV", "9", "--from", "MAIN", "--to", "MAIN"],
        &["adjust", "GLV", "-9", "--reason", "damaged"],
    ] {
        let out = lab.run(args);
        let err = stderr_of(&out);
        assert_eq!(out.status.code(), Some(65), "{args:?}: {err}");
        assert!(!err.contains("  "), "{args:?}: double space in {err:?}");
    }
    let err = lab.fails(&["issue", "RGT-HBA1C", "9", "--lot", "L1"], 65);
    assert!(
        err.contains("not enough stock of RGT-HBA1C at MAIN"),
        "{err}"
    );
    let err = lab.fails(&["issue", "RGT-HBA1C", "9"], 65);
    assert!(
        err.contains("not enough usable stock of RGT-HBA1C at MAIN: 9 requested, 5 available"),
        "{err}"
    );
    assert_eq!(lab.db_bytes(), before);
}

#[test]
fn defect_15_usage_lines_leave_out_flags_from_the_environment() {
    let lab = lab();
    // The lab sets LABSTOCK_DB and LABSTOCK_USER; add the busy timeout too.
    let out = lab
        .cmd()
        .env("LABSTOCK_BUSY_TIMEOUT", "2s")
        .arg("issue")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = stderr_of(&out);
    assert!(
        err.contains("Usage: labstock issue <ITEM> <QTY>\n"),
        "{err}"
    );
    for flag in ["--db", "--user", "--busy-timeout"] {
        assert!(!err.contains(flag), "{flag} in {err}");
    }
    // The environment still counts: the command ran against LABSTOCK_DB.
    assert_eq!(lab.csv(&["stock", "--item", "GLV"]).len(), 2);
}

#[test]
fn defect_15_help_still_names_the_environment_variables() {
    let lab = Lab::empty();
    let help = lab.ok(&["receive", "--help"]);
    for var in ["LABSTOCK_DB", "LABSTOCK_USER", "LABSTOCK_BUSY_TIMEOUT"] {
        assert!(help.contains(var), "{var} in {help}");
    }
}

#[test]
fn defect_15_receipt_says_whose_balance_it_prints() {
    let lab = Lab::new();
    lab.ok(&["item", "add", "RGT", "--name", "Reagent", "--lot-tracked"]);
    lab.ok(&["item", "add", "GLV", "--name", "Gloves"]);
    lab.ok(&["location", "add", "FRIDGE-1"]);
    let said = |args: &[&str]| {
        let out = lab.run(args);
        assert!(out.status.success(), "{args:?}: {}", stderr_of(&out));
        stderr_of(&out)
    };
    let err = said(&[
        "receive",
        "RGT",
        "5",
        "--lot",
        "L1",
        "--expiry",
        "2027-01-01",
    ]);
    assert!(
        err.contains("movement 1: receive RGT +5 lot L1 at MAIN; lot L1 at MAIN now holds 5"),
        "{err}"
    );
    said(&[
        "receive",
        "RGT",
        "2",
        "--lot",
        "L2",
        "--expiry",
        "2027-02-01",
    ]);
    let err = said(&["receive", "RGT", "1", "--lot", "L1"]);
    assert!(err.contains("; lot L1 at MAIN now holds 6"), "{err}");
    let err = said(&["receive", "GLV", "4"]);
    assert!(err.contains("; GLV at MAIN now holds 4"), "{err}");
    let err = said(&["transfer", "GLV", "3", "--from", "MAIN", "--to", "FRIDGE-1"]);
    assert!(err.contains("; GLV at MAIN now holds 1"), "{err}");
    assert!(!err.contains("; balance"), "{err}");
}

/// Run labstock with stdout read for a few bytes, then closed, as `| head
/// -c 16` does. The output must be well over a pipe's buffer (64 KiB), so
/// the command is still writing when the reader goes.
fn read_a_little_then_close(lab: &Lab, args: &[&str]) -> std::process::Output {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin!("labstock"))
        .env_clear()
        .env("LABSTOCK_DB", &lab.db)
        .env("LABSTOCK_NOW", &lab.now)
        .env("LABSTOCK_USER", "a.tester")
        .env("NO_COLOR", "1")
        .current_dir(lab.path())
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn labstock");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut first = [0u8; 16];
    stdout.read_exact(&mut first).expect("some output");
    drop(stdout);
    child.wait_with_output().expect("wait")
}

#[test]
fn defect_15_broken_pipe_is_quiet() {
    let lab = Lab::new();
    lab.ok(&["item", "add", "RGT", "--name", "Reagent", "--lot-tracked"]);
    let mut csv = String::from("timestamp,kind,item,quantity,lot,expiry\n");
    for n in 0..2500 {
        csv.push_str(&format!(
            "2026-11-01T10:00:00Z,receive,RGT,1,LOT-{n:05},2027-06-30\n"
        ));
    }
    let file = lab.file("many.csv", &csv);
    lab.ok(&["import", "movements", file.to_str().expect("utf-8 path")]);
    let before = lab.db_bytes();
    for args in [
        &["item", "show", "RGT"][..],
        &["item", "show", "RGT", "--format", "json"],
        &["stock"],
        &["stock", "--format", "table"],
        &["stock", "--format", "json"],
        &["history", "RGT"],
        &["trace", "RGT", "LOT-00001"],
        &["export", "movements"],
        &["audit"],
        &["report", "expiry", "--within", "3650"],
    ] {
        let out = read_a_little_then_close(&lab, args);
        let err = stderr_of(&out);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
        assert!(!err.contains("error"), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(
            !err.contains("exported"),
            "{args:?} claims a full export: {err}"
        );
    }
    assert_eq!(lab.db_bytes(), before);
}

// ---- defect 16: who is recording -------------------------------------------

/// The account name of this process's uid, as `id` reports it (`uid N`
/// when the uid has no account).
fn account_name() -> String {
    let run = |flag: &str| {
        Command::new("id")
            .arg(flag)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
    };
    run("-un").unwrap_or_else(|| format!("uid {}", run("-u").expect("id -u")))
}

#[test]
fn defect_16_user_from_uid() {
    if !std::path::Path::new("/proc/self/status").exists() {
        return; // the uid is read from /proc (Linux)
    }
    let lab = lab();
    // No LABSTOCK_USER, USER, LOGNAME or USERNAME: a service or container.
    let out = lab
        .cmd()
        .env_remove("LABSTOCK_USER")
        .args(["issue", "GLV", "1"])
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", stderr_of(&out));
    let (user, _) = user_and_reason(&lab, "GLV", "3");
    assert_eq!(user, account_name());
    assert_ne!(user, "unknown");
    // An empty LABSTOCK_USER counts as unset.
    let out = lab
        .cmd()
        .env("LABSTOCK_USER", "")
        .args(["issue", "GLV", "1"])
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(user_and_reason(&lab, "GLV", "4").0, account_name());
    // A login name, when there is one, still comes first.
    let out = lab
        .cmd()
        .env_remove("LABSTOCK_USER")
        .env("USER", "j.okafor")
        .args(["issue", "GLV", "1"])
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(user_and_reason(&lab, "GLV", "5").0, "j.okafor");
}

#[test]
fn defect_16_empty_user_refused() {
    let lab = lab();
    let before = lab.db_bytes();
    for blank in ["", "   ", "\t"] {
        let out = lab.run(&["--user", blank, "issue", "GLV", "1"]);
        assert_eq!(out.status.code(), Some(2), "{blank:?}");
        let err = stderr_of(&out);
        assert!(err.starts_with("error: invalid value"), "{err}");
        assert!(err.contains("--user"), "{err}");
        let out = lab.run(&["issue", "GLV", "1", &format!("--user={blank}")]);
        assert_eq!(out.status.code(), Some(2), "{blank:?}");
    }
    for blank in ["   ", "\t"] {
        let out = lab
            .cmd()
            .env("LABSTOCK_USER", blank)
            .args(["issue", "GLV", "1"])
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(2), "{blank:?}");
        assert!(
            stderr_of(&out).contains("LABSTOCK_USER"),
            "{}",
            stderr_of(&out)
        );
    }
    assert_eq!(lab.db_bytes(), before);
    // A name with spaces around it is recorded trimmed.
    lab.ok(&["--user", "  j.okafor ", "issue", "GLV", "1"]);
    assert_eq!(user_and_reason(&lab, "GLV", "3").0, "j.okafor");
}

// ---- defect 17: reverse --reason, reverse --last ---------------------------

#[test]
fn defect_17_reverse_needs_reason() {
    let lab = lab();
    lab.ok(&["issue", "GLV", "2"]);
    let before = lab.db_bytes();
    // Without --reason: a usage error naming it.
    let out = lab.run(&["reverse", "3"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).contains("--reason <REASON>"),
        "{}",
        stderr_of(&out)
    );
    // A blank reason is refused as bad input.
    let err = lab.fails(&["reverse", "3", "--reason", "  "], 65);
    assert!(err.contains("reason is required"), "{err}");
    assert_eq!(lab.db_bytes(), before);
    // The reason is stored on the reversal.
    lab.ok(&["reverse", "3", "--reason", "issued against the wrong item"]);
    assert_eq!(
        user_and_reason(&lab, "GLV", "4"),
        (
            "a.tester".to_owned(),
            "issued against the wrong item".to_owned()
        )
    );
    // The synopsis in --help shows both forms.
    let help = lab.ok(&["reverse", "--help"]);
    assert!(help.contains("--last"), "{help}");
    assert!(help.contains("--reason"), "{help}");
}

#[test]
fn defect_17_reverse_last() {
    let lab = lab(); // movements 1 and 2 by a.tester
    let as_user = |user: &str, args: &[&str]| {
        lab.cmd()
            .env("LABSTOCK_USER", user)
            .args(args)
            .output()
            .expect("run")
    };
    lab.ok(&["receive", "GLV", "10"]); // 3: a.tester
    let out = as_user("b.other", &["receive", "GLV", "1"]); // 4: b.other
    assert!(out.status.success(), "{}", stderr_of(&out));

    // a.tester's latest is 3, not b.other's later 4.
    let out = lab.run(&["reverse", "--last", "--reason", "delivery note was wrong"]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    let said = stderr_of(&out);
    assert!(said.contains("reversing movement 3"), "{said}");
    assert!(
        said.contains("movement 5: reverse GLV -10 at MAIN"),
        "{said}"
    );
    assert_eq!(
        user_and_reason(&lab, "GLV", "5"),
        ("a.tester".to_owned(), "delivery note was wrong".to_owned())
    );

    // Again: 5 is a reversal and 3 is reversed, so the next is 2.
    let out = lab.run(&["reverse", "--last", "--reason", "counted twice"]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(
        stderr_of(&out).contains("reversing movement 2"),
        "{}",
        stderr_of(&out)
    );

    // Then 1 (RGT-HBA1C): nothing of a.tester's is left after that.
    lab.ok(&["reverse", "--last", "--reason", "wrong lot"]);
    let before = lab.db_bytes();
    let err = lab.fails(&["reverse", "--last", "--reason", "more"], 65);
    assert!(err.contains("a.tester has no movement to reverse"), "{err}");
    assert!(err.contains("hint: name the movement"), "{err}");
    assert_eq!(lab.db_bytes(), before);

    // b.other's own latest is still theirs to reverse.
    let out = as_user("b.other", &["reverse", "--last", "--reason", "not used"]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(
        stderr_of(&out).contains("reversing movement 4"),
        "{}",
        stderr_of(&out)
    );
    assert_eq!(user_and_reason(&lab, "GLV", "8").0, "b.other");
}

#[test]
fn defect_17_reverse_last_refused_when_the_stock_has_gone() {
    let lab = lab();
    lab.ok(&["issue", "GLV", "5"]); // 3
    lab.ok(&["reverse", "--last", "--reason", "not issued"]); // 4 reverses 3
    lab.ok(&["issue", "GLV", "5"]); // 5
    lab.ok(&["reverse", "--last", "--reason", "not issued"]); // 6 reverses 5
    // b.other takes one; a.tester's latest reversible movement is now 2,
    // the receipt of 5 gloves, and only 4 are there: never negative.
    lab.ok(&["issue", "GLV", "1", "--user", "b.other"]); // 7
    let before = lab.db_bytes();
    let err = lab.fails(&["reverse", "--last", "--reason", "never came"], 65);
    assert!(err.contains("5 requested, 4 available"), "{err}");
    assert_eq!(lab.db_bytes(), before);
}

#[test]
fn defect_17_reverse_bad_input_exits_as_the_spec_says() {
    let lab = lab();
    let before = lab.db_bytes();
    let count = movement_count(&lab);
    for (args, code, says) in [
        (&["reverse", "--reason", "x"][..], 2, "required"),
        (
            &["reverse", "2", "--last", "--reason", "x"],
            2,
            "cannot be used",
        ),
        (&["reverse", "--last"], 2, "--reason"),
        (
            &["reverse", "abc", "--reason", "x"],
            65,
            "invalid movement id \"abc\"",
        ),
        (&["reverse", "-3", "--reason", "x"], 2, ""),
        (
            &["reverse", "999", "--reason", "x"],
            65,
            "unknown movement \"999\"",
        ),
        (&["reverse", "2", "--reason", ""], 65, "reason is required"),
    ] {
        let out = lab.run(args);
        let err = stderr_of(&out);
        assert_eq!(out.status.code(), Some(code), "{args:?}: {err}");
        assert!(err.starts_with("error: "), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
    assert_eq!(lab.db_bytes(), before);
    assert_eq!(movement_count(&lab), count);
}
