//! The `labstock` executable: parse, run, turn the result into an exit code.

use std::io::Write;

/// mimalloc for every allocation of the process, SQLite's included (the
/// `override` feature in Cargo.toml): fewer instructions per allocation
/// than the C library's, where a command spent a seventh of its work.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let cli = match labstock::cli::Cli::parse_args() {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let code = match labstock::cli::run(cli) {
        Ok(code) => code,
        // The reader of our output stopped early (`labstock … | head`):
        // it got what it wanted, so stop quietly, as ripgrep does.
        Err(e) if e.is_broken_pipe() => e.exit_code(),
        Err(e) => {
            // Never panic on a closed stderr either: the exit code still
            // tells the caller what happened.
            let mut err = std::io::stderr().lock();
            let _ = writeln!(err, "error: {e}");
            if let Some(hint) = e.hint() {
                let _ = writeln!(err, "hint: {hint}");
            }
            e.exit_code()
        }
    };
    std::process::exit(code);
}
