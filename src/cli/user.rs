//! Who is recording. `--user` or `LABSTOCK_USER` when given (never blank),
//! else the login name (`$USER`, `$LOGNAME`, `$USERNAME`), else the account
//! name of the process's uid, so that a service, a container or a root
//! shell with no login variables still records a real name, not `unknown`.
//!
//! The uid and its name are read from `/proc/self/status` and
//! `/etc/passwd`: no `libc` call, so no unsafe code (forbidden in this
//! crate) and no new dependency.

/// The name a `--user` or `LABSTOCK_USER` value records, trimmed; a blank
/// one is refused (it would record nobody).
pub(super) fn given_name(text: &str) -> Result<String, String> {
    let name = text.trim();
    if name.is_empty() {
        return Err(
            "a user name cannot be empty or blank: give the name of the person recording".into(),
        );
    }
    if name.chars().any(char::is_control) {
        return Err("a user name cannot contain control characters".into());
    }
    Ok(name.to_owned())
}

/// The login name of whoever runs labstock, when no user was given.
pub(super) fn login_name() -> String {
    ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .find_map(|var| std::env::var(var).ok().and_then(|v| given_name(&v).ok()))
        .or_else(account_of_uid)
        .unwrap_or_else(|| "unknown".into())
}

/// The account name of the process's real uid, or `uid N` when the uid
/// has no entry in `/etc/passwd` (an arbitrary container uid).
fn account_of_uid() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let uid = real_uid(&status)?;
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    Some(name_of_uid(&passwd, uid).unwrap_or_else(|| format!("uid {uid}")))
}

/// The real uid: the first number of the `Uid:` line of
/// `/proc/self/status` (real, effective, saved, file-system).
fn real_uid(status: &str) -> Option<u32> {
    status
        .lines()
        .find_map(|line| line.strip_prefix("Uid:"))
        .and_then(|ids| ids.split_whitespace().next())
        .and_then(|uid| uid.parse().ok())
}

/// The first account in passwd(5) text whose uid is `uid`.
fn name_of_uid(passwd: &str, uid: u32) -> Option<String> {
    passwd.lines().find_map(|line| {
        if line.starts_with('#') {
            return None;
        }
        let mut fields = line.split(':');
        let name = fields.next()?.trim();
        let _password = fields.next()?;
        let id: u32 = fields.next()?.trim().parse().ok()?;
        (id == uid && given_name(name).is_ok()).then(|| name.to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::{given_name, name_of_uid, real_uid};

    #[test]
    fn the_real_uid_is_the_first_of_the_uid_line() {
        let status =
            "Name:\tlabstock\nUmask:\t0022\nUid:\t1001\t0\t0\t0\nGid:\t100\t100\t100\t100\n";
        assert_eq!(real_uid(status), Some(1001));
        assert_eq!(real_uid("Name:\tx\n"), None);
        assert_eq!(real_uid("Uid:\tx 0 0 0\n"), None);
    }

    #[test]
    fn an_account_is_found_by_uid_skipping_comments_and_broken_lines() {
        let passwd = "# local accounts\nroot:x:0:0:root:/root:/bin/bash\nbroken line\n\
                      :x:7:7::/:/bin/false\nsvc-lab:x:998:998:labstock service:/var/lib/labstock:/usr/sbin/nologin\n\
                      alias:x:998:998::/:/bin/sh\n";
        assert_eq!(name_of_uid(passwd, 0).as_deref(), Some("root"));
        assert_eq!(name_of_uid(passwd, 998).as_deref(), Some("svc-lab"));
        assert_eq!(name_of_uid(passwd, 7), None);
        assert_eq!(name_of_uid(passwd, 1000), None);
        assert_eq!(name_of_uid("", 0), None);
    }

    #[test]
    fn a_given_name_is_trimmed_and_never_blank() {
        assert_eq!(given_name("  a.tester ").as_deref(), Ok("a.tester"));
        assert!(given_name("").is_err());
        assert!(given_name(" \t ").is_err());
        assert!(given_name("a\nb").is_err());
    }
}
